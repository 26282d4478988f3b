//! The web console: the single-page app built from `frontend/` (by
//! `build.rs`) and embedded in the binary. Hashed assets are cached for a
//! year; `index.html` is revalidated on every load so a new release shows up
//! at once. Any other path without a file extension gets `index.html`, so the
//! console's own routes (`/rounds/3`) survive a reload.

use poem::{
    Request, Response, handler,
    http::{
        StatusCode,
        header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH},
    },
};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "frontend/dist"]
// Missing only when built with RENKE_SKIP_FRONTEND=1 and no earlier build:
// the server then explains how to build the console instead of failing.
#[allow_missing = true]
struct Dist;

/// Vite puts content-hashed files here; their names change with their content.
const ASSETS_DIR: &str = "assets/";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

const NOT_BUILT: &str = "<!doctype html><meta charset=\"utf-8\"><title>renke</title>\
<p>管理控制台未编译（构建时设置了 RENKE_SKIP_FRONTEND）。请安装 Node.js 与 npm 后重新运行 \
<code>cargo build</code>。API 文档：<a href=\"/api/docs\">/api/docs</a></p>";

/// Serves the console for every path the rest of the router did not take.
#[handler]
pub fn serve(req: &Request) -> Response {
    let path = req.uri().path().trim_start_matches('/');
    if let Some(resp) = file(path, req) {
        return resp;
    }
    // A missing file (an old hashed asset, a typo) is a 404, not the app:
    // a browser would otherwise try to run HTML as a script.
    let last = path.rsplit('/').next().unwrap_or_default();
    if last.contains('.') || path.starts_with("api/") || path.starts_with("s/") {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .content_type("text/plain; charset=utf-8")
            .body("404 Not Found");
    }
    file("index.html", req).unwrap_or_else(|| {
        Response::builder()
            .content_type("text/html; charset=utf-8")
            .header(CACHE_CONTROL, REVALIDATE)
            .body(NOT_BUILT)
    })
}

/// An embedded file with its content type, caching headers and ETag
/// (answering 304 when the browser already has it).
fn file(path: &str, req: &Request) -> Option<Response> {
    let path = if path.is_empty() { "index.html" } else { path };
    let content = Dist::get(path)?;
    let etag = format!("\"{}\"", hex::encode(&content.metadata.sha256_hash()[..16]));
    let cache = if path.starts_with(ASSETS_DIR) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let builder = Response::builder()
        .header(CACHE_CONTROL, cache)
        .header(ETAG, etag.as_str())
        .header("X-Content-Type-Options", "nosniff");
    let matches = req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if matches {
        return Some(builder.status(StatusCode::NOT_MODIFIED).finish());
    }
    Some(
        builder
            .header(CONTENT_TYPE, content_type(path))
            .body(content.data.into_owned()),
    )
}

fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    if mime.type_() == "text" || mime.subtype() == "javascript" || mime.subtype() == "json" {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::content_type;

    #[test]
    fn content_types_name_the_charset_of_text() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert!(content_type("assets/index-3f2a.js").contains("javascript; charset=utf-8"));
        assert_eq!(
            content_type("assets/index-3f2a.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
    }
}
