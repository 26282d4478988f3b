//! `/metrics`: the Prometheus scrape, never public. Off unless configured:
//! on its own listener (`RENKE_METRICS_BIND`, e.g. `127.0.0.1:9464`), or on
//! the main listener to a bearer token (`RENKE_METRICS_TOKEN`). Without the
//! right token the main listener answers `/metrics` exactly as any unknown
//! path, so it cannot be discovered.

use poem::{
    Endpoint, EndpointExt, IntoResponse, Request, Response, Result, Route, get, handler,
    http::StatusCode, web::Data,
};
use sha2::{Digest, Sha256};

use crate::{metrics::Gauges, state::AppState, store::db};

/// Refuses a metrics token too short to guess at.
pub fn check_settings(settings: &crate::config::Settings) -> anyhow::Result<()> {
    match &settings.metrics_token {
        Some(t) if t.chars().count() < 16 => anyhow::bail!(
            "RENKE_METRICS_TOKEN 至少要 16 个字符\nRENKE_METRICS_TOKEN must be at least 16 characters long"
        ),
        _ => Ok(()),
    }
}

/// The scrape's text (format version 0.0.4).
pub fn render(state: &AppState) -> String {
    let (pool_open, pool_idle) = db::pool_use(&state.db);
    let (queue_depth, queue_capacity) = state.writer.queue();
    let (link_cache_hits, link_cache_misses) = state.links.lookups();
    state.metrics.render(&Gauges {
        queue_depth,
        queue_capacity,
        pool_open,
        pool_idle,
        pool_max: state.settings.db_max_connections,
        link_cache_hits,
        link_cache_misses,
    })
}

fn scrape_response(state: &AppState) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .header("Cache-Control", "no-store")
        .body(render(state))
}

/// Whether the request carries `Authorization: Bearer <token>`, compared in
/// constant time (the digests of both, so neither length nor prefix leaks).
fn bearer_matches(req: &Request, token: &str) -> bool {
    let given = req
        .headers()
        .get(poem::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(token.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
        && !given.is_empty()
}

/// On the main listener: `/metrics` answers the scrape to the right token
/// when the token mode is on (and no metrics listener is set), and 404 —
/// the same as when metrics are off — otherwise, rather than the console's
/// page. Everything else goes on unchanged.
pub async fn on_main<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    if req.uri().path() != "/metrics" {
        return next.call(req).await.map(IntoResponse::into_response);
    }
    if let Some(state) = req.data::<AppState>() {
        let settings = &state.settings;
        if let (None, Some(token)) = (settings.metrics_bind, settings.metrics_token.as_deref())
            && req.method() == poem::http::Method::GET
            && bearer_matches(&req, token)
        {
            return Ok(scrape_response(state));
        }
    }
    Ok(not_found())
}

/// What an unknown path without a page answers.
fn not_found() -> Response {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .content_type("text/plain; charset=utf-8")
        .body("404 Not Found")
}

#[handler]
async fn scrape(req: &Request, state: Data<&AppState>) -> Response {
    match state.settings.metrics_token.as_deref() {
        Some(token) if !bearer_matches(req, token) => not_found(),
        _ => scrape_response(&state),
    }
}

/// The metrics listener's routes: `/metrics` only (to the token as well,
/// when one is set).
pub fn routes(state: AppState) -> impl Endpoint {
    Route::new().at("/metrics", get(scrape)).data(state)
}
