//! `405 Method Not Allowed` answers carry an `Allow` header listing the
//! methods the path does take (RFC 9110), read from the OpenAPI spec.

use poem::{Endpoint, IntoResponse, Request, Response, Result, http::StatusCode};
use std::sync::Arc;

/// Path templates (split into segments, `{…}` matching anything) and their methods.
#[derive(Clone, Default)]
pub struct AllowTable(Arc<Vec<(Vec<String>, String)>>);

impl AllowTable {
    pub fn from_spec(spec_json: &str) -> Self {
        let mut rows = Vec::new();
        if let Ok(spec) = serde_json::from_str::<serde_json::Value>(spec_json) {
            if let Some(paths) = spec["paths"].as_object() {
                for (path, ops) in paths {
                    let segs = path
                        .trim_matches('/')
                        .split('/')
                        .map(str::to_string)
                        .collect();
                    let methods: Vec<String> = ops
                        .as_object()
                        .map(|o| o.keys().map(|m| m.to_uppercase()).collect())
                        .unwrap_or_default();
                    rows.push((segs, methods.join(", ")));
                }
            }
        }
        Self(Arc::new(rows))
    }

    fn lookup(&self, path: &str) -> Option<&str> {
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.0
            .iter()
            .find(|(tpl, _)| {
                tpl.len() == segs.len()
                    && tpl
                        .iter()
                        .zip(&segs)
                        .all(|(t, s)| t.starts_with('{') || t == s)
            })
            .map(|(_, m)| m.as_str())
    }
}

static TABLE: std::sync::OnceLock<AllowTable> = std::sync::OnceLock::new();

/// Sets the table once (the spec is the same for every instance in a process).
pub fn install(spec_json: &str) {
    let _ = TABLE.set(AllowTable::from_spec(spec_json));
}

/// Middleware for the API route (paths relative to `/api`).
pub async fn allow_header<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let path = req.uri().path().to_string();
    let mut resp = next.call(req).await?.into_response();
    if resp.status() == StatusCode::METHOD_NOT_ALLOWED {
        if let Some(methods) = TABLE.get().and_then(|t| t.lookup(&path)) {
            if let Ok(v) = poem::http::HeaderValue::from_str(methods) {
                resp.headers_mut().insert("allow", v);
            }
        }
    }
    Ok(resp)
}
