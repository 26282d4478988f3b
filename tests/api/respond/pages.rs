//! The questionnaire page `/s/<token>`: rendering, the plain form post, and
//! every page that says why a questionnaire cannot be answered.

use super::*;

#[tokio::test]
async fn the_page_shows_everything_escaped_and_sets_a_device_cookie() {
    let app = spawn_app().await;
    let (_, id, links) = app
        .open_round_with(
            1,
            &["parent"],
            json!({"name": "<script>alert(1)</script>自评"}),
        )
        .await;
    let token = token_of(&links, "parent");
    let (status, html, headers) = page(&app, &phone(), &format!("/s/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(headers["cache-control"], "no-store");
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with(&format!("renke_device_{id}=")),
        "{cookie}"
    );
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;自评"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("第1小学") && html.contains("家长"));
    assert!(html.contains("不记录姓名、电话"), "the anonymity statement");
    assert!(html.contains("（北京时间）"));
    let q = app.questionnaire(&token).await;
    for item in q["items"].as_array().unwrap() {
        assert!(html.contains(item["text"].as_str().unwrap()));
    }
    assert!(html.contains(&format!(
        "<form id=\"f\" method=\"post\" action=\"/s/{token}\""
    )));
    // One request, nothing from other hosts.
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    assert!(
        html.len() < 60_000,
        "{} bytes before compression",
        html.len()
    );
}

#[tokio::test]
async fn the_plain_form_post_stores_once_and_thanks() {
    let (app, token, q) = parents_round(json!({"min_answer_seconds": 40})).await;
    let client = phone();
    page(&app, &client, &format!("/s/{token}")).await;
    let client_id = uuid::Uuid::new_v4().to_string();
    let started = chrono::Utc::now().timestamp_millis() - 90_000;
    let fields = form_for(&q, &client_id, started);
    let post = |fields: Vec<(String, String)>| {
        let client = client.clone();
        let url = app.url(&format!("/s/{token}"));
        async move { client.post(url).form(&fields).send().await.unwrap() }
    };
    let resp = post(fields.clone()).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(resp.text().await.unwrap().contains("提交成功"));
    // The same form again (a double tap): the receipt, nothing new.
    let resp = post(fields.clone()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(count_responses(&app.db).await, 1);
    assert_eq!(validities(&app).await, ["valid"]);

    // A form missing an answer comes back with the answers kept and the item named.
    let mut missing = form_for(&q, &uuid::Uuid::new_v4().to_string(), started);
    let removed = missing.remove(4);
    let resp = post(missing).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains(&format!("id=\"item-{}\"", removed.0)));
    assert!(html.contains("还没有选择"));
    assert!(html.contains("value=\"1\" checked"));
    assert_eq!(count_responses(&app.db).await, 1);
}

#[tokio::test]
async fn answer_time_is_measured_for_forms_and_scripts_alike() {
    let (app, token, q) = parents_round(json!({"min_answer_seconds": 40})).await;
    // A form posted 5 s after the page was rendered is too fast.
    let now = chrono::Utc::now().timestamp_millis();
    let resp = app
        .client
        .post(app.url(&format!("/s/{token}")))
        .form(&form_for(
            &q,
            &uuid::Uuid::new_v4().to_string(),
            now - 5_000,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    // The script sends what it measured.
    let mut slow = answers_for(&q, |_, _| 1);
    slow["duration_ms"] = json!(45_000);
    json_of(app.submit(&token, &slow).await, StatusCode::CREATED).await;
    assert_eq!(validities(&app).await, ["too_fast", "valid"]);
}

#[tokio::test]
async fn every_refusal_has_a_clear_page() {
    let app = spawn_app().await;
    let (t, id, links) = app
        .open_round_with(1, &["parent", "deputy"], json!({}))
        .await;
    let client = phone();

    let (status, html, _) = page(&app, &client, "/s/no-such-token").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("找不到这份问卷"), "{html}");

    let deputy = link_of(&links, "deputy");
    json_of(
        app.patch(
            &t,
            &format!("/api/rounds/{id}/links/{}", deputy["id"]),
            json!({"enabled": false}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let (status, html, _) = page(
        &app,
        &client,
        &format!("/s/{}", deputy["token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("问卷链接已停用"));

    let parent = token_of(&links, "parent");
    json_of(
        app.post(&t, &format!("/api/rounds/{id}/close"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let (status, html, _) = page(&app, &client, &format!("/s/{parent}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("调查已经结束"));
    // Posting to a closed round stores nothing.
    let resp = client
        .post(app.url(&format!("/s/{parent}")))
        .form(&[("client_id", uuid::Uuid::new_v4().to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert_eq!(count_responses(&app.db).await, 0);
}

#[tokio::test]
async fn a_round_not_yet_open_says_when_it_opens() {
    use chrono::{Duration, Utc};
    let app = spawn_app().await;
    let opens = Utc::now() + Duration::days(2);
    let (_, _, links) = app.open_round_with(1,
        &["parent"],
        json!({"opens_at": opens.to_rfc3339(), "closes_at": (opens + Duration::days(5)).to_rfc3339()}),
    )
    .await;
    let (status, html, _) = page(
        &app,
        &phone(),
        &format!("/s/{}", token_of(&links, "parent")),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("调查尚未开始"));
    let when = renke::survey::beijing(opens);
    assert!(html.contains(&when), "{when}: {html}");
}
