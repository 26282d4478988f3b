use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn security_headers_are_set_everywhere() {
    let app = spawn_app().await;
    for path in ["/", "/api/health", "/api/nope", "/healthz"] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        assert!(
            !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{path}: {csp}"
        );
    }
}

#[tokio::test]
async fn repeated_wrong_passwords_are_throttled() {
    let app = spawn_app().await;
    for _ in 0..5 {
        json_of(
            app.login("admin", "wrong-password").await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    let resp = app.login("admin", &app.admin_password).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 900);
    assert_eq!(
        resp.json::<serde_json::Value>().await.unwrap()["code"],
        "rate_limited"
    );
    // Another account is not locked.
    let admin = {
        // The lock is per account: create a second admin directly.
        use renke::{auth::Role, store};
        store::accounts::create(&app.db, "second", "", Role::Admin, "second password")
            .await
            .unwrap();
        json_of(app.login("second", "second password").await, StatusCode::OK).await
    };
    let audit = json_of(
        app.get(admin["token"].as_str().unwrap(), "/api/audit")
            .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"login.failed") && actions.contains(&"login.throttled"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn cookie_writes_need_a_same_origin_request() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    client
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": "admin", "password": app.admin_password}))
        .send()
        .await
        .unwrap();
    let county = json!({"name": "奇台县", "admin_code": "652325", "resident_population": 250000});
    // Reading with the cookie is fine.
    assert_eq!(
        client
            .get(app.url("/api/auth/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // A write from another site (or with no origin at all) is refused.
    let r = client
        .put(app.url("/api/county"))
        .header("origin", "https://evil.example")
        .json(&county)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, StatusCode::FORBIDDEN).await["code"], "forbidden");
    let r = client
        .put(app.url("/api/county"))
        .json(&county)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // From our own origin it works.
    let r = client
        .put(app.url("/api/county"))
        .header("origin", app.address.clone())
        .json(&county)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_audit_log_records_organiser_actions_without_answers() {
    let app = spawn_app().await;
    let (token, round_id, links) = app.open_round(1).await;
    let link = links.iter().find(|l| l["group"] == "parent").unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let q = app.questionnaire(&link).await;
    let mut body = answers_for(&q, |_, _| 1);
    body["answers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"item": "t1", "text": "秘密意见"}));
    json_of(app.submit(&link, &body).await, StatusCode::CREATED).await;
    json_of(
        app.post(&token, &format!("/api/rounds/{round_id}/close"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    // Organisers cannot read it; admins can.
    json_of(app.get(&token, "/api/audit").await, StatusCode::FORBIDDEN).await;
    let admin = app.admin_token().await;
    let log = json_of(
        app.get(&admin, "/api/audit?limit=200").await,
        StatusCode::OK,
    )
    .await;
    let entries = log.as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "login",
        "account.create",
        "schools.import",
        "round.create",
        "round.open",
        "round.close",
    ] {
        assert!(actions.contains(&a), "missing {a}: {actions:?}");
    }
    let open = entries
        .iter()
        .find(|e| e["action"] == "round.open")
        .unwrap();
    assert_eq!(open["target"], format!("round:{round_id}"));
    assert!(open["username"].as_str().unwrap().starts_with("organiser-"));
    assert!(
        !log.to_string().contains("秘密意见"),
        "answers never reach the audit log"
    );
}

#[tokio::test]
async fn hostile_strings_are_stored_verbatim() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    let name = "<script>alert('x')</script>\"; DROP TABLE schools;-- =1+1";
    let s = json_of(
        app.post(
            &t,
            "/api/schools",
            json!({"code": "2165000001", "name": name, "kind": "primary", "location": "urban"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(s["name"], name);
    let list = json_of(app.get(&t, "/api/schools").await, StatusCode::OK).await;
    assert_eq!(list[0]["name"], name);
}

#[tokio::test]
async fn malformed_requests_get_clear_errors_and_change_nothing() {
    let app = spawn_app().await;
    let (_, _, links) = app.open_round(1).await;
    let token = links[0]["token"].as_str().unwrap().to_string();
    let url = app.url(&format!("/api/public/links/{token}/responses"));
    // Invalid UTF-8.
    let r = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(vec![b'{', 0xff, 0xfe, b'}'])
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(r, StatusCode::BAD_REQUEST).await["code"],
        "bad_request"
    );
    // Deeply nested JSON.
    let nested = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let r = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(nested)
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(r, StatusCode::BAD_REQUEST).await["code"],
        "bad_request"
    );
    // Wrong content type.
    let r = app
        .client
        .post(&url)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        status == StatusCode::BAD_REQUEST || status == StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{status}"
    );
    assert!(body["code"].is_string() && body["message"].is_string());
    // Oversized body without a Content-Length (chunked).
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..80).map(|_| Ok(vec![b' '; 1024])).collect();
    let r = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(r, StatusCode::PAYLOAD_TOO_LARGE).await["code"],
        "payload_too_large"
    );
    assert_eq!(count_responses(&app.db).await, 0);
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_every_response() {
    // SQLite only: PostgreSQL backups use pg_dump (see README).
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/live.db", dir.path().display());
    let app = spawn_app_with(|s| s.database_url = url.clone()).await;
    let (_, _, links) = app.open_round(2).await;
    let mut ids = Vec::new();
    for (i, l) in links.iter().enumerate() {
        let token = l["token"].as_str().unwrap();
        let q = app.questionnaire(token).await;
        let body = answers_for(&q, |n, _| 1 + ((n + i) as u64 % 4));
        json_of(app.submit(token, &body).await, StatusCode::CREATED).await;
        ids.push(body["client_id"].as_str().unwrap().to_string());
    }
    let file = dir.path().join("backup.db");
    renke::cli::backup(&renke::config::Settings::for_test(&url), &file)
        .await
        .unwrap();
    assert!(
        renke::cli::backup(&renke::config::Settings::for_test(&url), &file)
            .await
            .is_err(),
        "never overwrites"
    );
    let restored = sea_orm::Database::connect(format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    use sea_orm::EntityTrait;
    let rows = renke::entities::response::Entity::find()
        .all(&restored)
        .await
        .unwrap();
    let mut got: Vec<String> = rows.into_iter().map(|r| r.client_id).collect();
    got.sort();
    ids.sort();
    assert_eq!(got, ids);
}
