//! A region of millions of stored responses (#18), PostgreSQL only: after
//! the province's fill through HTTP, the database copies each county's
//! stored responses in bulk, with new client ids, until it holds the total
//! asked for, spread evenly over the counties' rounds; the server then
//! rebuilds each round's tallies from its responses (reports read only the
//! tallies), and `VACUUM (ANALYZE)` leaves the tables as a settled
//! deployment's would be.
//!
//! A copy keeps every column of its source but `id` and `client_id`, read
//! from `information_schema` when the fill runs, so columns added later
//! (such as `county_id`) are copied as they are.

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::Value;
use std::{collections::HashMap, time::Instant};

use super::Seeded;

/// Rows copied per statement.
const CHUNK: u64 = 100_000;

/// Brings the database to `total` stored responses; prints what it took.
pub async fn grow(url: &str, base: &str, s: &Seeded, total: u64) -> anyhow::Result<()> {
    let conn = Database::connect(url).await?;
    let columns = copied_columns(&conn).await?;
    let rounds = per_round(&conn).await?;
    let stored = super::stored(url).await?;
    let Some(add) = total.checked_sub(stored) else {
        bail!(
            "--stored {total}: 数据库已存 {stored} 份答卷 (already {stored} stored, more than asked)"
        );
    };
    let parts = s.parts.len() as u64;
    let mut expected = HashMap::new();
    let started = Instant::now();
    for (i, (county, round, _)) in s.parts.iter().enumerate() {
        let need = add / parts + u64::from((i as u64) < add % parts);
        let &(n, last) = rounds.get(round).with_context(|| {
            format!("county {county}'s round {round} holds no response to copy")
        })?;
        let mut from = 0;
        while from < need {
            let to = (from + CHUNK).min(need);
            conn.execute_unprepared(&copy_sql(&columns, *round, n, last, from, to))
                .await?;
            from = to;
        }
        expected.insert(*round, n + need);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "copied {add} responses in SQL in {secs:.1} s ({:.0}/s): {} stored over {parts} rounds",
        add as f64 / secs.max(1e-9),
        stored + add
    );

    let c = reqwest::Client::new();
    let started = Instant::now();
    for (county, round, _) in &s.parts {
        let out = json_of(
            c.post(format!("{base}/api/rounds/{round}/tallies/rebuild"))
                .bearer_auth(&s.token),
        )
        .await?;
        if out["responses"].as_u64() != expected.get(round).copied() {
            bail!(
                "county {county}: the rebuild read {} responses, {:?} stored",
                out["responses"],
                expected.get(round)
            );
        }
    }
    println!(
        "rebuilt the tallies of {parts} rounds through the API in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    conn.execute_unprepared("VACUUM (ANALYZE)").await?;
    println!(
        "VACUUM (ANALYZE) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// After the fill and the load that follows it, for the first `checked`
/// counties: the stored tallies equal a recomputation from the responses
/// (`tallies/check` finds no difference), and the report, read from those
/// tallies, counts every response the database holds for the round.
pub async fn check(url: &str, base: &str, s: &Seeded, checked: usize) -> anyhow::Result<()> {
    let conn = Database::connect(url).await?;
    let rounds = per_round(&conn).await?;
    let c = reqwest::Client::new();
    for (county, round, _) in s.parts.iter().take(checked) {
        let check = json_of(
            c.get(format!("{base}/api/rounds/{round}/tallies/check"))
                .bearer_auth(&s.token),
        )
        .await?;
        if check["consistent"] != true || check["difference_count"] != 0 {
            bail!(
                "county {county}: {} tallies differ from their recomputation, first: {}",
                check["difference_count"],
                check["differences"][0]
            );
        }
        let report = json_of(
            c.get(format!("{base}/api/rounds/{round}/report"))
                .bearer_auth(&s.token),
        )
        .await?;
        let stored = rounds.get(round).map(|r| r.0);
        let (counted, read) = (
            report["totals"]["responses"].as_u64(),
            check["responses"].as_u64(),
        );
        if counted != stored || read != stored {
            bail!(
                "county {county}: the report counts {counted:?} responses, the check read {read:?}, {stored:?} stored"
            );
        }
    }
    println!(
        "check: {checked} counties' tallies equal their recomputation (tallies/check: no difference); each report counts every stored response"
    );
    Ok(())
}

/// The columns a copy takes from its source, quoted: all but `id` and
/// `client_id` (and any generated column).
async fn copied_columns(conn: &DatabaseConnection) -> anyhow::Result<Vec<String>> {
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = 'responses' \
             AND column_name NOT IN ('id', 'client_id') AND is_generated = 'NEVER' \
             ORDER BY ordinal_position",
        ))
        .await?;
    let columns: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name"))
        .collect::<Result<_, _>>()?;
    if !columns.iter().any(|c| c == "round_id") {
        bail!("responses has no round_id column: {columns:?}");
    }
    Ok(columns
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect())
}

/// Per round: how many responses, and the largest id (the copies' sources
/// are the rows up to it, so a later chunk never copies a copy).
async fn per_round(conn: &DatabaseConnection) -> anyhow::Result<HashMap<i64, (u64, i64)>> {
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT round_id, COUNT(*) AS n, MAX(id) AS last FROM responses GROUP BY round_id",
        ))
        .await?;
    let mut out = HashMap::new();
    for r in rows {
        let n: i64 = r.try_get("", "n")?;
        out.insert(
            r.try_get::<i64>("", "round_id")?,
            (u64::try_from(n)?, r.try_get::<i64>("", "last")?),
        );
    }
    Ok(out)
}

/// Copies number `from..to` of a round's `n` responses (ids up to `last`),
/// copy k taking source k mod n in id order.
fn copy_sql(columns: &[String], round: i64, n: u64, last: i64, from: u64, to: u64) -> String {
    let list = columns.join(", ");
    let source = columns
        .iter()
        .map(|c| format!("s.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO responses (client_id, {list}) \
         SELECT gen_random_uuid()::text, {source} \
         FROM generate_series({from}::bigint, {}::bigint) AS g(k) \
         JOIN (SELECT {list}, row_number() OVER (ORDER BY id) - 1 AS bench_k \
               FROM responses WHERE round_id = {round} AND id <= {last}) s \
           ON s.bench_k = g.k % {n}",
        to - 1
    )
}

/// Sends a request and reads its JSON body, failing on an error status.
async fn json_of(req: reqwest::RequestBuilder) -> anyhow::Result<Value> {
    let resp = req.send().await?;
    let status = resp.status();
    let text = resp.text().await?;
    if !status.is_success() {
        bail!("{status}: {text}");
    }
    Ok(serde_json::from_str(&text)?)
}
