//! Tallies in the database: added to by the submission writer inside its
//! transaction and read by the report (recomputation: `store::recompute`).

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Alias, Expr, ExprTrait, IntoIden, OnConflict, Query},
};
use std::collections::BTreeMap;

use crate::{
    domain::{
        group::RespondentGroup,
        questionnaire::Questionnaire,
        submission::ResponseScore,
        tally::{
            ClassKey, ClassSums, OptionCounts, OptionKey, PlaceItem, ResponseFacts, Tallies,
            TallyBuilder, TimelineKey, VALID,
        },
    },
    entities::{option_tally, response, response_tally, round_questionnaire, timeline_tally},
};

/// Values per upsert statement (well under SQLite's bind limit).
const MAX_VALUES: usize = 4000;

/// Rows per statement for a table of `columns` columns.
fn rows_per_statement(columns: usize) -> usize {
    (MAX_VALUES / columns).max(1)
}

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
    let mut t = TallyBuilder::default();
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
            submitted_at: r.submitted_at.timestamp(),
        });
    }
    add(txn, &t.finish()).await
}

/// `table.col + excluded.col`: what an upsert adds to an existing row.
fn plus_excluded<C: IntoIden + Copy>(table: &'static str, col: C) -> Expr {
    Expr::col((Alias::new(table), col)).add(Expr::col((Alias::new("excluded"), col)))
}

/// Adds tallies to the stored ones (inserting keys not yet stored).
pub(super) async fn add(txn: &impl ConnectionTrait, t: &Tallies) -> Result<(), DbErr> {
    use option_tally::Column as O;
    use response_tally::Column as R;
    let classes: Vec<(&ClassKey, &ClassSums)> = t.classes.iter().collect();
    for chunk in classes.chunks(rows_per_statement(9)) {
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
    let options: Vec<(&OptionKey, &OptionCounts)> = t.options.iter().collect();
    let counts = [
        O::N1,
        O::N2,
        O::N3,
        O::N4,
        O::N5,
        O::N6,
        O::N7,
        O::N8,
        O::N9,
    ];
    for chunk in options.chunks(rows_per_statement(13)) {
        let mut q = Query::insert();
        let mut columns = vec![O::RoundId, O::LinkId, O::Validity, O::ItemIndex];
        columns.extend(counts);
        q.into_table(option_tally::Entity).columns(columns);
        for (k, n) in chunk {
            let mut values = vec![
                k.round_id.into(),
                k.link_id.into(),
                k.validity.clone().into(),
                k.item.into(),
            ];
            values.extend(n.iter().map(|n| (*n).into()));
            q.values(values).map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        q.on_conflict(
            OnConflict::columns([O::RoundId, O::LinkId, O::Validity, O::ItemIndex])
                .values(counts.map(|c| (c, plus_excluded("option_tallies", c))))
                .to_owned(),
        );
        txn.execute(&q).await?;
    }
    use timeline_tally::Column as T;
    let timeline: Vec<(&TimelineKey, &i64)> = t.timeline.iter().collect();
    for chunk in timeline.chunks(rows_per_statement(5)) {
        let mut q = Query::insert();
        q.into_table(timeline_tally::Entity).columns([
            T::RoundId,
            T::LinkId,
            T::Validity,
            T::BucketStart,
            T::Responses,
        ]);
        for (k, n) in chunk {
            q.values([
                k.round_id.into(),
                k.link_id.into(),
                k.validity.clone().into(),
                k.bucket_start.into(),
                (**n).into(),
            ])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        q.on_conflict(
            OnConflict::columns([T::RoundId, T::LinkId, T::Validity, T::BucketStart])
                .value(
                    T::Responses,
                    plus_excluded("timeline_tallies", T::Responses),
                )
                .to_owned(),
        );
        txn.execute(&q).await?;
    }
    Ok(())
}

/// The stored tallies of a round; option counts only of valid responses,
/// and no timeline, unless `all_options` (what the report needs is much
/// less than what a check compares).
pub async fn load(
    db: &impl ConnectionTrait,
    round_id: i64,
    all_options: bool,
) -> Result<Tallies, DbErr> {
    use option_tally::Column as O;
    use response_tally::Column as R;
    let mut t = Tallies::default();
    let classes = response_tally::Entity::find()
        .select_only()
        .columns([R::LinkId, R::Validity, R::Place, R::Judged])
        .columns([R::Responses, R::SumRecognised, R::SumPoints, R::SumPointsSq])
        .filter(R::RoundId.eq(round_id))
        .into_tuple::<(i64, String, String, i32, i64, i64, i64, i64)>()
        .all(db)
        .await?;
    for (link_id, validity, place, judged, responses, recognised, points, points_sq) in classes {
        let key = ClassKey {
            round_id,
            link_id,
            validity,
            place,
            judged,
        };
        let sums = ClassSums {
            responses,
            recognised,
            points,
            points_sq,
        };
        t.classes.insert(key, sums);
    }
    let mut options = option_tally::Entity::find().filter(O::RoundId.eq(round_id));
    if !all_options {
        options = options.filter(O::Validity.eq(VALID));
    }
    for r in options.all(db).await? {
        let key = OptionKey {
            round_id,
            link_id: r.link_id,
            validity: r.validity,
            item: r.item_index,
        };
        let counts = [r.n1, r.n2, r.n3, r.n4, r.n5, r.n6, r.n7, r.n8, r.n9];
        t.options.insert(key, counts);
    }
    if all_options {
        for (key, n) in timeline(db, round_id).await? {
            t.timeline.insert(key, n);
        }
    }
    Ok(t)
}

/// Responses of a round over time: per link, validity and 10-minute
/// interval, ordered by interval.
pub async fn timeline(
    db: &impl ConnectionTrait,
    round_id: i64,
) -> Result<Vec<(TimelineKey, i64)>, DbErr> {
    use sea_orm::QueryOrder;
    use timeline_tally::Column as T;
    let rows = timeline_tally::Entity::find()
        .filter(T::RoundId.eq(round_id))
        .order_by_asc(T::BucketStart)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let key = TimelineKey {
                round_id,
                link_id: r.link_id,
                validity: r.validity,
                bucket_start: r.bucket_start,
            };
            (key, r.responses)
        })
        .collect())
}
