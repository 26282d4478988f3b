//! The respondent's side: resolving a link token to an open questionnaire
//! and submitting a response. Shared by the JSON API and the HTML pages.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use std::sync::Arc;

use crate::error::ErrorCode;
use crate::{
    admission::Refusal,
    device,
    domain::{
        client_id::ClientId,
        collection::CollectionMode,
        language::normalise_tag,
        questionnaire::Questionnaire,
        rooms::{RoomRefusal, RoomWindow},
        round::{Availability, RoundStatus, availability},
        submission::{RawAnswer, Validity, check_answers},
        tally::{MiddleTable, PRIMARY_LANGUAGE, PlaceItem},
    },
    error::AppError,
    link_cache::{CachedLink, RoundLanguages},
    state::AppState,
    store::{self, access_codes, links::LinkContext},
    writer::{Outcome, Submission},
};

/// A link that accepts responses now, with its frozen questionnaire.
pub struct OpenLink {
    pub link: Arc<CachedLink>,
    pub questionnaire: Arc<Questionnaire>,
}

impl OpenLink {
    pub fn ctx(&self) -> &LinkContext {
        &self.link.ctx
    }
}

/// Formats a time for respondents, in Beijing time.
pub fn beijing(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai)
        .format("%Y年%m月%d日 %H:%M")
        .to_string()
}

/// Why a link does not accept responses, as the respondent should read it.
pub fn refusal(ctx: &LinkContext, now: DateTime<Utc>) -> Option<AppError> {
    if !ctx.link.enabled {
        return Some(AppError::conflict(
            ErrorCode::LinkDisabled,
            "该调查链接已停用，请联系学校或教育局获取新的链接",
        ));
    }
    match availability(
        ctx.round.status,
        ctx.round.opens_at,
        ctx.round.closes_at,
        now,
    ) {
        Availability::Accepting => None,
        Availability::Draft => Some(AppError::conflict(
            ErrorCode::RoundNotOpen,
            "调查尚未开始，请稍后再来",
        )),
        Availability::NotYetOpen { opens_at } => Some(AppError::conflict(
            ErrorCode::RoundNotOpen,
            format!("调查尚未开始，将于{}（北京时间）开始", beijing(opens_at)),
        )),
        Availability::Closed => Some(AppError::conflict(
            ErrorCode::RoundClosed,
            "本次调查已经结束，感谢您的关注",
        )),
    }
}

/// The link behind a token, from memory while its context is trusted (see
/// `link_cache`).
pub async fn find(state: &AppState, token: &str) -> Result<Arc<CachedLink>, AppError> {
    if let Some(link) = state.links.link(token) {
        return Ok(link);
    }
    let epoch = state.links.epoch();
    let ctx = store::links::find_by_token(&state.db, token)
        .await?
        .ok_or_else(|| AppError::not_found("调查链接不存在，请检查二维码或链接是否完整"))?;
    let codes_required = access_codes::required(&state.db, ctx.link.id).await?;
    let languages = round_languages(state, &ctx).await?;
    Ok(state.links.put_link(
        token,
        CachedLink {
            scale: ctx.round.scoring_rule.scale,
            languages: languages.languages.clone(),
            offered: languages.offered.clone(),
            ctx,
            codes_required,
            public_json: Default::default(),
        },
        epoch,
    ))
}

/// A link's round's languages: read once for a round that has opened
/// (they freeze with it), every time for a draft.
async fn round_languages(
    state: &AppState,
    ctx: &LinkContext,
) -> Result<Arc<RoundLanguages>, AppError> {
    let round_id = ctx.round.id;
    if let Some(l) = state.links.round_languages(round_id) {
        return Ok(l);
    }
    let l = RoundLanguages {
        languages: store::translations::languages(&state.db, &ctx.round).await?,
        offered: store::translations::complete_languages(&state.db, &ctx.round).await?,
    };
    Ok(if ctx.round.status == RoundStatus::Draft {
        Arc::new(l)
    } else {
        state.links.put_round_languages(round_id, l)
    })
}

/// The link's questionnaire in one of the round's complete additional
/// languages (`zh`: as written), frozen with the round.
pub async fn questionnaire_in(
    state: &AppState,
    open: &OpenLink,
    tag: &str,
) -> Result<Arc<Questionnaire>, AppError> {
    if tag == PRIMARY_LANGUAGE || !open.link.offered.iter().any(|t| t == tag) {
        return Ok(open.questionnaire.clone());
    }
    let (round_id, group) = (open.ctx().round.id, open.ctx().group);
    if let Some(q) = state.links.translated(round_id, group, tag) {
        return Ok(q);
    }
    let all = store::translations::load(&state.db, &open.ctx().round).await?;
    let texts = store::translations::texts_for(group, &open.questionnaire, tag, &all);
    let q = crate::domain::language::translate(group, &open.questionnaire, &texts);
    Ok(state.links.put_translated(round_id, group, tag, q))
}

/// The link and its questionnaire, if it accepts responses now.
pub async fn open_link(state: &AppState, token: &str) -> Result<OpenLink, AppError> {
    let link = find(state, token).await?;
    if let Some(e) = refusal(&link.ctx, Utc::now()) {
        return Err(e);
    }
    let (round_id, group) = (link.ctx.round.id, link.ctx.group);
    // The round accepts responses, so it has opened: its questionnaire is frozen.
    let questionnaire = match state.links.questionnaire(round_id, group) {
        Some(q) => q,
        None => {
            let q = store::rounds::questionnaire(
                &state.db,
                &store::scope::Rounds::one(&link.ctx.round),
                group,
            )
            .await?;
            state.links.put_questionnaire(round_id, group, q)
        }
    };
    Ok(OpenLink {
        link,
        questionnaire,
    })
}

/// A response as the respondent sent it.
pub struct ResponseInput {
    pub client_id: ClientId,
    pub answers: Vec<RawAnswer>,
    /// Time spent answering, as measured on the phone.
    pub duration_ms: i64,
    /// The browser's cookies: the round's device id and, on links with
    /// access codes, the code entered on the page.
    pub cookies: device::Cookies,
    /// The one-time access code as typed or sent, if not in a cookie.
    pub access_code: Option<String>,
    /// The respondent confirmed that another household member is answering
    /// on a phone that already answered this questionnaire.
    pub shared_device: bool,
    /// The language the questionnaire was shown in (none: `zh`).
    pub language: Option<String>,
    /// The room session's signed start stamp, when the questionnaire was
    /// shown by a PC that joined a room session (`/r/<code>`).
    pub room_ticket: Option<String>,
}

/// The language a submission says it was answered in: Chinese when it says
/// none, else one of the round's additional languages.
fn language_of(link: &CachedLink, said: Option<&str>) -> Result<String, AppError> {
    let Some(raw) = said.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(PRIMARY_LANGUAGE.to_string());
    };
    match normalise_tag(raw) {
        Ok(tag) if tag == PRIMARY_LANGUAGE || link.languages.contains(&tag) => Ok(tag),
        _ => Err(AppError::invalid_field(
            "language",
            format!("本问卷没有“{raw}”语言版本"),
        )),
    }
}

/// The signed stamp a room session's questionnaire carries: which session,
/// and when the page was shown (ms), so that an answer started before the
/// session ended gets its grace and one shown after it does not.
pub fn room_ticket(state: &AppState, session_id: i64, started: DateTime<Utc>) -> String {
    let (id, ms) = (
        session_id.to_string(),
        started.timestamp_millis().to_string(),
    );
    let mac = state.keyed.hash("room-ticket", &[&id, &ms]);
    format!("{id}.{ms}.{mac}")
}

/// The session and start of a ticket this server signed.
fn read_ticket(state: &AppState, ticket: &str) -> Option<(i64, DateTime<Utc>)> {
    let mut parts = ticket.trim().splitn(3, '.');
    let (id, ms, mac) = (parts.next()?, parts.next()?, parts.next()?);
    if state.keyed.hash("room-ticket", &[id, ms]) != mac {
        return None;
    }
    Some((
        id.parse().ok()?,
        DateTime::<Utc>::from_timestamp_millis(ms.parse().ok()?)?,
    ))
}

/// The session window of a stored room session.
pub fn room_window(s: &store::rooms::RoomSession) -> RoomWindow {
    RoomWindow {
        opened_at: s.opened_at,
        expires_at: s.expires_at,
        grace: chrono::Duration::minutes(i64::from(s.grace_minutes)),
    }
}

/// The room session an answer on `link_id` belongs to, if its ticket is
/// good and the session admits it now (see `RoomWindow::admits`).
async fn admit_room(state: &AppState, ticket: &str, link_id: i64) -> Result<i64, AppError> {
    let bad = || AppError::invalid_field("room_ticket", "机房答题凭据无效，请刷新页面后重新作答");
    let (session_id, started) = read_ticket(state, ticket).ok_or_else(bad)?;
    let session = store::rooms::by_id(&state.db, session_id)
        .await?
        .filter(|s| s.link_id == link_id)
        .ok_or_else(bad)?;
    room_window(&session)
        .admits(started, Utc::now())
        .map_err(|r| {
            let why = match r {
                RoomRefusal::GracePassed => format!(
                    "本场机房答题已于{}结束，超过{}分钟的宽限时间，这份答卷未能保存。",
                    beijing(session.expires_at),
                    session.grace_minutes
                ),
                RoomRefusal::StartedAfterEnd | RoomRefusal::StartedBeforeOpening => format!(
                    "本场机房答题已于{}结束，这份答卷未能保存。",
                    beijing(session.expires_at)
                ),
            };
            AppError::conflict(ErrorCode::RoomSessionEnded, why)
        })?;
    Ok(session_id)
}

/// The error a respondent sees for a submission turned away by admission.
pub fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::DuplicateDevice => AppError::conflict(
            ErrorCode::DuplicateDevice,
            "您已在本设备上提交过这份问卷，感谢您的参与！每台设备只能提交一次。",
        ),
        Refusal::AccessCodeUsed => AppError::conflict(
            ErrorCode::AccessCodeUsed,
            "该访问码已经使用过，每个访问码只能提交一份问卷",
        ),
        Refusal::AccessCodeUnknown => {
            AppError::invalid_field("access_code", "访问码不正确，请核对后重新输入")
        }
        Refusal::SheetSerialUsed => AppError::conflict(
            ErrorCode::SheetSerialUsed,
            "本轮已录入过这个编号的纸质问卷，同一编号不能重复录入",
        ),
    }
}

/// The keyed hash of the access code a submission must carry, if its link
/// has codes.
fn access_code_hash(
    state: &AppState,
    link: &CachedLink,
    typed: Option<&str>,
) -> Result<Option<String>, AppError> {
    if !link.codes_required {
        return Ok(None);
    }
    let link_id = link.ctx.link.id;
    let code = typed
        .map(access_codes::normalise)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            AppError::invalid_field("access_code", "本问卷需要访问码，请先输入访问码")
        })?;
    Ok(Some(access_codes::hash(&state.keyed, link_id, &code)))
}

/// Checks and stores a response; answers only after it is committed.
pub async fn submit(
    state: &AppState,
    token: &str,
    input: ResponseInput,
) -> Result<Outcome, AppError> {
    let mut county = None;
    let result = check_and_store(state, token, input, &mut county).await;
    match &result {
        Ok(Outcome::Created(_)) => state.metrics.stored(county),
        Ok(_) => state.metrics.replayed(),
        Err(e) => state.metrics.refused(crate::metrics::refusal_reason(e)),
    }
    result
}

/// `submit`, telling `county` which county the link belongs to once known.
async fn check_and_store(
    state: &AppState,
    token: &str,
    input: ResponseInput,
    county: &mut Option<i64>,
) -> Result<Outcome, AppError> {
    let open = open_link(state, token).await?;
    *county = Some(open.ctx().round.county_id);
    let language = language_of(&open.link, input.language.as_deref())?;
    let checked = check_answers(&open.questionnaire, &input.answers).map_err(|e| match e.item {
        Some(item) => AppError::invalid_field(item, e.message),
        None => AppError::validation(e.message),
    })?;
    let duration_ms = input.duration_ms.clamp(0, 7 * 24 * 3600 * 1000);
    let min_ms = i64::from(open.ctx().round.min_answer_seconds) * 1000;
    let validity = if duration_ms < min_ms {
        Validity::TooFast
    } else {
        Validity::Valid
    };
    let (round_id, link_id) = (open.ctx().round.id, open.ctx().link.id);
    let room_session_id = match input.room_ticket.as_deref().filter(|t| !t.is_empty()) {
        Some(ticket) => Some(admit_room(state, ticket, link_id).await?),
        None => None,
    };
    let (access_code_hash, device_hash) = match room_session_id {
        // In a room session the session admits the pupil (opened by an
        // organiser for this room and time), and the PC is no one's device:
        // no access code, no device mark.
        Some(session_id) => {
            state.limiter.check_room(session_id)?;
            (None, None)
        }
        None => {
            let typed = input
                .access_code
                .as_deref()
                .or_else(|| input.cookies.get(&device::code_cookie(link_id)));
            let access_code_hash = access_code_hash(state, &open.link, typed)?;
            // Only well-formed submissions (and with them access-code attempts)
            // count against the link: junk cannot lock a school's link.
            state.limiter.check_link(link_id)?;
            let device_hash = input
                .cookies
                .get(&device::device_cookie(round_id))
                .map(|d| device::hash(&state.keyed, round_id, d));
            (access_code_hash, device_hash)
        }
    };
    let group = open.ctx().group.code();
    let place =
        PlaceItem::for_group(&open.questionnaire, group).and_then(|p| p.place(&checked.encoded));
    let middle = MiddleTable::new(&open.questionnaire, open.link.scale).count(&checked.encoded);
    let outcome = state
        .writer
        .submit(Submission {
            client_id: input.client_id,
            county_id: open.ctx().link.county_id,
            round_id: open.ctx().round.id,
            link_id: open.ctx().link.id,
            school_id: open.ctx().link.school_id,
            group: open.ctx().group,
            submitted_at: Utc::now(),
            duration_ms,
            validity,
            answers: checked,
            device_hash,
            duplicate_policy: open.ctx().round.duplicate_policy,
            shared_device: input.shared_device && room_session_id.is_none(),
            shared_device_limit: open.ctx().round.shared_device_limit,
            access_code_hash,
            place,
            middle,
            language,
            room_session_id,
            mode: CollectionMode::Web,
            sheet: None,
        })
        .await?;
    match outcome {
        Outcome::ClientIdReused => Err(AppError::conflict(
            ErrorCode::ClientIdReused,
            "该提交编号已用于另一份不同的答卷",
        )),
        Outcome::Refused(r) => Err(refused(r)),
        stored => Ok(stored),
    }
}
