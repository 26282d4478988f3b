//! The shared counters that tell every renke instance on one database when
//! its in-memory copies went stale (see `link_cache`): a change adds one in
//! its own transaction, the instances read the number once a second.

use sea_orm::{ConnectionTrait, Statement};

use crate::error::AppError;

/// Adds one to the link contexts' generation; call inside the transaction
/// of the change that makes them stale.
pub async fn bump_links(db: &impl ConnectionTrait) -> Result<(), AppError> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE cache_generations SET generation = generation + 1 WHERE name = 'links'",
    ))
    .await?;
    Ok(())
}

/// The link contexts' generation now.
pub async fn links(db: &impl ConnectionTrait) -> Result<i64, AppError> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT generation FROM cache_generations WHERE name = 'links'",
        ))
        .await?
        .ok_or_else(|| AppError::Unexpected("cache_generations has no 'links' row".into()))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}
