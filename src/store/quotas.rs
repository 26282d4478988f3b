//! Organisers' quota overrides for a round's sampling plan.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionSession,
    TransactionTrait, sea_query::OnConflict,
};

use crate::{
    domain::{group::RespondentGroup, sampling::Overrides},
    entities::sampling_quota,
    error::AppError,
    store::{scope::Rounds, tenancy},
};

/// The overrides of a round, read back.
pub async fn load(
    db: &impl sea_orm::ConnectionTrait,
    round: &crate::domain::round::Round,
) -> Result<Overrides, AppError> {
    Ok(load_many(db, &Rounds::one(round))
        .await?
        .remove(&round.id)
        .unwrap_or_default())
}

/// The overrides of several rounds, by round (one query).
pub async fn load_many(
    db: &impl sea_orm::ConnectionTrait,
    rounds: &Rounds,
) -> Result<std::collections::HashMap<i64, Overrides>, AppError> {
    use sampling_quota::Column as C;
    let mut out: std::collections::HashMap<i64, Overrides> = std::collections::HashMap::new();
    for q in sampling_quota::Entity::find()
        .filter(rounds.on(C::RoundId, C::CountyId))
        .all(db)
        .await?
    {
        let Some(g) = RespondentGroup::from_code(&q.respondent_group) else {
            continue;
        };
        let o = out.entry(q.round_id).or_default();
        let quota = i64::from(q.quota);
        if q.school_id == 0 {
            o.groups.insert(g, quota);
        } else {
            o.schools.insert((q.school_id, g), quota);
        }
    }
    Ok(out)
}

/// One change: a quota for a group (`school_id` None: county-wide) or a
/// school and group; `quota` None removes the override.
#[derive(Debug, Clone)]
pub struct QuotaChange {
    pub group: RespondentGroup,
    pub school_id: Option<i64>,
    pub quota: Option<i32>,
}

/// Applies changes in one transaction (`round`: one round, read back).
pub async fn apply(
    db: &(impl ConnectionTrait + TransactionTrait),
    round: &Rounds,
    changes: &[QuotaChange],
) -> Result<(), AppError> {
    use sampling_quota::Column as C;
    let (round_id, county_id) = (round.one_id()?, round.county()?);
    let txn = db.begin().await?;
    for c in changes {
        let school_id = c.school_id.unwrap_or(0);
        match c.quota {
            None => {
                sampling_quota::Entity::delete_many()
                    .filter(round.on(C::RoundId, C::CountyId))
                    .filter(C::RespondentGroup.eq(c.group.code()))
                    .filter(C::SchoolId.eq(school_id))
                    .exec(&txn)
                    .await?;
            }
            Some(quota) => {
                let row = sampling_quota::ActiveModel {
                    round_id: Set(round_id),
                    respondent_group: Set(c.group.code().to_string()),
                    school_id: Set(school_id),
                    quota: Set(quota),
                    updated_at: Set(Utc::now()),
                    county_id: Set(county_id),
                };
                sampling_quota::Entity::insert(row)
                    .on_conflict(
                        OnConflict::columns(tenancy::conflict_target(
                            txn.get_database_backend(),
                            &[C::RoundId, C::RespondentGroup, C::SchoolId],
                            C::CountyId,
                        ))
                        .update_columns([C::Quota, C::UpdatedAt])
                        .to_owned(),
                    )
                    .exec(&txn)
                    .await?;
            }
        }
    }
    txn.commit().await?;
    Ok(())
}
