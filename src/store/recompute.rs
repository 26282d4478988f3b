//! Tallies recomputed from the raw responses of a round: to verify the
//! stored ones, and to rebuild them (e.g. after a rule is corrected).

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    IsolationLevel, QueryFilter, SqliteTransactionMode, StreamTrait, TransactionOptions,
    TransactionTrait, sea_query::Expr,
};
use std::collections::{BTreeMap, HashMap};

use super::{
    bulk::{self, Scope},
    scope::Rounds,
    tallies::{add, load},
};
use crate::{
    domain::{
        questionnaire::Questionnaire,
        scoring::ScoreTable,
        submission::ResponseScore,
        tally::{MiddleTable, PlaceItem, ResponseFacts, Tallies, TallyBuilder},
    },
    entities::{
        language_tally, link, mode_tally, option_tally, response, response_tally, round,
        round_questionnaire, timeline_tally,
    },
    error::AppError,
};

/// Tallies recomputed from the raw answers of a round.
pub struct Recomputed {
    pub tallies: Tallies,
    pub responses: u64,
    /// Responses whose stored score differs from their answers re-scored
    /// against the frozen questionnaire: (id, correct score).
    pub rescored: Vec<(i64, ResponseScore)>,
}

/// How to score and place the responses of one link.
struct LinkRule {
    scores: ScoreTable,
    middle: MiddleTable,
    place: Option<PlaceItem>,
}

/// Reads every response of the round once, a chunk at a time, and tallies
/// it anew, scoring each from its answer string against the frozen
/// questionnaire.
pub async fn recompute<C>(conn: &C, round_id: i64) -> Result<Recomputed, AppError>
where
    C: ConnectionTrait + StreamTrait,
{
    let (scale, scoped, key) = match round::Entity::find_by_id(round_id).one(conn).await? {
        Some(r) => (
            super::rounds::rule_of(&r).scale,
            Rounds::new([(r.id, r.county_id)]),
            bulk::RoundKey {
                id: r.id,
                county: r.county_id,
            },
        ),
        None => return Err(AppError::not_found("轮次不存在")),
    };
    let mut by_group: BTreeMap<String, (ScoreTable, MiddleTable, Option<PlaceItem>)> =
        BTreeMap::new();
    for row in round_questionnaire::Entity::find()
        .filter(scoped.on(
            round_questionnaire::Column::RoundId,
            round_questionnaire::Column::CountyId,
        ))
        .all(conn)
        .await?
    {
        let q: Questionnaire = serde_json::from_str(&row.content)
            .map_err(|e| AppError::Unexpected(format!("stored questionnaire unreadable: {e}")))?;
        let place = PlaceItem::for_group(&q, &row.respondent_group);
        let middle = MiddleTable::new(&q, scale);
        by_group.insert(row.respondent_group, (ScoreTable::new(&q), middle, place));
    }
    let mut links: HashMap<i64, LinkRule> = HashMap::new();
    for l in link::Entity::find()
        .filter(scoped.on(link::Column::RoundId, link::Column::CountyId))
        .all(conn)
        .await?
    {
        if let Some((scores, middle, place)) = by_group.get(&l.respondent_group) {
            let rule = LinkRule {
                scores: scores.clone(),
                middle: middle.clone(),
                place: place.clone(),
            };
            links.insert(l.id, rule);
        }
    }
    let mut tallies = TallyBuilder::default();
    let mut out = Recomputed {
        tallies: Tallies::default(),
        responses: 0,
        rescored: Vec::new(),
    };
    let responses = bulk::each_response(conn, Scope::Round(key), |r| {
        let Some(rule) = links.get(&r.link_id) else {
            return Err(AppError::Unexpected(format!(
                "response {}: link {} has no questionnaire",
                r.id, r.link_id
            )));
        };
        let score = rule.scores.score(r.answers);
        if score != r.stored {
            out.rescored.push((r.id, score));
        }
        tallies.add(&ResponseFacts {
            round_id,
            link_id: r.link_id,
            validity: super::tallies::validity(r.validity)?,
            mode: super::tallies::collection_mode(r.collection_mode)?,
            place: rule.place.as_ref().and_then(|p| p.place(r.answers)),
            score,
            middle: rule.middle.count(r.answers),
            language: r.language,
            answers: r.answers,
            submitted_at: r.submitted_at,
        });
        Ok(())
    })
    .await?;
    out.responses = responses;
    out.tallies = tallies.finish();
    Ok(out)
}

/// What comparing stored tallies with a recomputation found.
#[derive(Debug, Clone)]
pub struct TallyCheck {
    pub responses: u64,
    /// Keys whose stored and recomputed values differ.
    pub differences: Vec<String>,
    /// Responses whose stored score differs from their re-scored answers.
    pub rescored: u64,
}

/// Compares the stored tallies of a round with a recomputation from its
/// responses, both read from one snapshot.
pub async fn check(db: &DatabaseConnection, round_id: i64) -> Result<TallyCheck, AppError> {
    // PostgreSQL: REPEATABLE READ gives both reads one snapshot. SQLite (WAL):
    // a deferred transaction's reads share the snapshot of its first read.
    let isolation = (db.get_database_backend() == DbBackend::Postgres)
        .then_some(IsolationLevel::RepeatableRead);
    let txn = db
        .begin_with_options(TransactionOptions {
            isolation_level: isolation,
            access_mode: None,
            sqlite_transaction_mode: None,
        })
        .await?;
    let stored = load(&txn, round_id, true).await?;
    let fresh = recompute(&txn, round_id).await?;
    txn.commit().await?;
    let differences = stored.differences(&fresh.tallies);
    drop((stored, fresh.tallies));
    crate::memory::release_freed();
    Ok(TallyCheck {
        responses: fresh.responses,
        differences,
        rescored: fresh.rescored.len() as u64,
    })
}

/// Replaces the tallies of a round with a recomputation from its responses
/// (and corrects stored per-response scores that disagree with the answers).
/// Writers wait meanwhile, so no submission is counted twice or lost.
/// Returns what the stored tallies looked like before.
pub async fn rebuild(db: &DatabaseConnection, round_id: i64) -> Result<TallyCheck, AppError> {
    let txn = db
        .begin_with_options(TransactionOptions {
            isolation_level: None,
            access_mode: None,
            // SQLite: take the write lock now, before reading anything.
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        })
        .await?;
    let rebuilt = rebuild_in(&txn, round_id).await?;
    txn.commit().await?;
    Ok(rebuilt.compare())
}

/// A rebuild done inside a transaction, not yet compared.
pub struct Rebuilt {
    stored: Tallies,
    fresh: Recomputed,
}

impl Rebuilt {
    pub fn responses(&self) -> u64 {
        self.fresh.responses
    }

    /// Compares what was stored with what replaced it; call after the
    /// commit, so that writers do not wait for the comparison.
    pub fn compare(self) -> TallyCheck {
        let differences = self.stored.differences(&self.fresh.tallies);
        let (responses, rescored) = (self.fresh.responses, self.fresh.rescored.len() as u64);
        drop((self.stored, self.fresh));
        crate::memory::release_freed();
        TallyCheck {
            responses,
            differences,
            rescored,
        }
    }
}

/// The work of [`rebuild`] in the caller's transaction, which must hold the
/// write lock on SQLite (`BEGIN IMMEDIATE`); on PostgreSQL the tally tables
/// are locked here until it ends.
pub async fn rebuild_in(txn: &DatabaseTransaction, round_id: i64) -> Result<Rebuilt, AppError> {
    if ConnectionTrait::get_database_backend(txn) == DbBackend::Postgres {
        // Writers' upserts wait until this commits; writers already past
        // theirs are waited for, so the snapshot below includes them.
        txn.execute_unprepared(
            "LOCK TABLE response_tallies, option_tallies, timeline_tallies, language_tallies, \
             mode_tallies IN EXCLUSIVE MODE",
        )
        .await?;
    }
    let scoped = Rounds::read(txn, round_id).await?;
    let stored = load(txn, round_id, true).await?;
    let fresh = recompute(txn, round_id).await?;
    for (id, s) in &fresh.rescored {
        response::Entity::update_many()
            .col_expr(response::Column::Recognised, Expr::value(s.recognised))
            .col_expr(response::Column::Judged, Expr::value(s.judged))
            .col_expr(response::Column::Points, Expr::value(s.points))
            .filter(response::Column::Id.eq(*id))
            .filter(scoped.in_counties(response::Column::CountyId))
            .exec(txn)
            .await?;
    }
    response_tally::Entity::delete_many()
        .filter(scoped.on(
            response_tally::Column::RoundId,
            response_tally::Column::CountyId,
        ))
        .exec(txn)
        .await?;
    option_tally::Entity::delete_many()
        .filter(scoped.on(
            option_tally::Column::RoundId,
            option_tally::Column::CountyId,
        ))
        .exec(txn)
        .await?;
    timeline_tally::Entity::delete_many()
        .filter(scoped.on(
            timeline_tally::Column::RoundId,
            timeline_tally::Column::CountyId,
        ))
        .exec(txn)
        .await?;
    language_tally::Entity::delete_many()
        .filter(scoped.on(
            language_tally::Column::RoundId,
            language_tally::Column::CountyId,
        ))
        .exec(txn)
        .await?;
    mode_tally::Entity::delete_many()
        .filter(scoped.on(mode_tally::Column::RoundId, mode_tally::Column::CountyId))
        .exec(txn)
        .await?;
    add(txn, &fresh.tallies, &[(round_id, scoped.county()?)].into()).await?;
    Ok(Rebuilt { stored, fresh })
}
