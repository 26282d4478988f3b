//! A province in one deployment (#18): a region tree of one province,
//! prefectures of ten counties each and `counties` counties with `schools`
//! schools and a self-assessment round each, seeded through renke's API;
//! then phones answer every county's links until each county holds about
//! `responses` responses (submissions/s measured meanwhile), and a county's
//! report, the county-by-county comparison and a county's raw export are
//! timed through HTTP. With `--stored` (PostgreSQL), the database is then
//! brought to that many stored responses in bulk ([`region`]) and
//! everything is timed again, submissions included. Every run also checks
//! the comparison against each county's own report, and that nothing
//! acknowledged was lost; after `--stored`'s fill, that the tallies equal
//! their recomputation from the responses.

mod region;
mod seed;
mod timings;

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Database, Statement};
use std::time::{Duration, Instant};

use crate::load;
pub use seed::seed;
use timings::{measure, print_timings};

pub struct Province {
    pub counties: usize,
    pub schools: usize,
    pub responses: usize,
    pub phones: usize,
    /// How long submissions are timed again after `--stored`'s fill.
    pub after: Duration,
}

pub struct Seeded {
    pub token: String,
    pub province: i64,
    /// (county id, round id, its links' tokens)
    pub parts: Vec<(i64, i64, Vec<String>)>,
}

/// The counties whose comparison row, report and tallies are checked.
pub fn checked(p: &Province) -> usize {
    if p.counties <= 5 { p.counties } else { 3 }
}

/// The county whose report and export are timed: the middle one.
fn timed_part(s: &Seeded) -> &(i64, i64, Vec<String>) {
    &s.parts[s.parts.len() / 2]
}

/// Responses stored in the whole database.
pub async fn stored(url: &str) -> anyhow::Result<u64> {
    let conn = Database::connect(url).await?;
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM responses",
        ))
        .await?
        .context("the count of responses")?;
    Ok(u64::try_from(row.try_get::<i64>("", "n")?)?)
}

/// The load, the timings and the checks (again at `grow` stored responses
/// when asked, PostgreSQL only); returns the acknowledged ids.
pub async fn run(
    base: &str,
    url: &str,
    s: &Seeded,
    p: &Province,
    grow: Option<u64>,
) -> anyhow::Result<Vec<String>> {
    let links: Vec<String> = s.parts.iter().flat_map(|x| x.2.iter().cloned()).collect();
    let shapes = load::prepare(base, &links).await?;
    let target = (p.counties * p.responses) as u64;
    let mut acked = Vec::new();
    // The fill's first 5 s (beside `submit`'s single county, warm-up
    // included) and its last 5 s (warm, at nearly the filled size).
    let mut rows = Vec::new();
    let mut last = None;
    let started = Instant::now();
    while (acked.len() as u64) < target {
        let mut r =
            load::run_prepared(base, shapes.clone(), p.phones, Duration::from_secs(5)).await?;
        if r.errors > 0 {
            bail!("{} submissions failed", r.errors);
        }
        let which = if acked.is_empty() { "first" } else { "last" };
        let row = r.row(&format!(
            "{} counties, {} links, the fill's {which} 5 s, from {} stored",
            p.counties,
            links.len(),
            acked.len()
        ));
        if acked.is_empty() {
            rows.push(row);
        } else {
            last = Some(row);
        }
        acked.extend(r.acked);
    }
    rows.extend(last);
    println!(
        "filled {} responses in {:.0} s ({:.0}/s overall)",
        acked.len(),
        started.elapsed().as_secs_f64(),
        acked.len() as f64 / started.elapsed().as_secs_f64()
    );
    let mut passes = vec![measure(base, url, s, p).await?];

    if let Some(total) = grow {
        region::grow(url, base, s, total).await?;
        passes.push(measure(base, url, s, p).await?);
        let stored = stored(url).await?;
        let mut r = load::run_prepared(base, shapes, p.phones, p.after).await?;
        if r.errors > 0 {
            bail!("{} submissions failed at {stored} stored", r.errors);
        }
        rows.push(r.row(&format!(
            "{} counties, {} links, {} s after the fill, at {stored} stored",
            p.counties,
            links.len(),
            p.after.as_secs()
        )));
        acked.extend(r.acked);
        region::check(url, base, s, checked(p)).await?;
    }

    println!();
    println!(
        "| submissions | respondents/s | submissions/s | fetch p50/p95/p99 ms | submit p50/p95/p99 ms | errors |"
    );
    println!("|---|---|---|---|---|---|");
    for row in &rows {
        println!("{row}");
    }
    print_timings(s, p, &passes);
    Ok(acked)
}
