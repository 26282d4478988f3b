use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn links_are_one_per_school_and_school_group_plus_one_per_county_group() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 5).await;
    let round = app
        .create_round(
            &t,
            &["parent", "student", "teacher", "deputy", "cppcc_member"],
            json!({}),
        )
        .await;
    let id = round["id"].as_i64().unwrap();
    assert_eq!(round["status"], "draft");
    assert_eq!(round["school_ids"].as_array().unwrap().len(), 5);
    let links = json_of(
        app.get(&t, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await;
    let links = links["links"].as_array().unwrap();
    assert_eq!(links.len(), 3 * 5 + 2);
    let tokens: std::collections::HashSet<_> =
        links.iter().map(|l| l["token"].as_str().unwrap()).collect();
    assert_eq!(tokens.len(), links.len(), "tokens are unique");
    assert!(tokens.iter().all(|t| t.len() >= 22), "≥128-bit tokens");
    assert!(
        links
            .iter()
            .filter(|l| l["group"] == "deputy")
            .all(|l| l["school_id"].is_null())
    );

    // Narrowing the round while draft re-syncs the links.
    let ids: Vec<i64> = round["school_ids"].as_array().unwrap()[..2]
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let mut body = round.clone();
    body["groups"] = json!(["parent", "citizen"]);
    body["school_ids"] = json!(ids);
    let updated = json_of(
        app.put(&t, &format!("/api/rounds/{id}"), body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["groups"], json!(["parent", "citizen"]));
    let links = json_of(
        app.get(&t, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(links["links"].as_array().unwrap().len(), 2 + 1);
}

#[tokio::test]
async fn links_warn_when_the_public_url_is_not_reachable_from_phones() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 1).await;
    let id = app.create_round(&t, &["parent"], json!({})).await["id"]
        .as_i64()
        .unwrap();
    let links = json_of(
        app.get(&t, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(links["reachable_from_phones"], false);
    assert!(
        links["warning"]
            .as_str()
            .unwrap()
            .contains("RENKE_PUBLIC_URL")
    );

    let app = spawn_app_with(|s| s.public_url = Some("https://renke.example.gov.cn/".into())).await;
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 1).await;
    let id = app.create_round(&t, &["parent"], json!({})).await["id"]
        .as_i64()
        .unwrap();
    let links = json_of(
        app.get(&t, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(links["reachable_from_phones"], true);
    let url = links["links"][0]["url"].as_str().unwrap();
    assert!(url.starts_with("https://renke.example.gov.cn/s/"), "{url}");
}

#[tokio::test]
async fn questionnaires_are_copied_editable_while_draft_and_frozen_once_open() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 2).await;
    let id = app.create_round(&t, &["parent"], json!({})).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/rounds/{id}/questionnaires/parent");
    let mut q = json_of(app.get(&t, &path).await, StatusCode::OK).await;
    let scored = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "scored")
        .count();
    assert!((10..=20).contains(&scored));
    q["items"][1]["text"] = json!("您对学校食堂是否满意？");
    let saved = json_of(app.put(&t, &path, q.clone()).await, StatusCode::OK).await;
    assert_eq!(saved["items"][1]["text"], "您对学校食堂是否满意？");

    // A broken questionnaire is refused with every problem listed.
    let mut broken = q.clone();
    broken["items"][1]["options"] = json!([{"code": 1, "label": "是"}]);
    broken["items"][2]["id"] = broken["items"][3]["id"].clone();
    let err = json_of(
        app.put(&t, &path, broken).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(err["details"].as_array().unwrap().len() >= 2, "{err}");

    json_of(
        app.post(&t, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let err = json_of(app.put(&t, &path, q.clone()).await, StatusCode::CONFLICT).await;
    assert_eq!(err["code"], "round_frozen");
    let round = json_of(
        app.get(&t, &format!("/api/rounds/{id}")).await,
        StatusCode::OK,
    )
    .await;
    let err = json_of(
        app.put(&t, &format!("/api/rounds/{id}"), round).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(err["code"], "round_frozen");
    json_of(
        app.delete(&t, &format!("/api/rounds/{id}")).await,
        StatusCode::CONFLICT,
    )
    .await;
    let kept = json_of(app.get(&t, &path).await, StatusCode::OK).await;
    assert_eq!(kept["items"][1]["text"], "您对学校食堂是否满意？");
}

#[tokio::test]
async fn lifecycle_is_draft_open_closed_and_only_forward() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 1).await;
    let id = app.create_round(&t, &["parent"], json!({})).await["id"]
        .as_i64()
        .unwrap();
    let e = json_of(
        app.post(&t, &format!("/api/rounds/{id}/close"), json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(e["code"], "round_not_open");
    let r = json_of(
        app.post(&t, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["status"], "open");
    assert!(r["opened_at"].is_string());
    json_of(
        app.post(&t, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let r = json_of(
        app.post(&t, &format!("/api/rounds/{id}/close"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["status"], "closed");
    let e = json_of(
        app.post(&t, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(e["code"], "round_closed");
    let list = json_of(app.get(&t, "/api/rounds").await, StatusCode::OK).await;
    assert_eq!(list[0]["status"], "closed");
}

#[tokio::test]
async fn round_input_is_validated() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 1).await;
    let now = chrono::Utc::now();
    let base = json!({
        "name": "测评", "purpose": "prefecture_review",
        "opens_at": now.to_rfc3339(), "closes_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
        "groups": ["parent"],
    });
    let e = json_of(
        app.post(&t, "/api/rounds", base.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "closes_at");
    let mut b = base.clone();
    b["closes_at"] = json!((now + chrono::Duration::days(3)).to_rfc3339());
    b["groups"] = json!([]);
    let e = json_of(
        app.post(&t, "/api/rounds", b.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "groups");
    b["groups"] = json!(["parent"]);
    b["scoring_rule"] = json!({"formula": "share_recognised", "group_weights": [{"group": "deputy", "weight": 1.0}]});
    let e = json_of(
        app.post(&t, "/api/rounds", b.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "scoring_rule");
    b["school_ids"] = json!([999]);
    b["scoring_rule"] = json!({"formula": "mean_score_x20"});
    let e = json_of(
        app.post(&t, "/api/rounds", b.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "school_ids");
    b.as_object_mut().unwrap().remove("school_ids");
    let r = json_of(app.post(&t, "/api/rounds", b).await, StatusCode::OK).await;
    assert_eq!(r["scoring_rule"]["formula"], "mean_score_x20");
    // A new round's default scale has points 4/3/2/1: the mean ÷ 4, i.e. × 25.
    assert_eq!(r["scoring_rule"]["scale"], "five_general");
    assert_eq!(r["scoring_rule"]["full_points"], 4);
    assert!(
        r["scoring_rule"]["description"]
            .as_str()
            .unwrap()
            .contains("× 25")
    );
    assert_eq!(r["scoring_rule"]["threshold"], 0.85);
    // Malformed JSON is a 400 with the error body.
    let resp = app
        .client
        .post(app.url("/api/rounds"))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let e = json_of(resp, StatusCode::BAD_REQUEST).await;
    assert_eq!(e["code"], "bad_request");
}

#[tokio::test]
async fn a_round_whose_window_passed_cannot_open() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 1).await;
    let now = chrono::Utc::now();
    let id = app
        .create_round(
            &t,
            &["parent"],
            json!({
                "opens_at": (now - chrono::Duration::days(3)).to_rfc3339(),
                "closes_at": (now - chrono::Duration::days(1)).to_rfc3339(),
            }),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let e = json_of(
        app.post(&t, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(e["code"], "round_window_passed");
}

#[tokio::test]
async fn reviewers_read_rounds_but_cannot_change_them() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    let reviewer = app.token_for("reviewer").await;
    app.seed_schools(&t, 1).await;
    let round = app.create_round(&t, &["parent"], json!({})).await;
    let id = round["id"].as_i64().unwrap();
    json_of(
        app.get(&reviewer, &format!("/api/rounds/{id}")).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.get(&reviewer, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.post(&reviewer, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    json_of(
        app.put(&reviewer, &format!("/api/rounds/{id}"), round.clone())
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    json_of(
        app.post(&reviewer, "/api/rounds", round).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn links_carry_the_real_port_when_no_public_url_is_set() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    app.seed_schools(&token, 1).await;
    let round = app.create_round(&token, &["parent"], json!({})).await;
    let links = json_of(
        app.get(&token, &format!("/api/rounds/{}/links", round["id"]))
            .await,
        StatusCode::OK,
    )
    .await;
    let url = links["links"][0]["url"].as_str().unwrap();
    // Bound to port 0, the server must name the port it actually got.
    assert!(
        url.starts_with(&format!("http://127.0.0.1:{}/s/", app.port)),
        "{url}"
    );
}
