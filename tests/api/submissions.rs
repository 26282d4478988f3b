use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn parent_link(links: &[Value]) -> String {
    links.iter().find(|l| l["group"] == "parent").unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_public_questionnaire_shows_nothing_internal() {
    let app = spawn_app().await;
    let (_, _, links) = app.open_round(2).await;
    let q = app.questionnaire(&parent_link(&links)).await;
    assert_eq!(q["group"], "parent");
    assert_eq!(q["group_label"], "家长");
    assert!(q["school_name"].as_str().unwrap().contains("小学"));
    let text = q.to_string();
    assert!(
        !text.contains("recognised") && !text.contains("dont_know") && !text.contains("points"),
        "{text}"
    );
    assert_eq!(q["items"][1]["options"][0]["label"], "满意");
    let deputy = links.iter().find(|l| l["group"] == "deputy").unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(app.questionnaire(&deputy).await["school_name"].is_null());
}

/// The public questionnaire is serialised once per cached link: every
/// phone gets the same bytes, as JSON, and a change to the link's context
/// (access codes generated, the link disabled) shows at once.
#[tokio::test]
async fn the_public_questionnaire_follows_a_change_to_its_link() {
    let app = spawn_app().await;
    let (t, id, links) = app.open_round(1).await;
    let link = crate::respond::link_of(&links, "parent");
    let token = parent_link(&links);
    let fetch = || async {
        let r = app
            .client
            .get(app.url(&format!("/api/public/links/{token}")))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), StatusCode::OK);
        let kind = r.headers()["content-type"].to_str().unwrap().to_string();
        assert_eq!(kind, "application/json; charset=utf-8");
        r.text().await.unwrap()
    };
    let first = fetch().await;
    assert_eq!(first, fetch().await);
    let q: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(q["access_code_required"], false);
    assert_eq!(q["group"], "parent");

    crate::respond::generate(&app, &t, id, &link, 2).await;
    let q: Value = serde_json::from_str(&fetch().await).unwrap();
    assert_eq!(q["access_code_required"], true);

    json_of(
        app.patch(
            &t,
            &format!("/api/rounds/{id}/links/{}", link["id"]),
            json!({"enabled": false}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let r = app
        .client
        .get(app.url(&format!("/api/public/links/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

/// Two instances on one database, as behind a proxy. The second keeps a
/// link's context in memory past the 3 s it used to (a province's
/// thousands of links are each fetched only every few seconds), yet an
/// organiser's change on the first reaches it within a few seconds: the
/// change moves the links' shared generation, which every instance reads
/// each second.
#[tokio::test]
async fn another_instance_keeps_a_link_in_memory_and_still_sees_changes_at_once() {
    const METRICS: &str = "metrics-token-for-tests-0123";
    let first = spawn_app().await;
    let second = first
        .another_instance(|s| s.metrics_token = Some(METRICS.into()))
        .await;
    let (t, id, links) = first.open_round(1).await;
    let link = crate::respond::link_of(&links, "parent");
    let token = parent_link(&links);
    let fetch = |app: &TestApp| {
        let url = app.url(&format!("/api/public/links/{token}"));
        let client = app.client.clone();
        async move {
            let r = client.get(url).send().await.expect("request");
            let status = r.status();
            (status, r.json::<Value>().await.expect("json"))
        }
    };
    let lookups = || async {
        let text = second
            .client
            .get(second.url("/metrics"))
            .bearer_auth(METRICS)
            .send()
            .await
            .expect("scrape")
            .text()
            .await
            .expect("body");
        let value = |result: &str| -> u64 {
            let series = format!("renke_link_cache_lookups_total{{result=\"{result}\"}} ");
            text.lines()
                .find_map(|l| l.strip_prefix(series.as_str()))
                .map(|v| v.parse().expect("a number"))
                .unwrap_or(0)
        };
        (value("hit"), value("miss"))
    };
    // The second instance reads the generation once before it trusts
    // anything for long.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let (status, q) = fetch(&second).await;
    assert_eq!(status, StatusCode::OK, "{q}");
    assert_eq!(q["school_name"], "第1小学");
    let (hits, misses) = lookups().await;
    assert_eq!(misses, 1, "the first lookup reads the database");
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(fetch(&second).await.0, StatusCode::OK);
    assert_eq!(
        lookups().await,
        (hits + 1, misses),
        "4 s later the link is still answered from memory"
    );

    // Changes made on the first instance, each seen by the second within
    // a few seconds (a poll a second; far below the 10-minute lifetime).
    let within = |want: &'static str| {
        let fetch = &fetch;
        let second = &second;
        async move {
            let started = std::time::Instant::now();
            loop {
                let (status, body) = fetch(second).await;
                let seen = match want {
                    "disabled" => status == StatusCode::CONFLICT && body["code"] == "link_disabled",
                    "enabled" => status == StatusCode::OK,
                    name => status == StatusCode::OK && body["school_name"] == name,
                };
                if seen {
                    return started.elapsed();
                }
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(10),
                    "the second instance still answers {status} ({}, {}) for {want}",
                    body["code"],
                    body["school_name"]
                );
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    };
    let path = format!("/api/rounds/{id}/links/{}", link["id"]);
    json_of(
        first.patch(&t, &path, json!({"enabled": false})).await,
        StatusCode::OK,
    )
    .await;
    within("disabled").await;
    let e = json_of(
        second.submit(&token, &answers_for(&q, |_, _| 1)).await,
        StatusCode::CONFLICT,
    );
    assert_eq!(e.await["code"], "link_disabled");
    json_of(
        first.patch(&t, &path, json!({"enabled": true})).await,
        StatusCode::OK,
    )
    .await;
    within("enabled").await;

    let school_id = link["school_id"].as_i64().expect("school id");
    let mut school = json_of(
        first.get(&t, &format!("/api/schools/{school_id}")).await,
        StatusCode::OK,
    )
    .await;
    school["name"] = json!("改名后的第一小学");
    json_of(
        first
            .put(&t, &format!("/api/schools/{school_id}"), school)
            .await,
        StatusCode::OK,
    )
    .await;
    within("改名后的第一小学").await;
    json_of(
        second.submit(&token, &answers_for(&q, |_, _| 1)).await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn a_valid_submission_is_stored_once_and_replays_return_the_receipt() {
    let app = spawn_app().await;
    let (_, _, links) = app.open_round(1).await;
    let token = parent_link(&links);
    let q = app.questionnaire(&token).await;
    let body = answers_for(&q, |_, _| 1);
    let first = json_of(app.submit(&token, &body).await, StatusCode::CREATED).await;
    assert_eq!(first["client_id"], body["client_id"]);
    let again = json_of(app.submit(&token, &body).await, StatusCode::OK).await;
    assert_eq!(again["submitted_at"], first["submitted_at"]);
    assert_eq!(count_responses(&app.db).await, 1);

    // Same client id, different answers: 409 and nothing new.
    let mut other = answers_for(&q, |_, _| 2);
    other["client_id"] = body["client_id"].clone();
    let e = json_of(app.submit(&token, &other).await, StatusCode::CONFLICT).await;
    assert_eq!(e["code"], "client_id_reused");
    assert_eq!(count_responses(&app.db).await, 1);
}

/// The client id is read once, where the request comes in: a malformed one
/// is refused (400, nothing stored), and every spelling of one UUID is the
/// same id, stored and answered in its lower-case hyphenated form.
#[tokio::test]
async fn a_client_id_is_one_uuid_however_it_is_spelled() {
    let app = spawn_app().await;
    let (_, _, links) = app.open_round(1).await;
    let token = parent_link(&links);
    let q = app.questionnaire(&token).await;
    let mut bad = answers_for(&q, |_, _| 1);
    bad["client_id"] = json!("not-a-uuid");
    let e = json_of(app.submit(&token, &bad).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(e["code"], "bad_request");
    assert_eq!(count_responses(&app.db).await, 0);

    let id = uuid::Uuid::new_v4();
    let mut body = answers_for(&q, |_, _| 1);
    body["client_id"] = json!(id.simple().to_string().to_uppercase());
    let first = json_of(app.submit(&token, &body).await, StatusCode::CREATED).await;
    assert_eq!(first["client_id"], id.hyphenated().to_string());
    body["client_id"] = json!(id.hyphenated().to_string());
    let again = json_of(app.submit(&token, &body).await, StatusCode::OK).await;
    assert_eq!(again["submitted_at"], first["submitted_at"]);
    assert_eq!(count_responses(&app.db).await, 1);
}

#[tokio::test]
async fn invalid_answers_are_refused_naming_the_item() {
    let app = spawn_app().await;
    let (_, _, links) = app.open_round(1).await;
    let token = parent_link(&links);
    let q = app.questionnaire(&token).await;
    let good = answers_for(&q, |_, _| 1);

    let mut missing = good.clone();
    let removed = missing["answers"].as_array_mut().unwrap().remove(3);
    let e = json_of(
        app.submit(&token, &missing).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], removed["item"]);
    assert!(e["message"].as_str().unwrap().contains("还没有选择"));

    let mut unknown = good.clone();
    unknown["answers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"item": "q999", "option": 1}));
    let e = json_of(
        app.submit(&token, &unknown).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "q999");

    let mut bad_option = good.clone();
    bad_option["answers"][2]["option"] = json!(9);
    let e = json_of(
        app.submit(&token, &bad_option).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], good["answers"][2]["item"]);

    let mut long_text = good.clone();
    long_text["answers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"item": "t1", "text": "长".repeat(2001)}));
    let e = json_of(
        app.submit(&token, &long_text).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "t1");

    let resp = app
        .client
        .post(app.url(&format!("/api/public/links/{token}/responses")))
        .header("content-type", "application/json")
        .body("{\"client_id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(resp, StatusCode::BAD_REQUEST).await["code"],
        "bad_request"
    );

    let huge = json!({"client_id": uuid::Uuid::new_v4().to_string(), "answers": [], "pad": "x".repeat(70 * 1024)});
    let e = json_of(
        app.submit(&token, &huge).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(e["code"], "payload_too_large");
    assert_eq!(count_responses(&app.db).await, 0);
}

#[tokio::test]
async fn free_text_is_stored_and_too_fast_responses_are_flagged() {
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 1).await;
    let id = app
        .create_round(&t, &["parent"], json!({"min_answer_seconds": 40}))
        .await["id"]
        .as_i64()
        .unwrap();
    json_of(
        app.post(&t, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let links = json_of(
        app.get(&t, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await;
    let token = parent_link(links["links"].as_array().unwrap());
    let q = app.questionnaire(&token).await;
    let mut slow = answers_for(&q, |_, _| 1);
    slow["answers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"item": "t1", "text": "<script>alert(1)</script>'; DROP TABLE responses;--"}));
    json_of(app.submit(&token, &slow).await, StatusCode::CREATED).await;
    let mut fast = answers_for(&q, |_, _| 3);
    fast["duration_ms"] = json!(5_000);
    json_of(app.submit(&token, &fast).await, StatusCode::CREATED).await;
    let rows = renke::entities::response::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let slow_row = rows
        .iter()
        .find(|r| r.client_id == slow["client_id"].as_str().unwrap())
        .unwrap();
    assert_eq!(slow_row.validity, "valid");
    assert!(slow_row.texts.as_deref().unwrap().contains("DROP TABLE"));
    let fast_row = rows
        .iter()
        .find(|r| r.client_id == fast["client_id"].as_str().unwrap())
        .unwrap();
    assert_eq!(fast_row.validity, "too_fast");
    // Choice answers are stored compactly, one character per item.
    let items = q["items"].as_array().unwrap().len();
    assert_eq!(slow_row.answers.len(), items);
    assert!(slow_row.answers.ends_with('t'));
    assert_eq!(slow_row.judged, slow_row.recognised);
}

#[tokio::test]
async fn window_and_link_rules_refuse_and_store_nothing() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 1).await;

    // Draft round.
    let id = app.create_round(&t, &["parent"], json!({})).await["id"]
        .as_i64()
        .unwrap();
    let links = json_of(
        app.get(&t, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await;
    let link = links["links"][0].clone();
    let token = link["token"].as_str().unwrap().to_string();
    let body =
        json!({"client_id": uuid::Uuid::new_v4().to_string(), "answers": [], "duration_ms": 60000});
    let e = json_of(app.submit(&token, &body).await, StatusCode::CONFLICT).await;
    assert_eq!(e["code"], "round_not_open");

    // Open, but the window starts tomorrow.
    let now = chrono::Utc::now();
    let later = app
        .create_round(
            &t,
            &["parent"],
            json!({
                "opens_at": (now + chrono::Duration::days(1)).to_rfc3339(),
                "closes_at": (now + chrono::Duration::days(5)).to_rfc3339(),
            }),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    json_of(
        app.post(&t, &format!("/api/rounds/{later}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let l2 = json_of(
        app.get(&t, &format!("/api/rounds/{later}/links")).await,
        StatusCode::OK,
    )
    .await;
    let t2 = l2["links"][0]["token"].as_str().unwrap().to_string();
    let e = json_of(app.submit(&t2, &body).await, StatusCode::CONFLICT).await;
    assert_eq!(e["code"], "round_not_open");
    assert!(e["message"].as_str().unwrap().contains("北京时间"), "{e}");

    // Open now, then the link is disabled, then the round closes.
    json_of(
        app.post(&t, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let q = app.questionnaire(&token).await;
    let good = answers_for(&q, |_, _| 1);
    let link_id = link["id"].as_i64().unwrap();
    json_of(
        app.patch(
            &t,
            &format!("/api/rounds/{id}/links/{link_id}"),
            json!({"enabled": false}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let e = json_of(app.submit(&token, &good).await, StatusCode::CONFLICT).await;
    assert_eq!(e["code"], "link_disabled");
    json_of(
        app.patch(
            &t,
            &format!("/api/rounds/{id}/links/{link_id}"),
            json!({"enabled": true}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.post(&t, &format!("/api/rounds/{id}/close"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let e = json_of(app.submit(&token, &good).await, StatusCode::CONFLICT).await;
    assert_eq!(e["code"], "round_closed");
    assert!(e["message"].as_str().unwrap().contains("已经结束"));

    let e = json_of(
        app.submit("no-such-token", &good).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(e["code"], "not_found");
    assert_eq!(count_responses(&app.db).await, 0);
}

#[tokio::test]
async fn concurrent_submissions_with_one_uuid_store_one_response() {
    let app = spawn_app().await;
    let (_, _, links) = app.open_round(1).await;
    let token = parent_link(&links);
    let q = app.questionnaire(&token).await;
    let body = answers_for(&q, |n, _| 1 + (n as u64 % 4));
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let client = app.client.clone();
        let url = app.url(&format!("/api/public/links/{token}/responses"));
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            client.post(url).json(&body).send().await.unwrap().status()
        }));
    }
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(count_responses(&app.db).await, 1);
}

#[tokio::test]
async fn many_different_concurrent_submissions_are_all_stored() {
    let app = spawn_app().await;
    let (_, _, links) = app.open_round(3).await;
    let tokens: Vec<String> = links
        .iter()
        .map(|l| l["token"].as_str().unwrap().to_string())
        .collect();
    let mut tasks = Vec::new();
    for i in 0..120 {
        let token = tokens[i % tokens.len()].clone();
        let q = app.questionnaire(&token).await;
        let body = answers_for(&q, move |n, _| 1 + ((n + i) as u64 % 5));
        let client = app.client.clone();
        let url = app.url(&format!("/api/public/links/{token}/responses"));
        tasks.push(tokio::spawn(async move {
            client.post(url).json(&body).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    assert_eq!(count_responses(&app.db).await, 120);
}
