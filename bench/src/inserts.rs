//! Ceiling (2): raw batched inserts of the same rows at the same durability,
//! no HTTP and no writer task: one transaction per batch, back to back.

use renke::{config::Settings, db};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, TransactionTrait,
    sea_query::{Alias, OnConflict, Query},
};
use std::time::{Duration, Instant};

pub struct InsertResult {
    pub rows: u64,
    pub elapsed: Duration,
}

/// (county, round, link) of the bench's own round.
async fn fixtures(conn: &DatabaseConnection) -> anyhow::Result<(i64, i64, i64)> {
    let now = chrono::Utc::now();
    let now_s = now.to_rfc3339();
    let pg = conn.get_database_backend() == sea_orm::DbBackend::Postgres;
    let ts = |s: &str| {
        if pg {
            format!("'{s}'::timestamptz")
        } else {
            format!("'{s}'")
        }
    };
    conn.execute_unprepared(&format!(
        "INSERT INTO rounds (county_id, name, purpose, status, opens_at, closes_at, scoring_rule, min_answer_seconds, duplicate_policy, created_at, updated_at) \
         VALUES ((SELECT MIN(id) FROM county), 'bench', 'self_assessment', 'open', {t}, {t}, '{{}}', 0, 'flag', {t}, {t})",
        t = ts(&now_s)
    ))
    .await?;
    conn.execute_unprepared(&format!(
        "INSERT INTO links (county_id, round_id, respondent_group, token, enabled, created_at) \
         VALUES ((SELECT MIN(id) FROM county), (SELECT MAX(id) FROM rounds), 'parent', 'bench-{}', {}, {})",
        uuid::Uuid::new_v4().simple(),
        if pg { "true" } else { "1" },
        ts(&now_s)
    ))
    .await?;
    let row = conn
        .query_one_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            "SELECT MAX(id) AS l, MAX(round_id) AS r, MIN(county_id) AS c FROM links",
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no link"))?;
    Ok((
        row.try_get("", "c")?,
        row.try_get("", "r")?,
        row.try_get("", "l")?,
    ))
}

pub async fn run(
    database_url: &str,
    batch: usize,
    duration: Duration,
) -> anyhow::Result<InsertResult> {
    let settings = Settings::for_test(database_url);
    let conn = db::connect(&settings).await?;
    db::migrate(&conn).await?;
    let (county_id, round_id, link_id) = fixtures(&conn).await?;
    let cols = [
        "client_id",
        "county_id",
        "round_id",
        "link_id",
        "school_id",
        "respondent_group",
        "submitted_at",
        "duration_ms",
        "validity",
        "answers",
        "texts",
        "recognised",
        "judged",
        "points",
        "fingerprint",
    ];
    let start = Instant::now();
    let mut rows = 0u64;
    while start.elapsed() < duration {
        let mut q = Query::insert();
        q.into_table(Alias::new("responses"))
            .columns(cols.iter().map(|c| Alias::new(*c)))
            .on_conflict(
                OnConflict::columns(
                    renke::store::tenancy::conflict_target(
                        conn.get_database_backend(),
                        &["client_id"],
                        "county_id",
                    )
                    .into_iter()
                    .map(Alias::new),
                )
                .do_nothing()
                .to_owned(),
            );
        for _ in 0..batch {
            q.values([
                uuid::Uuid::new_v4().to_string().into(),
                county_id.into(),
                round_id.into(),
                link_id.into(),
                Option::<i64>::None.into(),
                "parent".into(),
                chrono::Utc::now().into(),
                95_000i64.into(),
                "valid".into(),
                "11213421112341121".into(),
                Option::<String>::None.into(),
                12i32.into(),
                17i32.into(),
                70i32.into(),
                "0123456789abcdef0123456789abcdef".into(),
            ])?;
        }
        let txn = conn.begin().await?;
        txn.execute(&q).await?;
        txn.commit().await?;
        rows += batch as u64;
    }
    Ok(InsertResult {
        rows,
        elapsed: start.elapsed(),
    })
}
