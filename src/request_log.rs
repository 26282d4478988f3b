//! renke's own request log: one line per request with the method, the path
//! (survey tokens redacted), the status and the duration. Never the client's
//! address, the query string, headers or bodies: a respondent's submission
//! must not be tied to them through the log (see README, "What is logged").

use poem::{Endpoint, IntoResponse, Request, Response, Result};
use std::time::Instant;

use crate::{metrics::RouteClass, state::AppState};

/// The path with every survey token replaced by `…`:
/// `/s/<token>[/code]` and `/api/public/links/<token>[/responses]`.
pub fn redact(path: &str) -> String {
    // Survey tokens (/s/, the public API) and room-session codes (/r/) open
    // a questionnaire: whoever reads the log could answer with them.
    for prefix in ["/s/", "/r/", "/api/public/links/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            return match rest.split_once('/') {
                Some((_, tail)) => format!("{prefix}…/{tail}"),
                None if rest.is_empty() => path.to_string(),
                None => format!("{prefix}…"),
            };
        }
    }
    path.to_string()
}

pub async fn log_requests<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let method = req.method().clone();
    let path = redact(req.uri().path());
    let class = RouteClass::of(req.uri().path());
    let metrics = req.data::<AppState>().map(|s| s.metrics.clone());
    let started = Instant::now();
    let result = next.call(req).await.map(IntoResponse::into_response);
    let status = match &result {
        Ok(resp) => resp.status(),
        Err(err) => err.status(),
    };
    let took = started.elapsed();
    if let Some(m) = metrics {
        m.request(class, status.as_u16(), took);
    }
    let ms = took.as_millis() as u64;
    if status.is_server_error() {
        tracing::warn!(%method, %path, status = status.as_u16(), ms, "request");
    } else {
        tracing::info!(%method, %path, status = status.as_u16(), ms, "request");
    }
    result
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn survey_tokens_never_reach_the_log() {
        assert_eq!(redact("/s/AbC123"), "/s/…");
        assert_eq!(redact("/s/AbC123/code"), "/s/…/code");
        assert_eq!(redact("/api/public/links/AbC123"), "/api/public/links/…");
        assert_eq!(
            redact("/api/public/links/AbC123/responses"),
            "/api/public/links/…/responses"
        );
        assert_eq!(redact("/r/K7P2QX"), "/r/…");
        assert_eq!(redact("/r"), "/r");
        assert_eq!(redact("/api/rounds/3/links/4"), "/api/rounds/3/links/4");
        assert_eq!(redact("/"), "/");
    }
}
