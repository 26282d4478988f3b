//! Fault tests: nothing acknowledged is ever lost.
//! - `kill9`: SIGKILL renke mid-load, restart, repeat; every acknowledged
//!   response must be stored exactly once and the database must pass its
//!   integrity check.
//! - `two-instances`: two renke processes start at the same moment on one
//!   PostgreSQL database; a login on one works on the other; submissions
//!   through both are each stored once.
//! - `pg-outage`: PostgreSQL stops under load; renke answers 503 with
//!   Retry-After (no hang, no 500), /healthz is unhealthy, and it recovers by
//!   itself when the database returns.

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Database};
use std::time::Duration;

use crate::{load, seed, server};

pub async fn kill9(
    binary: &str,
    url: &str,
    cycles: usize,
    phones: usize,
) -> anyhow::Result<String> {
    let mut acked: Vec<String> = Vec::new();
    let mut links = None;
    let mut admin = None;
    for cycle in 0..cycles {
        let mut srv =
            server::spawn(binary, &[], &[("RENKE_DATABASE_URL", url.to_string())]).await?;
        if admin.is_none() {
            admin = srv.admin_password.clone();
            let s = seed::county(&srv.url, admin.as_deref().context("admin password")?).await?;
            links = Some(s.links);
        }
        let l = links.clone().context("links")?;
        let base = srv.url.clone();
        let shapes = load::prepare(&base, &l).await?;
        let load = tokio::spawn(async move {
            load::run_prepared(&base, shapes, phones, Duration::from_millis(2500)).await
        });
        // Kill at a different moment each cycle, mid-load.
        tokio::time::sleep(Duration::from_millis(700 + 150 * (cycle as u64 % 7))).await;
        srv.child.start_kill()?;
        let _ = srv.child.wait().await;
        let r = load.await??;
        acked.extend(r.acked);
    }
    // Restart once more: recovery must succeed and everything acknowledged be there.
    let srv = server::spawn(binary, &[], &[("RENKE_DATABASE_URL", url.to_string())]).await?;
    let health = reqwest::get(format!("{}/healthz", srv.url)).await?.status();
    srv.stop().await;
    if !health.is_success() {
        bail!("renke unhealthy after restart: {health}");
    }
    let (n, stored) = crate::verify(url, &acked).await?;
    integrity(url).await?;
    Ok(format!(
        "kill -9 ×{cycles} under load ({phones} phones): {n} acknowledged, {stored} stored, 0 lost, 0 doubled, integrity ok"
    ))
}

async fn integrity(url: &str) -> anyhow::Result<()> {
    let conn = Database::connect(url).await?;
    if url.starts_with("sqlite") {
        let row = conn
            .query_one_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                "PRAGMA integrity_check",
            ))
            .await?
            .context("integrity row")?;
        let v: String = row.try_get_by_index(0)?;
        if v != "ok" {
            bail!("integrity_check: {v}");
        }
        let fk = conn
            .query_all_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                "PRAGMA foreign_key_check",
            ))
            .await?;
        if !fk.is_empty() {
            bail!("foreign_key_check found {} rows", fk.len());
        }
    } else {
        // PostgreSQL: constraints hold by construction; check the unique index.
        let row = conn
            .query_one_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                "SELECT COUNT(*) - COUNT(DISTINCT client_id) AS d FROM responses",
            ))
            .await?
            .context("row")?;
        let d: i64 = row.try_get("", "d")?;
        if d != 0 {
            bail!("{d} duplicated client ids");
        }
    }
    Ok(())
}

pub async fn two_instances(binary: &str, url: &str, phones: usize) -> anyhow::Result<String> {
    let env = [("RENKE_DATABASE_URL", url.to_string())];
    let (a, b) = tokio::join!(
        server::spawn(binary, &[], &env),
        server::spawn(binary, &[], &env)
    );
    let (a, b) = (a?, b?);
    let password = a
        .admin_password
        .clone()
        .or(b.admin_password.clone())
        .context("one instance creates admin")?;
    if a.admin_password.is_some() && b.admin_password.is_some() {
        bail!("both instances created an admin");
    }
    let seeded = seed::county(&a.url, &password).await?;
    // A session made on A works on B.
    let me = reqwest::Client::new()
        .get(format!("{}/api/auth/me", b.url))
        .bearer_auth(&seeded.token)
        .send()
        .await?
        .status();
    if !me.is_success() {
        bail!("a login on instance A is refused by instance B: {me}");
    }
    let (ra, rb) = tokio::join!(
        load::run(&a.url, &seeded.links, phones / 2, Duration::from_secs(3)),
        load::run(&b.url, &seeded.links, phones / 2, Duration::from_secs(3))
    );
    let (ra, rb) = (ra?, rb?);
    let mut acked = ra.acked.clone();
    acked.extend(rb.acked.iter().cloned());
    a.stop().await;
    b.stop().await;
    let (n, stored) = crate::verify(url, &acked).await?;
    if n != stored {
        bail!("{n} acknowledged but {stored} stored");
    }
    Ok(format!(
        "two instances, simultaneous start on one PostgreSQL: migrations ok, one admin, session shared, {} + {} acknowledged = {stored} stored",
        ra.acked.len(),
        rb.acked.len()
    ))
}

/// `cluster` is "VERSION NAME" of a PostgreSQL cluster this test may stop
/// and start (never the one other tests use).
pub async fn pg_outage(
    binary: &str,
    url: &str,
    cluster: &str,
    phones: usize,
) -> anyhow::Result<String> {
    let mut parts = cluster.split_whitespace();
    let (version, name) = (
        parts.next().context("version")?,
        parts.next().context("name")?,
    );
    let ctl = |action: &str| {
        std::process::Command::new("pg_ctlcluster")
            .args(["--skip-systemctl-redirect", version, name, action])
            .status()
    };
    let srv = server::spawn(binary, &[], &[("RENKE_DATABASE_URL", url.to_string())]).await?;
    let seeded = seed::county(&srv.url, srv.admin_password.as_deref().context("admin")?).await?;
    let before = load::run(&srv.url, &seeded.links, phones, Duration::from_secs(2)).await?;
    // A complete, valid response: during the outage it must be refused with
    // 503 (and a Retry-After), never accepted and never called invalid.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()?;
    let token = &seeded.links[0];
    let shape = load::shape_of(&client, &srv.url, token).await?;
    anyhow::ensure!(!shape.is_empty(), "the questionnaire has no items");
    ctl("stop")?;
    let (_, body) = load::body(&shape);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let r = client
            .post(format!("{}/api/public/links/{token}/responses", srv.url))
            .json(&body)
            .send()
            .await?;
        let retry = r.headers().contains_key("retry-after");
        statuses.push((r.status().as_u16(), retry));
    }
    let health = client
        .get(format!("{}/healthz", srv.url))
        .send()
        .await?
        .status()
        .as_u16();
    ctl("start")?;
    // Recovery without a restart.
    let mut recovered = false;
    for _ in 0..60 {
        if client
            .get(format!("{}/healthz", srv.url))
            .send()
            .await
            .map(|r| r.status().is_success())
            .unwrap_or(false)
        {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let after = load::run(&srv.url, &seeded.links, phones, Duration::from_secs(2)).await?;
    srv.stop().await;
    if !statuses.iter().all(|(s, retry)| *s == 503 && *retry) {
        bail!("during the outage submissions got {statuses:?}, expected 503 with Retry-After");
    }
    if health != 503 || !recovered {
        bail!("healthz during outage {health}, recovered {recovered}");
    }
    let mut acked = before.acked.clone();
    acked.extend(after.acked.iter().cloned());
    let (n, _) = crate::verify(url, &acked).await?;
    Ok(format!(
        "PostgreSQL stopped under load: 5/5 submissions 503 + Retry-After, /healthz 503, recovered by itself; {n} acknowledged, 0 lost"
    ))
}

/// SQLite on a tiny tmpfs: fill it under load; renke must answer 503 (never
/// 500), keep its data intact, and recover when space returns. Needs root
/// (mount). A read-only remount is refused by Linux while renke holds the
/// file open, so that case is not exercised here.
pub async fn disk_full(binary: &str, phones: usize) -> anyhow::Result<String> {
    let dir =
        std::env::temp_dir().join(format!("renke-diskfull-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let d = dir.to_str().context("path")?.to_string();
    let mount = |opts: &str| -> anyhow::Result<()> {
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", opts, "tmpfs", &d])
            .status()?
            .success();
        if !ok {
            bail!("mount -o {opts} failed (root needed)");
        }
        Ok(())
    };
    let remount = |opts: &str| -> anyhow::Result<()> {
        // Only growing the file system is needed here.
        let ok = std::process::Command::new("mount")
            .args(["-o", &format!("remount,{opts}"), &d])
            .status()?
            .success();
        if !ok {
            bail!("remount {opts} failed");
        }
        Ok(())
    };
    mount("size=3M")?;
    let result = async {
        let url = format!("sqlite://{d}/renke.db");
        let srv = server::spawn(binary, &[], &[("RENKE_DATABASE_URL", url.clone()), ("RUST_LOG", "info".into())]).await?;
        let seeded = seed::county(&srv.url, srv.admin_password.as_deref().context("admin")?).await?;
        let shapes = load::prepare(&srv.url, &seeded.links).await?;
        // Fill the disk.
        let mut acked = Vec::new();
        let mut statuses = std::collections::BTreeMap::new();
        for _ in 0..40 {
            let r = load::run_prepared(&srv.url, shapes.clone(), phones, Duration::from_millis(500)).await?;
            acked.extend(r.acked.iter().cloned());
            if r.errors > 0 {
                break;
            }
        }
        // Now full: every submission must get a clear 503.
        let client = reqwest::Client::new();
        let token = shapes.keys().next().context("link")?.clone();
        let answers: Vec<serde_json::Value> = shapes[&token]
            .iter()
            .map(|(item, _)| serde_json::json!({"item": item, "option": 1}))
            .collect();
        for _ in 0..5 {
            let body = serde_json::json!({"client_id": uuid::Uuid::new_v4().to_string(), "answers": answers, "duration_ms": 60000});
            let r = client.post(format!("{}/api/public/links/{token}/responses", srv.url)).json(&body).send().await?;
            *statuses.entry(r.status().as_u16()).or_insert(0) += 1;
        }
        if statuses.keys().any(|s| *s >= 500 && *s != 503) || !statuses.contains_key(&503) {
            bail!("on a full disk submissions got {statuses:?}; expected 503");
        }
        // Space returns: renke recovers without a restart.
        remount("size=64M")?;
        let after = load::run_prepared(&srv.url, shapes.clone(), phones, Duration::from_secs(1)).await?;
        if after.acked.is_empty() {
            bail!("no recovery after space returned");
        }
        acked.extend(after.acked.iter().cloned());
        srv.stop().await;
        let (n, _) = crate::verify(&url, &acked).await?;
        integrity(&url).await?;
        Ok(format!(
            "SQLite disk full under load: then 5 submissions → {statuses:?} (status: count), recovered without restart when space returned; {n} acknowledged, 0 lost, integrity ok"
        ))
    }
    .await;
    for _ in 0..120 {
        // The server may still be exiting.
        if std::process::Command::new("umount")
            .arg(&d)
            .status()
            .is_ok_and(|s| s.success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    result
}
