//! The deployment's secrets table, by name: the hashing key's fingerprint
//! and, where no key is configured (PostgreSQL), the key itself.

use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait, Set, sea_query::OnConflict};

use crate::{entities::deployment_secret, error::AppError};

/// The value stored under `name`.
pub async fn get(db: &impl ConnectionTrait, name: &str) -> Result<Option<String>, AppError> {
    Ok(deployment_secret::Entity::find_by_id(name.to_string())
        .one(db)
        .await?
        .map(|m| m.value))
}

/// Stores `value` under `name`, replacing what was there.
pub async fn put(db: &impl ConnectionTrait, name: &str, value: &str) -> Result<(), AppError> {
    deployment_secret::Entity::insert(deployment_secret::ActiveModel {
        name: Set(name.to_string()),
        value: Set(value.to_string()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(deployment_secret::Column::Name)
            .update_column(deployment_secret::Column::Value)
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// The value under `name`, storing `fresh` first if there is none: whichever
/// instance starts first decides.
pub async fn get_or_create(
    db: &impl ConnectionTrait,
    name: &str,
    fresh: &str,
) -> Result<String, AppError> {
    deployment_secret::Entity::insert(deployment_secret::ActiveModel {
        name: Set(name.to_string()),
        value: Set(fresh.to_string()),
        created_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing_on([deployment_secret::Column::Name])
    .exec(db)
    .await?;
    get(db, name)
        .await?
        .ok_or_else(|| AppError::Unexpected("the deployment secret could not be stored".into()))
}

/// Forgets the value under `name`.
pub async fn delete(db: &impl ConnectionTrait, name: &str) -> Result<(), AppError> {
    deployment_secret::Entity::delete_by_id(name.to_string())
        .exec(db)
        .await?;
    Ok(())
}
