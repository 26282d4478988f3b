//! Tallies in the database: added to by the submission writer inside its
//! transaction, read by the report, and recomputed from the raw responses
//! to verify them or to rebuild them.

use futures_util::TryStreamExt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    IsolationLevel, QueryFilter, QuerySelect, SqliteTransactionMode, StreamTrait,
    TransactionOptions, TransactionTrait,
    sea_query::{Alias, Expr, ExprTrait, IntoIden, OnConflict, Query},
};
use std::collections::BTreeMap;

use crate::{
    domain::{
        group::RespondentGroup,
        questionnaire::Questionnaire,
        scoring::score_of,
        submission::ResponseScore,
        tally::{ClassKey, ClassSums, OptionKey, PlaceItem, ResponseFacts, Tallies},
    },
    entities::{option_tally, response, response_tally, round_questionnaire},
    error::AppError,
};

/// Rows per upsert statement (well under SQLite's bind limit).
const CHUNK: usize = 500;

/// Adds the responses just inserted by the writer to the tallies, in the
/// writer's transaction: either both are committed or neither.
pub async fn apply_batch(
    txn: &impl ConnectionTrait,
    rows: &[&response::Model],
) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    // Only county-level groups record where the respondent lives.
    let mut wanted: Vec<(i64, &str)> = rows
        .iter()
        .filter(|r| {
            RespondentGroup::from_code(&r.respondent_group).is_some_and(|g| !g.is_school_bound())
        })
        .map(|r| (r.round_id, r.respondent_group.as_str()))
        .collect();
    wanted.sort();
    wanted.dedup();
    let mut places: BTreeMap<(i64, &str), Option<PlaceItem>> = BTreeMap::new();
    for (round_id, group) in wanted {
        let q = round_questionnaire::Entity::find_by_id((round_id, group.to_string()))
            .one(txn)
            .await?;
        let item = q
            .and_then(|q| serde_json::from_str::<Questionnaire>(&q.content).ok())
            .and_then(|q| PlaceItem::find(&q));
        places.insert((round_id, group), item);
    }
    let mut t = Tallies::default();
    for r in rows {
        let place_item = places
            .get(&(r.round_id, r.respondent_group.as_str()))
            .and_then(Option::as_ref);
        t.add(&ResponseFacts {
            round_id: r.round_id,
            link_id: r.link_id,
            validity: &r.validity,
            place: place_item.and_then(|p| p.place(&r.answers)),
            score: ResponseScore {
                recognised: r.recognised,
                judged: r.judged,
                points: r.points,
            },
            answers: &r.answers,
        });
    }
    add(txn, &t).await
}

/// `table.col + excluded.col`: what an upsert adds to an existing row.
fn plus_excluded<C: IntoIden + Copy>(table: &'static str, col: C) -> Expr {
    Expr::col((Alias::new(table), col)).add(Expr::col((Alias::new("excluded"), col)))
}

/// Adds tallies to the stored ones (inserting keys not yet stored).
async fn add(txn: &impl ConnectionTrait, t: &Tallies) -> Result<(), DbErr> {
    use option_tally::Column as O;
    use response_tally::Column as R;
    let classes: Vec<(&ClassKey, &ClassSums)> = t.classes.iter().collect();
    for chunk in classes.chunks(CHUNK) {
        let mut q = Query::insert();
        q.into_table(response_tally::Entity).columns([
            R::RoundId,
            R::LinkId,
            R::Validity,
            R::Place,
            R::Judged,
            R::Responses,
            R::SumRecognised,
            R::SumPoints,
            R::SumPointsSq,
        ]);
        for (k, s) in chunk {
            q.values([
                k.round_id.into(),
                k.link_id.into(),
                k.validity.clone().into(),
                k.place.clone().into(),
                k.judged.into(),
                s.responses.into(),
                s.recognised.into(),
                s.points.into(),
                s.points_sq.into(),
            ])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        let table = "response_tallies";
        q.on_conflict(
            OnConflict::columns([R::RoundId, R::LinkId, R::Validity, R::Place, R::Judged])
                .values([
                    (R::Responses, plus_excluded(table, R::Responses)),
                    (R::SumRecognised, plus_excluded(table, R::SumRecognised)),
                    (R::SumPoints, plus_excluded(table, R::SumPoints)),
                    (R::SumPointsSq, plus_excluded(table, R::SumPointsSq)),
                ])
                .to_owned(),
        );
        txn.execute(&q).await?;
    }
    let options: Vec<(&OptionKey, &i64)> = t.options.iter().collect();
    for chunk in options.chunks(CHUNK) {
        let mut q = Query::insert();
        q.into_table(option_tally::Entity).columns([
            O::RoundId,
            O::LinkId,
            O::Validity,
            O::ItemIndex,
            O::OptionCode,
            O::Answers,
        ]);
        for (k, n) in chunk {
            q.values([
                k.round_id.into(),
                k.link_id.into(),
                k.validity.clone().into(),
                k.item.into(),
                k.option.into(),
                (**n).into(),
            ])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        q.on_conflict(
            OnConflict::columns([
                O::RoundId,
                O::LinkId,
                O::Validity,
                O::ItemIndex,
                O::OptionCode,
            ])
            .value(O::Answers, plus_excluded("option_tallies", O::Answers))
            .to_owned(),
        );
        txn.execute(&q).await?;
    }
    Ok(())
}

/// The stored tallies of a round.
pub async fn load(db: &impl ConnectionTrait, round_id: i64) -> Result<Tallies, DbErr> {
    let mut t = Tallies::default();
    for r in response_tally::Entity::find()
        .filter(response_tally::Column::RoundId.eq(round_id))
        .all(db)
        .await?
    {
        let key = ClassKey {
            round_id,
            link_id: r.link_id,
            validity: r.validity,
            place: r.place,
            judged: r.judged,
        };
        let sums = ClassSums {
            responses: r.responses,
            recognised: r.sum_recognised,
            points: r.sum_points,
            points_sq: r.sum_points_sq,
        };
        t.classes.insert(key, sums);
    }
    for r in option_tally::Entity::find()
        .filter(option_tally::Column::RoundId.eq(round_id))
        .all(db)
        .await?
    {
        let key = OptionKey {
            round_id,
            link_id: r.link_id,
            validity: r.validity,
            item: r.item_index,
            option: r.option_code,
        };
        t.options.insert(key, r.answers);
    }
    Ok(t)
}

/// Tallies recomputed from the raw answers of a round.
pub struct Recomputed {
    pub tallies: Tallies,
    pub responses: u64,
    /// Responses whose stored score differs from their answers re-scored
    /// against the frozen questionnaire: (id, correct score).
    pub rescored: Vec<(i64, ResponseScore)>,
}

/// Reads every response of the round once (streamed) and tallies it anew,
/// scoring each from its answer string.
pub async fn recompute<C>(conn: &C, round_id: i64) -> Result<Recomputed, AppError>
where
    C: ConnectionTrait + StreamTrait,
{
    let mut questionnaires: BTreeMap<String, (Questionnaire, Option<PlaceItem>)> = BTreeMap::new();
    for row in round_questionnaire::Entity::find()
        .filter(round_questionnaire::Column::RoundId.eq(round_id))
        .all(conn)
        .await?
    {
        let q: Questionnaire = serde_json::from_str(&row.content)
            .map_err(|e| AppError::Unexpected(format!("stored questionnaire unreadable: {e}")))?;
        let school_bound =
            RespondentGroup::from_code(&row.respondent_group).is_none_or(|g| g.is_school_bound());
        let place = if school_bound {
            None
        } else {
            PlaceItem::find(&q)
        };
        questionnaires.insert(row.respondent_group, (q, place));
    }
    use response::Column as C;
    let mut stream = response::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::LinkId,
            C::RespondentGroup,
            C::Validity,
            C::Answers,
            C::Recognised,
            C::Judged,
            C::Points,
        ])
        .filter(C::RoundId.eq(round_id))
        .into_tuple::<(i64, i64, String, String, String, i32, i32, i32)>()
        .stream(conn)
        .await?;
    let mut out = Recomputed {
        tallies: Tallies::default(),
        responses: 0,
        rescored: Vec::new(),
    };
    while let Some((id, link_id, group, validity, answers, recognised, judged, points)) =
        stream.try_next().await?
    {
        let Some((q, place_item)) = questionnaires.get(&group) else {
            return Err(AppError::Unexpected(format!(
                "response {id}: no questionnaire for {group}"
            )));
        };
        let score = score_of(q, &answers);
        if score
            != (ResponseScore {
                recognised,
                judged,
                points,
            })
        {
            out.rescored.push((id, score));
        }
        out.responses += 1;
        out.tallies.add(&ResponseFacts {
            round_id,
            link_id,
            validity: &validity,
            place: place_item.as_ref().and_then(|p| p.place(&answers)),
            score,
            answers: &answers,
        });
    }
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
    let stored = load(&txn, round_id).await?;
    let fresh = recompute(&txn, round_id).await?;
    txn.commit().await?;
    Ok(TallyCheck {
        responses: fresh.responses,
        differences: stored.differences(&fresh.tallies),
        rescored: fresh.rescored.len() as u64,
    })
}

/// Replaces the tallies of a round with a recomputation from its responses
/// (and corrects stored per-response scores that disagree with the answers).
/// Writers wait meanwhile, so no submission is counted twice or lost.
/// Returns what the stored tallies looked like before.
pub async fn rebuild(db: &DatabaseConnection, round_id: i64) -> Result<TallyCheck, AppError> {
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    let txn = db
        .begin_with_options(TransactionOptions {
            isolation_level: None,
            access_mode: None,
            // SQLite: take the write lock now, before reading anything.
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        })
        .await?;
    if postgres {
        // Writers' upserts wait until this commits; writers already past
        // theirs are waited for, so the snapshot below includes them.
        txn.execute_unprepared("LOCK TABLE response_tallies, option_tallies IN EXCLUSIVE MODE")
            .await?;
    }
    let stored = load(&txn, round_id).await?;
    let fresh = recompute(&txn, round_id).await?;
    for (id, s) in &fresh.rescored {
        response::Entity::update_many()
            .col_expr(response::Column::Recognised, Expr::value(s.recognised))
            .col_expr(response::Column::Judged, Expr::value(s.judged))
            .col_expr(response::Column::Points, Expr::value(s.points))
            .filter(response::Column::Id.eq(*id))
            .exec(&txn)
            .await?;
    }
    response_tally::Entity::delete_many()
        .filter(response_tally::Column::RoundId.eq(round_id))
        .exec(&txn)
        .await?;
    option_tally::Entity::delete_many()
        .filter(option_tally::Column::RoundId.eq(round_id))
        .exec(&txn)
        .await?;
    add(&txn, &fresh.tallies).await?;
    txn.commit().await?;
    Ok(TallyCheck {
        responses: fresh.responses,
        differences: stored.differences(&fresh.tallies),
        rescored: fresh.rescored.len() as u64,
    })
}
