//! Room sessions (机房答题): an organiser opens one for a school's link, the
//! room's PCs answer in kiosk mode at `/r/<code>` until it ends; reviewers
//! see each session's counts and how it compares with its school and the
//! county, review its answers together, and print the supervising
//! teacher's sheet.

use chrono::Utc;
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::Path,
    payload::{Html, Json},
};
use std::collections::HashMap;

use super::{
    ApiTags,
    links::public_base,
    room_types::{RoomAnswersOut, RoomSessionOut, RoomSessionsOut, answers_out, sessions_out},
};
use crate::error::{Answer, BodyUpdate, PathStateWrite, ReviewerRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    error::AppError,
    pages::room_sheet,
    qr::Matrix,
    state::AppState,
    store, survey,
};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RoomSessionIn {
    /// How long new pupils may start, in minutes (5–240, default 45).
    pub minutes: Option<i32>,
    /// How long after the end an answer shown before it is still accepted,
    /// in minutes (0–60, default 10).
    pub grace_minutes: Option<i32>,
}

#[derive(ApiResponse)]
pub enum OpenedResponse {
    /// The session is open; show its code or URL on the room's projector.
    #[oai(status = 201)]
    Created(Json<RoomSessionOut>),
}

/// Every session of a round with counts and comparisons.
pub(super) async fn all(state: &AppState, round_id: i64) -> Result<RoomSessionsOut, AppError> {
    // Sessions that ran out since the last sweep get their audit entry
    // first; a failure there must not hide the list.
    app::rooms::record_expired_or_warn(state.app()).await;
    let round = store::scope::Rounds::read(&state.db, round_id).await?;
    let sessions = store::rooms::list(&state.db, &round).await?;
    let links = store::links::list(&state.db, &round).await?;
    let counts = store::rooms::counts(&state.db, &round).await?;
    let mut answers = HashMap::new();
    for s in &sessions {
        // The list compares a link of a group this build does not know
        // with 学生's answers, read for 学生's own links.
        let group = links
            .iter()
            .find(|l| l.link.id == s.link_id)
            .and_then(|row| row.link.group);
        if let Some(group) = group {
            let g = group.code().to_string();
            if !answers.contains_key(&g) {
                let rows = store::rooms::group_answers(&state.db, &round, &g).await?;
                answers.insert(g, rows);
            }
        }
    }
    let base = public_base(state).base;
    let min_n = state.settings.report_min_n;
    Ok(sessions_out(
        &base,
        sessions,
        &links,
        &counts,
        &answers,
        min_n,
        Utc::now(),
    ))
}

/// One session of a round, with counts and comparison.
async fn one(state: &AppState, round_id: i64, id: i64) -> Result<RoomSessionOut, AppError> {
    Ok(stored_and_shown(state, round_id, id).await?.1)
}

/// One session of a round as stored, and as [`one`] shows it.
async fn stored_and_shown(
    state: &AppState,
    round_id: i64,
    id: i64,
) -> Result<(store::rooms::RoomSession, RoomSessionOut), AppError> {
    let round = store::scope::Rounds::read(&state.db, round_id).await?;
    let stored = store::rooms::get(&state.db, &round, id).await?;
    let shown = all(state, round_id)
        .await?
        .sessions
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::not_found("机房答题场次不存在"))?;
    Ok((stored, shown))
}

pub struct RoomsApi;

#[OpenApi(tag = "ApiTags::Rooms")]
impl RoomsApi {
    /// Open a room session (机房答题) for a link of an open round
    /// (organiser): the PCs of the computer room join it at `/r/<code>` and
    /// answer one pupil after another, each answer stored with the session
    /// (never a device mark) until it ends, plus the grace for answers
    /// started before. In the audit log: who, when, how long.
    #[oai(
        path = "/rounds/:id/links/:link_id/room-sessions",
        method = "post",
        operation_id = "open_room_session"
    )]
    async fn open_room_session(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        link_id: Path<i64>,
        body: Json<RoomSessionIn>,
    ) -> Answer<OpenedResponse, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        let s = app::rooms::open(
            state.app(),
            Actor::user(who),
            id.0,
            link_id.0,
            body.minutes,
            body.grace_minutes,
        )
        .await?;
        Ok(OpenedResponse::Created(Json(
            one(&state, id.0, s.id).await?,
        )))
    }

    /// A round's room sessions, newest first (reviewer): counts, and each
    /// session compared with its school's and the county's answers
    /// (identical vectors, share of 一般/不满意, time per item), flagged when
    /// it stands out. Flags only; they do not change the rates.
    #[oai(
        path = "/rounds/:id/room-sessions",
        method = "get",
        operation_id = "list_room_sessions"
    )]
    async fn list_room_sessions(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<RoomSessionsOut>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        store::rounds::get(&state.db, id.0).await?;
        Ok(Json(all(&state, id.0).await?))
    }

    /// End a room session now (organiser): no new pupil starts; answers
    /// shown before get the session's grace. 409 if already closed. The
    /// audit entry says how long it ran and how many answers it gathered.
    #[oai(
        path = "/rounds/:id/room-sessions/:session_id/close",
        method = "post",
        operation_id = "close_room_session"
    )]
    async fn close_room_session(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        session_id: Path<i64>,
    ) -> Answer<Json<RoomSessionOut>, PathStateWrite> {
        let who = auth.require(Role::Organiser)?;
        app::rooms::close(state.app(), Actor::user(who), id.0, session_id.0).await?;
        Ok(Json(one(&state, id.0, session_id.0).await?))
    }

    /// A session's answers together, in the order they came (reviewer): to
    /// review a room as a group (how many share each vector, how long each
    /// took).
    #[oai(
        path = "/rounds/:id/room-sessions/:session_id/responses",
        method = "get",
        operation_id = "list_room_session_responses"
    )]
    async fn list_room_session_responses(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        session_id: Path<i64>,
    ) -> Answer<Json<RoomAnswersOut>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        let (stored, session) = stored_and_shown(&state, id.0, session_id.0).await?;
        let rows = store::rooms::responses(&state.db, &stored).await?;
        Ok(Json(answers_out(session, rows)))
    }

    /// The printable instruction sheet for the teacher supervising the room
    /// (HTML, A4, Chinese): the code, the address and its QR code, the
    /// times, the steps, what not to do and the warning against 虚假填报.
    #[oai(
        path = "/rounds/:id/room-sessions/:session_id/sheet",
        method = "get",
        operation_id = "get_room_session_sheet"
    )]
    async fn get_room_session_sheet(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        session_id: Path<i64>,
    ) -> Answer<Html<String>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        let detail = store::rounds::get(&state.db, id.0).await?;
        let s = one(&state, id.0, session_id.0).await?;
        Ok(Html(
            sheet_html(
                &state,
                &detail.round.name,
                SheetOf {
                    school_name: s.school_name.as_deref(),
                    group_label: &s.group_label,
                    code: &s.code,
                    url: &s.url,
                    opened_at: s.opened_at,
                    expires_at: s.expires_at,
                    grace_minutes: s.grace_minutes,
                },
            )
            .await?,
        ))
    }
}

/// What the teacher's sheet of a session is made of.
pub(super) struct SheetOf<'a> {
    pub school_name: Option<&'a str>,
    pub group_label: &'a str,
    pub code: &'a str,
    pub url: &'a str,
    pub opened_at: chrono::DateTime<Utc>,
    pub expires_at: chrono::DateTime<Utc>,
    pub grace_minutes: i32,
}

/// The teacher's instruction sheet of a session (HTML, with the address's
/// QR code drawn off the async workers).
pub(super) async fn sheet_html(
    state: &AppState,
    round_name: &str,
    s: SheetOf<'_>,
) -> Result<String, AppError> {
    let url = s.url.to_string();
    let qr = state
        .heavy
        .compute(move || Matrix::encode(&url).map(|m| m.svg("机房答题地址")))
        .await?;
    Ok(room_sheet::render(&room_sheet::SheetView {
        round_name,
        school_name: s.school_name,
        group_label: s.group_label,
        code: s.code,
        url: s.url,
        qr_svg: &qr,
        opened_at: &survey::beijing(s.opened_at),
        expires_at: &survey::beijing(s.expires_at),
        grace_minutes: s.grace_minutes,
    }))
}
