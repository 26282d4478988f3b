//! School liaisons' assignments (学校联络员): which schools of a round an
//! account may run computer-room sessions for. The liaison reads its
//! schools' links, its sessions and their counts, nothing else.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::{entities::liaison_assignment as la, error::AppError, store::scope::Rounds};

/// Replaces the schools an account may run room sessions for in a round.
pub async fn set_schools(
    db: &impl ConnectionTrait,
    county_id: i64,
    round_id: i64,
    account_id: i64,
    school_ids: &[i64],
) -> Result<(), AppError> {
    la::Entity::delete_many()
        .filter(la::Column::RoundId.eq(round_id))
        .filter(la::Column::CountyId.eq(county_id))
        .filter(la::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    let now = Utc::now();
    let mut seen = std::collections::BTreeSet::new();
    for school_id in school_ids.iter().filter(|s| seen.insert(**s)) {
        la::ActiveModel {
            county_id: Set(county_id),
            round_id: Set(round_id),
            account_id: Set(account_id),
            school_id: Set(*school_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A round's assignments: (account, school), by account then school.
pub async fn of_round(
    db: &impl ConnectionTrait,
    round: &Rounds,
) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(la::Entity::find()
        .filter(round.on(la::Column::RoundId, la::Column::CountyId))
        .order_by_asc(la::Column::AccountId)
        .order_by_asc(la::Column::SchoolId)
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.account_id, a.school_id))
        .collect())
}

/// An account's assignments: (round, school), newest round first.
pub async fn of_account(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(la::Entity::find()
        .filter(la::Column::AccountId.eq(account_id))
        .order_by_desc(la::Column::RoundId)
        .order_by_asc(la::Column::SchoolId)
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.round_id, a.school_id))
        .collect())
}

/// The schools of a round an account may run room sessions for.
pub async fn schools_of(
    db: &impl ConnectionTrait,
    account_id: i64,
    round: &Rounds,
) -> Result<Vec<i64>, AppError> {
    Ok(la::Entity::find()
        .filter(la::Column::AccountId.eq(account_id))
        .filter(round.on(la::Column::RoundId, la::Column::CountyId))
        .order_by_asc(la::Column::SchoolId)
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.school_id)
        .collect())
}

/// Whether the account is assigned the school in the round.
pub async fn is_assigned(
    db: &impl ConnectionTrait,
    account_id: i64,
    round: &Rounds,
    school_id: i64,
) -> Result<bool, AppError> {
    Ok(la::Entity::find()
        .filter(la::Column::AccountId.eq(account_id))
        .filter(round.on(la::Column::RoundId, la::Column::CountyId))
        .filter(la::Column::SchoolId.eq(school_id))
        .count(db)
        .await?
        > 0)
}
