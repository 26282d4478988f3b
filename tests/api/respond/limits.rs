//! Rate limits per client address and per link: 429 with Retry-After, JSON
//! on the API and a Chinese page on `/s/`.

use super::*;

#[tokio::test]
async fn a_client_address_is_limited_on_pages_and_api() {
    let app = spawn_app_with(|s| s.rate_per_address = 3).await;
    let (_, _, links) = app.open_round_with(1, &["parent"], json!({})).await;
    let token = token_of(&links, "parent");
    for _ in 0..3 {
        let (status, _, _) = page(&app, &app.client, &format!("/s/{token}")).await;
        assert_eq!(status, StatusCode::OK);
    }
    let r = app
        .client
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert!(r.text().await.unwrap().contains("访问过于频繁"));

    let r = app
        .client
        .get(app.url(&format!("/api/public/links/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let e = json_of(r, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(e["code"], "rate_limited");
    // Organisers' API is not the respondents' and is not limited.
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_link_is_limited_whoever_submits() {
    let app = spawn_app_with(|s| s.rate_per_link = 2).await;
    let (_, _, links) = app
        .open_round_with(1, &["parent", "deputy"], json!({}))
        .await;
    let token = token_of(&links, "parent");
    let q = app.questionnaire(&token).await;
    for _ in 0..2 {
        json_of(
            app.submit(&token, &answers_for(&q, |_, _| 1)).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let r = app.submit(&token, &answers_for(&q, |_, _| 1)).await;
    assert!(r.headers().contains_key("retry-after"));
    let e = json_of(r, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(e["code"], "rate_limited");
    assert_eq!(count_responses(&app.db).await, 2);
    // Other links are not affected.
    let deputy = token_of(&links, "deputy");
    let dq = app.questionnaire(&deputy).await;
    json_of(
        app.submit(&deputy, &answers_for(&dq, |_, _| 1)).await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn behind_a_proxy_the_trusted_header_names_the_client() {
    let app = spawn_app_with(|s| {
        s.rate_per_address = 2;
        s.trusted_proxy_header = Some("X-Forwarded-For".into());
    })
    .await;
    let (_, _, links) = app.open_round_with(1, &["parent"], json!({})).await;
    let path = format!("/api/public/links/{}", token_of(&links, "parent"));
    let get = |xff: &'static str| {
        let req = app
            .client
            .get(app.url(&path))
            .header("X-Forwarded-For", xff);
        async move { req.send().await.unwrap().status() }
    };
    // The proxy appends the real address; what a client put first is ignored.
    assert_eq!(get("10.9.9.9, 198.51.100.1").await, StatusCode::OK);
    assert_eq!(get("10.9.9.8, 198.51.100.1").await, StatusCode::OK);
    assert_eq!(
        get("10.9.9.7, 198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(get("198.51.100.2").await, StatusCode::OK);
}
