//! Room sessions (机房答题): opened for a link by an organiser, closed early
//! when the class leaves; both in the audit log (who, when, how long, how
//! many answers).

use chrono::{Duration, Utc};

use super::{Actor, Change, Ctx};
use crate::error::ErrorCode;
use crate::{
    domain::{
        rooms::{DEFAULT_GRACE_MINUTES, DEFAULT_MINUTES, MAX_GRACE_MINUTES, MINUTES_RANGE},
        round::{Availability, RoundStatus, availability},
    },
    error::AppError,
    store::{
        self,
        rooms::{NewSession, RoomSession},
    },
};

fn target(s: &RoomSession) -> String {
    format!("round:{}/link:{}/room:{}", s.round_id, s.link_id, s.id)
}

/// Opens a session for a link of an open round: `minutes` long (default
/// 45), with `grace_minutes` (default 10) for answers started before it
/// ends.
pub async fn open(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    round_id: i64,
    link_id: i64,
    minutes: Option<i32>,
    grace_minutes: Option<i32>,
) -> Result<RoomSession, AppError> {
    let minutes = minutes.unwrap_or(DEFAULT_MINUTES);
    if !(MINUTES_RANGE.0..=MINUTES_RANGE.1).contains(&minutes) {
        return Err(AppError::invalid_field(
            "minutes",
            format!(
                "答题时长须在{}到{}分钟之间",
                MINUTES_RANGE.0, MINUTES_RANGE.1
            ),
        ));
    }
    let grace = grace_minutes.unwrap_or(DEFAULT_GRACE_MINUTES);
    if !(0..=MAX_GRACE_MINUTES).contains(&grace) {
        return Err(AppError::invalid_field(
            "grace_minutes",
            format!("宽限时间须在0到{MAX_GRACE_MINUTES}分钟之间"),
        ));
    }
    let change = Change::begin(ctx, actor).await?;
    let round = store::rounds::get(change.db(), round_id).await?;
    let scoped = store::scope::Rounds::one(&round.round);
    let link = store::links::get(change.db(), &scoped, link_id).await?;
    let now = Utc::now();
    let r = &round.round;
    match availability(round.status(), r.opens_at, r.closes_at, now) {
        Availability::Accepting => {}
        Availability::Closed => {
            return Err(AppError::conflict(
                ErrorCode::RoundClosed,
                "测评轮次已经结束",
            ));
        }
        Availability::Draft | Availability::NotYetOpen { .. } => {
            return Err(AppError::conflict(
                ErrorCode::RoundNotOpen,
                "测评轮次尚未开始收集答卷，不能开启机房答题",
            ));
        }
    }
    if round.status() != RoundStatus::Open {
        return Err(AppError::conflict(
            ErrorCode::RoundNotOpen,
            "测评轮次未开启",
        ));
    }
    if !link.enabled {
        return Err(AppError::conflict(
            ErrorCode::LinkDisabled,
            "该链接已停用，不能开启机房答题",
        ));
    }
    let session = store::rooms::insert(
        change.db(),
        NewSession {
            round: &scoped,
            link_id,
            opened_by: actor.account_id(),
            opened_by_name: actor.name(),
            opened_at: now,
            expires_at: now + Duration::minutes(i64::from(minutes)),
            grace_minutes: grace,
        },
    )
    .await?;
    let detail = format!(
        "minutes={minutes} grace_minutes={grace} expires_at={}",
        session.expires_at.to_rfc3339()
    );
    change
        .commit("room_session.open", target(&session), detail)
        .await?;
    Ok(session)
}

/// Ends a session now; answers started before get its grace. The entry
/// says how long it ran and how many answers it gathered.
pub async fn close(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    round_id: i64,
    session_id: i64,
) -> Result<RoomSession, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let round = store::scope::Rounds::read(change.db(), round_id).await?;
    let session = store::rooms::get(change.db(), &round, session_id).await?;
    if session.closed_at.is_some() {
        return Err(AppError::conflict(
            ErrorCode::RoomSessionEnded,
            "该机房答题场次已经结束",
        ));
    }
    let now = Utc::now();
    let closed = store::rooms::close(change.db(), &session, now).await?;
    let detail = ran_and_gathered(change.db(), &session, now).await?;
    change
        .commit("room_session.close", target(&closed), detail)
        .await?;
    Ok(closed)
}

/// The audit detail of a session that ended at `end`: how long it ran and
/// how many answers it gathered.
async fn ran_and_gathered(
    db: &sea_orm::DatabaseTransaction,
    session: &RoomSession,
    end: chrono::DateTime<Utc>,
) -> Result<String, AppError> {
    let counts = store::rooms::counts_of(db, session).await?;
    let ran = (end - session.opened_at).num_minutes();
    Ok(format!(
        "ran_minutes={ran} answers={} valid={}",
        counts.answers, counts.valid
    ))
}

/// [`record_expired`] where a failure must not stop the caller (a list
/// being read, the periodic sweep): it is logged as a warning.
pub async fn record_expired_or_warn(ctx: Ctx<'_>) {
    if let Err(err) = record_expired(ctx).await {
        tracing::warn!(error = %err, "room sessions: recording expired sessions failed");
    }
}

/// Writes the audit entry of every session whose time and grace ran out
/// without anyone closing it, once (several instances may sweep at once:
/// only the one that marks the session ended writes the entry). Returns how
/// many it recorded. Runs every minute and before sessions are listed.
pub async fn record_expired(ctx: Ctx<'_>) -> Result<usize, AppError> {
    let due = store::rooms::ended_unclosed(ctx.db, Utc::now()).await?;
    let mut recorded = 0;
    for session in due {
        let change = Change::begin(ctx, Actor::SYSTEM).await?;
        let end = store::rooms::end_of(&session);
        if !store::rooms::mark_ended(change.db(), &session, end).await? {
            continue; // another instance recorded it; nothing to commit
        }
        let detail = ran_and_gathered(change.db(), &session, session.expires_at).await?;
        change
            .commit("room_session.expire", target(&session), detail)
            .await?;
        recorded += 1;
    }
    Ok(recorded)
}
