//! The virtual phones: fetch a questionnaire, submit a complete response with
//! a fresh UUID, repeat. Latencies are kept per request for percentiles.

use rand::Rng;
use serde_json::{Value, json};
use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::sync::Mutex;

pub struct LoadResult {
    pub elapsed: Duration,
    pub respondents: u64,
    pub errors: u64,
    pub fetch_us: Vec<u32>,
    pub submit_us: Vec<u32>,
    /// Client ids the server acknowledged with 201.
    pub acked: Vec<String>,
}

/// Item ids and option counts of a questionnaire, for building answers.
pub type Shape = Vec<(String, u64)>;

pub async fn shape_of(client: &reqwest::Client, base: &str, token: &str) -> anyhow::Result<Shape> {
    let q: Value = client
        .get(format!("{base}/api/public/links/{token}"))
        .send()
        .await?
        .json()
        .await?;
    Ok(q["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|i| i["kind"] != "text")
                .map(|i| {
                    (
                        i["id"].as_str().unwrap_or_default().to_string(),
                        i["options"].as_array().map(|o| o.len() as u64).unwrap_or(1),
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

pub fn body(shape: &Shape) -> (String, Value) {
    let mut rng = rand::rng();
    let id = uuid::Uuid::new_v4().to_string();
    let answers: Vec<Value> = shape
        .iter()
        .map(|(item, n)| json!({"item": item, "option": rng.random_range(1..=(*n).min(4))}))
        .collect();
    let b = json!({"client_id": id, "answers": answers, "duration_ms": 95_000});
    (id, b)
}

/// The questionnaires behind the links, fetched once before the load.
pub type Shapes = Arc<HashMap<String, Shape>>;

pub async fn prepare(base: &str, links: &[String]) -> anyhow::Result<Shapes> {
    let client = reqwest::Client::new();
    let mut shapes = HashMap::new();
    for t in links {
        shapes.insert(t.clone(), shape_of(&client, base, t).await?);
    }
    Ok(Arc::new(shapes))
}

/// What each virtual phone does, over and over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Fetch a questionnaire, then submit a response: a whole respondent.
    Respondents,
    /// Fetch questionnaires only (`respondents` then counts fetches).
    Fetches,
}

/// Whole respondents: fetch, then submit.
pub async fn run(
    base: &str,
    links: &[String],
    phones: usize,
    duration: Duration,
) -> anyhow::Result<LoadResult> {
    let shapes = prepare(base, links).await?;
    drive(base, shapes, phones, duration, Mode::Respondents).await
}

pub async fn run_prepared(
    base: &str,
    shapes: Shapes,
    phones: usize,
    duration: Duration,
) -> anyhow::Result<LoadResult> {
    drive(base, shapes, phones, duration, Mode::Respondents).await
}

/// Questionnaire fetches only; the result's `respondents` counts fetches.
pub async fn fetches(
    base: &str,
    links: &[String],
    phones: usize,
    duration: Duration,
) -> anyhow::Result<LoadResult> {
    drive(
        base,
        prepare(base, links).await?,
        phones,
        duration,
        Mode::Fetches,
    )
    .await
}

async fn drive(
    base: &str,
    shapes: Shapes,
    phones: usize,
    duration: Duration,
    mode: Mode,
) -> anyhow::Result<LoadResult> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(phones)
        .timeout(Duration::from_secs(30))
        .build()?;
    let links: Arc<Vec<String>> = Arc::new(shapes.keys().cloned().collect());
    let shared = Arc::new(Mutex::new((Vec::new(), Vec::new(), Vec::new(), 0u64, 0u64)));
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for _ in 0..phones {
        let (client, shapes, links, shared, base) = (
            client.clone(),
            shapes.clone(),
            links.clone(),
            shared.clone(),
            base.to_string(),
        );
        tasks.push(tokio::spawn(async move {
            let (mut fetch, mut submit, mut acked, mut done, mut errors) =
                (Vec::new(), Vec::new(), Vec::new(), 0, 0);
            while Instant::now() < deadline {
                let token = &links[rand::rng().random_range(0..links.len())];
                let t0 = Instant::now();
                match client
                    .get(format!("{base}/api/public/links/{token}"))
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    _ => {
                        errors += 1;
                        continue;
                    }
                }
                fetch.push(t0.elapsed().as_micros() as u32);
                if mode == Mode::Fetches {
                    done += 1;
                    continue;
                }
                let (id, b) = body(&shapes[token]);
                let t1 = Instant::now();
                let resp = client
                    .post(format!("{base}/api/public/links/{token}/responses"))
                    .json(&b)
                    .send()
                    .await;
                match resp {
                    Ok(r) if r.status().as_u16() == 201 => {
                        submit.push(t1.elapsed().as_micros() as u32);
                        acked.push(id);
                        done += 1;
                    }
                    _ => errors += 1,
                }
            }
            let mut s = shared.lock().await;
            s.0.extend(fetch);
            s.1.extend(submit);
            s.2.extend(acked);
            s.3 += done;
            s.4 += errors;
        }));
    }
    for t in tasks {
        t.await?;
    }
    let elapsed = start.elapsed();
    let s = std::mem::take(&mut *shared.lock().await);
    Ok(LoadResult {
        elapsed,
        fetch_us: s.0,
        submit_us: s.1,
        acked: s.2,
        respondents: s.3,
        errors: s.4,
    })
}

/// The p-th percentile in milliseconds.
pub fn percentile_ms(samples: &mut [u32], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_unstable();
    let idx = ((samples.len() as f64 - 1.0) * p).round() as usize;
    f64::from(samples[idx]) / 1000.0
}

impl LoadResult {
    pub fn per_sec(&self, n: u64) -> f64 {
        n as f64 / self.elapsed.as_secs_f64()
    }

    /// One markdown row: name, respondents/s, submissions/s, latencies, errors.
    pub fn row(&mut self, name: &str) -> String {
        let subs = self.submit_us.len() as u64;
        format!(
            "| {name} | {:.0} | {:.0} | {:.1} / {:.1} / {:.1} | {:.1} / {:.1} / {:.1} | {} |",
            self.per_sec(self.respondents),
            self.per_sec(subs),
            percentile_ms(&mut self.fetch_us, 0.5),
            percentile_ms(&mut self.fetch_us, 0.95),
            percentile_ms(&mut self.fetch_us, 0.99),
            percentile_ms(&mut self.submit_us, 0.5),
            percentile_ms(&mut self.submit_us, 0.95),
            percentile_ms(&mut self.submit_us, 0.99),
            self.errors
        )
    }
}
