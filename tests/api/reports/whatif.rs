//! The sensitivity table of the report and the what-if recomputation: the
//! same valid responses under every formula and both readings of the
//! middle option, by hand; the round itself never changes. And the scales
//! migration: a round stored before it keeps every rate.

use super::*;
use migration::{Migrator, MigratorTrait};

fn row<'a>(table: &'a Value, formula: &str, reading: &str) -> &'a Value {
    table
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["formula"] == formula && r["reading"] == reading)
        .unwrap_or_else(|| panic!("no row {formula}/{reading} in {table}"))
}

/// The seeded round (five_general, 一般 not recognised, points 4/3/2/1)
/// with [`Seeded::answer_known`]. Valid scored responses, over q1…q14 and
/// the overall item (o):
/// A 14×满意, o 满意 · B 10×满意 4×一般, o 一般 · C one 不满意, o 不了解 ·
/// E 14×比较满意, o 比较满意 · G 14×满意, o 满意 · H 14×一般, o 一般
/// (D is too fast; F answered 不了解 everywhere and counts nowhere).
#[tokio::test]
async fn the_report_shows_every_formula_and_reading_for_the_same_responses() {
    let s = seeded_round().await;
    s.answer_known().await;
    let reviewer = s.app.token_for("reviewer").await;
    let r = s.report(&reviewer).await;
    let table = &r["sensitivity"];
    assert_eq!(table.as_array().unwrap().len(), 7, "{table}");

    // The round's rule comes first, marked, and equals the headline.
    let head = &table[0];
    assert_eq!(head["headline"], true);
    assert_eq!(
        (head["formula"].as_str(), head["reading"].as_str()),
        (Some("share_recognised"), Some("strict"))
    );
    // (1 + 10/14 + 0 + 1 + 1 + 0) / 6 = 13/21.
    near(&head["rate"], 13.0 / 21.0);
    assert_eq!(head["rate"], r["overall"]["rate"]);
    assert_eq!(head["n"], r["overall"]["n"]);
    assert_eq!(head["verdict"], r["overall"]["verdict"]);
    assert_eq!(
        table
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["headline"] == true)
            .count(),
        1
    );

    // Per respondent, 一般 recognised: (1 + 1 + 0 + 1 + 1 + 1) / 6.
    let loose = row(table, "share_recognised", "loose");
    near(&loose["rate"], 5.0 / 6.0);
    assert_eq!(loose["n"], 6);
    assert_eq!(loose["verdict"], "fail");
    assert_eq!(loose["sentence"], "若“一般”计入认可：83.3%");
    assert!(loose["label"].as_str().unwrap().contains("“一般”计入认可"));
    // Per answer: 52 of 71 judged answers; 70 of 71 with 一般.
    let answers = row(table, "answer_share", "strict");
    near(&answers["rate"], 52.0 / 71.0);
    assert_eq!(answers["n"], 71);
    let answers_loose = row(table, "answer_share", "loose");
    near(&answers_loose["rate"], 70.0 / 71.0);
    assert_eq!(answers_loose["verdict"], "pass");
    assert_eq!(answers_loose["verdict_label"], "达标");
    // Overall item: A, E, G of the five who judged it; all five with 一般.
    let overall = row(table, "overall_item_share", "strict");
    near(&overall["rate"], 0.6);
    assert_eq!(overall["n"], 5);
    near(&row(table, "overall_item_share", "loose")["rate"], 1.0);
    // Mean score, points 4/3/2/1 ÷ 4: A 4, B 48/14, C 1, E 3, G 4, H 2;
    // (14 + 24/7) / 6 / 4 = 61/84.
    let mean = row(table, "mean_score_x20", "strict");
    near(&mean["rate"], 61.0 / 84.0);
    assert!(mean["sentence"].is_null());
}

#[tokio::test]
async fn what_if_recomputes_without_changing_the_round() {
    let s = seeded_round().await;
    s.answer_known().await;
    let reviewer = s.app.token_for("reviewer").await;
    let before = s.report(&reviewer).await;
    let path = |q: &str| format!("/api/rounds/{}/what-if?{q}", s.round);

    let w = json_of(
        s.app
            .get(&reviewer, &path("formula=answer_share&reading=loose"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(w["round_id"], s.round);
    assert_eq!(w["round_rule"]["formula"], "share_recognised");
    assert_eq!(w["round_rule"]["reading"], "strict");
    assert_eq!(w["result"]["formula"], "answer_share");
    near(&w["result"]["rate"], 70.0 / 71.0);
    assert_eq!(w["result"]["verdict"], "pass");
    assert_eq!(w["result"]["headline"], false);
    // Without a reading: the round's own.
    let w = json_of(
        s.app
            .get(&reviewer, &path("formula=share_recognised"))
            .await,
        StatusCode::OK,
    )
    .await;
    near(&w["result"]["rate"], 13.0 / 21.0);
    assert_eq!(w["result"]["headline"], true);
    assert!(
        w["result"]["precision_note"]
            .as_str()
            .unwrap()
            .starts_with("按95%置信区间")
    );

    // The round and its report are as they were.
    let after = s.report(&reviewer).await;
    for part in ["overall", "rule", "groups", "items", "sensitivity"] {
        assert_eq!(before[part], after[part], "{part} unchanged");
    }

    // Anonymous: 401. A rule that is not one: 400 with a code and message.
    let resp = reqwest::get(s.app.url(&path("formula=share_recognised")))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    for bad in ["formula=median", "formula=answer_share&reading=lenient", ""] {
        let resp = s.app.get(&reviewer, &path(bad)).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
        let e: Value = resp.json().await.unwrap();
        assert!(e["code"].is_string() && e["message"].is_string(), "{e}");
    }
    // Another round: 404.
    let resp = s
        .app
        .get(&reviewer, "/api/rounds/999999/what-if?formula=answer_share")
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let e: Value = resp.json().await.unwrap();
    assert!(e["message"].as_str().unwrap().contains("不存在"), "{e}");
}

/// A rule as stored before scales were chosen.
const LEGACY_RULE: &str = r#"{"formula":"share_recognised","group_weights":{}}"#;

/// A round made before scales were chosen: the built-in template (points
/// 5/4/3/2, no overall item) and a rule without scale, reading or full marks.
async fn legacy_round() -> Seeded {
    let app = spawn_app().await;
    let token = app.token_for("organiser").await;
    let schools = app.seed_schools(&token, 2).await;
    let extra = json!({"min_answer_seconds": 30});
    let round = app.create_round(&token, &["parent", "deputy"], extra).await["id"]
        .as_i64()
        .unwrap();
    for g in ["parent", "deputy"] {
        let t = json_of(
            app.get(&token, &format!("/api/templates/{g}")).await,
            StatusCode::OK,
        )
        .await;
        assert!(!t.to_string().contains("\"overall\":true"));
        let path = format!("/api/rounds/{round}/questionnaires/{g}");
        json_of(app.put(&token, &path, t).await, StatusCode::OK).await;
    }
    app.db
        .execute_unprepared(&format!(
            "UPDATE rounds SET scoring_rule = '{LEGACY_RULE}' WHERE id = {round}"
        ))
        .await
        .unwrap();
    let path = format!("/api/rounds/{round}/open");
    json_of(app.post(&token, &path, json!({})).await, StatusCode::OK).await;
    let path = format!("/api/rounds/{round}/links");
    let links = json_of(app.get(&token, &path).await, StatusCode::OK).await;
    Seeded {
        app,
        token,
        round,
        schools,
        links: links["links"].as_array().unwrap().clone(),
    }
}

#[tokio::test]
async fn the_scales_migration_keeps_every_report_of_an_older_round() {
    let s = legacy_round().await;
    s.answer_known().await;
    let reviewer = s.app.token_for("reviewer").await;

    // The report of the rule as it was stored before the migration; then
    // back past the scales migration (and every one after it), the legacy
    // rule stored again, and every migration run.
    let before = s.report(&reviewer).await;
    migrate_down_past(&s.app.db, "m20261203_710001_round_scales").await;
    s.app
        .db
        .execute_unprepared(&format!(
            "UPDATE rounds SET scoring_rule = '{LEGACY_RULE}' WHERE id = {}",
            s.round
        ))
        .await
        .unwrap();
    Migrator::up(&s.app.db, None).await.unwrap();
    let after = s.report(&reviewer).await;
    for part in [
        "overall",
        "totals",
        "groups",
        "schools",
        "school_groups",
        "locations",
        "items",
        "invalid",
        "rule",
        "sensitivity",
    ] {
        assert_eq!(before[part], after[part], "{part} unchanged");
    }
    let rule = &after["rule"]["scoring_rule"];
    assert_eq!(rule["scale"], "five_general");
    assert_eq!(rule["reading"], "strict");
    assert_eq!(rule["full_points"], 5);
    near(&after["overall"]["rate"], 13.0 / 21.0);
    let stored = s
        .app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            s.app.db.get_database_backend(),
            format!("SELECT scoring_rule FROM rounds WHERE id = {}", s.round),
        ))
        .await
        .unwrap()
        .unwrap();
    let text = stored.try_get::<String>("", "scoring_rule").unwrap();
    let parsed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed["scale"], "five_general", "{text}");
    assert_eq!(parsed["full_points"], 5, "{text}");

    // The older points keep the mean ×20: A 5, B 62/14, C 2, E 4, G 5, H 3;
    // (19 + 31/7) / 6 / 5 = 82/105.
    let mean = row(&after["sensitivity"], "mean_score_x20", "strict");
    near(&mean["rate"], 82.0 / 105.0);
    // No overall item in the older questionnaires: no rate, and why.
    let overall = row(&after["sensitivity"], "overall_item_share", "strict");
    assert!(
        overall["rate"].is_null() && overall["note"].is_string(),
        "{overall}"
    );
    let path = format!("/api/rounds/{}/what-if?formula=overall_item_share", s.round);
    let e = json_of(
        s.app.get(&reviewer, &path).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "formula");
    assert!(e["message"].as_str().unwrap().contains("总体评价题"));
}

#[tokio::test]
async fn a_draft_takes_the_scale_and_a_diagnostic_item_leaves_the_rate() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    app.seed_schools(&t, 1).await;
    let rule = json!({"formula": "share_recognised", "scale": "four_basic"});
    let round = app
        .create_round(&t, &["parent"], json!({"scoring_rule": rule}))
        .await;
    // The four-option scale starts loose: "基本满意以上" passed.
    assert_eq!(round["scoring_rule"]["reading"], "loose");
    assert_eq!(round["scoring_rule"]["full_points"], 3);
    let id = round["id"].as_i64().unwrap();
    let path = format!("/api/rounds/{id}/questionnaires/parent");
    let mut q = json_of(app.get(&t, &path).await, StatusCode::OK).await;
    let labels: Vec<&str> = q["items"][1]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["满意", "基本满意", "不满意", "不了解"]);
    assert_eq!(q["items"][1]["options"][1]["recognised"], true);
    assert_eq!(q["items"][1]["options"][0]["points"], 3);
    let overall: Vec<&Value> = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["overall"] == true)
        .collect();
    assert_eq!(overall.len(), 1);

    // The organiser marks q2 diagnostic while the round is a draft.
    q["items"][2]["diagnostic"] = json!(true);
    json_of(app.put(&t, &path, q.clone()).await, StatusCode::OK).await;

    // Switching the draft to the five-option 基本满意 scale, strict,
    // re-scales every scored item and keeps the diagnostic mark.
    let mut body = json_of(
        app.get(&t, &format!("/api/rounds/{id}")).await,
        StatusCode::OK,
    )
    .await;
    body["scoring_rule"] =
        json!({"formula": "answer_share", "scale": "five_basic", "reading": "strict"});
    let r = json_of(
        app.put(&t, &format!("/api/rounds/{id}"), body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["scoring_rule"]["scale"], "five_basic");
    assert_eq!(r["scoring_rule"]["full_points"], 4);
    let q = json_of(app.get(&t, &path).await, StatusCode::OK).await;
    assert_eq!(q["items"][2]["diagnostic"], true);
    assert_eq!(q["items"][1]["options"][2]["label"], "基本满意");
    assert_eq!(q["items"][1]["options"][2]["recognised"], false);

    // One parent: q1 满意, q2 (diagnostic) 不满意, the rest 基本满意, overall 满意.
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
    let public = app.questionnaire(&token).await;
    let last = public["items"].as_array().unwrap().len() - 2;
    let body = answers_for(&public, |n, _| match n {
        1 => 1,
        2 => 4,
        n if n == last => 1,
        _ => 3,
    });
    json_of(app.submit(&token, &body).await, StatusCode::CREATED).await;
    let reviewer = app.token_for("reviewer").await;
    let r = json_of(
        app.get(&reviewer, &format!("/api/rounds/{id}/report"))
            .await,
        StatusCode::OK,
    )
    .await;
    let counted = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "scored" && i["diagnostic"] == false && i["overall"] == false)
        .count();
    // Per answer: 1 recognised of the counted items (q2 left out).
    near(&r["overall"]["rate"], 1.0 / counted as f64);
    assert_eq!(r["overall"]["n"], counted);
    let diag = find(&r["items"], "item_id", "q2");
    assert_eq!(diag["diagnostic"], true);
    near(&diag["rate"], 0.0);
    let loose = row(&r["sensitivity"], "answer_share", "loose");
    near(&loose["rate"], 1.0);
    near(
        &row(&r["sensitivity"], "overall_item_share", "strict")["rate"],
        1.0,
    );
}
