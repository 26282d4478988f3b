//! Item rates grouped by the inspection's content areas; diagnostic items
//! apart; questionnaires written with the first templates' short topic
//! names still grouped.

use super::*;

fn section<'a>(r: &'a Value, label: &str) -> &'a Value {
    find(&r["areas"], "label", label)
}

fn ids(section: &Value, group: &str) -> Vec<String> {
    section["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["group"] == group)
        .map(|i| i["item_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_report_groups_item_rates_by_content_area() {
    let s = seeded_round().await;
    s.answer_known().await;
    let r = s.report(&s.token).await;
    let labels: Vec<&str> = r["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    // The overall evaluation apart, then the inspection's order; every
    // other built-in 社会卷 item has an area.
    assert_eq!(labels, SOCIETY_SECTIONS);
    assert_eq!(ids(section(&r, "教育公平"), "parent"), ["q1", "q2"]);
    assert_eq!(ids(section(&r, "教育公平"), "deputy"), ["q1", "q2"]);
    assert_eq!(
        ids(section(&r, "素质教育"), "parent"),
        ["q6", "q7", "q8", "q9"]
    );
    assert_eq!(
        ids(section(&r, "减轻过重课业负担"), "parent"),
        ["q13", "q14"]
    );
    let q1 = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["group"] == "parent" && i["item_id"] == "q1")
        .unwrap();
    assert_eq!(
        (q1["area"].as_str(), q1["diagnostic"].as_bool()),
        (Some("教育公平"), Some(false))
    );
    // Every item is in exactly one section.
    let listed: usize = r["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["items"].as_array().unwrap().len())
        .sum();
    assert_eq!(listed, r["items"].as_array().unwrap().len());
}

#[tokio::test]
async fn teachers_own_conditions_are_diagnostic_and_old_topic_names_still_group() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 1).await;
    let id = app.create_round(&t, &["teacher"], json!({})).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/rounds/{id}/questionnaires/teacher");
    let mut q = json_of(app.get(&t, &path).await, StatusCode::OK).await;
    let diagnostic: Vec<String> = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["diagnostic"] == true)
        .map(|i| i["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(diagnostic.len(), 3, "{diagnostic:?}");
    // Items as the first templates wrote them: q11 with the short name 减负,
    // q12 (pay) under 教师队伍 and counted (not diagnostic).
    q["items"][11]["topic"] = json!("减负");
    q["items"][12]["topic"] = json!("教师队伍");
    q["items"][12]["diagnostic"] = json!(false);
    json_of(app.put(&t, &path, q).await, StatusCode::OK).await;
    json_of(
        app.post(&t, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let r = json_of(
        app.get(&t, &format!("/api/rounds/{id}/report")).await,
        StatusCode::OK,
    )
    .await;
    let labels: Vec<&str> = r["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.last().copied(), Some("诊断题（单列，不计入认可率）"));
    assert_eq!(labels[labels.len() - 2], "其他（未归入考察内容）");
    let diag = section(&r, "诊断题（单列，不计入认可率）");
    assert_eq!(diag["diagnostic"], true);
    assert!(diag["area"].is_null());
    assert_eq!(ids(diag, "teacher"), ["q13", "q14"]);
    assert_eq!(
        ids(section(&r, "其他（未归入考察内容）"), "teacher"),
        ["q12"]
    );
    // q11 (作业管理) with the short name 减负 is under the full area name.
    assert_eq!(ids(section(&r, "减轻过重课业负担"), "teacher"), ["q11"]);
    let q11 = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item_id"] == "q11")
        .unwrap();
    assert_eq!(
        (q11["topic"].as_str(), q11["area"].as_str()),
        (Some("减负"), Some("减轻过重课业负担"))
    );
}
