use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn first_start_creates_an_admin_who_can_log_in() {
    let app = spawn_app().await;
    assert!(app.admin_password.len() >= 12);
    let body = json_of(
        app.login("admin", &app.admin_password).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["account"]["role"], "admin");
    let token = body["token"].as_str().unwrap();
    let me = json_of(app.get(token, "/api/auth/me").await, StatusCode::OK).await;
    assert_eq!(me["username"], "admin");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_401() {
    let app = spawn_app().await;
    let a = json_of(
        app.login("admin", "wrong-password").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let b = json_of(
        app.login("nobody", "wrong-password").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(a, b);
    assert_eq!(a["code"], "invalid_credentials");
    assert_eq!(a["message"], "用户名或密码错误");
}

#[tokio::test]
async fn login_sets_an_http_only_cookie_that_authenticates() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let resp = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": "admin", "password": app.admin_password}))
        .send()
        .await
        .unwrap();
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("renke_session=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let me = client.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    json_of(
        app.post(&token, "/api/auth/logout", json!({})).await,
        StatusCode::OK,
    )
    .await;
    let body = json_of(
        app.get(&token, "/api/auth/me").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(body["code"], "unauthorized");
}

#[tokio::test]
async fn expired_sessions_are_refused() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let sql = match app.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            format!("UPDATE sessions SET expires_at = '{past}'::timestamptz")
        }
        _ => format!("UPDATE sessions SET expires_at = '{past}'"),
    };
    app.db.execute_unprepared(&sql).await.unwrap();
    json_of(
        app.get(&token, "/api/auth/me").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn roles_are_enforced() {
    let app = spawn_app().await;
    let reviewer = app.token_for("reviewer").await;
    let organiser = app.token_for("organiser").await;
    // Anonymous: 401.
    let r = app
        .client
        .get(app.url("/api/schools"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Reviewer reads, cannot write.
    json_of(app.get(&reviewer, "/api/schools").await, StatusCode::OK).await;
    let school = json!({"code": "2165000001", "name": "一小", "kind": "primary", "location": "urban", "primary_students": 100});
    let body = json_of(
        app.post(&reviewer, "/api/schools", school.clone()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(body["code"], "forbidden");
    // Organiser writes schools but cannot manage accounts.
    json_of(
        app.post(&organiser, "/api/schools", school).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.get(&organiser, "/api/accounts").await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn the_last_admin_cannot_be_disabled_and_disabling_revokes_sessions() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = json_of(
        app.patch(&admin, "/api/accounts/1", json!({"disabled": true}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(body["code"], "last_admin");
    let reviewer = app.token_for("reviewer").await;
    let me = json_of(app.get(&reviewer, "/api/auth/me").await, StatusCode::OK).await;
    let id = me["id"].as_i64().unwrap();
    json_of(
        app.patch(
            &admin,
            &format!("/api/accounts/{id}"),
            json!({"disabled": true}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.get(&reviewer, "/api/auth/me").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn duplicate_usernames_and_weak_passwords_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let b = json_of(
        app.post(
            &admin,
            "/api/accounts",
            json!({"username": "admin", "role": "reviewer"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(b["code"], "username_taken");
    let b = json_of(
        app.post(
            &admin,
            "/api/accounts",
            json!({"username": "zhang", "role": "reviewer", "password": "short"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(b["field"], "password");
}
