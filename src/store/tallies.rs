//! Tallies in the database: added to by the submission writer inside its
//! transaction and read by the report (recomputation: `store::recompute`).

use super::{bulk, responses::StoredResponse, scope::Rounds, tenancy, upsert};
use crate::{
    domain::{
        collection::CollectionMode,
        school::Location,
        submission::{ResponseScore, Validity},
        tally::{
            ClassKey, ClassSums, LanguageKey, ModeKey, OptionCounts, OptionKey, ResponseFacts,
            Tallies, TallyBuilder, TimelineKey, VALID,
        },
    },
    entities::{language_tally, mode_tally, option_tally, response_tally, timeline_tally},
    error::AppError,
};
use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ColumnType, ConnectionTrait, DbErr, EntityName, EntityTrait, QueryFilter,
    QuerySelect, sea_query::Expr,
};

/// Adds the responses just inserted by the writer to the tallies, in the
/// writer's transaction: either both are committed or neither. Each comes
/// with where its respondent lives (county-level groups) and its answers
/// on the scale's middle option, which the request worked out from the
/// round's frozen questionnaire.
pub async fn apply_batch(
    txn: &impl ConnectionTrait,
    rows: &[(&StoredResponse, Option<Location>, i32)],
) -> Result<(), AppError> {
    if rows.is_empty() {
        return Ok(());
    }
    let counties: HashMap<i64, i64> = rows
        .iter()
        .map(|(r, _, _)| (r.round_id, r.county_id))
        .collect();
    let mut t = TallyBuilder::default();
    for (r, place, middle) in rows {
        t.add(&ResponseFacts {
            round_id: r.round_id,
            link_id: r.link_id,
            validity: r.validity,
            mode: r.collection_mode,
            place: *place,
            score: ResponseScore {
                recognised: r.recognised,
                judged: r.judged,
                points: r.points,
            },
            middle: *middle,
            language: &r.language,
            answers: &r.answers,
            submitted_at: r.submitted_at.timestamp(),
        });
    }
    add(txn, &t.finish(), &counties).await
}

/// A stored validity code; one this build does not know is an error, not
/// a silently different tally.
pub(crate) fn validity(code: &str) -> Result<Validity, DbErr> {
    Validity::from_code(code).ok_or_else(|| DbErr::Custom(format!("unknown validity `{code}`")))
}

/// A stored collection mode; one this build does not know is an error.
pub(crate) fn collection_mode(code: &str) -> Result<CollectionMode, DbErr> {
    CollectionMode::from_code(code)
        .ok_or_else(|| DbErr::Custom(format!("unknown collection mode `{code}`")))
}

/// An additive table: rows are keyed by `keys`, and adding a row to a
/// stored one adds up its `sums`; `county` is written with a new row (the
/// round's county: part of no key, never changed).
struct Additive<E, C: 'static> {
    entity: E,
    keys: &'static [C],
    county: C,
    sums: &'static [C],
}

/// How a column's values travel in the upsert's JSON rows.
fn kind<C: ColumnTrait>(c: C) -> upsert::Kind {
    match c.def().get_column_type() {
        ColumnType::BigInteger => upsert::Kind::BigInt,
        ColumnType::Integer => upsert::Kind::Int,
        _ => upsert::Kind::Text,
    }
}

impl<E, C> Additive<E, C>
where
    E: EntityName,
    C: ColumnTrait + Copy,
{
    /// Inserts `rows` (their round, then key values, then sum values),
    /// adding to rows already stored under the same key.
    async fn add(
        &self,
        txn: &impl ConnectionTrait,
        rows: impl Iterator<Item = (i64, Vec<sea_orm::Value>)>,
        counties: &HashMap<i64, i64>,
    ) -> Result<(), AppError> {
        let mut with_county = Vec::new();
        for (round_id, mut row) in rows {
            let county = counties
                .get(&round_id)
                .copied()
                .ok_or_else(|| AppError::Unexpected(format!("no county for round {round_id}")))?;
            row.insert(self.keys.len(), county.into());
            with_county.push(row);
        }
        if with_county.is_empty() {
            return Ok(());
        }
        let columns = self.keys.iter().chain([&self.county]).chain(self.sums);
        upsert::Additive {
            table: self.entity.table_name(),
            columns: columns.map(|c| (c.as_str(), kind(*c))).collect(),
            keys: tenancy::conflict_target(txn.get_database_backend(), self.keys, self.county)
                .iter()
                .map(|c| c.as_str())
                .collect(),
            sums: self.sums.iter().map(|c| c.as_str()).collect(),
        }
        .add(txn, &with_county)
        .await
    }
}

/// Adds tallies to the stored ones (inserting keys not yet stored).
/// `counties`: the county of each round the tallies are of.
pub(super) async fn add(
    txn: &impl ConnectionTrait,
    t: &Tallies,
    counties: &HashMap<i64, i64>,
) -> Result<(), AppError> {
    use option_tally::Column as O;
    use response_tally::Column as R;
    use timeline_tally::Column as T;
    let classes = Additive {
        entity: response_tally::Entity,
        keys: &[R::RoundId, R::LinkId, R::Validity, R::Place, R::Judged],
        county: R::CountyId,
        sums: &[
            R::Responses,
            R::SumRecognised,
            R::SumPoints,
            R::SumPointsSq,
            R::SumMiddle,
        ],
    };
    let rows = t.classes.iter().map(|(k, s): (&ClassKey, &ClassSums)| {
        (
            k.round_id,
            vec![
                k.round_id.into(),
                k.link_id.into(),
                k.validity.code().into(),
                k.place.clone().into(),
                k.judged.into(),
                s.responses.into(),
                s.recognised.into(),
                s.points.into(),
                s.points_sq.into(),
                s.middle.into(),
            ],
        )
    });
    classes.add(txn, rows, counties).await?;

    if !t.languages.is_empty() {
        use language_tally::Column as L;
        let languages = Additive {
            entity: language_tally::Entity,
            keys: &[L::RoundId, L::LinkId, L::Validity, L::Language, L::Judged],
            county: L::CountyId,
            sums: &[
                L::Responses,
                L::SumRecognised,
                L::SumPoints,
                L::SumPointsSq,
                L::SumMiddle,
            ],
        };
        let rows = t
            .languages
            .iter()
            .map(|(k, s): (&LanguageKey, &ClassSums)| {
                (
                    k.round_id,
                    vec![
                        k.round_id.into(),
                        k.link_id.into(),
                        k.validity.code().into(),
                        k.language.clone().into(),
                        k.judged.into(),
                        s.responses.into(),
                        s.recognised.into(),
                        s.points.into(),
                        s.points_sq.into(),
                        s.middle.unwrap_or(0).into(),
                    ],
                )
            });
        languages.add(txn, rows, counties).await?;
    }

    let options = Additive {
        entity: option_tally::Entity,
        keys: &[O::RoundId, O::LinkId, O::Validity, O::ItemIndex],
        county: O::CountyId,
        sums: &[
            O::N1,
            O::N2,
            O::N3,
            O::N4,
            O::N5,
            O::N6,
            O::N7,
            O::N8,
            O::N9,
        ],
    };
    let rows = t.options.iter().map(|(k, n): (&OptionKey, &OptionCounts)| {
        let mut row: Vec<sea_orm::Value> = vec![
            k.round_id.into(),
            k.link_id.into(),
            k.validity.code().into(),
            k.item.into(),
        ];
        row.extend(n.iter().map(|n| (*n).into()));
        (k.round_id, row)
    });
    options.add(txn, rows, counties).await?;

    use mode_tally::Column as M;
    let modes = Additive {
        entity: mode_tally::Entity,
        keys: &[
            M::RoundId,
            M::LinkId,
            M::CollectionMode,
            M::Validity,
            M::Judged,
        ],
        county: M::CountyId,
        sums: &[M::Responses, M::SumRecognised, M::SumPoints, M::SumPointsSq],
    };
    let rows = t.modes.iter().map(|(k, s): (&ModeKey, &ClassSums)| {
        (
            k.round_id,
            vec![
                k.round_id.into(),
                k.link_id.into(),
                k.mode.code().into(),
                k.validity.code().into(),
                k.judged.into(),
                s.responses.into(),
                s.recognised.into(),
                s.points.into(),
                s.points_sq.into(),
            ],
        )
    });
    modes.add(txn, rows, counties).await?;

    let timeline = Additive {
        entity: timeline_tally::Entity,
        keys: &[T::RoundId, T::LinkId, T::Validity, T::BucketStart],
        county: T::CountyId,
        sums: &[T::Responses],
    };
    let rows = t.timeline.iter().map(|(k, n): (&TimelineKey, &i64)| {
        (
            k.round_id,
            vec![
                k.round_id.into(),
                k.link_id.into(),
                k.validity.code().into(),
                k.bucket_start.into(),
                (*n).into(),
            ],
        )
    });
    timeline.add(txn, rows, counties).await
}

/// The stored tallies of a round; option counts only of valid responses,
/// and no timeline, unless `all_options` (what the report needs is much
/// less than what a check compares).
pub async fn load(
    db: &impl ConnectionTrait,
    round_id: i64,
    all_options: bool,
) -> Result<Tallies, AppError> {
    let rounds = Rounds::read(db, round_id).await?;
    let options = if all_options {
        OptionRows::All
    } else {
        OptionRows::Valid(&rounds)
    };
    let mut t = load_many(db, &rounds, options)
        .await?
        .remove(&round_id)
        .unwrap_or_default();
    if all_options {
        for (key, n) in timeline(db, &rounds).await? {
            t.timeline.insert(key, n);
        }
    }
    Ok(t)
}

/// Which option counts a load reads: the largest of the tally tables (a
/// row per link, validity and item), so a comparison reads them only where
/// a county's rate is computed from them.
#[derive(Debug, Clone, Copy)]
pub enum OptionRows<'a> {
    /// Of valid responses, for these rounds only (the others get none).
    Valid(&'a Rounds),
    /// Of every validity, for every round loaded (the tallies check).
    All,
}

/// The stored tallies of several rounds (a comparison's counties) by round,
/// in one query per tally table whatever their number; no timeline.
pub async fn load_many(
    db: &impl ConnectionTrait,
    rounds: &Rounds,
    options: OptionRows<'_>,
) -> Result<HashMap<i64, Tallies>, AppError> {
    use response_tally::Column as R;
    let mut out: HashMap<i64, Tallies> = rounds
        .ids()
        .iter()
        .map(|id| (*id, Tallies::default()))
        .collect();
    let classes = response_tally::Entity::find()
        .select_only()
        .columns([R::RoundId, R::LinkId, R::Validity, R::Place, R::Judged])
        .columns([R::Responses, R::SumRecognised, R::SumPoints, R::SumPointsSq])
        .column(R::SumMiddle)
        .filter(rounds.on(R::RoundId, R::CountyId))
        .into_tuple::<(
            i64,
            i64,
            String,
            String,
            i32,
            i64,
            i64,
            i64,
            i64,
            Option<i64>,
        )>()
        .all(db)
        .await?;
    for (
        round_id,
        link_id,
        code,
        place,
        judged,
        responses,
        recognised,
        points,
        points_sq,
        middle,
    ) in classes
    {
        let key = ClassKey {
            round_id,
            link_id,
            validity: validity(&code)?,
            place,
            judged,
        };
        let sums = ClassSums {
            responses,
            recognised,
            points,
            points_sq,
            middle,
        };
        out.entry(round_id).or_default().classes.insert(key, sums);
    }
    for l in language_tally::Entity::find()
        .filter(rounds.on(
            language_tally::Column::RoundId,
            language_tally::Column::CountyId,
        ))
        .all(db)
        .await?
    {
        let key = LanguageKey {
            round_id: l.round_id,
            link_id: l.link_id,
            validity: validity(&l.validity)?,
            language: l.language,
            judged: l.judged,
        };
        let sums = ClassSums {
            responses: l.responses,
            recognised: l.sum_recognised,
            points: l.sum_points,
            points_sq: l.sum_points_sq,
            middle: Some(l.sum_middle),
        };
        out.entry(l.round_id)
            .or_default()
            .languages
            .insert(key, sums);
    }
    for m in mode_tally::Entity::find()
        .filter(rounds.on(mode_tally::Column::RoundId, mode_tally::Column::CountyId))
        .all(db)
        .await?
    {
        let key = ModeKey {
            round_id: m.round_id,
            link_id: m.link_id,
            mode: collection_mode(&m.collection_mode)?,
            validity: validity(&m.validity)?,
            judged: m.judged,
        };
        let sums = ClassSums {
            responses: m.responses,
            recognised: m.sum_recognised,
            points: m.sum_points,
            points_sq: m.sum_points_sq,
            middle: None,
        };
        out.entry(m.round_id).or_default().modes.insert(key, sums);
    }
    let (option_rounds, all_options) = match options {
        OptionRows::Valid(some) => (some, false),
        OptionRows::All => (rounds, true),
    };
    for (key, counts) in options_many(db, option_rounds, all_options).await? {
        out.entry(key.round_id)
            .or_default()
            .options
            .insert(key, counts);
    }
    Ok(out)
}

/// The option counts of rounds (only of valid responses unless
/// `all_options`), read as one joined text: a province's comparison reads
/// about 100,000 of these rows, and one value instead of thirteen per row
/// is most of the time it takes.
async fn options_many(
    db: &impl ConnectionTrait,
    rounds: &Rounds,
    all_options: bool,
) -> Result<Vec<(OptionKey, OptionCounts)>, AppError> {
    use option_tally::Column as O;
    if rounds.ids().is_empty() {
        return Ok(Vec::new());
    }
    const FIELDS: [&str; 13] = [
        "round_id",
        "link_id",
        "validity",
        "item_index",
        "n1",
        "n2",
        "n3",
        "n4",
        "n5",
        "n6",
        "n7",
        "n8",
        "n9",
    ];
    let lines = bulk::joined_lines(db.get_database_backend(), &FIELDS, None);
    let mut query = option_tally::Entity::find()
        .select_only()
        .column_as(Expr::cust(lines), "lines")
        .filter(rounds.on(O::RoundId, O::CountyId));
    if !all_options {
        query = query.filter(O::Validity.eq(VALID.code()));
    }
    let text: Option<String> = query
        .into_tuple::<Option<String>>()
        .one(db)
        .await?
        .flatten();
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    text.split('\n')
        .map(|line| {
            option_line(line).ok_or_else(|| {
                AppError::Db(DbErr::Custom(format!(
                    "option tally row unreadable: {line}"
                )))
            })
        })
        .collect()
}

/// One line of [`options_many`]'s text: `round_id link_id validity
/// item_index n1 … n9`.
fn option_line(line: &str) -> Option<(OptionKey, OptionCounts)> {
    let mut f = line.split(' ');
    let round_id = f.next()?.parse().ok()?;
    let link_id = f.next()?.parse().ok()?;
    let validity = Validity::from_code(f.next()?)?;
    let item = f.next()?.parse().ok()?;
    let mut counts: OptionCounts = [0; 9];
    for n in &mut counts {
        *n = f.next()?.parse().ok()?;
    }
    let key = OptionKey {
        round_id,
        link_id,
        validity,
        item,
    };
    f.next().is_none().then_some((key, counts))
}

/// Responses of a round over time: per link, validity and 10-minute
/// interval, in no particular order. Read as one joined text: a round
/// over weeks has a row per link and 10 minutes, hundreds of thousands.
pub async fn timeline(
    db: &impl ConnectionTrait,
    round: &Rounds,
) -> Result<Vec<(TimelineKey, i64)>, AppError> {
    use timeline_tally::Column as T;
    let [round_id] = round.ids() else {
        return Err(AppError::Unexpected(
            "a timeline is read for one round".to_string(),
        ));
    };
    let round_id = *round_id;
    let lines = bulk::joined_lines(
        db.get_database_backend(),
        &["link_id", "validity", "bucket_start", "responses"],
        None,
    );
    let text: Option<String> = timeline_tally::Entity::find()
        .select_only()
        .column_as(Expr::cust(lines), "lines")
        .filter(round.on(T::RoundId, T::CountyId))
        .into_tuple::<Option<String>>()
        .one(db)
        .await?
        .flatten();
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    text.split('\n')
        .map(|line| {
            timeline_line(round_id, line).ok_or_else(|| {
                AppError::Db(DbErr::Custom(format!("timeline row unreadable: {line}")))
            })
        })
        .collect()
}

/// One line of [`timeline`]'s text: `link_id validity bucket_start responses`.
fn timeline_line(round_id: i64, line: &str) -> Option<(TimelineKey, i64)> {
    let mut f = line.split(' ');
    let link_id = f.next()?.parse().ok()?;
    let validity = Validity::from_code(f.next()?)?;
    let bucket_start = f.next()?.parse().ok()?;
    let n = f.next()?.parse().ok()?;
    let key = TimelineKey {
        round_id,
        link_id,
        validity,
        bucket_start,
    };
    f.next().is_none().then_some((key, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_option_line_reads_back_every_field_or_nothing() {
        let (key, counts) = option_line("7 42 too_fast 3 1 0 2 0 0 0 0 0 9").unwrap();
        assert_eq!(
            key,
            OptionKey {
                round_id: 7,
                link_id: 42,
                validity: Validity::TooFast,
                item: 3
            }
        );
        assert_eq!(counts, [1, 0, 2, 0, 0, 0, 0, 0, 9]);
        // A field missing (a NULL left out by concat_ws), one too many, an
        // unknown validity: unreadable, never a silently different count.
        assert!(option_line("7 42 valid 3 1 0 2 0 0 0 0 0").is_none());
        assert!(option_line("7 42 valid 3 1 0 2 0 0 0 0 0 9 1").is_none());
        assert!(option_line("7 42 maybe 3 1 0 2 0 0 0 0 0 9").is_none());
        assert!(option_line("7 x valid 3 1 0 2 0 0 0 0 0 9").is_none());
    }
}
