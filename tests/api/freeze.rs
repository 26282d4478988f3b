//! The freeze at opening: one transaction that edits cannot slip past, and
//! reports that keep the schools as they were when the round opened.

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;

use crate::helpers::*;

/// The report without the moment it was made.
fn stable(mut report: Value) -> Value {
    if let Some(o) = report.as_object_mut() {
        o.remove("generated_at");
    }
    report
}

#[tokio::test]
async fn a_school_changed_after_the_round_opened_leaves_its_report_as_it_was() {
    let app = spawn_app().await;
    let (t, id, links) = app.open_round(3).await;
    let link = links
        .iter()
        .find(|l| l["group"] == "parent" && l["school_id"].is_i64())
        .expect("a school's parent link");
    let q = app.questionnaire(link["token"].as_str().unwrap()).await;
    json_of(
        app.submit(link["token"].as_str().unwrap(), &answers_for(&q, |_, _| 1))
            .await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        app.post(&t, &format!("/api/rounds/{id}/close"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let report_path = format!("/api/rounds/{id}/report");
    let sampling_path = format!("/api/rounds/{id}/sampling");
    let before = stable(json_of(app.get(&t, &report_path).await, StatusCode::OK).await);
    let plan_before = stable(json_of(app.get(&t, &sampling_path).await, StatusCode::OK).await);
    assert!(before.to_string().contains("第1小学"), "{before}");

    // The county renames, moves and re-sizes every school, by re-import.
    let mut csv =
        String::from("学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n");
    for i in 1..=3u64 {
        csv.push_str(&format!(
            "{},改名学校{i},小学,乡村,{},0,9\n",
            2165000000 + i,
            5000 + i
        ));
    }
    json_of(
        app.import_schools(&t, csv.into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    let schools = json_of(app.get(&t, "/api/schools").await, StatusCode::OK).await;
    assert!(schools.to_string().contains("改名学校1"), "{schools}");

    let after = stable(json_of(app.get(&t, &report_path).await, StatusCode::OK).await);
    let plan_after = stable(json_of(app.get(&t, &sampling_path).await, StatusCode::OK).await);
    assert_eq!(
        before, after,
        "a closed round's report changed with the schools"
    );
    assert_eq!(plan_before, plan_after, "its sampling plan changed too");
    assert!(!after.to_string().contains("改名学校"));

    // A draft round still reads the schools as they are now.
    let draft = app.create_round(&t, &["parent"], json!({})).await;
    let draft_id = draft["id"].as_i64().unwrap();
    let draft_report = json_of(
        app.get(&t, &format!("/api/rounds/{draft_id}/report")).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        draft_report.to_string().contains("改名学校1"),
        "{draft_report}"
    );
}

/// Edits sent while the round opens: each is either stored before the
/// opening or refused with 409, and the questionnaire respondents are served
/// (the frozen copy read once after opening) is the one in the database.
#[tokio::test]
async fn edits_racing_the_opening_never_change_the_frozen_questionnaire() {
    let app = Arc::new(spawn_app().await);
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 1).await;
    for trial in 0..4 {
        let id = app.create_round(&t, &["parent"], json!({})).await["id"]
            .as_i64()
            .unwrap();
        let path = format!("/api/rounds/{id}/questionnaires/parent");
        let q = json_of(app.get(&t, &path).await, StatusCode::OK).await;

        // Editors: keep saving new wordings until the round is frozen.
        let mut editors = Vec::new();
        for editor in 0..3 {
            let (app, t, path, mut q) = (app.clone(), t.clone(), path.clone(), q.clone());
            editors.push(tokio::spawn(async move {
                let mut stored = Vec::new();
                for n in 0.. {
                    let text = format!("第{trial}轮编辑者{editor}第{n}版：您对学校是否满意？");
                    q["items"][1]["text"] = json!(text);
                    let resp = app.put(&t, &path, q.clone()).await;
                    match resp.status() {
                        StatusCode::OK => stored.push(text),
                        StatusCode::CONFLICT => break,
                        other => panic!("edit answered {other}: {}", resp.text().await.unwrap()),
                    }
                }
                stored
            }));
        }
        // The organiser opens the round meanwhile, and a parent loads the
        // questionnaire at once.
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
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
        let token = links["links"][0]["token"].as_str().unwrap().to_string();
        let served = app.questionnaire(&token).await;
        let mut accepted = 0;
        for e in editors {
            accepted += e.await.expect("editor").len();
        }
        let stored = json_of(app.get(&t, &path).await, StatusCode::OK).await;
        assert_eq!(
            served["items"][1]["text"], stored["items"][1]["text"],
            "trial {trial}: respondents see one wording, the database holds another \
             ({accepted} edits accepted)"
        );
        // And the respondent is served the same after the race is over.
        let again = app.questionnaire(&token).await;
        assert_eq!(served["items"][1]["text"], again["items"][1]["text"]);
    }
}
