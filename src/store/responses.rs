//! Responses: stored by the submission writer in its transaction (one
//! multi-row INSERT per batch that skips client ids already stored), and
//! the columns and bounds the exports read them by (`bulk` streams them).

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect,
    sea_query::{Expr, Func, OnConflict, Query},
};
use std::collections::HashSet;

use super::bulk;
use crate::{admission::Submission, entities::response, error::AppError};

/// Which of `ids` are stored already.
pub async fn stored_client_ids(
    txn: &impl ConnectionTrait,
    ids: Vec<String>,
) -> Result<HashSet<String>, AppError> {
    Ok(response::Entity::find()
        .select_only()
        .column(response::Column::ClientId)
        .filter(response::Column::ClientId.is_in(ids))
        .into_tuple::<String>()
        .all(txn)
        .await?
        .into_iter()
        .collect())
}

/// Inserts the submissions in one statement, skipping client ids already
/// stored; returns the rows it stored.
pub async fn insert(
    txn: &impl ConnectionTrait,
    subs: &[&Submission],
) -> Result<Vec<response::Model>, AppError> {
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
        .on_conflict(OnConflict::column(C::ClientId).do_nothing().to_owned())
        .returning_all();
    for s in subs {
        let texts = if s.answers.texts.is_empty() {
            None
        } else {
            serde_json::to_string(&s.answers.texts).ok()
        };
        insert
            .values([
                s.client_id.clone().into(),
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
    let mut stored = Vec::new();
    for row in txn.query_all(&insert).await? {
        stored.push(response::Model::from_query_result(&row, "")?);
    }
    Ok(stored)
}

/// The stored responses with these client ids.
pub async fn by_client_ids(
    txn: &impl ConnectionTrait,
    ids: Vec<String>,
) -> Result<Vec<response::Model>, AppError> {
    Ok(response::Entity::find()
        .filter(response::Column::ClientId.is_in(ids))
        .all(txn)
        .await?)
}

/// The last response id of a round now (0: none yet).
pub async fn last_id(db: &impl ConnectionTrait, round_id: i64) -> Result<i64, AppError> {
    let max: Option<Option<i64>> = response::Entity::find()
        .select_only()
        .expr(Func::max(Expr::col(response::Column::Id)))
        .filter(response::Column::RoundId.eq(round_id))
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
