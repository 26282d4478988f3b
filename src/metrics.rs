//! Operating figures in the Prometheus text exposition format (version
//! 0.0.4): a small registry of atomics, written to on the hot path with one
//! relaxed add, read when `/metrics` is scraped (see `scrape`).
//!
//! Every label value comes from a closed set — a route class, an error code,
//! a county id — never a path, a token, an address or anything a respondent
//! typed, so a scrape cannot identify anyone and its size stays bounded.
//! Hand-written rather than a client crate: the exposition format is a few
//! lines of text, and the counters are the whole of it.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{
        RwLock,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
    time::Duration,
};

use crate::error::AppError;

/// Where a request went, as a bounded label (never the raw path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteClass {
    /// Respondents: questionnaire pages, room sessions, the public API.
    Public,
    /// The console's pages and assets, and other server-rendered pages.
    Pages,
    /// The console's JSON API.
    ConsoleApi,
    /// Account and audit administration.
    Admin,
    /// Health checks and the metrics scrape.
    Ops,
}

impl RouteClass {
    pub const ALL: [RouteClass; 5] = [
        Self::Public,
        Self::Pages,
        Self::ConsoleApi,
        Self::Admin,
        Self::Ops,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Pages => "pages",
            Self::ConsoleApi => "console_api",
            Self::Admin => "admin",
            Self::Ops => "ops",
        }
    }

    /// The class of a request path.
    pub fn of(path: &str) -> Self {
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/s") || under("/r") || under("/api/public") {
            Self::Public
        } else if under("/healthz") || under("/api/health") || under("/metrics") {
            Self::Ops
        } else if under("/api/accounts") || under("/api/audit") {
            Self::Admin
        } else if under("/api") {
            Self::ConsoleApi
        } else {
            Self::Pages
        }
    }
}

/// A histogram with fixed upper bounds, in integer units (microseconds for
/// durations, items for sizes); `scale` turns a unit into the exported one.
pub struct Histogram {
    bounds: &'static [u64],
    scale: f64,
    /// One per bound, plus the +Inf bucket; not cumulative until rendered.
    buckets: Box<[AtomicU64]>,
    sum: AtomicU64,
    count: AtomicU64,
}

/// Seconds, in microseconds: 1 ms … 10 s.
const SECONDS: &[u64] = &[
    1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
    5_000_000, 10_000_000,
];
/// Submissions per writer batch, up to the writer's largest batch (512).
const BATCH: &[u64] = &[1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

impl Histogram {
    fn new(bounds: &'static [u64], scale: f64) -> Self {
        Self {
            bounds,
            scale,
            buckets: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }

    fn seconds() -> Self {
        Self::new(SECONDS, 1e-6)
    }

    pub fn observe(&self, units: u64) {
        let i = self.bounds.partition_point(|b| *b < units);
        self.buckets[i].fetch_add(1, Relaxed);
        self.sum.fetch_add(units, Relaxed);
        self.count.fetch_add(1, Relaxed);
    }

    fn observe_duration(&self, d: Duration) {
        self.observe(u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
    }

    /// The `_bucket`, `_sum` and `_count` lines; `labels` is `k="v",` or empty.
    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (i, bucket) in self.buckets.iter().enumerate() {
            cumulative += bucket.load(Relaxed);
            let le = match self.bounds.get(i) {
                Some(b) => number(*b as f64 * self.scale),
                None => "+Inf".to_string(),
            };
            let _ = writeln!(out, "{name}_bucket{{{labels}le=\"{le}\"}} {cumulative}");
        }
        let sum = number(self.sum.load(Relaxed) as f64 * self.scale);
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{}}}", labels.trim_end_matches(','))
        };
        let _ = writeln!(out, "{name}_sum{braces} {sum}");
        let _ = writeln!(out, "{name}_count{braces} {}", self.count.load(Relaxed));
    }
}

/// A number as Prometheus reads it, without float noise (`0.0025`, `1`).
fn number(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Counters by one label whose values form a small closed set (error codes,
/// county ids): a read lock and an atomic add once the value is known.
struct Family<K: Ord + Copy> {
    counters: RwLock<BTreeMap<K, AtomicU64>>,
}

impl<K: Ord + Copy> Default for Family<K> {
    fn default() -> Self {
        Self {
            counters: RwLock::default(),
        }
    }
}

impl<K: Ord + Copy> Family<K> {
    fn inc(&self, key: K) {
        if let Ok(map) = self.counters.read()
            && let Some(c) = map.get(&key)
        {
            c.fetch_add(1, Relaxed);
            return;
        }
        if let Ok(mut map) = self.counters.write() {
            map.entry(key)
                .or_insert_with(|| AtomicU64::new(0))
                .fetch_add(1, Relaxed);
        }
    }

    fn snapshot(&self) -> Vec<(K, u64)> {
        self.counters
            .read()
            .map(|m| m.iter().map(|(k, v)| (*k, v.load(Relaxed))).collect())
            .unwrap_or_default()
    }
}

/// What the scrape reads at that moment rather than counts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gauges {
    /// Submissions waiting for the writer, and the most that may wait.
    pub queue_depth: usize,
    pub queue_capacity: usize,
    /// The request pool's open connections, of which idle, and its limit.
    pub pool_open: u32,
    pub pool_idle: u32,
    pub pool_max: u32,
    /// Link lookups of the respondent's side answered from memory, and
    /// those that read the database (counters kept by the link cache).
    pub link_cache_hits: u64,
    pub link_cache_misses: u64,
}

/// The registry of one running renke.
pub struct Metrics {
    acknowledged: AtomicU64,
    replayed: AtomicU64,
    refused: Family<&'static str>,
    county_responses: Family<i64>,
    batch_size: Histogram,
    commit_seconds: Histogram,
    unavailable: [AtomicU64; 5],
    requests: [Histogram; 5],
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            acknowledged: AtomicU64::new(0),
            replayed: AtomicU64::new(0),
            refused: Family::default(),
            county_responses: Family::default(),
            batch_size: Histogram::new(BATCH, 1.0),
            commit_seconds: Histogram::seconds(),
            unavailable: Default::default(),
            requests: std::array::from_fn(|_| Histogram::seconds()),
        }
    }
}

/// The label a refused submission is counted under: its error code.
pub fn refusal_reason(e: &AppError) -> &'static str {
    use crate::error::ErrorCode as C;
    let code = match e {
        AppError::Validation { .. } => C::ValidationFailed,
        AppError::BadRequest(_) => C::BadRequest,
        AppError::NotFound(_) => C::NotFound,
        AppError::Conflict { code, .. } => *code,
        AppError::Unauthorized => C::Unauthorized,
        AppError::Forbidden(_) => C::Forbidden,
        AppError::PayloadTooLarge(_) => C::PayloadTooLarge,
        AppError::UnsupportedMediaType(_) => C::UnsupportedMediaType,
        AppError::RateLimited { .. } => C::RateLimited,
        AppError::Unavailable(_) => C::Unavailable,
        AppError::Db(_) | AppError::Unexpected(_) => C::Internal,
    };
    code.code()
}

impl Metrics {
    /// A new response stored and acknowledged, in `county` when it has one.
    pub fn stored(&self, county: Option<i64>) {
        self.acknowledged.fetch_add(1, Relaxed);
        if let Some(county) = county {
            self.county_responses.inc(county);
        }
    }

    /// A repeat of an acknowledged submission, answered with its receipt.
    pub fn replayed(&self) {
        self.replayed.fetch_add(1, Relaxed);
    }

    /// A submission turned away (`reason`: an error code).
    pub fn refused(&self, reason: &'static str) {
        self.refused.inc(reason);
    }

    /// A batch the writer committed: its size and how long it took.
    pub fn batch_committed(&self, size: usize, took: Duration) {
        self.batch_size.observe(size as u64);
        self.commit_seconds.observe_duration(took);
    }

    /// A request answered, with its status and duration.
    pub fn request(&self, class: RouteClass, status: u16, took: Duration) {
        let i = class as usize;
        self.requests[i].observe_duration(took);
        if status == 503 {
            self.unavailable[i].fetch_add(1, Relaxed);
        }
    }

    /// The whole scrape.
    pub fn render(&self, g: &Gauges) -> String {
        let mut out = String::with_capacity(8 * 1024);
        let o = &mut out;
        head(
            o,
            "renke_submissions_acknowledged_total",
            "counter",
            "Responses stored and acknowledged (after COMMIT).",
        );
        line(
            o,
            "renke_submissions_acknowledged_total",
            "",
            self.acknowledged.load(Relaxed),
        );
        head(
            o,
            "renke_submissions_replayed_total",
            "counter",
            "Repeated submissions of a stored response, answered with its receipt.",
        );
        line(
            o,
            "renke_submissions_replayed_total",
            "",
            self.replayed.load(Relaxed),
        );
        head(
            o,
            "renke_submissions_refused_total",
            "counter",
            "Submissions turned away, by reason (the error code the respondent got).",
        );
        for (reason, n) in self.refused.snapshot() {
            line(
                o,
                "renke_submissions_refused_total",
                &format!("reason=\"{reason}\""),
                n,
            );
        }
        head(
            o,
            "renke_county_responses_total",
            "counter",
            "Responses stored per county (county id only).",
        );
        for (county, n) in self.county_responses.snapshot() {
            line(
                o,
                "renke_county_responses_total",
                &format!("county_id=\"{county}\""),
                n,
            );
        }
        head(
            o,
            "renke_writer_batch_size",
            "histogram",
            "Submissions written per writer batch (one transaction).",
        );
        self.batch_size.render(o, "renke_writer_batch_size", "");
        head(
            o,
            "renke_writer_commit_seconds",
            "histogram",
            "Time the writer took to admit, insert and commit one batch.",
        );
        self.commit_seconds
            .render(o, "renke_writer_commit_seconds", "");
        head(
            o,
            "renke_writer_queue_depth",
            "gauge",
            "Submissions waiting for the writer.",
        );
        line(o, "renke_writer_queue_depth", "", g.queue_depth as u64);
        head(
            o,
            "renke_writer_queue_capacity",
            "gauge",
            "Submissions that may wait before submitters get 503.",
        );
        line(
            o,
            "renke_writer_queue_capacity",
            "",
            g.queue_capacity as u64,
        );
        head(
            o,
            "renke_http_request_duration_seconds",
            "histogram",
            "Time to answer a request, by route class.",
        );
        for class in RouteClass::ALL {
            let labels = format!("class=\"{}\",", class.label());
            self.requests[class as usize].render(o, "renke_http_request_duration_seconds", &labels);
        }
        head(
            o,
            "renke_http_unavailable_total",
            "counter",
            "Requests answered 503 (database or writer queue unavailable), by route class.",
        );
        for class in RouteClass::ALL {
            let labels = format!("class=\"{}\"", class.label());
            line(
                o,
                "renke_http_unavailable_total",
                &labels,
                self.unavailable[class as usize].load(Relaxed),
            );
        }
        head(
            o,
            "renke_db_pool_connections",
            "gauge",
            "Connections of the request pool, by state.",
        );
        let in_use = g.pool_open.saturating_sub(g.pool_idle);
        line(
            o,
            "renke_db_pool_connections",
            "state=\"in_use\"",
            u64::from(in_use),
        );
        line(
            o,
            "renke_db_pool_connections",
            "state=\"idle\"",
            u64::from(g.pool_idle),
        );
        head(
            o,
            "renke_db_pool_max_connections",
            "gauge",
            "Most connections the request pool opens (RENKE_DB_MAX_CONNECTIONS).",
        );
        line(
            o,
            "renke_db_pool_max_connections",
            "",
            u64::from(g.pool_max),
        );
        head(
            o,
            "renke_link_cache_lookups_total",
            "counter",
            "Respondents' link lookups, answered from memory (hit) or from the database (miss).",
        );
        line(
            o,
            "renke_link_cache_lookups_total",
            "result=\"hit\"",
            g.link_cache_hits,
        );
        line(
            o,
            "renke_link_cache_lookups_total",
            "result=\"miss\"",
            g.link_cache_misses,
        );
        out
    }
}

fn head(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn line(out: &mut String, name: &str, labels: &str, value: u64) {
    if labels.is_empty() {
        let _ = writeln!(out, "{name} {value}");
    } else {
        let _ = writeln!(out, "{name}{{{labels}}} {value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fall_into_a_bounded_set_of_classes() {
        assert_eq!(RouteClass::of("/s/AbC123"), RouteClass::Public);
        assert_eq!(RouteClass::of("/r"), RouteClass::Public);
        assert_eq!(
            RouteClass::of("/api/public/links/x/responses"),
            RouteClass::Public
        );
        assert_eq!(RouteClass::of("/api/rounds/3"), RouteClass::ConsoleApi);
        assert_eq!(RouteClass::of("/api/accounts"), RouteClass::Admin);
        assert_eq!(RouteClass::of("/api/audit"), RouteClass::Admin);
        assert_eq!(RouteClass::of("/healthz"), RouteClass::Ops);
        assert_eq!(RouteClass::of("/metrics"), RouteClass::Ops);
        assert_eq!(RouteClass::of("/"), RouteClass::Pages);
        assert_eq!(RouteClass::of("/rounds/3"), RouteClass::Pages);
        assert_eq!(RouteClass::of("/search"), RouteClass::Pages);
    }

    #[test]
    fn histograms_render_cumulative_buckets_in_seconds() {
        let m = Metrics::default();
        m.batch_committed(3, Duration::from_millis(2));
        m.batch_committed(600, Duration::from_secs(20));
        let text = m.render(&Gauges::default());
        assert!(
            text.contains("renke_writer_batch_size_bucket{le=\"4\"} 1\n"),
            "{text}"
        );
        assert!(text.contains("renke_writer_batch_size_bucket{le=\"+Inf\"} 2\n"));
        assert!(text.contains("renke_writer_batch_size_sum 603\n"));
        assert!(text.contains("renke_writer_commit_seconds_bucket{le=\"0.0025\"} 1\n"));
        assert!(text.contains("renke_writer_commit_seconds_bucket{le=\"10\"} 1\n"));
        assert!(text.contains("renke_writer_commit_seconds_sum 20.002\n"));
        assert!(text.contains("renke_writer_commit_seconds_count 2\n"));
    }

    #[test]
    fn counters_by_label_and_503s() {
        let m = Metrics::default();
        m.stored(Some(7));
        m.stored(Some(7));
        m.stored(None);
        m.refused("duplicate_device");
        m.request(RouteClass::Public, 503, Duration::from_millis(1));
        let text = m.render(&Gauges::default());
        assert!(text.contains("renke_submissions_acknowledged_total 3\n"));
        assert!(text.contains("renke_county_responses_total{county_id=\"7\"} 2\n"));
        assert!(text.contains("renke_submissions_refused_total{reason=\"duplicate_device\"} 1\n"));
        assert!(text.contains("renke_http_unavailable_total{class=\"public\"} 1\n"));
        assert!(text.contains("renke_http_request_duration_seconds_count{class=\"public\"} 1\n"));
    }
}
