//! One device, one response per link (county-level groups: per round and
//! group): beyond a confirmed shared phone, refused or flagged as the
//! round decides, and decided inside the writer's transaction.

use super::*;

/// A phone that opened the questionnaire page (and so holds its cookie).
async fn phone_on(app: &TestApp, token: &str) -> Client {
    let client = phone();
    let (status, _, _) = page(app, &client, &format!("/s/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    client
}

#[tokio::test]
async fn a_refusing_round_turns_a_second_response_from_a_device_away() {
    let app = spawn_app().await;
    let (_, _, links) = app
        .open_round_with(
            1,
            &["parent", "teacher"],
            json!({"duplicate_policy": "refuse"}),
        )
        .await;
    let token = token_of(&links, "parent");
    let q = app.questionnaire(&token).await;
    let client = phone_on(&app, &token).await;
    let first = answers_for(&q, |_, _| 1);
    json_of(
        submit_with(&app, &client, &token, &first).await,
        StatusCode::CREATED,
    )
    .await;
    // A retry of the same attempt still gets its receipt.
    json_of(
        submit_with(&app, &client, &token, &first).await,
        StatusCode::OK,
    )
    .await;
    let second = answers_for(&q, |_, _| 2);
    let e = json_of(
        submit_with(&app, &client, &token, &second).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(e["code"], "duplicate_device");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("已在本设备上提交过")
    );
    assert_eq!(count_responses(&app.db).await, 1);

    // The page now says so, and a plain form post is refused the same way.
    let resp = client
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(resp.text().await.unwrap().contains("您已经提交过了"));
    let resp = client
        .post(app.url(&format!("/s/{token}")))
        .form(&form_for(&q, &uuid::Uuid::new_v4().to_string(), 0))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert_eq!(count_responses(&app.db).await, 1);

    // Another group of the same round, and another phone, are separate.
    let teacher = token_of(&links, "teacher");
    let tq = app.questionnaire(&teacher).await;
    json_of(
        submit_with(&app, &client, &teacher, &answers_for(&tq, |_, _| 1)).await,
        StatusCode::CREATED,
    )
    .await;
    let other = phone_on(&app, &token).await;
    json_of(
        submit_with(&app, &other, &token, &second).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(validities(&app).await, ["valid", "valid", "valid"]);
}

#[tokio::test]
async fn a_flagging_round_stores_the_repeat_as_duplicate_device() {
    let (app, token, q) = parents_round(json!({"duplicate_policy": "flag"})).await;
    let client = phone_on(&app, &token).await;
    json_of(
        submit_with(&app, &client, &token, &answers_for(&q, |_, _| 1)).await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        submit_with(&app, &client, &token, &answers_for(&q, |_, _| 2)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(validities(&app).await, ["valid", "duplicate_device"]);

    // The page tells the device, and lets it answer again knowingly.
    let resp = client
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    assert!(html.contains("您已经提交过了") && html.contains("?again=1"));
    let html = client
        .get(app.url(&format!("/s/{token}?again=1")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("会被标记为重复") && html.contains("<form"));
}

#[tokio::test]
async fn concurrent_responses_from_one_device_cannot_both_pass() {
    let (app, token, q) = parents_round(json!({"duplicate_policy": "refuse"})).await;
    let client = phone_on(&app, &token).await;
    let bodies = (0..12).map(|_| answers_for(&q, |_, _| 1)).collect();
    let created = race(&app, &client, &token, bodies).await;
    assert_eq!(created, 1);
    assert_eq!(count_responses(&app.db).await, 1);
}

#[tokio::test]
async fn only_a_keyed_hash_of_the_device_is_stored() {
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    let (_, id, links) = app.open_round_with(1, &["parent"], json!({})).await;
    let token = token_of(&links, "parent");
    let client = phone();
    let (_, _, headers) = page(&app, &client, &format!("/s/{token}")).await;
    let cookie = headers["set-cookie"].to_str().unwrap().to_string();
    let device_id = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    let q = app.questionnaire(&token).await;
    json_of(
        submit_with(&app, &client, &token, &answers_for(&q, |_, _| 1)).await,
        StatusCode::CREATED,
    )
    .await;
    let marks = renke::entities::device_mark::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].round_id, id);
    assert_eq!(marks[0].device_hash.len(), 64);
    assert!(!marks[0].device_hash.contains(&device_id));
    let plain = renke::keyed::Keyed::new(b"")
        .unwrap()
        .hash("device", &[&id.to_string(), &device_id]);
    assert_ne!(
        marks[0].device_hash, plain,
        "keyed by the deployment secret"
    );
}
