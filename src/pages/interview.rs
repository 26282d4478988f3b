//! The interviewer's page (访谈员, `/interview/`): a small offline web app
//! served by renke itself — an HTML shell, its script and style, a service
//! worker that keeps them for offline use, and a web app manifest. Nothing
//! loads from another host. The files live in `frontend/interview/`
//! (plain JavaScript, no build step) and are embedded in the binary.

use poem::{
    Request, Response, handler,
    http::{
        StatusCode,
        header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, LOCATION},
    },
};

const INDEX: &str = include_str!("../../frontend/interview/index.html");
const APP_JS: &str = include_str!("../../frontend/interview/app.js");
const I18N_JS: &str = include_str!("../../frontend/interview/i18n.js");
const STORE_JS: &str = include_str!("../../frontend/interview/store.js");
const CSS: &str = include_str!("../../frontend/interview/app.css");
const SW_JS: &str = include_str!("../../frontend/interview/sw.js");
const MANIFEST: &str = include_str!("../../frontend/interview/manifest.webmanifest");
const ICON: &str = include_str!("../../frontend/interview/icon.svg");

/// A digest of every file of the app: the service worker's cache name, so
/// that a new release replaces the cached copy.
fn version() -> &'static str {
    use sha2::Digest;
    static V: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let mut h = sha2::Sha256::new();
        for part in [INDEX, APP_JS, I18N_JS, STORE_JS, CSS, SW_JS, MANIFEST, ICON] {
            h.update(part.as_bytes());
        }
        hex::encode(&h.finalize()[..8])
    })
}

fn sw() -> &'static str {
    static S: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    S.get_or_init(|| SW_JS.replace("__VERSION__", version()))
}

/// The file at `/interview/<name>`, if the app has one.
fn asset(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "" | "index.html" => ("text/html; charset=utf-8", INDEX),
        "app.js" => ("text/javascript; charset=utf-8", APP_JS),
        "i18n.js" => ("text/javascript; charset=utf-8", I18N_JS),
        "store.js" => ("text/javascript; charset=utf-8", STORE_JS),
        "app.css" => ("text/css; charset=utf-8", CSS),
        "sw.js" => ("text/javascript; charset=utf-8", sw()),
        "manifest.webmanifest" => ("application/manifest+json", MANIFEST),
        "icon.svg" => ("image/svg+xml", ICON),
        _ => return None,
    })
}

/// `/interview` → `/interview/` (the service worker's scope).
#[handler]
pub fn redirect() -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header(LOCATION, "/interview/")
        .finish()
}

/// The app's files, revalidated on every load (ETag): the service worker
/// serves them when there is no network.
#[handler]
pub fn serve(req: &Request) -> Response {
    let name = req
        .uri()
        .path()
        .strip_prefix("/interview/")
        .unwrap_or_default();
    let Some((content_type, body)) = asset(name) else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .content_type("text/plain; charset=utf-8")
            .body("404 Not Found");
    };
    let etag = format!("\"{}-{}\"", version(), name.len());
    let builder = Response::builder()
        .header(CACHE_CONTROL, "no-cache")
        .header(ETAG, etag.as_str());
    let fresh = req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if fresh {
        return builder.status(StatusCode::NOT_MODIFIED).finish();
    }
    builder.header(CONTENT_TYPE, content_type).body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_the_worker_caches_is_served() {
        for name in [
            "",
            "app.js",
            "i18n.js",
            "store.js",
            "app.css",
            "manifest.webmanifest",
            "icon.svg",
        ] {
            assert!(asset(name).is_some(), "{name}");
            assert!(SW_JS.contains(&format!("'./{name}'")), "sw caches {name}");
        }
        assert!(!sw().contains("__VERSION__"));
        // No other host anywhere in the app.
        for (_, body) in [
            "",
            "app.js",
            "i18n.js",
            "store.js",
            "app.css",
            "sw.js",
            "manifest.webmanifest",
        ]
        .map(|n| asset(n).unwrap())
        {
            assert!(!body.contains("http://") && !body.contains("https://"));
        }
    }
}
