//! renke's benchmark harness. See bench/README.md for what each command
//! measures and the latest figures.

mod acked;
mod bare;
mod chaos;
mod contention;
mod crowd;
mod inserts;
mod load;
mod province;
mod seed;
mod server;

use acked::verify;
use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use sea_orm::{ConnectionTrait, Database};
use std::time::Duration;

#[derive(Parser)]
#[command(about = "renke benchmarks: load generator and ceilings")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Internal: the bare poem-openapi ceiling server.
    BareServer,
    /// Submissions through renke, the bare ceiling and raw inserts, as a table.
    Submit {
        /// Concurrent virtual phones.
        #[arg(long, default_value_t = 64)]
        phones: usize,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Database for renke and the insert ceiling: a PostgreSQL server URL
        /// (a fresh database is created), or SQLite (a temp file) when absent.
        #[arg(long, env = "RENKE_BENCH_DATABASE_URL")]
        database_url: Option<String>,
        /// The renke binary to measure.
        #[arg(long, default_value = "target/release/renke")]
        binary: String,
        /// CI mode: a few seconds, checks correctness only (no lost or doubled responses).
        #[arg(long)]
        short: bool,
    },
    /// A parents' meeting behind one address with renke's default limits,
    /// then junk from that address beside honest parents elsewhere.
    Crowd {
        /// Parents behind the one address.
        #[arg(long, default_value_t = 1000)]
        parents: usize,
        /// Seconds over which they arrive (a meeting: within five minutes).
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        #[arg(long, env = "RENKE_BENCH_DATABASE_URL")]
        database_url: Option<String>,
        #[arg(long, default_value = "target/release/renke")]
        binary: String,
        /// CI mode: the 1,000 parents at once, a short junk flood.
        #[arg(long)]
        short: bool,
    },
    /// Phones submitting alone, then while others flood wrong logins, loop the
    /// largest QR ZIP and the raw export: no submission refused or lost.
    Contention {
        #[arg(long, default_value_t = 16)]
        phones: usize,
        /// Seconds per measurement (alone, then with the others).
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        #[arg(long, env = "RENKE_BENCH_DATABASE_URL")]
        database_url: Option<String>,
        #[arg(long, default_value = "target/release/renke")]
        binary: String,
        /// CI mode: a few seconds each, checks correctness only.
        #[arg(long)]
        short: bool,
    },
    /// A province in one deployment: counties × schools × responses through
    /// the API, then a county's report, the county-by-county comparison and
    /// a county's raw export timed (issue #18's targets).
    Province {
        #[arg(long, default_value_t = 100)]
        counties: usize,
        #[arg(long, default_value_t = 30)]
        schools: usize,
        /// Responses per county (about: phones answer random links).
        #[arg(long, default_value_t = 2000)]
        responses: usize,
        #[arg(long, default_value_t = 64)]
        phones: usize,
        /// A PostgreSQL server URL (a fresh database is created), or SQLite when absent.
        #[arg(long, env = "RENKE_BENCH_DATABASE_URL")]
        database_url: Option<String>,
        #[arg(long, default_value = "target/release/renke")]
        binary: String,
        /// CI mode: 3 counties × 3 schools × 40 responses; checks correctness only.
        #[arg(long)]
        short: bool,
        /// PostgreSQL only: after the fill, copy the stored responses in SQL
        /// until the database holds this many (spread over the counties),
        /// rebuild the tallies, check them and time everything again.
        #[arg(long)]
        stored: Option<u64>,
    },
    /// SIGKILL renke under load, restart, repeat; check nothing acknowledged is lost.
    Kill9 {
        #[arg(long, default_value_t = 5)]
        cycles: usize,
        #[arg(long, default_value_t = 32)]
        phones: usize,
        #[arg(long, env = "RENKE_BENCH_DATABASE_URL")]
        database_url: Option<String>,
        #[arg(long, default_value = "target/release/renke")]
        binary: String,
    },
    /// Two renke instances starting at once on one PostgreSQL database.
    TwoInstances {
        #[arg(long, default_value_t = 32)]
        phones: usize,
        /// A PostgreSQL server URL (a fresh database is created).
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value = "target/release/renke")]
        binary: String,
    },
    /// SQLite on a tiny tmpfs: disk full and read-only under load (root).
    DiskFull {
        #[arg(long, default_value_t = 16)]
        phones: usize,
        #[arg(long, default_value = "target/release/renke")]
        binary: String,
    },
    /// Stop PostgreSQL under load and bring it back. Use a cluster of its own.
    PgOutage {
        #[arg(long, default_value_t = 16)]
        phones: usize,
        /// URL of the cluster that will be stopped, e.g. postgres://postgres@127.0.0.1:5433/postgres
        #[arg(long)]
        database_url: String,
        /// "VERSION NAME" of that cluster for pg_ctlcluster, e.g. "15 outage"
        #[arg(long)]
        cluster: String,
        #[arg(long, default_value = "target/release/renke")]
        binary: String,
    },
}

/// A fresh database URL: a new PostgreSQL database, or a temp SQLite file.
async fn fresh_db(
    base: &Option<String>,
    dir: &std::path::Path,
    name: &str,
) -> anyhow::Result<String> {
    match base {
        Some(url) if url.starts_with("postgres") => {
            let db = format!("renke_bench_{}", uuid::Uuid::new_v4().simple());
            Database::connect(url)
                .await?
                .execute_unprepared(&format!("CREATE DATABASE {db}"))
                .await?;
            created().push((url.clone(), db.clone()));
            let (prefix, _) = url.rsplit_once('/').context("url has a path")?;
            Ok(format!("{prefix}/{db}"))
        }
        _ => Ok(format!("sqlite://{}/{name}.db", dir.display())),
    }
}

/// The PostgreSQL databases this run created (server URL, name).
fn created() -> std::sync::MutexGuard<'static, Vec<(String, String)>> {
    static CREATED: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());
    CREATED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Drops the databases this run created, whether it succeeded or not:
/// a full-size province run leaves gigabytes otherwise. With
/// `RENKE_BENCH_KEEP_DATABASE=1` they are kept (and named) for a look
/// afterwards: a profile of one query against the filled database.
async fn drop_created() {
    let dbs = std::mem::take(&mut *created());
    if std::env::var_os("RENKE_BENCH_KEEP_DATABASE").is_some() {
        for (_, db) in dbs {
            eprintln!("kept the bench database {db} (RENKE_BENCH_KEEP_DATABASE)");
        }
        return;
    }
    for (url, db) in dbs {
        let dropped = match Database::connect(&url).await {
            Ok(conn) => conn
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                .await
                .map(|_| ())
                .map_err(anyhow::Error::from),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = dropped {
            eprintln!("could not drop the bench database {db}: {e}");
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let result = run(Cli::parse().command).await;
    drop_created().await;
    result
}

async fn run(command: Cmd) -> anyhow::Result<()> {
    match command {
        Cmd::BareServer => bare::serve().await,
        Cmd::Submit {
            phones,
            seconds,
            database_url,
            binary,
            short,
        } => {
            let (phones, secs) = if short { (16, 3) } else { (phones, seconds) };
            let dur = Duration::from_secs(secs);
            let dir =
                std::env::temp_dir().join(format!("renke-bench-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&dir)?;
            let backend = if database_url
                .as_deref()
                .is_some_and(|u| u.starts_with("postgres"))
            {
                "PostgreSQL"
            } else {
                "SQLite"
            };
            println!(
                "| measurement ({backend}, {phones} phones, {secs} s) | respondents/s | submissions/s | fetch p50/p95/p99 ms | submit p50/p95/p99 ms | errors |"
            );
            println!("|---|---|---|---|---|---|");

            // Ceiling 1: bare endpoint.
            let me = std::env::current_exe()?;
            let bare = server::spawn(me.to_str().context("path")?, &["bare-server"], &[]).await?;
            let links: Vec<String> = (0..26).map(|i| format!("bare{i}")).collect();
            let mut b = load::run(&bare.url, &links, phones, dur).await?;
            let bare_rss = bare.rss_mb();
            println!("{}", b.row("bare poem-openapi endpoint (ceiling 1)"));
            let bare_fetches = load::fetches(&bare.url, &links, phones, dur).await?;
            bare.stop().await;

            // renke.
            let url = fresh_db(&database_url, &dir, "renke").await?;
            let renke = server::spawn(&binary, &[], &[("RENKE_DATABASE_URL", url.clone())]).await?;
            let idle_rss = renke.rss_mb();
            let seeded = seed::county(
                &renke.url,
                renke.admin_password.as_deref().context("admin password")?,
            )
            .await?;
            let _ = (&seeded.token, seeded.round_id);
            let mut r = load::run(&renke.url, &seeded.links, phones, dur).await?;
            let busy_rss = renke.rss_mb();
            println!("{}", r.row("renke"));
            let fetches = load::fetches(&renke.url, &seeded.links, phones, dur).await?;
            renke.stop().await;
            let (acked, stored) = verify(&url, &r.acked).await?;

            // Ceiling 2: raw batched inserts.
            let url2 = fresh_db(&database_url, &dir, "inserts").await?;
            let ins = inserts::run(&url2, phones, dur).await?;
            let ins_rate = ins.rows as f64 / ins.elapsed.as_secs_f64();
            println!(
                "| raw batched inserts, {phones} rows per commit (ceiling 2) | | {ins_rate:.0} | | | |"
            );
            let rs = r.per_sec(r.submit_us.len() as u64);
            let bs = b.per_sec(b.submit_us.len() as u64);
            println!();
            println!(
                "renke submissions/s ÷ bare ceiling: {:.0}%; ÷ raw inserts: {:.0}%",
                100.0 * rs / bs,
                100.0 * rs / ins_rate
            );
            println!(
                "renke respondents/s ÷ bare ceiling: {:.0}%",
                100.0 * r.per_sec(r.respondents) / b.per_sec(b.respondents)
            );
            let (rf, bf) = (
                fetches.per_sec(fetches.respondents),
                bare_fetches.per_sec(bare_fetches.respondents),
            );
            println!(
                "questionnaire fetches alone: renke {rf:.0}/s, bare {bf:.0}/s: {:.0}% of the bare ceiling",
                100.0 * rf / bf
            );
            println!(
                "server RSS: renke idle {:.1} MB, at {phones} phones {:.1} MB; bare {:.1} MB",
                idle_rss.unwrap_or(0.0),
                busy_rss.unwrap_or(0.0),
                bare_rss.unwrap_or(0.0)
            );
            println!("check: {acked} acknowledged, {stored} stored, 0 lost, 0 doubled");
            let _ = std::fs::remove_dir_all(&dir);
            if r.errors + fetches.errors > 0 {
                bail!("{} requests failed", r.errors + fetches.errors);
            }
            Ok(())
        }
        Cmd::Crowd {
            parents,
            seconds,
            database_url,
            binary,
            short,
        } => {
            use renke::config::{
                DEFAULT_PAGES_PER_ADDRESS, DEFAULT_RATE_PER_ADDRESS, DEFAULT_RATE_PER_LINK,
            };
            let (spread, junk_for, others) = if short {
                (Duration::ZERO, Duration::from_secs(3), 20)
            } else {
                (Duration::from_secs(seconds), Duration::from_secs(20), 100)
            };
            let dir =
                std::env::temp_dir().join(format!("renke-crowd-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&dir)?;
            let url = fresh_db(&database_url, &dir, "crowd").await?;
            // renke's default limits, behind a proxy that names each client.
            let renke = server::spawn(
                &binary,
                &[],
                &[
                    ("RENKE_DATABASE_URL", url.clone()),
                    ("RENKE_TRUSTED_PROXY_HEADER", "X-Forwarded-For".into()),
                    (
                        "RENKE_RATE_PER_ADDRESS",
                        DEFAULT_RATE_PER_ADDRESS.to_string(),
                    ),
                    (
                        "RENKE_PAGES_PER_ADDRESS",
                        DEFAULT_PAGES_PER_ADDRESS.to_string(),
                    ),
                    ("RENKE_RATE_PER_LINK", DEFAULT_RATE_PER_LINK.to_string()),
                ],
            )
            .await?;
            let seeded = seed::county(
                &renke.url,
                renke.admin_password.as_deref().context("admin password")?,
            )
            .await?;
            let token = seeded.links.first().context("a link")?;
            let r = crowd::run(&renke.url, token, parents, spread, junk_for, others).await?;
            renke.stop().await;
            println!("{}", r.report());
            let (acked, stored) = verify(&url, &r.acked).await?;
            println!("check: {acked} acknowledged, {stored} stored, 0 lost, 0 doubled");
            let _ = std::fs::remove_dir_all(&dir);
            if r.created != parents || r.others_created != others {
                bail!("honest parents were refused");
            }
            if r.junk_paused == 0 {
                bail!("junk was never paused");
            }
            Ok(())
        }
        Cmd::Contention {
            phones,
            seconds,
            database_url,
            binary,
            short,
        } => {
            let duration = Duration::from_secs(if short { 3 } else { seconds });
            let dir = std::env::temp_dir().join(format!(
                "renke-contention-{}",
                uuid::Uuid::new_v4().simple()
            ));
            std::fs::create_dir_all(&dir)?;
            let url = fresh_db(&database_url, &dir, "contention").await?;
            let renke = server::spawn(&binary, &[], &[("RENKE_DATABASE_URL", url.clone())]).await?;
            let seeded = seed::county(
                &renke.url,
                renke.admin_password.as_deref().context("admin password")?,
            )
            .await?;
            let shapes = load::prepare(&renke.url, &seeded.links).await?;
            let (mut alone, mut busy, others) = contention::run(
                &renke.url,
                &seeded.token,
                seeded.round_id,
                shapes,
                phones,
                duration,
            )
            .await?;
            renke.stop().await;
            println!(
                "| {phones} phones, {} s each | respondents/s | submissions/s | fetch p50/p95/p99 ms | submit p50/p95/p99 ms | errors |",
                duration.as_secs()
            );
            println!("|---|---|---|---|---|---|");
            println!("{}", alone.row("alone"));
            println!("{}", busy.row("with logins, QR ZIPs and exports"));
            println!(
                "others meanwhile: {} wrong logins, {} QR ZIPs (size 4000), {} raw exports",
                others.logins, others.zips, others.exports
            );
            let mut acked = alone.acked.clone();
            acked.extend(busy.acked.iter().cloned());
            let (acked, stored) = verify(&url, &acked).await?;
            println!("check: {acked} acknowledged, {stored} stored, 0 lost, 0 doubled");
            let _ = std::fs::remove_dir_all(&dir);
            if alone.errors + busy.errors > 0 {
                bail!(
                    "{} submissions or fetches failed ({} alone, {} with the others)",
                    alone.errors + busy.errors,
                    alone.errors,
                    busy.errors
                );
            }
            if others.zips == 0 || others.exports == 0 || others.logins == 0 {
                bail!("the others did not get their requests through");
            }
            Ok(())
        }
        Cmd::Province {
            counties,
            schools,
            responses,
            phones,
            database_url,
            binary,
            short,
            stored,
        } => {
            let postgres = database_url
                .as_deref()
                .is_some_and(|u| u.starts_with("postgres"));
            if stored.is_some() && !postgres {
                bail!(
                    "--stored 只支持 PostgreSQL，请给出 --database-url postgres://… \
                     (--stored needs PostgreSQL: the bulk copy is PostgreSQL SQL)"
                );
            }
            let p = if short {
                province::Province {
                    counties: 3,
                    schools: 3,
                    responses: 40,
                    phones: 8,
                    after: Duration::from_secs(2),
                }
            } else {
                province::Province {
                    counties,
                    schools,
                    responses,
                    phones,
                    after: Duration::from_secs(5),
                }
            };
            let dir = std::env::temp_dir()
                .join(format!("renke-province-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&dir)?;
            let url = fresh_db(&database_url, &dir, "province").await?;
            let renke = server::spawn(&binary, &[], &[("RENKE_DATABASE_URL", url.clone())]).await?;
            let t = std::time::Instant::now();
            let seeded = province::seed(
                &renke.url,
                renke.admin_password.as_deref().context("admin password")?,
                &p,
            )
            .await?;
            println!(
                "seeded {} counties × {} schools through the API in {:.0} s",
                p.counties,
                p.schools,
                t.elapsed().as_secs_f64()
            );
            if std::env::var_os("RENKE_BENCH_KEEP_DATABASE").is_some() {
                eprintln!(
                    "the admin's session token, valid on the kept database: {}",
                    seeded.token
                );
            }
            let acked = province::run(&renke.url, &url, &seeded, &p, stored).await;
            renke.stop().await;
            let acked = acked?;
            let (acked, stored) = verify(&url, &acked).await?;
            println!("check: {acked} acknowledged, {stored} stored, 0 lost, 0 doubled");
            let _ = std::fs::remove_dir_all(&dir);
            Ok(())
        }
        Cmd::Kill9 {
            cycles,
            phones,
            database_url,
            binary,
        } => {
            let dir =
                std::env::temp_dir().join(format!("renke-kill9-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&dir)?;
            let url = fresh_db(&database_url, &dir, "kill9").await?;
            println!("{}", chaos::kill9(&binary, &url, cycles, phones).await?);
            let _ = std::fs::remove_dir_all(&dir);
            Ok(())
        }
        Cmd::TwoInstances {
            phones,
            database_url,
            binary,
        } => {
            let url = fresh_db(&Some(database_url), &std::env::temp_dir(), "unused").await?;
            println!("{}", chaos::two_instances(&binary, &url, phones).await?);
            Ok(())
        }
        Cmd::DiskFull { phones, binary } => {
            println!("{}", chaos::disk_full(&binary, phones).await?);
            Ok(())
        }
        Cmd::PgOutage {
            phones,
            database_url,
            cluster,
            binary,
        } => {
            let url = fresh_db(&Some(database_url), &std::env::temp_dir(), "unused").await?;
            println!(
                "{}",
                chaos::pg_outage(&binary, &url, &cluster, phones).await?
            );
            Ok(())
        }
    }
}
