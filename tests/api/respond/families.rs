//! Families: one phone, children in several schools, a household sharing a
//! phone — every legitimate answer counts, and an answer that will not count
//! is told so.

use super::*;
use sea_orm::{EntityTrait, PaginatorTrait};

/// A phone that opened the questionnaire page (and so holds its cookie).
async fn phone_on(app: &TestApp, token: &str) -> Client {
    let client = phone();
    let (status, _, _) = page(app, &client, &format!("/s/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    client
}

async fn shared_flags(app: &TestApp) -> Vec<bool> {
    use sea_orm::QueryOrder;
    renke::entities::response::Entity::find()
        .order_by_asc(renke::entities::response::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.shared_device)
        .collect()
}

/// Submits `body` from `client` and expects it stored (201): the receipt.
async fn answer(app: &TestApp, client: &Client, token: &str, body: &Value) -> Value {
    json_of(
        submit_with(app, client, token, body).await,
        StatusCode::CREATED,
    )
    .await
}

fn with_shared(mut body: Value) -> Value {
    body["shared_device"] = json!(true);
    body
}

#[tokio::test]
async fn a_parent_answers_for_each_childs_school_from_one_phone() {
    let app = spawn_app().await;
    let (_, _, links) = app
        .open_round_with(3, &["parent"], json!({"duplicate_policy": "flag"}))
        .await;
    let tokens: Vec<String> = links
        .iter()
        .filter(|l| l["group"] == "parent")
        .map(|l| l["token"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tokens.len(), 3);
    // One cookie jar, three schools' parent links.
    let client = phone();
    for token in &tokens {
        let (status, html, _) = page(&app, &client, &format!("/s/{token}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("您已经提交过了"));
        let q = app.questionnaire(token).await;
        let r = json_of(
            submit_with(&app, &client, token, &answers_for(&q, |_, _| 1)).await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(r["validity"], "valid");
        assert_eq!(r["counted"], true);
        assert!(r["message"].as_str().unwrap().starts_with("提交成功"));
    }
    assert_eq!(validities(&app).await, ["valid", "valid", "valid"]);
    // The same link twice is still a duplicate.
    let q = app.questionnaire(&tokens[1]).await;
    let r = json_of(
        submit_with(&app, &client, &tokens[1], &answers_for(&q, |_, _| 2)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(r["validity"], "duplicate_device");
    assert_eq!(
        validities(&app).await,
        ["valid", "valid", "valid", "duplicate_device"]
    );
}

#[tokio::test]
async fn a_county_level_group_keeps_one_answer_per_device() {
    let app = spawn_app().await;
    let (_, _, links) = app
        .open_round_with(
            2,
            &["parent", "deputy"],
            json!({"duplicate_policy": "flag"}),
        )
        .await;
    let token = token_of(&links, "deputy");
    let q = app.questionnaire(&token).await;
    let client = phone_on(&app, &token).await;
    for _ in 0..2 {
        answer(&app, &client, &token, &answers_for(&q, |_, _| 1)).await;
    }
    assert_eq!(validities(&app).await, ["valid", "duplicate_device"]);
    let marks = renke::entities::device_mark::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].link_id, 0, "county-level marks are per group");
}

#[tokio::test]
async fn a_mark_from_before_marks_were_per_link_still_decides() {
    use sea_orm::{ActiveModelTrait, Set};
    let (app, token, q) = parents_round(json!({"duplicate_policy": "flag"})).await;
    let client = phone_on(&app, &token).await;
    answer(&app, &client, &token, &answers_for(&q, |_, _| 1)).await;
    // Rewrite the device's mark as the migration leaves an old one: link 0.
    let mark = renke::entities::device_mark::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    renke::entities::device_mark::Entity::delete_many()
        .exec(&app.db)
        .await
        .unwrap();
    renke::entities::device_mark::ActiveModel {
        round_id: Set(mark.round_id),
        respondent_group: Set(mark.respondent_group.clone()),
        link_id: Set(0),
        device_hash: Set(mark.device_hash.clone()),
        answers: Set(1),
        county_id: Set(mark.county_id),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let r = answer(&app, &client, &token, &answers_for(&q, |_, _| 2)).await;
    assert_eq!(r["validity"], "duplicate_device");
}

#[tokio::test]
async fn an_answer_that_will_not_count_is_told_why() {
    let (app, token, q) = parents_round(json!({"duplicate_policy": "flag"})).await;
    let client = phone_on(&app, &token).await;
    answer(&app, &client, &token, &answers_for(&q, |_, _| 1)).await;
    // The API's receipt.
    let r = answer(&app, &client, &token, &answers_for(&q, |_, _| 2)).await;
    assert_eq!(r["validity"], "duplicate_device");
    assert_eq!(r["counted"], false);
    let message = r["message"].as_str().unwrap();
    assert!(
        message.starts_with("本次提交已保存，但不计入统计，原因：") && message.contains("重复"),
        "{message}"
    );
    // The page after a plain form post.
    let resp = client
        .post(app.url(&format!("/s/{token}")))
        .form(&form_for(&q, &uuid::Uuid::new_v4().to_string(), 0))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let html = resp.text().await.unwrap();
    assert!(html.contains("本次提交已保存，但不计入统计") && html.contains("原因："));
    assert!(!html.contains("提交成功"));
    // The questionnaire page carries the elements the script fills in.
    let (_, html, _) = page(&app, &phone(), &format!("/s/{token}")).await;
    assert!(html.contains("id=\"thanks-title\"") && html.contains("id=\"thanks-text\""));
}

#[tokio::test]
async fn a_too_fast_answer_is_told_why() {
    let (app, token, q) =
        parents_round(json!({"duplicate_policy": "flag", "min_answer_seconds": 60})).await;
    let mut body = answers_for(&q, |_, _| 1);
    body["duration_ms"] = json!(5000);
    let r = json_of(app.submit(&token, &body).await, StatusCode::CREATED).await;
    assert_eq!(r["validity"], "too_fast");
    assert_eq!(r["counted"], false);
    assert!(r["message"].as_str().unwrap().contains("答题时间过短"));
    // A replay gets the same honest receipt.
    let r = json_of(app.submit(&token, &body).await, StatusCode::OK).await;
    assert_eq!(r["validity"], "too_fast");
}

#[tokio::test]
async fn a_household_member_answers_on_a_shared_phone_after_confirming() {
    let (app, token, q) = parents_round(json!({"duplicate_policy": "flag"})).await;
    let client = phone_on(&app, &token).await;
    answer(&app, &client, &token, &answers_for(&q, |_, _| 1)).await;
    // The page offers it, asks for a confirmation, then marks the form.
    let (_, html, _) = page(&app, &client, &format!("/s/{token}")).await;
    assert!(html.contains("家里另一位家长（或另一个孩子的家长）也要填写"));
    assert!(html.contains(&format!("/s/{token}?shared=1")));
    let (status, html, _) = page(&app, &client, &format!("/s/{token}?shared=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("请确认") && html.contains("confirm=1") && !html.contains("<form"));
    let (_, html, _) = page(&app, &client, &format!("/s/{token}?shared=1&confirm=1")).await;
    assert!(html.contains("name=\"shared_device\" value=\"1\"") && html.contains("<form"));

    let r = json_of(
        submit_with(
            &app,
            &client,
            &token,
            &with_shared(answers_for(&q, |_, _| 2)),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (r["validity"].clone(), r["shared_device"].clone()),
        (json!("valid"), json!(true))
    );
    assert_eq!(validities(&app).await, ["valid", "valid"]);
    assert_eq!(shared_flags(&app).await, [false, true]);

    // The default limit (two answers per phone and link) is reached: the
    // third follows the round's policy, and the page no longer offers it.
    let r = json_of(
        submit_with(
            &app,
            &client,
            &token,
            &with_shared(answers_for(&q, |_, _| 3)),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (r["validity"].clone(), r["shared_device"].clone()),
        (json!("duplicate_device"), json!(false))
    );
    let (_, html, _) = page(&app, &client, &format!("/s/{token}")).await;
    assert!(!html.contains("shared-offer"));
    let (_, html, _) = page(&app, &client, &format!("/s/{token}?shared=1&confirm=1")).await;
    assert!(!html.contains("name=\"shared_device\""));
}

#[tokio::test]
async fn beyond_the_shared_limit_a_refusing_round_refuses() {
    let (app, token, q) = parents_round(json!({"duplicate_policy": "refuse"})).await;
    let client = phone_on(&app, &token).await;
    for (n, status) in [(1, StatusCode::CREATED), (2, StatusCode::CREATED)] {
        let body = if n == 1 {
            answers_for(&q, |_, _| 1)
        } else {
            with_shared(answers_for(&q, |_, _| 2))
        };
        json_of(submit_with(&app, &client, &token, &body).await, status).await;
    }
    let e = json_of(
        submit_with(
            &app,
            &client,
            &token,
            &with_shared(answers_for(&q, |_, _| 3)),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(e["code"], "duplicate_device");
    assert_eq!(validities(&app).await, ["valid", "valid"]);
    assert_eq!(shared_flags(&app).await, [false, true]);
}

#[tokio::test]
async fn a_round_without_shared_answers_offers_none() {
    let (app, token, q) =
        parents_round(json!({"duplicate_policy": "flag", "shared_device_limit": 0})).await;
    let client = phone_on(&app, &token).await;
    answer(&app, &client, &token, &answers_for(&q, |_, _| 1)).await;
    let (_, html, _) = page(&app, &client, &format!("/s/{token}")).await;
    assert!(!html.contains("shared-offer"));
    let r = json_of(
        submit_with(
            &app,
            &client,
            &token,
            &with_shared(answers_for(&q, |_, _| 2)),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(r["validity"], "duplicate_device");
    assert_eq!(shared_flags(&app).await, [false, false]);
}

#[tokio::test]
async fn the_shared_limit_is_a_draft_setting_within_bounds() {
    let app = spawn_app().await;
    let token = app.token_for("organiser").await;
    app.seed_schools(&token, 1).await;
    let round = app
        .create_round(&token, &["parent"], json!({"shared_device_limit": 3}))
        .await;
    assert_eq!(round["shared_device_limit"], 3);
    let round = app.create_round(&token, &["parent"], json!({})).await;
    assert_eq!(round["shared_device_limit"], 2, "default");
    let now = chrono::Utc::now();
    let e = json_of(
        app.post(
            &token,
            "/api/rounds",
            json!({
                "name": "x", "purpose": "self_assessment",
                "opens_at": now.to_rfc3339(),
                "closes_at": (now + chrono::Duration::days(1)).to_rfc3339(),
                "groups": ["parent"], "shared_device_limit": 11,
            }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "shared_device_limit");
}

#[tokio::test]
async fn closing_a_round_deletes_its_device_marks() {
    let app = spawn_app().await;
    let (org, id, links) = app
        .open_round_with(2, &["parent", "deputy"], json!({}))
        .await;
    let client = phone();
    for l in &links {
        let token = l["token"].as_str().unwrap();
        page(&app, &client, &format!("/s/{token}")).await;
        let q = app.questionnaire(token).await;
        json_of(
            submit_with(&app, &client, token, &answers_for(&q, |_, _| 1)).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let before = renke::entities::device_mark::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(before, links.len() as u64);
    json_of(
        app.post(&org, &format!("/api/rounds/{id}/close"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let after = renke::entities::device_mark::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(after, 0);
    // The responses stay.
    assert_eq!(count_responses(&app.db).await, links.len() as i64);
}

#[tokio::test]
async fn each_group_is_offered_its_own_household_member() {
    let app = spawn_app().await;
    let (_, _, links) = app
        .open_round_with(
            1,
            &["student", "teacher"],
            json!({"duplicate_policy": "flag"}),
        )
        .await;
    for (group, offer, not) in [
        ("student", "家里另一个孩子（兄弟姐妹）也要填写", "家长"),
        ("teacher", "家里另一位家庭成员也要填写", "家长"),
    ] {
        let token = token_of(&links, group);
        let q = app.questionnaire(&token).await;
        let client = phone_on(&app, &token).await;
        answer(&app, &client, &token, &answers_for(&q, |_, _| 1)).await;
        let (_, html, _) = page(&app, &client, &format!("/s/{token}")).await;
        assert!(html.contains(offer), "{group}");
        assert!(!html.contains(&format!("另一位{not}")), "{group}: {html}");
        let (_, html, _) = page(&app, &client, &format!("/s/{token}?shared=1")).await;
        assert!(
            html.contains(offer) && !html.contains(&format!("另一位{not}")),
            "{group}"
        );
        // The form's thank-you card (shown by the script) says the same.
        let (_, html, _) = page(&app, &client, &format!("/s/{token}?shared=1&confirm=1")).await;
        assert!(html.contains(offer), "{group}");
        assert!(!html.contains(&format!("另一位{not}")), "{group}");
    }
}

#[tokio::test]
async fn a_household_member_stays_one_through_the_access_code_form() {
    let app = spawn_app().await;
    let (t, id, links) = app
        .open_round_with(1, &["parent"], json!({"duplicate_policy": "flag"}))
        .await;
    let link = link_of(&links, "parent");
    let token = token_of(&links, "parent");
    let codes = generate(&app, &t, id, &link, 2).await;
    let q = app.questionnaire(&token).await;
    let client = phone_on(&app, &token).await;
    let mut body = answers_for(&q, |_, _| 1);
    body["access_code"] = json!(codes[0]);
    answer(&app, &client, &token, &body).await;

    // The other parent confirms, then is asked for a code: the form keeps
    // the confirmation, and the admitted code leads back to a marked form.
    let (_, html, _) = page(&app, &client, &format!("/s/{token}?shared=1&confirm=1")).await;
    assert!(html.contains("请输入访问码"), "{html}");
    assert!(html.contains("name=\"shared\" value=\"1\""));
    let resp = client
        .post(app.url(&format!("/s/{token}/code")))
        .form(&[("code", "ABCD-EFGH"), ("shared", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("name=\"shared\" value=\"1\"")
    );
    let resp = client
        .post(app.url(&format!("/s/{token}/code")))
        .form(&[("code", codes[1].as_str()), ("shared", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let next = resp.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(next, format!("/s/{token}?shared=1&confirm=1"));
    let (_, html, _) = page(&app, &client, &next).await;
    assert!(html.contains("name=\"shared_device\" value=\"1\"") && html.contains("<form"));

    let mut body = with_shared(answers_for(&q, |_, _| 2));
    body["access_code"] = json!(codes[1]);
    let r = answer(&app, &client, &token, &body).await;
    assert_eq!(
        (r["validity"].clone(), r["shared_device"].clone()),
        (json!("valid"), json!(true))
    );
    // A code typed without the confirmation leads to the plain questionnaire.
    let resp = phone()
        .post(app.url(&format!("/s/{token}/code")))
        .form(&[("code", codes[0].as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_raw_export_says_which_answers_shared_a_phone() {
    let app = spawn_app().await;
    let (t, id, links) = app
        .open_round_with(1, &["parent"], json!({"duplicate_policy": "flag"}))
        .await;
    let token = token_of(&links, "parent");
    let q = app.questionnaire(&token).await;
    let client = phone_on(&app, &token).await;
    for body in [
        answers_for(&q, |_, _| 1),
        with_shared(answers_for(&q, |_, _| 2)),
    ] {
        answer(&app, &client, &token, &body).await;
    }
    assert_eq!(shared_flags(&app).await, [false, true]);
    let csv = app
        .get(&t, &format!("/api/rounds/{id}/exports/responses.csv"))
        .await
        .text()
        .await
        .unwrap();
    let csv = csv.trim_start_matches('\u{feff}');
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "同一设备的家庭成员")
        .expect("shared-device column");
    assert_eq!(header[col - 1], "有效性代码");
    let cells: Vec<String> = lines
        .map(|l| l.split(',').nth(col).unwrap().to_string())
        .collect();
    assert_eq!(cells, ["否", "是"]);
}
