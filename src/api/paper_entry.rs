//! Keying a paper sheet: the marks are read by the domain's rule
//! (`collection::read_marks`), and a sheet that counts goes through the same
//! submission writer as a phone's answer, marked `paper`, with its serial
//! claimed in the writer's transaction. Under double entry the first entry
//! waits; a second, by another clerk, counts when it agrees and is listed for
//! a supervisor when it does not.

use chrono::Utc;

use crate::{
    admission::{NewSheet, SheetClaim},
    auth::{CurrentUser, Role},
    domain::{
        client_id::ClientId,
        collection::{CollectionMode, KeyedSheet, mismatches, normalise_marks, read_marks},
        round::DuplicatePolicy,
        submission::Validity,
        tally::{MiddleTable, PlaceItem},
    },
    error::{AppError, ErrorCode},
    state::AppState,
    store::{
        self,
        paper::{Sheet, status},
        scope::Rounds,
    },
    survey::{self, OpenLink},
    writer::{Outcome, Submission},
};

/// What became of an entry.
pub struct Entered {
    pub sheet: Sheet,
    /// Stored now (201) rather than found stored (200).
    pub created: bool,
    /// The sheet's response counts now.
    pub counted: bool,
    /// Where a second entry disagrees with the first: (item, first, second).
    pub mismatches: Vec<(String, char, char)>,
}

/// Refuses unless the account may key this round's sheets: organisers and
/// admins any round, clerks the rounds assigned to them.
pub async fn may_enter(state: &AppState, who: &CurrentUser, round_id: i64) -> Result<(), AppError> {
    who.require(Role::Clerk)?;
    if who.role >= Role::Organiser {
        return Ok(());
    }
    if who.role == Role::Clerk && store::paper::clerk_may_enter(&state.db, who.id, round_id).await?
    {
        return Ok(());
    }
    Err(AppError::Forbidden(
        "本账号没有本轮的纸质问卷录入任务，请联系组织管理员分配".to_string(),
    ))
}

/// The open link of a round (one round, read back) by id; a link of
/// another round is a bad `link_id`.
pub async fn open_link(
    state: &AppState,
    round: &Rounds,
    link_id: i64,
) -> Result<OpenLink, AppError> {
    let link = match store::links::get(&state.db, round, link_id).await {
        Err(AppError::NotFound(_)) => {
            return Err(AppError::invalid_field("link_id", "本轮没有这个调查链接"));
        }
        found => found?,
    };
    survey::open_link(state, &link.token).await
}

fn read(open: &OpenLink, marks: &str) -> Result<KeyedSheet, AppError> {
    read_marks(&open.questionnaire, marks).map_err(|e| match e.item {
        Some(item) => AppError::invalid_field(item, e.message),
        None => AppError::invalid_field("marks", e.message),
    })
}

/// Stores a sheet's response through the writer.
async fn submit(
    state: &AppState,
    open: &OpenLink,
    sheet: &KeyedSheet,
    client_id: ClientId,
    claim: SheetClaim,
) -> Result<Outcome, AppError> {
    let group = open.ctx().group.code();
    let encoded = &sheet.answers.encoded;
    let place = PlaceItem::for_group(&open.questionnaire, group).and_then(|p| p.place(encoded));
    let middle = MiddleTable::new(&open.questionnaire, open.link.scale).count(encoded);
    let outcome = state
        .writer
        .submit(Submission {
            client_id,
            county_id: open.ctx().link.county_id,
            round_id: open.ctx().round.id,
            link_id: open.ctx().link.id,
            school_id: open.ctx().link.school_id,
            group: open.ctx().group,
            submitted_at: Utc::now(),
            // A sheet has no answering time: never "too fast".
            duration_ms: 0,
            validity: Validity::Valid,
            answers: sheet.answers.clone(),
            device_hash: None,
            duplicate_policy: DuplicatePolicy::Flag,
            shared_device: false,
            shared_device_limit: 0,
            access_code_hash: None,
            place,
            middle,
            // Printed sheets are the Chinese questionnaire.
            language: crate::domain::tally::PRIMARY_LANGUAGE.to_string(),
            room_session_id: None,
            mode: CollectionMode::Paper,
            sheet: Some(claim),
        })
        .await?;
    match outcome {
        Outcome::ClientIdReused => Err(AppError::conflict(
            ErrorCode::ClientIdReused,
            "该提交编号已用于另一份不同的答卷",
        )),
        Outcome::Refused(r) => Err(survey::refused(r)),
        stored => Ok(stored),
    }
}

fn serial_used() -> AppError {
    AppError::conflict(
        ErrorCode::SheetSerialUsed,
        "本轮已录入过这个编号的纸质问卷，同一编号不能重复录入",
    )
}

/// Keys one sheet (see the module's note on double entry).
pub async fn enter(
    state: &AppState,
    who: &CurrentUser,
    round_id: i64,
    link_id: i64,
    serial: &str,
    marks: &str,
    client_id: ClientId,
) -> Result<Entered, AppError> {
    let round = Rounds::read(&state.db, round_id).await?;
    let open = open_link(state, &round, link_id).await?;
    let marks = normalise_marks(marks);
    let keyed = read(&open, &marks)?;
    let new = NewSheet {
        county_id: open.ctx().link.county_id,
        round_id,
        link_id,
        serial: serial.to_string(),
        marks: marks.clone(),
        entered_by: who.id,
    };
    if !store::paper::double_entry(&state.db, &round).await? {
        let outcome = submit(state, &open, &keyed, client_id, SheetClaim::New(new)).await?;
        let sheet = match store::paper::find(&state.db, &round, serial).await? {
            Some(sheet) => sheet,
            // The client id was stored with another serial (the same marks):
            // the writer replayed that answer and claimed nothing.
            None if matches!(outcome, Outcome::Replayed(_)) => {
                return Err(AppError::conflict(
                    ErrorCode::ClientIdReused,
                    "该录入编号已用于另一张纸质问卷，请刷新录入页面后重新录入",
                ));
            }
            None => return Err(AppError::Unexpected("stored sheet not found".into())),
        };
        return Ok(Entered {
            sheet,
            created: matches!(outcome, Outcome::Created(_)),
            counted: true,
            mismatches: vec![],
        });
    }
    let Some(first) = store::paper::find(&state.db, &round, serial).await? else {
        if !store::paper::insert_first(&state.db, &new).await? {
            return Err(serial_used());
        }
        let sheet = store::paper::find(&state.db, &round, serial)
            .await?
            .ok_or_else(|| AppError::Unexpected("stored sheet not found".into()))?;
        return Ok(Entered {
            sheet,
            created: true,
            counted: false,
            mismatches: vec![],
        });
    };
    if first.status != status::AWAITING_SECOND {
        return Err(serial_used());
    }
    if first.first_by == Some(who.id) {
        if first.first_marks == marks && first.link_id == link_id {
            // The same clerk sent the same first entry again (a retry).
            return Ok(Entered {
                sheet: first,
                created: false,
                counted: false,
                mismatches: vec![],
            });
        }
        return Err(AppError::conflict(
            ErrorCode::SheetEntryState,
            "这张问卷已由您录入第一遍，第二遍须由另一位录入员录入",
        ));
    }
    if first.link_id != link_id {
        return Err(AppError::invalid_field(
            "link_id",
            "第二遍录入的学校或调查对象与第一遍不一致，请核对问卷上的二维码",
        ));
    }
    let diff = mismatches(&open.questionnaire, &first.first_marks, &marks);
    if !diff.is_empty() {
        if !store::paper::set_second(&state.db, first.id, &marks, who.id, status::MISMATCH).await? {
            return Err(serial_used());
        }
        let sheet = store::paper::get(&state.db, &round, first.id).await?;
        return Ok(Entered {
            sheet,
            created: true,
            counted: false,
            mismatches: diff,
        });
    }
    if !store::paper::set_second(&state.db, first.id, &marks, who.id, status::AWAITING_SECOND)
        .await?
    {
        return Err(serial_used());
    }
    store::paper::set_final(&state.db, first.id, &marks, None).await?;
    let claim = SheetClaim::Finalise {
        sheet_id: first.id,
        status: status::MATCHED.to_string(),
    };
    let outcome = submit(state, &open, &keyed, client_id, claim).await?;
    Ok(Entered {
        sheet: store::paper::get(&state.db, &round, first.id).await?,
        created: matches!(outcome, Outcome::Created(_)),
        counted: true,
        mismatches: vec![],
    })
}

/// A supervisor settles a mismatched sheet with the marks on the paper.
pub async fn resolve(
    state: &AppState,
    who: &CurrentUser,
    round_id: i64,
    sheet_id: i64,
    marks: &str,
) -> Result<Sheet, AppError> {
    let round = Rounds::read(&state.db, round_id).await?;
    let sheet = store::paper::get(&state.db, &round, sheet_id).await?;
    if sheet.status != status::MISMATCH {
        return Err(AppError::conflict(
            ErrorCode::SheetEntryState,
            "只有两遍录入不一致的问卷需要核对处理",
        ));
    }
    let open = open_link(state, &round, sheet.link_id).await?;
    let marks = normalise_marks(marks);
    let keyed = read(&open, &marks)?;
    store::paper::set_final(&state.db, sheet.id, &marks, Some(who.id)).await?;
    let claim = SheetClaim::Finalise {
        sheet_id: sheet.id,
        status: status::RESOLVED.to_string(),
    };
    let client_id = uuid::Uuid::new_v4().into();
    submit(state, &open, &keyed, client_id, claim).await?;
    store::paper::get(&state.db, &round, sheet.id).await
}
