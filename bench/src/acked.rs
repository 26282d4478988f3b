//! Nothing acknowledged lost, nothing doubled: every id the server answered
//! 201 for is stored, and no client id is stored twice.
//!
//! The database is asked in SQL (a count, then the acknowledged ids a chunk
//! at a time), never read whole: `province --stored` leaves millions of
//! responses, whose ids would not fit comfortably in the harness's memory.

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Database, Statement};
use std::collections::HashSet;

/// Acknowledged ids looked up per query (an `IN` list well under SQLite's
/// statement length limit).
const CHUNK: usize = 2_000;

/// Every acknowledged id is stored exactly once; returns (acknowledged, stored).
pub async fn verify(url: &str, acked: &[String]) -> anyhow::Result<(usize, usize)> {
    let conn = Database::connect(url).await?;
    let backend = conn.get_database_backend();
    let counts = conn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n, COUNT(DISTINCT client_id) AS d FROM responses",
        ))
        .await?
        .context("the count of responses")?;
    let stored: i64 = counts.try_get("", "n")?;
    let distinct: i64 = counts.try_get("", "d")?;
    if distinct != stored {
        bail!("{} client ids are stored twice or more", stored - distinct);
    }
    let mut missing = Vec::new();
    for chunk in acked.chunks(CHUNK) {
        let list = chunk
            .iter()
            .map(|id| format!("'{}'", id.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(",");
        let rows = conn
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT client_id FROM responses WHERE client_id IN ({list})"),
            ))
            .await?;
        let found: HashSet<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<String>("", "client_id").ok())
            .collect();
        missing.extend(chunk.iter().filter(|id| !found.contains(*id)).cloned());
    }
    if !missing.is_empty() {
        bail!(
            "{} acknowledged responses are missing, e.g. {:?}",
            missing.len(),
            &missing[..missing.len().min(3)]
        );
    }
    Ok((acked.len(), stored as usize))
}
