//! Organisers above a county create and manage the accounts beneath their
//! node: never an admin, never at their own node or a sibling's, and the
//! accounts elsewhere are as unknown as missing ones (404).

use crate::helpers::*;
use crate::regions::{token_at, tree};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn create(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post(token, "/api/accounts", body).await
}

#[tokio::test]
async fn a_prefecture_organiser_manages_the_accounts_beneath_it_only() {
    let app = spawn_app().await;
    let t = tree(&app).await;
    let pref = token_at(&app, "organiser", t.pref_a).await;

    // A county organiser for one of its counties: created, and it logs in
    // to that county.
    let made = json_of(
        create(
            &app,
            &pref,
            json!({"username": "jmse-org", "display_name": "吉木萨尔县教育局", "role": "organiser", "region_id": t.a2.0}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(made["account"]["region_id"], t.a2.0);
    assert_eq!(made["account"]["role"], "organiser");
    let password = made["password"].as_str().unwrap().to_string();
    let login = json_of(app.login("jmse-org", &password).await, StatusCode::OK).await;
    let county_token = login["token"].as_str().unwrap().to_string();
    let me = json_of(app.get(&county_token, "/api/auth/me").await, StatusCode::OK).await;
    assert_eq!(me["region_id"], t.a2.0);
    let account_id = made["account"]["id"].as_i64().unwrap();

    // Not at its own node, not beneath a sibling prefecture, not without a
    // node, and never an admin.
    for (body, status) in [
        (
            json!({"username": "x-own", "role": "reviewer", "region_id": t.pref_a}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "x-sib", "role": "reviewer", "region_id": t.b1.0}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "x-none", "role": "reviewer"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "x-up", "role": "reviewer", "region_id": t.province}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "x-admin", "role": "admin", "region_id": t.a2.0}),
            StatusCode::FORBIDDEN,
        ),
    ] {
        let resp = create(&app, &pref, body.clone()).await;
        let status_seen = resp.status();
        let err: Value = resp.json().await.unwrap();
        assert_eq!(status_seen, status, "{body} → {err}");
        assert!(err["message"].is_string(), "{err}");
    }

    // Its list: the accounts beneath it, not itself, not the sibling's, not admin.
    // An account beneath the sibling prefecture, which it must not see.
    token_at(&app, "reviewer", t.b1.0).await;
    let list = json_of(app.get(&pref, "/api/accounts").await, StatusCode::OK).await;
    let nodes: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["region_id"].as_i64().unwrap())
        .collect();
    assert!(nodes.contains(&t.a2.0), "{list}");
    assert!(
        nodes.iter().all(|n| *n == t.a2.0 || *n == t.first.0),
        "only its counties' accounts: {list}"
    );
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|a| a["role"] != "admin"),
        "{list}"
    );

    // Changes beneath: a role (not admin), a new password; the sibling's
    // accounts answer 404 as missing ones do.
    let updated = json_of(
        app.patch(
            &pref,
            &format!("/api/accounts/{account_id}"),
            json!({"role": "reviewer"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["role"], "reviewer");
    let resp = app
        .patch(
            &pref,
            &format!("/api/accounts/{account_id}"),
            json!({"role": "admin"}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let reset = json_of(
        app.post(
            &pref,
            &format!("/api/accounts/{account_id}/reset-password"),
            json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let new_password = reset["password"].as_str().unwrap();
    assert_eq!(
        app.login("jmse-org", new_password).await.status(),
        StatusCode::OK
    );
    let admin = app.admin_token().await;
    let all = json_of(app.get(&admin, "/api/accounts").await, StatusCode::OK).await;
    let elsewhere: Vec<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["region_id"] == t.b1.0 || a["role"] == "admin")
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert!(elsewhere.len() >= 2, "{all}");
    for id in elsewhere.iter().copied().chain([999_999]) {
        let resp = app
            .patch(
                &pref,
                &format!("/api/accounts/{id}"),
                json!({"disabled": true}),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "account {id}");
        let resp = app
            .post(
                &pref,
                &format!("/api/accounts/{id}/reset-password"),
                json!({}),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "account {id}");
    }

    // Each change is in the audit log under the prefecture organiser's name.
    let audit = json_of(app.get(&admin, "/api/audit").await, StatusCode::OK).await;
    let text = audit.to_string();
    assert!(
        text.contains("account.create") && text.contains("jmse-org"),
        "{text}"
    );
    assert!(text.contains("account.reset_password"), "{text}");

    // A county organiser and a prefecture reviewer manage no accounts.
    let county_org = token_at(&app, "organiser", t.first.0).await;
    let pref_reviewer = token_at(&app, "reviewer", t.pref_a).await;
    for token in [&county_org, &pref_reviewer] {
        assert_eq!(
            app.get(token, "/api/accounts").await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            create(
                &app,
                token,
                json!({"username": "x-c", "role": "reviewer", "region_id": t.a2.0})
            )
            .await
            .status(),
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn a_province_organiser_creates_a_prefecture_organiser_who_creates_below_it() {
    let app = spawn_app().await;
    let t = tree(&app).await;
    let province = token_at(&app, "organiser", t.province).await;
    let made = json_of(
        create(
            &app,
            &province,
            json!({"username": "ili-org", "role": "organiser", "region_id": t.pref_b, "password": "correct horse"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(made["account"]["region_id"], t.pref_b);
    let login = json_of(app.login("ili-org", "correct horse").await, StatusCode::OK).await;
    let ili = login["token"].as_str().unwrap().to_string();
    json_of(
        create(
            &app,
            &ili,
            json!({"username": "yining-clerk", "role": "clerk", "region_id": t.b1.0}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // The province sees both; the prefecture only its own county's.
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a["username"].as_str().unwrap().to_string())
            .collect()
    };
    let from_province =
        names(&json_of(app.get(&province, "/api/accounts").await, StatusCode::OK).await);
    assert!(from_province.contains(&"ili-org".to_string()));
    assert!(from_province.contains(&"yining-clerk".to_string()));
    let from_ili = names(&json_of(app.get(&ili, "/api/accounts").await, StatusCode::OK).await);
    assert_eq!(from_ili, vec!["yining-clerk".to_string()]);
}
