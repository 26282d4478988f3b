//! Responses: stored by the submission writer in its transaction (one
//! multi-row INSERT per batch that skips client ids already stored), and
//! the columns and bounds the exports read them by (`bulk` streams them).

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, OnConflict, Query},
};
use std::collections::{HashMap, HashSet};

use super::{bulk, tenancy};
use crate::{
    admission::{ClientKey, Submission},
    domain::{client_id::ClientId, collection::CollectionMode, submission::Validity},
    entities::response,
    error::AppError,
};

/// A stored response as the writer reads it back: what its receipt, its
/// replay check and the tallies need.
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub client_id: ClientId,
    pub county_id: i64,
    pub round_id: i64,
    pub link_id: i64,
    pub submitted_at: DateTime<Utc>,
    pub validity: Validity,
    pub collection_mode: CollectionMode,
    /// The answer vector: one option code per item, in item order.
    pub answers: String,
    pub recognised: i32,
    pub judged: i32,
    pub points: i32,
    pub fingerprint: String,
    pub shared_device: bool,
    pub language: String,
}

impl StoredResponse {
    /// A row read back with the client id it was asked for (the same
    /// text: the database compares client ids exactly).
    fn of(
        client_id: ClientId,
        m: response::Model,
        validity: Validity,
        collection_mode: CollectionMode,
    ) -> Self {
        Self {
            client_id,
            county_id: m.county_id,
            round_id: m.round_id,
            link_id: m.link_id,
            submitted_at: m.submitted_at,
            validity,
            collection_mode,
            answers: m.answers,
            recognised: m.recognised,
            judged: m.judged,
            points: m.points,
            fingerprint: m.fingerprint,
            shared_device: m.shared_device,
            language: m.language,
        }
    }
}

/// The client id among `asked` that a stored row carries.
fn asked_for(asked: &HashMap<&str, &ClientId>, m: &response::Model) -> Result<ClientId, AppError> {
    asked
        .get(m.client_id.as_str())
        .map(|id| (*id).clone())
        .ok_or_else(|| AppError::Unexpected(format!("response {} was not asked for", m.id)))
}

/// The condition finding the responses stored under `asked`'s keys as the
/// backend holds them: per county on PostgreSQL (the distribution key,
/// `tenancy::conflict_target`), across counties on SQLite, whose client
/// ids stay unique in the whole database.
///
/// On PostgreSQL the pairs are asked as one row-value list,
/// `(client_id, county_id) IN ((…), …)`: each pair matches the whole unique
/// key, so the planner probes it once per pair whatever it knows of the
/// table. Two separate lists (`client_id IN (…) AND county_id IN (…)`)
/// match no unique key exactly, and on a table not yet analysed the
/// planner chose a full scan for them (bench/README.md, "keys with the
/// county").
fn stored_under(backend: DbBackend, asked: &[(i64, &ClientId)]) -> Condition {
    use response::Column as C;
    if backend == DbBackend::Postgres {
        let pairs = asked
            .iter()
            .map(|(county, id)| (id.as_str().to_string(), *county));
        Condition::all()
            .add(Expr::tuple([Expr::col(C::ClientId), Expr::col(C::CountyId)]).in_tuples(pairs))
    } else {
        Condition::all().add(C::ClientId.is_in(asked.iter().map(|(_, id)| id.as_str())))
    }
}

/// Whether a row stored under `row_county` holds the key asked for under
/// `asked_county` (see [`stored_under`]).
fn same_key(backend: DbBackend, asked_county: i64, row_county: i64) -> bool {
    backend != DbBackend::Postgres || asked_county == row_county
}

/// Which of `asked` are stored already.
pub async fn stored_client_ids(
    txn: &impl ConnectionTrait,
    asked: &[(i64, &ClientId)],
) -> Result<HashSet<ClientKey>, AppError> {
    let backend = txn.get_database_backend();
    let found: Vec<(String, i64)> = response::Entity::find()
        .select_only()
        .column(response::Column::ClientId)
        .column(response::Column::CountyId)
        .filter(stored_under(backend, asked))
        .into_tuple()
        .all(txn)
        .await?;
    Ok(asked
        .iter()
        .filter(|(county, id)| {
            found
                .iter()
                .any(|(f, c)| f == id.as_str() && same_key(backend, *county, *c))
        })
        .map(|(county, id)| (*county, (*id).clone()))
        .collect())
}

/// Inserts the submissions in one statement, skipping client ids already
/// stored; returns the rows it stored.
pub async fn insert(
    txn: &impl ConnectionTrait,
    subs: &[&Submission],
) -> Result<Vec<StoredResponse>, AppError> {
    use response::Column as C;
    if subs.is_empty() {
        return Ok(Vec::new());
    }
    let mut insert = Query::insert();
    insert
        .into_table(response::Entity)
        .columns([
            C::ClientId,
            C::CountyId,
            C::RoundId,
            C::LinkId,
            C::SchoolId,
            C::RespondentGroup,
            C::SubmittedAt,
            C::DurationMs,
            C::Validity,
            C::Answers,
            C::Texts,
            C::Recognised,
            C::Judged,
            C::Points,
            C::Fingerprint,
            C::SharedDevice,
            C::Language,
            C::RoomSessionId,
            C::CollectionMode,
        ])
        .on_conflict(
            OnConflict::columns(tenancy::conflict_target(
                txn.get_database_backend(),
                &[C::ClientId],
                C::CountyId,
            ))
            .do_nothing()
            .to_owned(),
        )
        .returning_all();
    for s in subs {
        let texts = if s.answers.texts.is_empty() {
            None
        } else {
            serde_json::to_string(&s.answers.texts).ok()
        };
        insert
            .values([
                s.client_id.as_str().into(),
                s.county_id.into(),
                s.round_id.into(),
                s.link_id.into(),
                s.school_id.into(),
                s.group.code().into(),
                s.submitted_at.into(),
                s.duration_ms.into(),
                s.validity.code().into(),
                s.answers.encoded.clone().into(),
                texts.into(),
                s.answers.score.recognised.into(),
                s.answers.score.judged.into(),
                s.answers.score.points.into(),
                s.answers.fingerprint.clone().into(),
                s.shared_device.into(),
                s.language.clone().into(),
                s.room_session_id.into(),
                s.mode.code().into(),
            ])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    let asked: HashMap<&str, &ClientId> = subs
        .iter()
        .map(|s| (s.client_id.as_str(), &s.client_id))
        .collect();
    let mut stored = Vec::new();
    for row in txn.query_all(&insert).await? {
        let m = response::Model::from_query_result(&row, "")?;
        // Only this build's codes were just written: another is an error
        // (as the tallies read them), not a silently different tally.
        let validity = Validity::from_code(&m.validity)
            .ok_or_else(|| DbErr::Custom(format!("unknown validity `{}`", m.validity)))?;
        let mode = CollectionMode::from_code(&m.collection_mode).ok_or_else(|| {
            DbErr::Custom(format!("unknown collection mode `{}`", m.collection_mode))
        })?;
        stored.push(StoredResponse::of(
            asked_for(&asked, &m)?,
            m,
            validity,
            mode,
        ));
    }
    Ok(stored)
}

/// The stored responses under these keys, each with the key it was asked
/// for (stored earlier: a validity this build does not know reads as
/// valid, as receipts have always read it; the collection mode is not read
/// on this path, and one this build does not know reads as the web's).
pub async fn by_client_ids(
    txn: &impl ConnectionTrait,
    asked: &[(i64, &ClientId)],
) -> Result<Vec<(ClientKey, StoredResponse)>, AppError> {
    let backend = txn.get_database_backend();
    let mut stored = Vec::new();
    for m in response::Entity::find()
        .filter(stored_under(backend, asked))
        .all(txn)
        .await?
    {
        let validity = Validity::from_code(&m.validity).unwrap_or(Validity::Valid);
        let mode = CollectionMode::from_code(&m.collection_mode).unwrap_or(CollectionMode::Web);
        for (county, id) in asked {
            if id.as_str() == m.client_id && same_key(backend, *county, m.county_id) {
                let row = StoredResponse::of((*id).clone(), m.clone(), validity, mode);
                stored.push(((*county, (*id).clone()), row));
            }
        }
    }
    Ok(stored)
}

/// The last response id of a round now (0: none yet).
pub async fn last_id(db: &impl ConnectionTrait, round: bulk::RoundKey) -> Result<i64, AppError> {
    let max: Option<Option<i64>> = response::Entity::find()
        .select_only()
        .expr(Func::max(Expr::col(response::Column::Id)))
        .filter(response::Column::RoundId.eq(round.id))
        .filter(response::Column::CountyId.eq(round.county))
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// The columns of a response as the exports read it, one line per response
/// (`export::responses::Stored::parse`), as SQL expressions: the texts last,
/// since only they may hold spaces (JSON escapes every line break).
pub fn export_fields(backend: DbBackend) -> Vec<String> {
    let mut f = vec![
        "id".to_string(),
        bulk::unix_seconds(backend, "submitted_at"),
    ];
    f.extend(
        [
            "respondent_group",
            "COALESCE(school_id, 0)",
            "validity",
            "CASE WHEN shared_device THEN 1 ELSE 0 END",
            "language",
            "COALESCE(room_session_id, 0)",
            "collection_mode",
            "duration_ms",
            "recognised",
            "judged",
            "points",
            "answers",
            "COALESCE(texts, '')",
        ]
        .map(String::from),
    );
    f
}
