//! School liaisons (学校联络员, issue #22): organisers make liaison accounts
//! and give them schools of a round; a liaison runs computer-room sessions
//! for its schools' links (open, close early, print the teacher's sheet)
//! and sees each session's answer count. It reads nothing else: no rates,
//! answers, reports, exports or integrity. Anything of a school or round it
//! is not assigned answers 404, exactly as another county's would.

use chrono::Utc;
use poem::web::Data;
use poem_openapi::{OpenApi, param::Path, payload::Html, payload::Json};
use std::collections::{BTreeMap, HashMap};

use super::{
    ApiTags,
    liaison_types::*,
    links::public_base,
    rooms::{RoomSessionIn, SheetOf, sheet_html},
};
use crate::error::{Answer, BodyEdit, BodyUpdate, PathStateWrite, ReviewerRead, SessionRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, CurrentUser, Role},
    domain::{
        account::Account,
        group::RespondentGroup,
        link::Link,
        round::{Availability, availability},
    },
    error::AppError,
    state::AppState,
    store::{self, rooms::RoomSession, rooms::SessionCounts},
    survey,
};

fn liaison_out(a: &Account, school_ids: Vec<i64>) -> LiaisonOut {
    LiaisonOut {
        id: a.id,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        disabled: a.disabled,
        school_ids,
    }
}

fn session_out(
    base: &str,
    s: RoomSession,
    counts: &HashMap<i64, SessionCounts>,
) -> LiaisonSessionOut {
    let now = Utc::now();
    LiaisonSessionOut {
        id: s.id,
        round_id: s.round_id,
        link_id: s.link_id,
        url: format!("{base}/r/{}", s.code),
        open: survey::room_window(&s).accepts_new(now),
        answers: counts.get(&s.id).map_or(0, |c| c.answers),
        code: s.code,
        opened_by: s.opened_by_name,
        opened_at: s.opened_at,
        expires_at: s.expires_at,
        grace_minutes: s.grace_minutes,
        closed_at: s.closed_at,
    }
}

/// The calling liaison, after the county check of the path (404 for
/// another county's round, whatever the role); 403 for any other role.
fn liaison(auth: &Auth) -> Result<&CurrentUser, AppError> {
    let who = auth.require(Role::Liaison)?;
    if who.role != Role::Liaison {
        return Err(AppError::Forbidden(
            "只有学校联络员使用此功能；组织管理员请在测评轮次的机房答题中操作".to_string(),
        ));
    }
    Ok(who)
}

/// The link of the round, if its school is assigned to the liaison; 404
/// otherwise (as a missing one).
async fn assigned_link(
    state: &AppState,
    who: &CurrentUser,
    round_id: i64,
    link_id: i64,
) -> Result<Link, AppError> {
    let not_found = || AppError::not_found("链接不存在或不属于本账号负责的学校");
    let round = store::scope::Rounds::read(&state.db, round_id).await?;
    let link = store::links::get(&state.db, &round, link_id)
        .await
        .map_err(|_| not_found())?;
    match link.school_id {
        Some(school) if store::liaisons::is_assigned(&state.db, who.id, &round, school).await? => {
            Ok(link)
        }
        _ => Err(not_found()),
    }
}

/// A session of the round on a link of an assigned school; 404 otherwise.
async fn assigned_session(
    state: &AppState,
    who: &CurrentUser,
    round_id: i64,
    session_id: i64,
) -> Result<(RoomSession, Link), AppError> {
    let not_found = || AppError::not_found("机房答题场次不存在");
    let round = store::scope::Rounds::read(&state.db, round_id).await?;
    let session = store::rooms::get(&state.db, &round, session_id)
        .await
        .map_err(|_| not_found())?;
    let link = assigned_link(state, who, round_id, session.link_id)
        .await
        .map_err(|_| not_found())?;
    Ok((session, link))
}

/// One session as the liaison sees it, freshly counted.
async fn fresh(state: &AppState, round_id: i64, id: i64) -> Result<LiaisonSessionOut, AppError> {
    let round = store::scope::Rounds::read(&state.db, round_id).await?;
    let s = store::rooms::get(&state.db, &round, id).await?;
    let mut counts = HashMap::new();
    counts.insert(id, store::rooms::counts_of(&state.db, &s).await?);
    Ok(session_out(&public_base(state).base, s, &counts))
}

pub struct LiaisonsApi;

#[OpenApi(tag = "ApiTags::Liaisons")]
impl LiaisonsApi {
    /// The round's school liaisons (学校联络员) and the schools each runs
    /// computer-room sessions for (organiser).
    #[oai(
        path = "/rounds/:id/liaisons",
        method = "get",
        operation_id = "list_liaisons"
    )]
    async fn list_liaisons(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<Vec<LiaisonOut>>, ReviewerRead> {
        auth.require(Role::Organiser)?;
        let round = store::rounds::get(&state.db, id.0).await?;
        let scoped = store::scope::Rounds::one(&round.round);
        let mut by_account: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (account, school) in store::liaisons::of_round(&state.db, &scoped).await? {
            by_account.entry(account).or_default().push(school);
        }
        let mut out = Vec::new();
        for (account_id, schools) in by_account {
            if let Ok(a) = store::accounts::get(&state.db, account_id).await {
                out.push(liaison_out(&a, schools));
            }
        }
        Ok(Json(out))
    }

    /// Make a school liaison account (学校联络员) in the round's county with
    /// the schools it runs computer-room sessions for (organiser). The
    /// password is shown once. 409 `username_taken`; 404 for a school that
    /// is not the county's.
    #[oai(
        path = "/rounds/:id/liaisons",
        method = "post",
        operation_id = "create_liaison"
    )]
    async fn create_liaison(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<LiaisonIn>,
    ) -> Answer<LiaisonCreated, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        let (a, password) = app::liaisons::create(
            state.app(),
            Actor::user(who),
            id.0,
            body.username.trim(),
            &body.display_name,
            &body.school_ids,
        )
        .await?;
        let schools = store::liaisons::schools_of(
            &state.db,
            a.id,
            &store::scope::Rounds::read(&state.db, id.0).await?,
        )
        .await?;
        Ok(LiaisonCreated::Created(Json(LiaisonCreatedOut {
            liaison: liaison_out(&a, schools),
            password,
        })))
    }

    /// Set the schools a liaison runs computer-room sessions for in the
    /// round (organiser; replaces the list, empty to unassign). Any liaison
    /// account of the county may be assigned, also one made by an admin.
    /// 404 for an account that is not a liaison of the round's county, or a
    /// school that is not the county's.
    #[oai(
        path = "/rounds/:id/liaisons/:account_id",
        method = "put",
        operation_id = "assign_liaison"
    )]
    async fn assign_liaison(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        account_id: Path<i64>,
        body: Json<LiaisonAssignIn>,
    ) -> Answer<Json<LiaisonOut>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        app::liaisons::assign(
            state.app(),
            Actor::user(who),
            id.0,
            account_id.0,
            &body.school_ids,
        )
        .await?;
        let a = store::accounts::get(&state.db, account_id.0).await?;
        let schools = store::liaisons::schools_of(
            &state.db,
            a.id,
            &store::scope::Rounds::read(&state.db, id.0).await?,
        )
        .await?;
        Ok(Json(liaison_out(&a, schools)))
    }

    /// Unassign a liaison from the round (organiser): it no longer runs
    /// sessions there; sessions it opened keep running until they end. 404
    /// for an account that is not a liaison of the round's county.
    #[oai(
        path = "/rounds/:id/liaisons/:account_id",
        method = "delete",
        operation_id = "unassign_liaison"
    )]
    async fn unassign_liaison(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        account_id: Path<i64>,
    ) -> Answer<Json<LiaisonOut>, ReviewerRead> {
        let who = auth.require(Role::Organiser)?;
        app::liaisons::assign(state.app(), Actor::user(who), id.0, account_id.0, &[]).await?;
        let a = store::accounts::get(&state.db, account_id.0).await?;
        Ok(Json(liaison_out(&a, Vec::new())))
    }

    /// The logged-in liaison's schools by round, newest round first, with
    /// their links and room sessions and each session's answer count
    /// (我的机房场次). Empty for accounts with no assignment.
    #[oai(path = "/liaison/rooms", method = "get", operation_id = "get_my_rooms")]
    async fn get_my_rooms(
        &self,
        state: Data<&AppState>,
        auth: Auth,
    ) -> Answer<Json<MyRoomsOut>, SessionRead> {
        let who = auth.user();
        let me = store::accounts::get(&state.db, who.id).await?;
        app::rooms::record_expired_or_warn(state.app()).await;
        let mut by_round: BTreeMap<std::cmp::Reverse<i64>, Vec<i64>> = BTreeMap::new();
        for (round, school) in store::liaisons::of_account(&state.db, who.id).await? {
            by_round
                .entry(std::cmp::Reverse(round))
                .or_default()
                .push(school);
        }
        let base = public_base(&state).base;
        let now = Utc::now();
        let mut rounds = Vec::new();
        for (std::cmp::Reverse(round_id), assigned) in by_round {
            let round = store::rounds::get(&state.db, round_id).await?;
            let r = &round.round;
            let accepting = matches!(
                availability(round.status(), r.opens_at, r.closes_at, now),
                Availability::Accepting
            );
            let scoped = store::scope::Rounds::one(r);
            let counts = store::rooms::counts(&state.db, &scoped).await?;
            let mut sessions = store::rooms::list(&state.db, &scoped).await?;
            let mut schools: Vec<LiaisonSchoolOut> = Vec::new();
            for row in store::links::list(&state.db, &scoped).await? {
                let Some(school) = row.school.filter(|s| assigned.contains(&s.id)) else {
                    continue;
                };
                let Some(group) = row.link.group else {
                    continue;
                };
                let (mine, rest) = sessions
                    .into_iter()
                    .partition(|s: &RoomSession| s.link_id == row.link.id);
                sessions = rest;
                let link = LiaisonLinkOut {
                    id: row.link.id,
                    group: group.into(),
                    group_label: group.label_zh().to_string(),
                    url: format!("{base}/s/{}", row.link.token),
                    enabled: row.link.enabled,
                    sessions: mine
                        .into_iter()
                        .map(|s| session_out(&base, s, &counts))
                        .collect(),
                };
                match schools.iter_mut().find(|s| s.school_id == school.id) {
                    Some(s) => s.links.push(link),
                    None => schools.push(LiaisonSchoolOut {
                        school_id: school.id,
                        school_name: school.name,
                        links: vec![link],
                    }),
                }
            }
            rounds.push(LiaisonRoundOut {
                round_id,
                round_name: r.name.clone(),
                accepting,
                opens_at: r.opens_at,
                closes_at: r.closes_at,
                schools,
            });
        }
        Ok(Json(MyRoomsOut {
            username: me.username,
            display_name: me.display_name,
            rounds,
        }))
    }

    /// Open a room session for a link of an assigned school (liaison; the
    /// same rules as an organiser's: an open round, an enabled link, 5–240
    /// minutes, grace 0–60). The audit log names the liaison. 404 for a
    /// link of a school or round not assigned to it.
    #[oai(
        path = "/rounds/:id/liaison/links/:link_id/room-sessions",
        method = "post",
        operation_id = "liaison_open_room_session"
    )]
    async fn liaison_open_room_session(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        link_id: Path<i64>,
        body: Json<RoomSessionIn>,
    ) -> Answer<LiaisonOpened, BodyUpdate> {
        let who = liaison(&auth)?;
        assigned_link(&state, who, id.0, link_id.0).await?;
        let s = app::rooms::open(
            state.app(),
            Actor::user(who),
            id.0,
            link_id.0,
            body.minutes,
            body.grace_minutes,
        )
        .await?;
        Ok(LiaisonOpened::Created(Json(
            fresh(&state, id.0, s.id).await?,
        )))
    }

    /// End a room session of an assigned school now (liaison). 409 if
    /// already closed; 404 for another school's session.
    #[oai(
        path = "/rounds/:id/liaison/room-sessions/:session_id/close",
        method = "post",
        operation_id = "liaison_close_room_session"
    )]
    async fn liaison_close_room_session(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        session_id: Path<i64>,
    ) -> Answer<Json<LiaisonSessionOut>, PathStateWrite> {
        let who = liaison(&auth)?;
        assigned_session(&state, who, id.0, session_id.0).await?;
        app::rooms::close(state.app(), Actor::user(who), id.0, session_id.0).await?;
        Ok(Json(fresh(&state, id.0, session_id.0).await?))
    }

    /// The supervising teacher's instruction sheet of a session of an
    /// assigned school (liaison; HTML, A4, Chinese). 404 for another
    /// school's session.
    #[oai(
        path = "/rounds/:id/liaison/room-sessions/:session_id/sheet",
        method = "get",
        operation_id = "liaison_room_session_sheet"
    )]
    async fn liaison_room_session_sheet(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        session_id: Path<i64>,
    ) -> Answer<Html<String>, ReviewerRead> {
        let who = liaison(&auth)?;
        let (session, link) = assigned_session(&state, who, id.0, session_id.0).await?;
        let round = store::rounds::get(&state.db, id.0).await?;
        let school = match link.school_id {
            Some(s) => Some(store::schools::get(&state.db, s).await?.name),
            None => None,
        };
        let group = link.group.unwrap_or(RespondentGroup::Student);
        let url = format!("{}/r/{}", public_base(&state).base, session.code);
        Ok(Html(
            sheet_html(
                &state,
                &round.round.name,
                SheetOf {
                    school_name: school.as_deref(),
                    group_label: group.label_zh(),
                    code: &session.code,
                    url: &url,
                    opened_at: session.opened_at,
                    expires_at: session.expires_at,
                    grace_minutes: session.grace_minutes,
                },
            )
            .await?,
        ))
    }
}
