//! The embedded web console: served at `/` with the right types and
//! caching, and built against the API it is served with.

use crate::helpers::*;
use reqwest::{StatusCode, header};
use serde_json::Value;

#[test]
fn the_consoles_openapi_json_is_the_live_spec() {
    let committed = include_str!("../../frontend/openapi.json");
    let committed: Value = serde_json::from_str(committed).expect("frontend/openapi.json is JSON");
    let live: Value = serde_json::from_str(&renke::api::spec_json()).expect("the spec is JSON");
    assert!(
        committed == live,
        "frontend/openapi.json differs from the API: the console's typed client would drift.\n\
         Regenerate it and commit the result:\n\n    \
         cargo run -- openapi > frontend/openapi.json\n"
    );
}

#[tokio::test]
async fn the_served_spec_is_the_one_the_cli_prints() {
    let app = spawn_app().await;
    let served = json_of(
        app.client
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let printed: Value = serde_json::from_str(&renke::api::spec_json()).unwrap();
    assert_eq!(served, printed);
}

fn header_of(resp: &reqwest::Response, name: header::HeaderName) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_console_is_served_with_types_and_caching() {
    let app = spawn_app().await;
    let index = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(index.status(), StatusCode::OK);
    assert!(header_of(&index, header::CONTENT_TYPE).starts_with("text/html"));
    assert_eq!(header_of(&index, header::CACHE_CONTROL), "no-cache");
    let etag = header_of(&index, header::ETAG);
    let html = index.text().await.unwrap();
    assert!(html.contains("<div id=\"app\">"), "{html}");

    // A console route reloaded in the browser gets the app too.
    let deep = app
        .client
        .get(app.url("/rounds/3/distribution"))
        .send()
        .await
        .unwrap();
    assert_eq!(deep.status(), StatusCode::OK);
    assert_eq!(deep.text().await.unwrap(), html);

    // The browser revalidates index.html cheaply.
    let again = app
        .client
        .get(app.url("/"))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // Hashed assets are cached for a year.
    let script = html
        .split("src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("index.html loads a script");
    assert!(script.starts_with("/assets/"), "{script}");
    let js = app.client.get(app.url(script)).send().await.unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert!(header_of(&js, header::CONTENT_TYPE).contains("javascript"));
    assert!(header_of(&js, header::CACHE_CONTROL).contains("immutable"));

    // A missing file is a 404, never the app; the API keeps its JSON errors.
    let missing = app
        .client
        .get(app.url("/assets/gone-123.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let api = json_of(
        app.client.get(app.url("/api/nope")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(api["code"], "not_found");
}
