//! The integrity panel by source: identical phone answers, identical keyed
//! paper sheets and identical interviews are separate signals, never mixed;
//! the per-clerk view gives counts, never answers.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn by_mode<'a>(panel: &'a Value, mode: &str) -> &'a Value {
    panel["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["mode"] == mode)
        .unwrap_or_else(|| panic!("no source {mode} in {}", panel["sources"]))
}

fn counts(v: &Value) -> (u64, u64, u64) {
    (
        v["responses"].as_u64().unwrap(),
        v["identical"].as_u64().unwrap(),
        v["largest"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn identical_phone_answers_keyed_sheets_and_interviews_are_separate_signals() {
    let app = spawn_app().await;
    let (organiser, round, links) = app.open_round(1).await;
    let parent = links.iter().find(|l| l["group"] == "parent").unwrap();
    let parent_link = parent["id"].as_i64().unwrap();
    let parent_token = parent["token"].as_str().unwrap().to_string();

    // Phone: three identical answer vectors (满意 everywhere), one different.
    let q = app.questionnaire(&parent_token).await;
    for _ in 0..3 {
        let body = answers_for(&q, |_, _| 1);
        json_of(app.submit(&parent_token, &body).await, StatusCode::CREATED).await;
    }
    let other = answers_for(&q, |n, _| if n % 2 == 0 { 2 } else { 1 });
    json_of(app.submit(&parent_token, &other).await, StatusCode::CREATED).await;

    // Paper: one clerk keys the same marks (also 满意 everywhere, the same
    // vector as the phone answers) on two sheets, and one other sheet.
    let clerk = app.token_for("clerk").await;
    let me = json_of(app.get(&clerk, "/api/auth/me").await, StatusCode::OK).await;
    let clerk_name = me["username"].as_str().unwrap().to_string();
    json_of(
        app.put(
            &organiser,
            &format!("/api/rounds/{round}/paper"),
            json!({"double_entry": false, "clerk_ids": [me["id"]]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let entry = json_of(
        app.get(&organiser, &format!("/api/rounds/{round}/paper"))
            .await,
        StatusCode::OK,
    )
    .await;
    let items = entry["questionnaires"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["group"] == "parent")
        .unwrap()["items"]
        .as_array()
        .unwrap()
        .clone();
    let marks = |mark: char| -> String {
        items
            .iter()
            .map(|i| if i["kind"] == "text" { '0' } else { mark })
            .collect()
    };
    for (serial, m) in [("P-1", '1'), ("P-2", '1'), ("P-3", '2')] {
        json_of(
            app.post(
                &clerk,
                &format!("/api/rounds/{round}/paper/sheets"),
                json!({"client_id": uuid::Uuid::new_v4().to_string(), "link_id": parent_link,
                       "serial": serial, "marks": marks(m)}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }

    // Interviews: two identical records (the same vector again).
    let created = json_of(
        app.post(
            &organiser,
            &format!("/api/rounds/{round}/interviewers"),
            json!({"username": "fangtan9", "display_name": "访谈员", "link_ids": [parent_link]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let login = json_of(
        app.login("fangtan9", created["password"].as_str().unwrap())
            .await,
        StatusCode::OK,
    )
    .await;
    let interviewer = login["token"].as_str().unwrap();
    let answers: Vec<Value> = items
        .iter()
        .filter(|i| i["kind"] != "text")
        .map(|i| json!({"item": i["id"], "option": 1}))
        .collect();
    let interviews: Vec<Value> = (0..2)
        .map(|_| {
            json!({"client_id": uuid::Uuid::new_v4().to_string(), "link_id": parent_link,
                   "answers": answers, "duration_ms": 300_000,
                   "recorded_at": chrono::Utc::now().to_rfc3339()})
        })
        .collect();
    let up = json_of(
        app.post(
            interviewer,
            &format!("/api/rounds/{round}/interviews"),
            json!({ "interviews": interviews }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(up["stored"], 2, "{up}");

    // A burst of two within ten minutes, so the burst count shows what it
    // was computed from.
    let panel = json_of(
        app.get(
            &organiser,
            &format!("/api/rounds/{round}/integrity?burst_min_count=2"),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    // The phone flags hold phone answers only: 4 responses, 3 identical,
    // and the burst is the 3 phone answers, not 3 + 2 sheets + 2 interviews.
    let phone = panel["identical"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["group"] == "parent")
        .unwrap();
    assert_eq!(counts(phone), (4, 3, 3), "{panel}");
    let bursts = panel["bursts"].as_array().unwrap();
    assert_eq!(bursts.len(), 1, "{panel}");
    assert_eq!(bursts[0]["count"], 3);

    // Each source on its own, every source listed.
    assert_eq!(panel["sources"].as_array().unwrap().len(), 3);
    let web = by_mode(&panel, "web");
    assert_eq!(counts(web), (4, 3, 3));
    assert_eq!(web["mode_label"], "手机扫码填写");
    let paper = by_mode(&panel, "paper");
    assert_eq!(counts(paper), (3, 2, 2), "{paper}");
    assert!(paper["signal"].as_str().unwrap().contains("录入两次"));
    assert_eq!(counts(&paper["links"][0]), (3, 2, 2));
    assert_eq!(paper["links"][0]["group"], "parent");
    let interview = by_mode(&panel, "interview");
    assert_eq!(counts(interview), (2, 2, 2), "{interview}");
    assert_eq!(interview["mode_label"], "现场访谈");

    // Who keyed how many: counts, never answers.
    let clerks = panel["paper_clerks"].as_array().unwrap();
    assert_eq!(clerks.len(), 1, "{panel}");
    assert_eq!(
        clerks[0],
        json!({"username": clerk_name, "sheets": 3, "identical": 2, "second_entries": 0})
    );

    // A reviewer reads the panel; a clerk may not.
    let denied = json_of(
        app.get(&clerk, &format!("/api/rounds/{round}/integrity"))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(denied["code"], "forbidden");

    // The report file carries the sections apart too.
    let resp = app
        .get(
            &organiser,
            &format!("/api/rounds/{round}/exports/report.xlsx"),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_round_without_paper_or_interviews_lists_every_source_empty() {
    let app = spawn_app().await;
    let (organiser, round, _) = app.open_round(1).await;
    let panel = json_of(
        app.get(&organiser, &format!("/api/rounds/{round}/integrity"))
            .await,
        StatusCode::OK,
    )
    .await;
    for mode in ["web", "paper", "interview"] {
        let s = by_mode(&panel, mode);
        assert_eq!(counts(s), (0, 0, 0), "{mode}");
        assert!(s.get("identical_share").is_none(), "{s}");
    }
    assert_eq!(panel["paper_clerks"], json!([]));
}
