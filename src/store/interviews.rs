//! Interviewers' assignments (访谈员): which links of a round an account may
//! record interviews for. Answers themselves go through the submission
//! writer like any other and carry no trace of the interviewer.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::{entities::interview_assignment as ia, error::AppError, store::scope::Rounds};

/// Replaces the links an account may interview for in a round.
pub async fn set_links(
    db: &impl ConnectionTrait,
    county_id: i64,
    round_id: i64,
    account_id: i64,
    link_ids: &[i64],
) -> Result<(), AppError> {
    ia::Entity::delete_many()
        .filter(ia::Column::RoundId.eq(round_id))
        .filter(ia::Column::CountyId.eq(county_id))
        .filter(ia::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    let now = Utc::now();
    let mut seen = std::collections::BTreeSet::new();
    for link_id in link_ids.iter().filter(|l| seen.insert(**l)) {
        ia::ActiveModel {
            county_id: Set(county_id),
            round_id: Set(round_id),
            account_id: Set(account_id),
            link_id: Set(*link_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A round's assignments: (account, link), by account then link.
pub async fn of_round(
    db: &impl ConnectionTrait,
    round: &Rounds,
) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(ia::Entity::find()
        .filter(round.on(ia::Column::RoundId, ia::Column::CountyId))
        .order_by_asc(ia::Column::AccountId)
        .order_by_asc(ia::Column::LinkId)
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.account_id, a.link_id))
        .collect())
}

/// An account's assignments: (round, link), by round then link.
pub async fn of_account(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(ia::Entity::find()
        .filter(ia::Column::AccountId.eq(account_id))
        .order_by_asc(ia::Column::RoundId)
        .order_by_asc(ia::Column::LinkId)
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.round_id, a.link_id))
        .collect())
}

/// The links of a round an account may interview for.
pub async fn links_of(
    db: &impl ConnectionTrait,
    account_id: i64,
    round: &Rounds,
) -> Result<Vec<i64>, AppError> {
    Ok(ia::Entity::find()
        .filter(ia::Column::AccountId.eq(account_id))
        .filter(round.on(ia::Column::RoundId, ia::Column::CountyId))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.link_id)
        .collect())
}

/// The region node of a county (where its interviewer accounts are made).
pub async fn county_node(
    db: &impl ConnectionTrait,
    county_id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(crate::entities::county::Entity::find_by_id(county_id)
        .one(db)
        .await?
        .and_then(|c| c.region_id))
}
