//! A province in one deployment (#18): a region tree of one province,
//! prefectures of ten counties each and `counties` counties with `schools`
//! schools and a self-assessment round each, seeded through renke's API;
//! then phones answer every county's links until each county holds about
//! `responses` responses (submissions/s measured meanwhile), and a county's
//! report, the county-by-county comparison and a county's raw export are
//! timed through HTTP. Every run also checks the comparison against each
//! county's own report, and that nothing acknowledged was lost.

use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

use crate::{load, seed::call};

pub struct Province {
    pub counties: usize,
    pub schools: usize,
    pub responses: usize,
    pub phones: usize,
}

pub struct Seeded {
    pub token: String,
    pub province: i64,
    /// (county id, round id, its links' tokens)
    pub parts: Vec<(i64, i64, Vec<String>)>,
}

/// The tree, profiles, schools and opened rounds, through the API.
pub async fn seed(base: &str, admin_password: &str, p: &Province) -> anyhow::Result<Seeded> {
    let c = reqwest::Client::new();
    let login = call(
        &c,
        c.post(format!("{base}/api/auth/login"))
            .json(&json!({"username": "admin", "password": admin_password})),
    )
    .await?;
    let token = login["token"].as_str().context("token")?.to_string();
    // 65 province; prefectures 65PP00; counties 65PPCC (CC from 01).
    let mut csv = String::from("650000,压测省,\n");
    let prefectures = p.counties.div_ceil(10);
    for pp in 1..=prefectures {
        csv.push_str(&format!("65{pp:02}00,压测州{pp},650000\n"));
    }
    for i in 0..p.counties {
        let (pp, cc) = (i / 10 + 1, i % 10 + 1);
        csv.push_str(&format!("65{pp:02}{cc:02},压测县{},65{pp:02}00\n", i + 1));
    }
    call(
        &c,
        c.post(format!("{base}/api/regions/import"))
            .bearer_auth(&token)
            .header("content-type", "application/octet-stream")
            .body(csv),
    )
    .await?;
    let nodes = call(&c, c.get(format!("{base}/api/regions")).bearer_auth(&token)).await?;
    let nodes = nodes.as_array().context("nodes")?;
    let province = nodes
        .iter()
        .find(|n| n["code"] == "650000")
        .and_then(|n| n["id"].as_i64())
        .context("the province")?;
    let mut counties: Vec<(String, i64)> = nodes
        .iter()
        .filter(|n| {
            n["level"] == "county" && n["code"].as_str().is_some_and(|c| c.starts_with("65"))
        })
        .filter_map(|n| Some((n["code"].as_str()?.to_string(), n["county_id"].as_i64()?)))
        .collect();
    counties.sort();
    if counties.len() != p.counties {
        bail!(
            "{} counties in the tree, {} wanted",
            counties.len(),
            p.counties
        );
    }
    let now = chrono::Utc::now();
    let mut parts = Vec::new();
    for (n, (code, county)) in counties.iter().enumerate() {
        call(
            &c,
            c.put(format!("{base}/api/county?county_id={county}"))
                .bearer_auth(&token)
                .json(&json!({"name": format!("压测县{}", n + 1), "admin_code": code, "resident_population": 250000})),
        )
        .await?;
        let mut schools = String::from("学校标识码,学校名称,学校类型,所在地,小学在校生数,教师数\n");
        for s in 1..=p.schools {
            schools.push_str(&format!(
                "21{:04}{s:04},县{}第{s}小学,小学,{},{},{}\n",
                n + 1,
                n + 1,
                ["城区", "镇区", "乡村"][s % 3],
                300 + s * 17,
                20 + s
            ));
        }
        call(
            &c,
            c.post(format!("{base}/api/schools/import?county_id={county}"))
                .bearer_auth(&token)
                .header("content-type", "application/octet-stream")
                .body(schools),
        )
        .await?;
        let round = call(
            &c,
            c.post(format!("{base}/api/rounds?county_id={county}"))
                .bearer_auth(&token)
                .json(&json!({
                    "name": "县级自评",
                    "purpose": "self_assessment",
                    "opens_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
                    "closes_at": (now + chrono::Duration::days(2)).to_rfc3339(),
                    "groups": ["parent", "teacher"],
                    "min_answer_seconds": 0,
                })),
        )
        .await?;
        let round_id = round["id"].as_i64().context("round id")?;
        call(
            &c,
            c.post(format!("{base}/api/rounds/{round_id}/open"))
                .bearer_auth(&token),
        )
        .await?;
        let links = call(
            &c,
            c.get(format!("{base}/api/rounds/{round_id}/links"))
                .bearer_auth(&token),
        )
        .await?;
        let links = links["links"]
            .as_array()
            .context("links")?
            .iter()
            .filter_map(|l| l["token"].as_str().map(str::to_string))
            .collect();
        parts.push((*county, round_id, links));
    }
    Ok(Seeded {
        token,
        province,
        parts,
    })
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

/// The load, the timings and the checks; returns the acknowledged ids.
pub async fn run(base: &str, s: &Seeded, p: &Province) -> anyhow::Result<Vec<String>> {
    let links: Vec<String> = s.parts.iter().flat_map(|x| x.2.iter().cloned()).collect();
    let shapes = load::prepare(base, &links).await?;
    let target = (p.counties * p.responses) as u64;
    let mut acked = Vec::new();
    let mut first = None;
    let started = Instant::now();
    while (acked.len() as u64) < target {
        let mut r =
            load::run_prepared(base, shapes.clone(), p.phones, Duration::from_secs(5)).await?;
        if r.errors > 0 {
            bail!("{} submissions failed", r.errors);
        }
        first.get_or_insert_with(|| {
            r.row(&format!("{} counties, {} links", p.counties, links.len()))
        });
        acked.extend(r.acked);
    }
    println!(
        "| measurement | respondents/s | submissions/s | fetch p50/p95/p99 ms | submit p50/p95/p99 ms | errors |"
    );
    println!("|---|---|---|---|---|---|");
    println!("{}", first.unwrap_or_default());
    println!(
        "filled {} responses in {:.0} s ({:.0}/s overall)",
        acked.len(),
        started.elapsed().as_secs_f64(),
        acked.len() as f64 / started.elapsed().as_secs_f64()
    );

    let (county, round, _) = &s.parts[s.parts.len() / 2];
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
    let body = resp.bytes().await?;
    let export_s = t.elapsed().as_secs_f64();
    let rows = body
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        .saturating_sub(1);
    println!();
    println!("| timing (median) | target | measured |");
    println!("|---|---|---|");
    println!(
        "| county {county}'s report (GET /api/rounds/{round}/report, of 7) | ≤ 100 ms | {report_ms:.1} ms |"
    );
    println!(
        "| the county-by-county comparison of {} counties (of 5) | ≤ 300 ms | {compare_ms:.1} ms |",
        p.counties
    );
    println!(
        "| county {county}'s raw export (responses.csv) | as a single county | {rows} rows in {export_s:.2} s ({:.0} rows/s) |",
        rows as f64 / export_s.max(1e-9)
    );

    // Checks: every county ranked once, weakest first, each row its report.
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
    let checked = if p.counties <= 5 { s.parts.len() } else { 3 };
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
        "check: the comparison ranks {} counties weakest first; {checked} rows equal their county's report",
        p.counties
    );
    Ok(acked)
}
