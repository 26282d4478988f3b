//! Storing interviews uploaded from the interviewer page: each goes through
//! the same checks and submission writer as a phone's answer, marked
//! `interview`, under the round's rule (its minimum answering time too).
//! The client id made on the device makes a repeated upload harmless. The
//! answer carries no trace of the interviewer: no account, no device mark.

use chrono::{DateTime, Utc};

use super::{
    interview_types::{InterviewIn, UploadResultOut},
    paper_entry,
};
use crate::{
    auth::{CurrentUser, Role},
    domain::{
        collection::CollectionMode,
        round::DuplicatePolicy,
        submission::{RawAnswer, Validity, check_answers},
        tally::{MiddleTable, PRIMARY_LANGUAGE, PlaceItem},
    },
    error::{ApiError, AppError, ErrorCode},
    state::AppState,
    store, survey,
    writer::{Outcome, Submission},
};

/// The links of the round the account may upload interviews for: `None`
/// for organisers and admins (every link of the round), the assigned ones
/// for an interviewer; 403 for any other account.
pub async fn allowed_links(
    state: &AppState,
    who: &CurrentUser,
    round: &store::scope::Rounds,
) -> Result<Option<Vec<i64>>, AppError> {
    // 404 first for another county's round, whatever the role.
    who.require(Role::Interviewer)?;
    if who.role >= Role::Organiser {
        who.require(Role::Organiser)?;
        return Ok(None);
    }
    if who.role == Role::Interviewer {
        return Ok(Some(
            store::interviews::links_of(&state.db, who.id, round).await?,
        ));
    }
    Err(AppError::Forbidden(
        "只有访谈员和组织管理员可以上传访谈记录".to_string(),
    ))
}

/// Refuses (403) an upload naming a link the interviewer is not assigned.
pub fn check_assigned(
    allowed: &Option<Vec<i64>>,
    interviews: &[InterviewIn],
) -> Result<(), AppError> {
    let Some(links) = allowed else {
        return Ok(());
    };
    match interviews.iter().find(|i| !links.contains(&i.link_id)) {
        Some(_) => Err(AppError::Forbidden(
            "本账号没有这所学校（调查对象）的访谈任务，请联系组织管理员分配".to_string(),
        )),
        None => Ok(()),
    }
}

/// When the interview counts as submitted: the time saved on the device,
/// unless it is missing, in the future or before the round opened.
fn submitted_at(recorded: Option<DateTime<Utc>>, opens_at: DateTime<Utc>) -> DateTime<Utc> {
    let now = Utc::now();
    recorded
        .filter(|t| *t <= now && *t >= opens_at)
        .unwrap_or(now)
}

/// Stores one interview; a rule it breaks (422) or a state that refuses
/// it (409) is its result, anything else fails the upload.
pub async fn store_one(
    state: &AppState,
    round: &store::scope::Rounds,
    interview: &InterviewIn,
) -> Result<UploadResultOut, AppError> {
    match try_store(state, round, interview).await {
        Ok(out) => Ok(out),
        Err(e @ (AppError::Validation { .. } | AppError::Conflict { .. })) => {
            let message = e.to_string();
            let error = match ApiError::from(e) {
                ApiError::Unprocessable(b) | ApiError::Conflict(b) => Some(b.0),
                _ => None,
            };
            Ok(UploadResultOut {
                client_id: interview.client_id,
                status: "refused".to_string(),
                counted: false,
                message,
                error,
            })
        }
        Err(e) => Err(e),
    }
}

async fn try_store(
    state: &AppState,
    round: &store::scope::Rounds,
    interview: &InterviewIn,
) -> Result<UploadResultOut, AppError> {
    let round_id = round.one_id()?;
    let open = paper_entry::open_link(state, round, interview.link_id).await?;
    let raw: Vec<RawAnswer> = interview
        .answers
        .iter()
        .map(|a| RawAnswer {
            item: a.item.clone(),
            option: a.option,
            text: a.text.clone(),
        })
        .collect();
    let checked = check_answers(&open.questionnaire, &raw).map_err(|e| match e.item {
        Some(item) => AppError::invalid_field(item, e.message),
        None => AppError::validation(e.message),
    })?;
    let round = &open.ctx().round;
    let duration_ms = interview.duration_ms.clamp(0, 7 * 24 * 3600 * 1000);
    let validity = if duration_ms < i64::from(round.min_answer_seconds) * 1000 {
        Validity::TooFast
    } else {
        Validity::Valid
    };
    let group = open.ctx().group.code();
    let place =
        PlaceItem::for_group(&open.questionnaire, group).and_then(|p| p.place(&checked.encoded));
    let middle = MiddleTable::new(&open.questionnaire, open.link.scale).count(&checked.encoded);
    let outcome = state
        .writer
        .submit(Submission {
            client_id: interview.client_id.into(),
            county_id: open.ctx().link.county_id,
            round_id,
            link_id: open.ctx().link.id,
            school_id: open.ctx().link.school_id,
            group: open.ctx().group,
            submitted_at: submitted_at(interview.recorded_at, round.opens_at),
            duration_ms,
            validity,
            answers: checked,
            // The interviewer's phone is no respondent's device, and the
            // interviewer admits the respondent: no device mark, no code.
            device_hash: None,
            duplicate_policy: DuplicatePolicy::Flag,
            shared_device: false,
            shared_device_limit: 0,
            access_code_hash: None,
            place,
            middle,
            // Read aloud from the Chinese questionnaire.
            language: PRIMARY_LANGUAGE.to_string(),
            room_session_id: None,
            mode: CollectionMode::Interview,
            sheet: None,
        })
        .await?;
    let (status, receipt) = match outcome {
        Outcome::Created(r) => ("stored", r),
        Outcome::Replayed(r) => ("already_stored", r),
        Outcome::ClientIdReused => {
            return Err(AppError::conflict(
                ErrorCode::ClientIdReused,
                "该访谈记录编号已用于另一份不同的答卷",
            ));
        }
        Outcome::Refused(r) => return Err(survey::refused(r)),
    };
    Ok(UploadResultOut {
        client_id: interview.client_id,
        status: status.to_string(),
        counted: receipt.validity == Validity::Valid,
        message: receipt.validity.receipt_zh(),
        error: None,
    })
}
