//! Room sessions (机房答题): opened for one link of a round, found by their
//! short code, closed early; their answers counted and read as a group.

use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Expr,
};
use std::collections::HashMap;

use crate::{
    domain::submission::Validity,
    entities::{response, room_session},
    error::AppError,
    store::scope::Rounds,
};

/// A room session (机房答题): PCs that joined it answer a link's
/// questionnaire one pupil after another until `expires_at` (plus the grace
/// for answers started before it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomSession {
    pub id: i64,
    pub round_id: i64,
    pub link_id: i64,
    /// The code typed on each PC of the room.
    pub code: String,
    pub opened_by: Option<i64>,
    pub opened_by_name: String,
    pub opened_at: DateTime<Utc>,
    /// Closing a session early moves this to the moment it was closed.
    pub expires_at: DateTime<Utc>,
    pub grace_minutes: i32,
    pub closed_at: Option<DateTime<Utc>>,
    /// The county the session belongs to (its round's).
    pub county_id: i64,
}

impl RoomSession {
    /// The session's round with its county: the condition on the rows
    /// beneath it.
    pub fn round(&self) -> Rounds {
        Rounds::new([(self.round_id, self.county_id)])
    }
}

impl From<room_session::Model> for RoomSession {
    fn from(s: room_session::Model) -> Self {
        Self {
            id: s.id,
            round_id: s.round_id,
            link_id: s.link_id,
            code: s.code,
            opened_by: s.opened_by,
            opened_by_name: s.opened_by_name,
            opened_at: s.opened_at,
            expires_at: s.expires_at,
            grace_minutes: s.grace_minutes,
            closed_at: s.closed_at,
            county_id: s.county_id,
        }
    }
}

/// Digits in a session code: typed on each PC of the room.
const CODE_DIGITS: usize = 8;

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_DIGITS)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// What a new session is.
pub struct NewSession<'a> {
    /// Its round, read back.
    pub round: &'a Rounds,
    pub link_id: i64,
    pub opened_by: Option<i64>,
    pub opened_by_name: &'a str,
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub grace_minutes: i32,
}

/// Stores a new session under a code no other session has.
pub async fn insert(db: &impl ConnectionTrait, s: NewSession<'_>) -> Result<RoomSession, AppError> {
    let mut code = new_code();
    for _ in 0..20 {
        if by_code(db, &code).await?.is_none() {
            break;
        }
        code = new_code();
    }
    Ok(room_session::ActiveModel {
        round_id: Set(s.round.one_id()?),
        county_id: Set(s.round.county()?),
        link_id: Set(s.link_id),
        code: Set(code),
        opened_by: Set(s.opened_by),
        opened_by_name: Set(s.opened_by_name.chars().take(64).collect()),
        opened_at: Set(s.opened_at),
        expires_at: Set(s.expires_at),
        grace_minutes: Set(s.grace_minutes),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?
    .into())
}

/// The session behind a code (digits only; spaces already removed).
pub async fn by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<RoomSession>, AppError> {
    Ok(room_session::Entity::find()
        .filter(room_session::Column::Code.eq(code))
        .one(db)
        .await?
        .map(Into::into))
}

/// A session by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<RoomSession>, AppError> {
    Ok(room_session::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Into::into))
}

/// A session of a round (`round`: one round, read back).
pub async fn get(
    db: &impl ConnectionTrait,
    round: &Rounds,
    id: i64,
) -> Result<RoomSession, AppError> {
    Ok(room_session::Entity::find_by_id(id)
        .filter(round.on(
            room_session::Column::RoundId,
            room_session::Column::CountyId,
        ))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("机房答题场次不存在"))?
        .into())
}

/// Ends a session now: no new pupil starts; answers started before get
/// the session's grace.
pub async fn close(
    db: &impl ConnectionTrait,
    s: &RoomSession,
    now: DateTime<Utc>,
) -> Result<RoomSession, AppError> {
    let expires_at = s.expires_at.min(now);
    room_session::Entity::update_many()
        .col_expr(room_session::Column::ClosedAt, Expr::value(now))
        .col_expr(room_session::Column::ExpiresAt, Expr::value(expires_at))
        .filter(room_session::Column::Id.eq(s.id))
        .filter(room_session::Column::CountyId.eq(s.county_id))
        .exec(db)
        .await?;
    Ok(RoomSession {
        closed_at: Some(now),
        expires_at,
        ..s.clone()
    })
}

/// Sessions nobody closed whose time and grace had both run out by `now`
/// (few: only sessions still marked open are read).
pub async fn ended_unclosed(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<RoomSession>, AppError> {
    let open = room_session::Entity::find()
        .filter(room_session::Column::ClosedAt.is_null())
        .order_by_asc(room_session::Column::Id)
        .all(db)
        .await?;
    Ok(open
        .into_iter()
        .map(RoomSession::from)
        .filter(|s| end_of(s) <= now)
        .collect())
}

/// When a session stops taking answers: its end plus its grace.
pub fn end_of(s: &RoomSession) -> DateTime<Utc> {
    s.expires_at + chrono::Duration::minutes(i64::from(s.grace_minutes))
}

/// Marks a session ended at `at`, unless another instance did first:
/// true when this call did.
pub async fn mark_ended(
    db: &impl ConnectionTrait,
    s: &RoomSession,
    at: DateTime<Utc>,
) -> Result<bool, AppError> {
    let done = room_session::Entity::update_many()
        .col_expr(room_session::Column::ClosedAt, Expr::value(at))
        .filter(room_session::Column::Id.eq(s.id))
        .filter(room_session::Column::CountyId.eq(s.county_id))
        .filter(room_session::Column::ClosedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Every session of a round (one round, read back), newest first.
pub async fn list(db: &impl ConnectionTrait, round: &Rounds) -> Result<Vec<RoomSession>, AppError> {
    Ok(room_session::Entity::find()
        .filter(round.on(
            room_session::Column::RoundId,
            room_session::Column::CountyId,
        ))
        .order_by_desc(room_session::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Every session of several rounds, newest first, with its answers, by
/// round (two queries: the sessions, then their answers through the
/// session index — never a scan of the rounds' responses).
pub async fn with_counts_many(
    db: &impl ConnectionTrait,
    rounds: &Rounds,
) -> Result<HashMap<i64, Vec<(RoomSession, SessionCounts)>>, AppError> {
    let sessions = room_session::Entity::find()
        .filter(rounds.on(
            room_session::Column::RoundId,
            room_session::Column::CountyId,
        ))
        .order_by_desc(room_session::Column::Id)
        .all(db)
        .await?;
    let mut counts: HashMap<i64, SessionCounts> = HashMap::new();
    if !sessions.is_empty() {
        let rows: Vec<(Option<i64>, String)> = response::Entity::find()
            .select_only()
            .columns([response::Column::RoomSessionId, response::Column::Validity])
            .filter(response::Column::RoomSessionId.is_in(sessions.iter().map(|s| s.id)))
            .filter(rounds.on(response::Column::RoundId, response::Column::CountyId))
            .into_tuple()
            .all(db)
            .await?;
        for (id, validity) in rows {
            let Some(id) = id else { continue };
            let c = counts.entry(id).or_default();
            c.answers += 1;
            if validity == Validity::Valid.code() {
                c.valid += 1;
            }
        }
    }
    let mut out: HashMap<i64, Vec<(RoomSession, SessionCounts)>> = HashMap::new();
    for s in sessions {
        let c = counts.get(&s.id).copied().unwrap_or_default();
        out.entry(s.round_id).or_default().push((s.into(), c));
    }
    Ok(out)
}

/// Answers of a session: all stored, and those that count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCounts {
    pub answers: u64,
    pub valid: u64,
}

/// The answers of one session.
pub async fn counts_of(
    db: &impl ConnectionTrait,
    session: &RoomSession,
) -> Result<SessionCounts, AppError> {
    let validities: Vec<String> = response::Entity::find()
        .select_only()
        .column(response::Column::Validity)
        .filter(response::Column::RoomSessionId.eq(session.id))
        .filter(
            session
                .round()
                .on(response::Column::RoundId, response::Column::CountyId),
        )
        .into_tuple()
        .all(db)
        .await?;
    Ok(SessionCounts {
        answers: validities.len() as u64,
        valid: validities
            .iter()
            .filter(|v| v.as_str() == Validity::Valid.code())
            .count() as u64,
    })
}

/// Per session of a round (one round, read back), its answers.
pub async fn counts(
    db: &impl ConnectionTrait,
    round: &Rounds,
) -> Result<HashMap<i64, SessionCounts>, AppError> {
    let rows: Vec<(Option<i64>, String)> = response::Entity::find()
        .select_only()
        .columns([response::Column::RoomSessionId, response::Column::Validity])
        .filter(round.on(response::Column::RoundId, response::Column::CountyId))
        .filter(response::Column::RoomSessionId.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, SessionCounts> = HashMap::new();
    for (id, validity) in rows {
        let Some(id) = id else { continue };
        let c = out.entry(id).or_default();
        c.answers += 1;
        if validity == Validity::Valid.code() {
            c.valid += 1;
        }
    }
    Ok(out)
}

/// One stored answer as the integrity comparison reads it.
#[derive(Debug, Clone)]
pub struct AnswerRow {
    pub school_id: Option<i64>,
    pub room_session_id: Option<i64>,
    pub answers: String,
    pub recognised: i64,
    pub judged: i64,
    pub duration_ms: i64,
}

/// The round's stored answers of one group, except repeats from one
/// device (`duplicate_device`): the crowds a session is compared with.
pub async fn group_answers(
    db: &impl ConnectionTrait,
    round: &Rounds,
    group: &str,
) -> Result<Vec<AnswerRow>, AppError> {
    use response::Column as C;
    let rows: Vec<(Option<i64>, Option<i64>, String, i32, i32, i64)> = response::Entity::find()
        .select_only()
        .columns([
            C::SchoolId,
            C::RoomSessionId,
            C::Answers,
            C::Recognised,
            C::Judged,
            C::DurationMs,
        ])
        .filter(round.on(C::RoundId, C::CountyId))
        .filter(C::RespondentGroup.eq(group))
        .filter(C::Validity.ne(Validity::DuplicateDevice.code()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(school_id, room_session_id, answers, r, j, d)| AnswerRow {
            school_id,
            room_session_id,
            answers,
            recognised: i64::from(r),
            judged: i64::from(j),
            duration_ms: d,
        })
        .collect())
}

/// One answer of a session, as its review lists it.
#[derive(Debug, Clone)]
pub struct SessionAnswer {
    /// The response's id.
    pub id: i64,
    pub submitted_at: DateTime<Utc>,
    pub duration_ms: i64,
    /// A code this build does not know (a newer build's) reads as valid, as
    /// the review has always shown it.
    pub validity: Validity,
    /// The answer vector: one option code per item, in item order.
    pub answers: String,
    pub recognised: i32,
    pub judged: i32,
}

/// The answers of one session, in the order they came (for reviewing them
/// as a group).
pub async fn responses(
    db: &impl ConnectionTrait,
    session: &RoomSession,
) -> Result<Vec<SessionAnswer>, AppError> {
    Ok(response::Entity::find()
        .filter(response::Column::RoomSessionId.eq(session.id))
        .filter(
            session
                .round()
                .on(response::Column::RoundId, response::Column::CountyId),
        )
        .order_by_asc(response::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| SessionAnswer {
            id: r.id,
            submitted_at: r.submitted_at,
            duration_ms: r.duration_ms,
            validity: Validity::from_code(&r.validity).unwrap_or(Validity::Valid),
            answers: r.answers,
            recognised: r.recognised,
            judged: r.judged,
        })
        .collect())
}
