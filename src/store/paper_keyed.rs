//! Who keyed how many sheets of a round, for the integrity panel: counts per
//! clerk, never which answers a clerk keyed.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap};

use crate::{
    domain::integrity::{KeyedCounts, keyed_by_clerk},
    entities::{account, paper_sheet},
    error::AppError,
};

/// One clerk's keying in a round.
pub struct ClerkKeying {
    pub account_id: i64,
    pub username: String,
    /// Counted sheets whose first (or only) entry the clerk keyed, and how
    /// many of them are identical to another of the clerk's sheets of the
    /// same link.
    pub first: KeyedCounts,
    /// Second entries (double entry) the clerk keyed.
    pub second: u64,
}

/// Every clerk who keyed a sheet of the round, by username.
pub async fn by_clerk(
    db: &impl ConnectionTrait,
    round: &crate::store::scope::Rounds,
) -> Result<Vec<ClerkKeying>, AppError> {
    use paper_sheet::Column as C;
    let rows: Vec<(
        Option<i64>,
        Option<i64>,
        i64,
        String,
        Option<String>,
        Option<String>,
    )> = paper_sheet::Entity::find()
        .select_only()
        .columns([
            C::FirstBy,
            C::SecondBy,
            C::LinkId,
            C::FirstMarks,
            C::FinalMarks,
        ])
        .column(C::ResponseClientId)
        .filter(round.on(C::RoundId, C::CountyId))
        .into_tuple()
        .all(db)
        .await?;
    let counted: Vec<(i64, i64, &str)> = rows
        .iter()
        .filter(|r| r.5.is_some())
        .filter_map(|(first, _, link, marks, fin, _)| {
            Some((
                first.as_ref().copied()?,
                *link,
                fin.as_deref().unwrap_or(marks),
            ))
        })
        .collect();
    let firsts: BTreeMap<i64, KeyedCounts> = keyed_by_clerk(&counted);
    let mut seconds: HashMap<i64, u64> = HashMap::new();
    for id in rows.iter().filter_map(|r| r.1) {
        *seconds.entry(id).or_default() += 1;
    }
    let mut ids: Vec<i64> = firsts.keys().copied().collect();
    ids.extend(seconds.keys().copied());
    ids.sort_unstable();
    ids.dedup();
    let names: HashMap<i64, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.username))
        .collect();
    let mut out: Vec<ClerkKeying> = ids
        .into_iter()
        .map(|id| ClerkKeying {
            account_id: id,
            username: names.get(&id).cloned().unwrap_or_default(),
            first: firsts.get(&id).copied().unwrap_or_default(),
            second: seconds.get(&id).copied().unwrap_or(0),
        })
        .collect();
    out.sort_by(|a, b| a.username.cmp(&b.username));
    Ok(out)
}
