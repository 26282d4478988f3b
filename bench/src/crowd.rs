//! A parents' meeting behind one address (the school's Wi-Fi): every parent
//! with a cookie jar of their own opens the page, a third reload it, and all
//! submit, with renke's default limits. Then the same address floods junk
//! (unknown tokens, invalid bodies, bodies that are not JSON) while parents
//! on other addresses keep submitting: the junk must be paused, they not.

use anyhow::{Context, bail};
use reqwest::StatusCode;
use std::time::{Duration, Instant};

use crate::load::{Shape, body, shape_of};

const HALL: &str = "203.0.113.10";

pub struct CrowdResult {
    pub parents: usize,
    pub spread: Duration,
    pub elapsed: Duration,
    pub created: usize,
    pub refused: Vec<StatusCode>,
    pub junk_sent: usize,
    pub junk_paused: usize,
    pub others: usize,
    pub others_created: usize,
    pub acked: Vec<String>,
}

impl CrowdResult {
    pub fn report(&self) -> String {
        let junk_answered = self.junk_sent - self.junk_paused;
        format!(
            "| crowd: {} parents behind one address, arriving over {} s | {} stored, {} refused ({:?}) in {:.1} s |\n\
             | then junk from that address | {} sent, {} answered (4xx), {} paused (429) |\n\
             | meanwhile parents on other addresses | {} of {} stored |",
            self.parents,
            self.spread.as_secs(),
            self.created,
            self.refused.len(),
            {
                let mut r = self.refused.clone();
                r.sort();
                r.dedup();
                r
            },
            self.elapsed.as_secs_f64(),
            self.junk_sent,
            junk_answered,
            self.junk_paused,
            self.others_created,
            self.others
        )
    }
}

/// One parent: the page (a device cookie), maybe a reload, one submission.
/// Returns the submission's status and client id.
async fn parent(
    c: &reqwest::Client,
    base: &str,
    token: &str,
    shape: &Shape,
    address: &str,
    reload: bool,
) -> anyhow::Result<(StatusCode, String)> {
    let page = c
        .get(format!("{base}/s/{token}"))
        .header("X-Forwarded-For", address)
        .send()
        .await?;
    if page.status() != StatusCode::OK {
        return Ok((page.status(), String::new()));
    }
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("renke_device_"))
        .and_then(|v| v.split(';').next())
        .context("device cookie")?
        .to_string();
    if reload {
        let again = c
            .get(format!("{base}/s/{token}"))
            .header("X-Forwarded-For", address)
            .header("Cookie", &cookie)
            .send()
            .await?;
        if again.status() != StatusCode::OK {
            return Ok((again.status(), String::new()));
        }
    }
    let (id, b) = body(shape);
    let status = c
        .post(format!("{base}/api/public/links/{token}/responses"))
        .header("X-Forwarded-For", address)
        .header("Cookie", &cookie)
        .json(&b)
        .send()
        .await?
        .status();
    Ok((status, id))
}

async fn junk(
    c: &reqwest::Client,
    base: &str,
    token: &str,
    n: usize,
) -> anyhow::Result<StatusCode> {
    let req = match n % 3 {
        0 => c.get(format!("{base}/api/public/links/nosuchtoken{n}")),
        1 => c
            .post(format!("{base}/api/public/links/{token}/responses"))
            .json(&serde_json::json!({"client_id": uuid::Uuid::new_v4(), "answers": []})),
        _ => c
            .post(format!("{base}/api/public/links/{token}/responses"))
            .header("Content-Type", "application/json")
            .body("{not json"),
    };
    Ok(req.header("X-Forwarded-For", HALL).send().await?.status())
}

/// `parents` arrive evenly over `spread` (at once when zero), at most
/// `concurrency` in flight; then `junk_for` of junk from the same address
/// beside `others` parents on addresses of their own.
pub async fn run(
    base: &str,
    token: &str,
    parents: usize,
    spread: Duration,
    junk_for: Duration,
    others: usize,
) -> anyhow::Result<CrowdResult> {
    let c = reqwest::Client::new();
    let shape = shape_of(&c, base, token).await?;
    let concurrency = 64;
    let start = Instant::now();
    let sem = std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut tasks = Vec::with_capacity(parents);
    for i in 0..parents {
        let due = start + spread.mul_f64(i as f64 / parents as f64);
        tokio::time::sleep_until(due.into()).await;
        let permit = sem.clone().acquire_owned().await?;
        let (c, base, token, shape) = (
            c.clone(),
            base.to_string(),
            token.to_string(),
            shape.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let r = parent(&c, &base, &token, &shape, HALL, i % 3 == 0).await;
            drop(permit);
            r
        }));
    }
    let (mut created, mut refused, mut acked) = (0, vec![], vec![]);
    for t in tasks {
        let (status, id) = t.await??;
        if status == StatusCode::CREATED {
            created += 1;
            acked.push(id);
        } else {
            refused.push(status);
        }
    }
    let elapsed = start.elapsed();

    // Junk from the hall's address, 8 at a time, beside honest parents
    // elsewhere.
    let flood = {
        let (c, base, token) = (c.clone(), base.to_string(), token.to_string());
        tokio::spawn(async move {
            let until = Instant::now() + junk_for;
            let mut handles = vec![];
            for w in 0..8 {
                let (c, base, token) = (c.clone(), base.clone(), token.clone());
                handles.push(tokio::spawn(async move {
                    let (mut sent, mut paused, mut n) = (0, 0, w);
                    while Instant::now() < until {
                        let s = junk(&c, &base, &token, n).await?;
                        sent += 1;
                        n += 8;
                        if s == StatusCode::TOO_MANY_REQUESTS {
                            paused += 1;
                        } else if !s.is_client_error() {
                            bail!("junk answered {s}");
                        }
                    }
                    Ok::<_, anyhow::Error>((sent, paused))
                }));
            }
            let (mut sent, mut paused) = (0, 0);
            for h in handles {
                let (s, p) = h.await??;
                sent += s;
                paused += p;
            }
            Ok::<_, anyhow::Error>((sent, paused))
        })
    };
    let mut others_created = 0;
    let pause = junk_for.div_f64(others.max(1) as f64);
    for i in 0..others {
        let address = format!("198.51.{}.{}", i / 250, i % 250 + 1);
        let (status, id) = parent(&c, base, token, &shape, &address, false).await?;
        if status == StatusCode::CREATED {
            others_created += 1;
            acked.push(id);
        }
        tokio::time::sleep(pause).await;
    }
    let (junk_sent, junk_paused) = flood.await??;
    Ok(CrowdResult {
        parents,
        spread,
        elapsed,
        created,
        refused,
        junk_sent,
        junk_paused,
        others,
        others_created,
        acked,
    })
}
