//! Respondents while others use the server hard (issue 12, findings 3 and
//! 9): phones submit, first alone, then while four clients flood wrong
//! logins for a made-up account, a reviewer loops the largest QR ZIP
//! (`size=4000`) and an organiser loops the raw-response export. The
//! submissions must all be stored (no 503, none lost); the figures compare
//! the submission latencies with and without the others.

use anyhow::Context;
use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use crate::load::{self, LoadResult, Shapes};

/// What the others did while the phones submitted.
#[derive(Default)]
pub struct Others {
    pub logins: u64,
    pub zips: u64,
    pub exports: u64,
}

/// One client looping a request until told to stop; counts completed ones.
fn looping(
    stop: Arc<AtomicBool>,
    count: Arc<AtomicU64>,
    make: impl Fn() -> reqwest::RequestBuilder + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while !stop.load(Ordering::Relaxed) {
            if let Ok(r) = make().send().await {
                let _ = r.bytes().await;
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
    })
}

pub async fn run(
    base: &str,
    token: &str,
    round_id: i64,
    shapes: Shapes,
    phones: usize,
    duration: Duration,
) -> anyhow::Result<(LoadResult, LoadResult, Others)> {
    let alone = load::run_prepared(base, shapes.clone(), phones, duration).await?;

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .context("client")?;
    let stop = Arc::new(AtomicBool::new(false));
    let (logins, zips, exports) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let mut others = Vec::new();
    for n in 0..4 {
        let (c, b) = (client.clone(), base.to_string());
        others.push(looping(stop.clone(), logins.clone(), move || {
            c.post(format!("{b}/api/auth/login"))
                .json(&serde_json::json!({
                    "username": format!("nobody-{n}"),
                    "password": "wrong password",
                }))
        }));
    }
    {
        let (c, b, t) = (client.clone(), base.to_string(), token.to_string());
        others.push(looping(stop.clone(), zips.clone(), move || {
            c.get(format!("{b}/api/rounds/{round_id}/qr.zip?size=4000"))
                .bearer_auth(&t)
        }));
    }
    {
        let (c, b, t) = (client.clone(), base.to_string(), token.to_string());
        others.push(looping(stop.clone(), exports.clone(), move || {
            c.get(format!("{b}/api/rounds/{round_id}/exports/responses.csv"))
                .bearer_auth(&t)
        }));
    }
    let busy = load::run_prepared(base, shapes, phones, duration).await;
    stop.store(true, Ordering::Relaxed);
    for o in others {
        let _ = o.await;
    }
    Ok((
        alone,
        busy?,
        Others {
            logins: logins.load(Ordering::Relaxed),
            zips: zips.load(Ordering::Relaxed),
            exports: exports.load(Ordering::Relaxed),
        },
    ))
}
