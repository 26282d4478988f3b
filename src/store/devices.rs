//! Devices that have answered: keyed hashes of their random cookies, per
//! round and group. Claimed by the writer (see `admission`); read here to
//! greet a returning device.

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::{entities::device_mark, error::AppError};

/// Whether this device already answered the round's group.
pub async fn has_answered(
    db: &impl ConnectionTrait,
    round_id: i64,
    group: &str,
    device_hash: &str,
) -> Result<bool, AppError> {
    Ok(
        device_mark::Entity::find_by_id((round_id, group.to_string(), device_hash.to_string()))
            .one(db)
            .await?
            .is_some(),
    )
}
