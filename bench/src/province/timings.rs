//! The timings through HTTP (a county's report, the comparison, a county's
//! raw export) and the comparison's checks, and their table.

use anyhow::{Context, bail};
use serde_json::Value;
use std::time::Instant;

use super::{Province, Seeded, checked, stored, timed_part};

/// One pass of timings, at one stored total.
pub struct Timings {
    pub stored: u64,
    pub report_ms: f64,
    pub compare_ms: f64,
    pub export_rows: usize,
    pub export_s: f64,
}

/// Median of `runs` GETs of `path`, in ms, and the last body.
async fn timed(base: &str, token: &str, path: &str, runs: usize) -> anyhow::Result<(f64, Value)> {
    let c = reqwest::Client::new();
    let mut ms = Vec::new();
    let mut last = Value::Null;
    for _ in 0..runs {
        let t = Instant::now();
        let resp = c
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        if !status.is_success() {
            bail!("GET {path}: {status}");
        }
        last = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    }
    ms.sort_by(f64::total_cmp);
    Ok((ms[ms.len() / 2], last))
}

/// The timings as one table, a column per stored total.
pub fn print_timings(s: &Seeded, p: &Province, passes: &[Timings]) {
    let (county, round, _) = timed_part(s);
    let cols =
        |f: &dyn Fn(&Timings) -> String| passes.iter().map(f).collect::<Vec<_>>().join(" | ");
    println!();
    println!(
        "| timing (median) | target | {} |",
        cols(&|t| format!("{} stored", t.stored))
    );
    println!("|---|---|{}", "---|".repeat(passes.len()));
    println!(
        "| county {county}'s report (GET /api/rounds/{round}/report, of 7) | ≤ 100 ms | {} |",
        cols(&|t| format!("{:.1} ms", t.report_ms))
    );
    println!(
        "| the county-by-county comparison of {} counties (of 5) | ≤ 300 ms | {} |",
        p.counties,
        cols(&|t| format!("{:.1} ms", t.compare_ms))
    );
    println!(
        "| county {county}'s raw export (responses.csv) | as a single county | {} |",
        cols(&|t| format!(
            "{} rows in {:.2} s ({:.0} rows/s)",
            t.export_rows,
            t.export_s,
            t.export_rows as f64 / t.export_s.max(1e-9)
        ))
    );
}

/// Times a county's report, the comparison and a county's export, and
/// checks the comparison: every county ranked once, weakest first, each
/// checked row equal to its county's own report.
pub async fn measure(base: &str, url: &str, s: &Seeded, p: &Province) -> anyhow::Result<Timings> {
    let stored = stored(url).await?;
    let (_, round, _) = timed_part(s);
    let (report_ms, _) = timed(base, &s.token, &format!("/api/rounds/{round}/report"), 7).await?;
    let (compare_ms, comparison) = timed(
        base,
        &s.token,
        &format!("/api/regions/{}/comparison", s.province),
        5,
    )
    .await?;
    let t = Instant::now();
    let resp = reqwest::Client::new()
        .get(format!("{base}/api/rounds/{round}/exports/responses.csv"))
        .bearer_auth(&s.token)
        .send()
        .await?;
    if !resp.status().is_success() {
        bail!("the raw export: {}", resp.status());
    }
    let body = resp.bytes().await?;
    let export_s = t.elapsed().as_secs_f64();
    let export_rows = body
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        .saturating_sub(1);

    let rows = comparison["counties"].as_array().context("rows")?;
    if rows.len() != p.counties {
        bail!(
            "the comparison has {} counties, {} expected",
            rows.len(),
            p.counties
        );
    }
    let rates: Vec<f64> = rows
        .iter()
        .filter_map(|r| r["overall"]["rate"].as_f64())
        .collect();
    if rates.windows(2).any(|w| w[0] > w[1]) {
        bail!("the comparison is not weakest first");
    }
    let checked = checked(p);
    for (county, round, _) in s.parts.iter().take(checked) {
        let (_, report) = timed(base, &s.token, &format!("/api/rounds/{round}/report"), 1).await?;
        let row = rows
            .iter()
            .find(|r| r["county_id"].as_i64() == Some(*county))
            .context("a county's row")?;
        for k in ["rate", "n", "low", "high"] {
            if row["overall"][k] != report["overall"][k] {
                bail!(
                    "county {county}: comparison {k} {} ≠ report {}",
                    row["overall"][k],
                    report["overall"][k]
                );
            }
        }
    }
    println!(
        "check at {stored} stored: the comparison ranks {} counties weakest first; {checked} rows equal their county's report",
        p.counties
    );
    Ok(Timings {
        stored,
        report_ms,
        compare_ms,
        export_rows,
        export_s,
    })
}
