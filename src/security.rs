//! Security headers on every response, and the same-origin check that
//! protects cookie-authenticated writes from cross-site requests (CSRF).

use poem::{Endpoint, IntoResponse, Request, Response, Result, http::Method};

/// The Content-Security-Policy of renke's own pages: nothing from other
/// hosts, no inline scripts, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The interactive API docs page needs its inline bootstrap script.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

/// Only the console's own pages may use the camera (the keying page's
/// 扫码 reads a sheet's QR code); respondents' pages and the API never.
const CONSOLE_PERMISSIONS: &str = "camera=(self), microphone=(), geolocation=()";
const NO_PERMISSIONS: &str = "camera=(), microphone=(), geolocation=()";

/// Whether a path is served by the console (not a respondent's page, a
/// room's page, the interviewer's page or the API).
fn console_page(path: &str) -> bool {
    path != "/r"
        && !["/s/", "/r/", "/api/", "/interview", "/healthz", "/metrics"]
            .iter()
            .any(|p| path.starts_with(p))
}

pub async fn headers<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let docs = req.uri().path().starts_with("/api/docs");
    let console = console_page(req.uri().path());
    let mut resp = next.call(req).await?.into_response();
    let h = resp.headers_mut();
    let set = |h: &mut poem::http::HeaderMap, k: &'static str, v: &'static str| {
        if !h.contains_key(k) {
            h.insert(k, poem::http::HeaderValue::from_static(v));
        }
    };
    set(h, "x-content-type-options", "nosniff");
    // Survey links carry their token in the path: never leak it to other sites.
    set(h, "referrer-policy", "no-referrer");
    set(h, "x-frame-options", "DENY");
    set(
        h,
        "content-security-policy",
        if docs { DOCS_CSP } else { CSP },
    );
    set(
        h,
        "permissions-policy",
        if console {
            CONSOLE_PERMISSIONS
        } else {
            NO_PERMISSIONS
        },
    );
    Ok(resp)
}

/// True when a state-changing request carries proof that it comes from a
/// page of this same site: the browser's `Sec-Fetch-Site: same-origin`
/// (pages cannot set it; a form posted from a console page sends it, while
/// our `Referrer-Policy: no-referrer` makes such a form's Origin `null`), or
/// else an Origin, or failing that a Referer, that matches Host.
pub fn same_origin(req: &Request) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = req.headers().get("sec-fetch-site") {
        return site.as_bytes() == b"same-origin";
    }
    let Some(host) = req.headers().get("host").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let source = req
        .headers()
        .get("origin")
        .or_else(|| req.headers().get("referer"))
        .and_then(|v| v.to_str().ok());
    match source {
        Some(src) => src
            .split("://")
            .nth(1)
            .map(|rest| rest.split('/').next().unwrap_or_default() == host)
            .unwrap_or(false),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_console_pages_may_use_the_camera() {
        for p in ["/", "/paper/3", "/rounds/1/report"] {
            assert!(console_page(p), "{p}");
        }
        for p in [
            "/s/abc",
            "/r",
            "/r/12345678",
            "/api/rounds",
            "/interview/",
            "/healthz",
        ] {
            assert!(!console_page(p), "{p}");
        }
    }

    fn req(method: Method, origin: Option<&str>) -> Request {
        let mut b = Request::builder()
            .method(method)
            .uri_str("/api/schools")
            .header("host", "renke.local:8080");
        if let Some(o) = origin {
            b = b.header("origin", o);
        }
        b.finish()
    }

    #[test]
    fn writes_need_a_matching_origin() {
        assert!(same_origin(&req(Method::GET, None)));
        assert!(same_origin(&req(
            Method::POST,
            Some("http://renke.local:8080")
        )));
        assert!(!same_origin(&req(
            Method::POST,
            Some("https://evil.example")
        )));
        assert!(!same_origin(&req(Method::POST, None)));
        assert!(!same_origin(&req(
            Method::DELETE,
            Some("http://renke.local:8080.evil.example")
        )));
    }

    #[test]
    fn the_browsers_fetch_site_header_decides_when_present() {
        let with = |site: &str, origin: &str| {
            Request::builder()
                .method(Method::POST)
                .uri_str("/api/rounds/1/links/2/access-codes/slips?count=3")
                .header("host", "renke.local:8080")
                .header("sec-fetch-site", site)
                .header("origin", origin)
                .finish()
        };
        // A form posted from a console page under Referrer-Policy: no-referrer.
        assert!(same_origin(&with("same-origin", "null")));
        assert!(!same_origin(&with("cross-site", "null")));
        assert!(!same_origin(&with("same-site", "http://renke.local:8080")));
        assert!(!same_origin(&with("none", "http://renke.local:8080")));
    }
}
