//! Devices that have answered: keyed hashes of their random cookies, per
//! round, group and link (county-level groups: link 0). Claimed by the
//! writer in its transaction (the rules: `admission`); read here to greet a
//! returning device; deleted when the round closes.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, OnConflict, Query},
};
use std::collections::{HashMap, HashSet};

use crate::{
    admission::{DeviceKey, mark_link},
    domain::{group::RespondentGroup, round::Round},
    entities::device_mark,
    error::AppError,
    store::{scope::Rounds, tenancy},
};

/// How many answers this device gave on the link (county-level groups: in
/// the group), by the mark that decides its next one; `None`: not answered.
/// A group-wide mark from before marks were per link still counts.
pub async fn answers(
    db: &impl ConnectionTrait,
    round: &Round,
    group: RespondentGroup,
    school_id: Option<i64>,
    link_id: i64,
    device_hash: &str,
) -> Result<Option<i32>, AppError> {
    use device_mark::Column as C;
    let marks = device_mark::Entity::find()
        .filter(Rounds::one(round).on(C::RoundId, C::CountyId))
        .filter(C::RespondentGroup.eq(group.code()))
        .filter(C::LinkId.is_in([0, mark_link(school_id, link_id)]))
        .filter(C::DeviceHash.eq(device_hash))
        .all(db)
        .await?;
    // A legacy mark (link 0 on a school-level group) decides first, as in
    // admission.
    Ok(marks
        .iter()
        .find(|m| m.link_id == 0)
        .or(marks.first())
        .map(|m| m.answers))
}

/// Forgets which devices answered a round (when it closes): nothing more
/// can be submitted, and the marks would only link devices to a round.
pub async fn forget_round(db: &impl ConnectionTrait, round: &Round) -> Result<u64, AppError> {
    Ok(device_mark::Entity::delete_many()
        .filter(Rounds::one(round).on(device_mark::Column::RoundId, device_mark::Column::CountyId))
        .exec(db)
        .await?
        .rows_affected)
}

/// Of the group-wide marks (link 0) in `wanted`, those stored: marks held
/// by devices from before marks were per link.
/// `counties`: each round's county.
pub async fn legacy_marks(
    txn: &impl ConnectionTrait,
    wanted: &HashSet<DeviceKey>,
    counties: &HashMap<i64, i64>,
) -> Result<HashSet<DeviceKey>, AppError> {
    use device_mark::Column as C;
    if wanted.is_empty() {
        return Ok(HashSet::new());
    }
    let rounds: HashSet<i64> = wanted.iter().map(|k| k.0).collect();
    let in_counties = rounds
        .iter()
        .map(|r| county_of(counties, *r))
        .collect::<Result<HashSet<i64>, _>>()?;
    let hashes: HashSet<&String> = wanted.iter().map(|k| &k.3).collect();
    Ok(device_mark::Entity::find()
        .filter(C::CountyId.is_in(in_counties))
        .filter(C::RoundId.is_in(rounds))
        .filter(C::LinkId.eq(0))
        .filter(C::DeviceHash.is_in(hashes.into_iter().cloned()))
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|m| {
            let group = RespondentGroup::from_code(&m.respondent_group)?;
            Some((m.round_id, group, m.link_id, m.device_hash))
        })
        .filter(|k| wanted.contains(k))
        .collect())
}

/// Marks devices as having answered, in one INSERT; returns the marks it
/// stored (a device already marked is missing).
/// `counties`: each round's county, stored on its marks.
pub async fn claim<'a>(
    txn: &impl ConnectionTrait,
    keys: impl ExactSizeIterator<Item = &'a DeviceKey>,
    counties: &HashMap<i64, i64>,
) -> Result<Vec<DeviceKey>, AppError> {
    use device_mark::Column as C;
    if keys.len() == 0 {
        return Ok(Vec::new());
    }
    let key_cols = [C::RoundId, C::RespondentGroup, C::LinkId, C::DeviceHash];
    let mut insert = Query::insert();
    insert
        .into_table(device_mark::Entity)
        .columns(key_cols.into_iter().chain([C::CountyId]))
        .on_conflict(
            OnConflict::columns(tenancy::conflict_target(
                txn.get_database_backend(),
                &key_cols,
                C::CountyId,
            ))
            .do_nothing()
            .to_owned(),
        )
        .returning(Query::returning().columns(key_cols));
    for (round_id, group, link_id, hash) in keys {
        insert
            .values([
                (*round_id).into(),
                group.code().into(),
                (*link_id).into(),
                hash.clone().into(),
                county_of(counties, *round_id)?.into(),
            ])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    let mut claimed = Vec::new();
    for row in txn.query_all(&insert).await? {
        let code: String = row.try_get("", "respondent_group")?;
        let group = RespondentGroup::from_code(&code)
            .ok_or_else(|| DbErr::Custom(format!("unknown respondent group `{code}`")))?;
        claimed.push((
            row.try_get("", "round_id")?,
            group,
            row.try_get("", "link_id")?,
            row.try_get("", "device_hash")?,
        ));
    }
    Ok(claimed)
}

/// Counts one more answer on a device's mark (its round in `county`) if
/// `limit` allows it; whether it did.
pub async fn share(
    txn: &impl ConnectionTrait,
    county: i64,
    key: &DeviceKey,
    limit: i32,
) -> Result<bool, AppError> {
    use device_mark::Column as C;
    let done = device_mark::Entity::update_many()
        .col_expr(C::Answers, Expr::col(C::Answers).add(1))
        .filter(the_mark(county, key))
        .filter(C::Answers.lt(limit))
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Takes back [`share`] for a submission refused afterwards.
pub async fn unshare(
    txn: &impl ConnectionTrait,
    county: i64,
    key: &DeviceKey,
) -> Result<(), AppError> {
    use device_mark::Column as C;
    device_mark::Entity::update_many()
        .col_expr(C::Answers, Expr::col(C::Answers).sub(1))
        .filter(the_mark(county, key))
        .exec(txn)
        .await?;
    Ok(())
}

/// Takes back [`claim`] for a submission refused afterwards.
pub async fn release(
    txn: &impl ConnectionTrait,
    county: i64,
    key: DeviceKey,
) -> Result<(), AppError> {
    device_mark::Entity::delete_many()
        .filter(the_mark(county, &key))
        .exec(txn)
        .await?;
    Ok(())
}

/// The one mark stored under `key` (its round in `county`).
fn the_mark(county: i64, key: &DeviceKey) -> Condition {
    use device_mark::Column as C;
    Condition::all()
        .add(C::CountyId.eq(county))
        .add(C::RoundId.eq(key.0))
        .add(C::RespondentGroup.eq(key.1.code()))
        .add(C::LinkId.eq(key.2))
        .add(C::DeviceHash.eq(key.3.as_str()))
}

/// A round's county from the batch's own submissions.
fn county_of(counties: &HashMap<i64, i64>, round_id: i64) -> Result<i64, AppError> {
    counties
        .get(&round_id)
        .copied()
        .ok_or_else(|| AppError::Unexpected(format!("no county for round {round_id}")))
}
