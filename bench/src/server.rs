//! Starting a server process (renke or the bare ceiling) on a random port
//! and reading its port, admin password and memory use.

use anyhow::{Context, bail};
use std::{
    process::Stdio,
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

pub struct Server {
    pub child: Child,
    pub url: String,
    pub admin_password: Option<String>,
}

/// Spawns `program args…` with RENKE_BIND on port 0 and JSON logs; waits for
/// the "renke listening" line.
pub async fn spawn(program: &str, args: &[&str], env: &[(&str, String)]) -> anyhow::Result<Server> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env("RENKE_BIND", "127.0.0.1:0")
        .env("RENKE_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn,renke=info")
        // Every virtual phone shares one address: the per-address and
        // per-link limits would measure themselves, not the write path.
        .env("RENKE_RATE_PER_ADDRESS", "0")
        .env("RENKE_PAGES_PER_ADDRESS", "0")
        .env("RENKE_RATE_PER_LINK", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().with_context(|| format!("starting {program}"))?;
    let stdout = child.stdout.take().context("stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut admin_password = None;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let Ok(Some(line)) = tokio::time::timeout_at(deadline.into(), lines.next_line())
            .await
            .unwrap_or(Ok(None))
        else {
            bail!("{program} did not report its port");
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let msg = v["fields"]["message"].as_str().unwrap_or_default();
        if let Some(rest) = msg.split("password `").nth(1) {
            admin_password = rest.split('`').next().map(str::to_string);
        }
        if msg == "renke listening" {
            let addr = v["fields"]["addr"].as_str().context("addr")?.to_string();
            // Keep draining the log so the server never blocks on a full pipe.
            // RENKE_BENCH_LOG=file keeps the server's log for inspection.
            let keep = std::env::var("RENKE_BENCH_LOG").ok();
            tokio::spawn(async move {
                use std::io::Write;
                let mut file = keep.and_then(|p| {
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(p)
                        .ok()
                });
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(f) = file.as_mut() {
                        let _ = writeln!(f, "{line}");
                    }
                }
            });
            return Ok(Server {
                child,
                url: format!("http://{addr}"),
                admin_password,
            });
        }
    }
}

impl Server {
    /// Resident memory of the server process, in MB.
    pub fn rss_mb(&self) -> Option<f64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let kb: f64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()?;
        Some(kb / 1024.0)
    }

    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            // SIGTERM: let renke drain its queue.
            let _ = std::process::Command::new("kill")
                .arg(pid.to_string())
                .status();
        }
        let _ = tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await;
    }
}
