//! Measures the report over a large round: seeds N responses straight into
//! the database (default 1,000,000, in a fresh SQLite file unless a database
//! URL is given), rebuilds the tallies from them (the full recomputation),
//! then times the report, the tally check, the integrity scan and the raw
//! CSV export.
//!
//! cargo run --release --example report_scale -- [N] [DATABASE_URL]
//!
//! Given a database that already holds the seeded round (a file path in
//! the URL, or PostgreSQL), it skips the seeding and times again.

use chrono::{Duration, Utc};
use rand::Rng;
use renke::{
    config::Settings,
    db,
    domain::{
        group::RespondentGroup, round::DuplicatePolicy, round::Purpose, round::ScoringRule,
        school::SchoolInput, scoring::score_of,
    },
    entities::{self, response},
    export::{
        responses::{Layout, csv_body},
        responses_xlsx::xlsx_body,
    },
    store::{self, rounds::RoundSpec},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::Query,
};
use std::time::Instant;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    renke::memory::limit_arenas();
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).map_or(Ok(1_000_000), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let url = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| format!("sqlite://{}/scale.db", dir.path().display()));
    let mut settings = Settings::for_test(&url);
    settings.db_max_connections = 4;
    let conn = db::connect(&settings).await?;
    db::migrate(&conn).await?;

    let existing = entities::round::Entity::find()
        .filter(entities::round::Column::Name.eq(ROUND_NAME))
        .one(&conn)
        .await?;
    let round_id = match existing {
        Some(r) => {
            println!("reusing the seeded round {}", r.id);
            r.id
        }
        None => seed(&conn, n).await?,
    };
    time(&conn, round_id).await
}

/// The name of the seeded round, by which a later run finds it.
const ROUND_NAME: &str = "规模测试";

/// Seeds a county of 60 schools and a round of `n` responses.
async fn seed(conn: &DatabaseConnection, n: usize) -> anyhow::Result<i64> {
    let conn = conn.clone();
    let mut drafts = Vec::new();
    for i in 1..=60 {
        let input = SchoolInput {
            code: format!("{}", 2_165_100_000u64 + i),
            name: format!("测试第{i}学校"),
            kind: "小学".into(),
            location: ["城区", "镇区", "乡村"][i as usize % 3].into(),
            primary_students: format!("{}", 200 + i * 37 % 900),
            ..Default::default()
        };
        drafts.push(input.validate().map_err(|e| anyhow::anyhow!("{e:?}"))?);
    }
    store::schools::import(&conn, store::county::FIRST, &drafts).await?;
    let groups = vec![
        RespondentGroup::Student,
        RespondentGroup::Parent,
        RespondentGroup::Teacher,
        RespondentGroup::Deputy,
        RespondentGroup::Citizen,
    ];
    let spec = RoundSpec {
        name: ROUND_NAME.into(),
        purpose: Purpose::SelfAssessment,
        opens_at: Utc::now() - Duration::hours(1),
        closes_at: Utc::now() + Duration::days(7),
        groups: groups.clone(),
        school_ids: None,
        scoring_rule: ScoringRule::default(),
        min_answer_seconds: 30,
        duplicate_policy: DuplicatePolicy::Flag,
        shared_device_limit: 2,
    };
    let round = store::rounds::create(&conn, store::county::FIRST, &spec, 0).await?;
    let round_id = round.round.id;
    store::rounds::open(&conn, round_id).await?;
    let scoped = store::scope::Rounds::one(&round.round);
    let links = store::links::list(&conn, &scoped).await?;
    let mut questionnaires = std::collections::BTreeMap::new();
    for g in &groups {
        questionnaires.insert(
            g.code(),
            store::rounds::questionnaire(&conn, &scoped, *g).await?,
        );
    }

    let started = Instant::now();
    let mut rng = rand::rng();
    let start = Utc::now() - Duration::days(5);
    let mut done = 0;
    while done < n {
        let txn = conn.begin().await?;
        for _ in 0..20 {
            let rows = 500.min(n - done);
            if rows == 0 {
                break;
            }
            let mut insert = Query::insert();
            use response::Column as C;
            insert.into_table(response::Entity).columns([
                C::ClientId,
                C::CountyId,
                C::RoundId,
                C::LinkId,
                C::SchoolId,
                C::RespondentGroup,
                C::SubmittedAt,
                C::DurationMs,
                C::Validity,
                C::Answers,
                C::Recognised,
                C::Judged,
                C::Points,
                C::Fingerprint,
            ]);
            for _ in 0..rows {
                let l = &links[rng.random_range(0..links.len())].link;
                let group = l.group.map_or("", |g| g.code());
                let q = &questionnaires[group];
                let answers: String = q
                    .items
                    .iter()
                    .map(|i| match i.options.len() {
                        0 => '0',
                        k => {
                            // Mostly 满意/比较满意, as in real rounds.
                            let r: f64 = rng.random();
                            let code = if r < 0.6 {
                                1
                            } else if r < 0.85 {
                                2
                            } else {
                                rng.random_range(1..=k)
                            };
                            char::from(b'0' + code as u8)
                        }
                    })
                    .collect();
                let s = score_of(q, &answers);
                let fast = rng.random::<f64>() < 0.03;
                insert.values_panic([
                    uuid::Uuid::new_v4().to_string().into(),
                    l.county_id.into(),
                    round_id.into(),
                    l.id.into(),
                    l.school_id.into(),
                    group.into(),
                    (start + Duration::seconds(rng.random_range(0..5 * 86_400))).into(),
                    (if fast { 5_000i64 } else { 120_000 }).into(),
                    (if fast { "too_fast" } else { "valid" }).into(),
                    answers.into(),
                    s.recognised.into(),
                    s.judged.into(),
                    s.points.into(),
                    "scale".into(),
                ]);
            }
            txn.execute(&insert).await?;
            done += rows;
        }
        txn.commit().await?;
    }
    println!(
        "seeded {n} responses in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(round_id)
}

/// Times the exports (first, so their peak memory is their own), then the
/// recomputation, report and integrity scan.
async fn time(conn: &DatabaseConnection, round_id: i64) -> anyhow::Result<()> {
    time_exports(conn, round_id).await?;
    let conn = conn.clone();
    let t = Instant::now();
    let rebuilt = store::recompute::rebuild(&conn, round_id).await?;
    println!(
        "full recomputation and rebuild of the tallies: {:.0} ms ({} responses)",
        t.elapsed().as_secs_f64() * 1000.0,
        rebuilt.responses
    );
    resident();
    let t = Instant::now();
    let check = store::recompute::check(&conn, round_id).await?;
    println!(
        "tally check (recompute + compare): {:.0} ms, {} differences",
        t.elapsed().as_secs_f64() * 1000.0,
        check.differences.len()
    );
    resident();

    // The check's two halves, apart.
    let txn = conn.begin().await?;
    let t = Instant::now();
    let fresh = store::recompute::recompute(&txn, round_id).await?;
    let recomputing = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let stored = store::tallies::load(&txn, round_id, true).await?;
    let loading = t.elapsed().as_secs_f64() * 1000.0;
    txn.commit().await?;
    println!(
        "  of which: recomputation {recomputing:.0} ms, loading the stored tallies {loading:.0} ms \
         ({} timeline rows)",
        stored.timeline.len()
    );
    drop((fresh, stored));

    let (mut loads, mut computes) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let t = Instant::now();
        let data = store::reports::load(&conn, round_id).await?;
        loads.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        std::hint::black_box(data.report(30));
        computes.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let data = store::reports::load(&conn, round_id).await?;
    println!(
        "report, median of 7: load {:.1} ms + compute {:.1} ms ({} class rows, {} option rows)",
        median(loads),
        median(computes),
        data.tallies.classes.len(),
        data.tallies.options.len()
    );
    // The report's sensitivity table (every formula, both readings): from
    // the tallies, and by the scan of the responses it replaced (still the
    // path for tallies stored before middle-option counts were kept).
    let mut tallied = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let w = store::whatif::fold(&conn, &data, 30).await?;
        std::hint::black_box(w.sensitivity());
        tallied.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mut scanned = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let w = store::whatif::fold_responses(&conn, &data, 30).await?;
        std::hint::black_box(w.sensitivity());
        scanned.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "sensitivity table: from the tallies {:.1} ms (median of 7), by scanning the responses \
         {:.0} ms (median of 3)",
        median(tallied),
        median(scanned)
    );

    let t = Instant::now();
    let data = store::reports::load(&conn, round_id).await?;
    let links = store::reports::integrity(&conn, &data, Default::default()).await?;
    println!(
        "integrity scan: {:.0} ms over {} links",
        t.elapsed().as_secs_f64() * 1000.0,
        links.phone.len() + links.paper.len() + links.interview.len()
    );
    resident();

    Ok(())
}

/// Times the raw-response exports, CSV and XLSX, with their peak memory.
async fn time_exports(conn: &DatabaseConnection, round_id: i64) -> anyhow::Result<()> {
    let conn = conn.clone();
    let data = store::reports::load(&conn, round_id).await?;
    resident();
    reset_peak_rss();
    let t = Instant::now();
    let mut stream = csv_body(conn.clone(), Layout::new(&data), None).into_bytes_stream();
    let (mut bytes, mut lines) = (0, 0);
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        let chunk = chunk?;
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let n = lines.saturating_sub(1); // the header
    let secs = t.elapsed().as_secs_f64();
    println!(
        "raw responses CSV: {secs:.1} s, {:.0} MB, {:.0} rows/s",
        bytes as f64 / 1e6,
        n as f64 / secs
    );
    println!("  peak RSS during the CSV export: {} MB", peak_rss_mb());
    reset_peak_rss();

    let t = Instant::now();
    let mut stream = xlsx_body(conn.clone(), Layout::new(&data)).into_bytes_stream();
    let (mut bytes, mut first) = (0, None);
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        first.get_or_insert_with(|| t.elapsed().as_secs_f64());
        bytes += chunk?.len();
    }
    println!(
        "raw responses XLSX: {:.1} s (first byte after {:.1} s), {:.0} MB",
        t.elapsed().as_secs_f64(),
        first.unwrap_or_default(),
        bytes as f64 / 1e6
    );
    println!("  peak RSS during the XLSX export: {} MB", peak_rss_mb());
    Ok(())
}

/// Starts the peak-RSS count afresh (Linux: writing 5 to clear_refs),
/// saying what the resident set is at the start.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Says how much of the process is resident now.
fn resident() {
    println!(
        "  (resident now: {} MB, of which {} MB anonymous)",
        status_mb("VmRSS:"),
        status_mb("RssAnon:")
    );
}

/// The process's peak resident set (VmHWM) since the last reset, in MB.
fn peak_rss_mb() -> u64 {
    status_mb("VmHWM:")
}

/// A memory figure of /proc/self/status, in MB.
fn status_mb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with(field))?.to_string();
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb / 1024)
}
