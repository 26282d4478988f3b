//! Body size limits: 64 KB for public submissions (API and the `/s/` pages),
//! 10 MB elsewhere (imports).
//! A body without Content-Length is read up to the limit and refused past it.
//! Compressed request bodies are refused outright (`refuse_encoded_bodies`):
//! no client of renke sends them, and decoding them would let a small body
//! grow past every limit.

use crate::error::ErrorCode;
use poem::{Endpoint, IntoResponse, Request, Response, Result, http::StatusCode};

pub const PUBLIC_LIMIT: usize = 64 * 1024;
pub const DEFAULT_LIMIT: usize = 10 * 1024 * 1024;

fn too_large(limit: usize) -> Response {
    poem::web::Json(serde_json::json!({
        "code": ErrorCode::PayloadTooLarge.code(),
        "message": format!("请求体过大（上限{}KB）", limit / 1024),
    }))
    .with_status(StatusCode::PAYLOAD_TOO_LARGE)
    .into_response()
}

pub async fn limit_body<E: Endpoint>(next: E, mut req: Request) -> Result<Response> {
    let path = req.uri().path();
    let limit =
        if path.starts_with("/public/") || path.contains("/public/") || path.starts_with("/s/") {
            PUBLIC_LIMIT
        } else {
            DEFAULT_LIMIT
        };
    let declared = req
        .headers()
        .get(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(n) if n > limit => return Ok(too_large(limit)),
        Some(_) => {}
        None => {
            let body = req.take_body();
            let bytes = match body.into_bytes_limit(limit).await {
                Ok(b) => b,
                Err(_) => return Ok(too_large(limit)),
            };
            req.set_body(bytes);
        }
    }
    Ok(next.call(req).await?.into_response())
}

/// Refuses (415) any request whose body is declared compressed
/// (`Content-Encoding` other than `identity`), before its body is read.
/// Installed outside the response compression, which would otherwise decode
/// the body with no bound on its decoded size.
pub async fn refuse_encoded_bodies<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let encodings = req
        .headers()
        .get_all(poem::http::header::CONTENT_ENCODING)
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("invalid").split(','))
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty() && v != "identity")
        .collect::<Vec<_>>();
    if !encodings.is_empty() {
        return Ok(poem::web::Json(serde_json::json!({
            "code": ErrorCode::UnsupportedMediaType.code(),
            "message": format!(
                "不接受压缩的请求体（Content-Encoding: {}），请发送未压缩的内容 / compressed request bodies are not accepted",
                encodings.join(", ")
            ),
        }))
        .with_status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .into_response());
    }
    Ok(next.call(req).await?.into_response())
}
