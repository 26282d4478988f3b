//! Every row beneath a round carries the round's county (#18,
//! docs/scaling.md): links, responses and their tallies, device marks,
//! access codes, computer-room sessions, paper sheets and settings, the
//! round's frozen questionnaires, schools, languages, translations and
//! quotas — written through every path that makes them, in two counties,
//! and filled in by the migration for rows stored before it.

use crate::helpers::*;
use crate::languages::{csv_of, filled_in_first_language, post_raw, sheet_rows};
use crate::regions::{token_at, tree};
use crate::reports::seeded_round;
use crate::respond::{generate, link_of, page, phone, submit_with, token_of};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Each tenant table's rows by county; fails on any row whose county is
/// not its round's.
async fn rows_by_county(app: &TestApp) -> BTreeMap<&'static str, BTreeMap<Option<i64>, i64>> {
    let mut out = BTreeMap::new();
    for t in renke::store::tenancy::check(&app.db).await.unwrap() {
        assert_eq!(
            t.mismatched, 0,
            "{}: rows whose county is not their round's: {:?}",
            t.table, t.rows
        );
        out.insert(t.table, t.rows);
    }
    out
}

/// A round of `county`'s organiser with something in every tenant table:
/// quotas, a translation, paper settings and a clerk, then opened and
/// answered by a phone (device mark), on paper, with access codes made and
/// a computer-room session opened.
async fn everything_in_one_round(app: &TestApp, organiser: &str, clerk: &str, code: &str) -> i64 {
    let csv = format!("学校标识码,学校名称,学校类型,所在地\n{code},学校{code},小学,城区\n");
    json_of(
        app.import_schools(organiser, csv.into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    let id = app
        .create_round(organiser, &["parent", "deputy"], json!({}))
        .await["id"]
        .as_i64()
        .unwrap();
    json_of(
        app.put(
            organiser,
            &format!("/api/rounds/{id}/sampling/quotas"),
            json!({"quotas": [{"group": "parent", "quota": 10}]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.put(
            organiser,
            &format!("/api/rounds/{id}/languages"),
            json!({"languages": ["ug"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let rows = sheet_rows(
        &app.get(organiser, &format!("/api/rounds/{id}/translations.xlsx"))
            .await
            .bytes()
            .await
            .unwrap(),
    );
    let filled = filled_in_first_language(&rows);
    let imported = post_raw(
        app,
        organiser,
        &format!("/api/rounds/{id}/translations"),
        csv_of(&filled),
    )
    .await;
    assert_eq!(imported.status(), StatusCode::OK);
    let me = json_of(app.get(clerk, "/api/auth/me").await, StatusCode::OK).await;
    json_of(
        app.put(
            organiser,
            &format!("/api/rounds/{id}/paper"),
            json!({"double_entry": false, "clerk_ids": [me["id"]]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.post(organiser, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let links: Vec<Value> = json_of(
        app.get(organiser, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await["links"]
        .as_array()
        .unwrap()
        .clone();

    // A phone with its device cookie.
    let parent = token_of(&links, "parent");
    let q = app.questionnaire(&parent).await;
    let client = phone();
    page(app, &client, &format!("/s/{parent}")).await;
    json_of(
        submit_with(app, &client, &parent, &answers_for(&q, |_, _| 1)).await,
        StatusCode::CREATED,
    )
    .await;
    // One answered in Uyghur (language tallies keep the other languages).
    let mut uyghur = answers_for(&q, |_, _| 2);
    uyghur["language"] = json!("ug");
    json_of(app.submit(&parent, &uyghur).await, StatusCode::CREATED).await;
    // A keyed paper sheet.
    let marks: String = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| if i["kind"] == "text" { '0' } else { '2' })
        .collect();
    json_of(
        app.post(
            clerk,
            &format!("/api/rounds/{id}/paper/sheets"),
            json!({"client_id": uuid::Uuid::new_v4().to_string(),
                   "link_id": link_of(&links, "parent")["id"],
                   "serial": format!("{code}-1"), "marks": marks}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // Access codes for the deputies, a computer-room session for parents.
    assert_eq!(
        generate(app, organiser, id, &link_of(&links, "deputy"), 2)
            .await
            .len(),
        2
    );
    json_of(
        app.post(
            organiser,
            &format!(
                "/api/rounds/{id}/links/{}/room-sessions",
                link_of(&links, "parent")["id"]
            ),
            json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    id
}

#[tokio::test]
async fn every_row_beneath_a_round_carries_the_rounds_county() {
    let app = spawn_app().await;
    let t = tree(&app).await;
    let first_org = app.token_for("organiser").await;
    let first_clerk = app.token_for("clerk").await;
    let a2_org = token_at(&app, "organiser", t.a2.0).await;
    let a2_clerk = token_at(&app, "clerk", t.a2.0).await;
    everything_in_one_round(&app, &first_org, &first_clerk, "1100000001").await;
    everything_in_one_round(&app, &a2_org, &a2_clerk, "2200000001").await;

    let (first, a2) = (Some(t.first.1), Some(t.a2.1));
    let tables = rows_by_county(&app).await;
    assert_eq!(
        tables.len(),
        renke::store::tenancy::THROUGH_ROUND.len() + renke::store::tenancy::THROUGH_LINK.len()
    );
    for (table, rows) in &tables {
        // Each county's round wrote its own rows to every table, and no
        // row is without a county.
        assert_eq!(
            rows.keys().cloned().collect::<Vec<_>>(),
            vec![first, a2],
            "{table}: {rows:?}"
        );
        assert_eq!(rows[&first], rows[&a2], "{table}: {rows:?}");
    }
    // Two phone responses and the keyed sheet, in each county.
    assert_eq!(tables["responses"][&a2], 3);

    // Rows stored before the migration get their round's county from it.
    migrate_down_past(&app.db, "m20261207_cy0001_county_on_every_row").await;
    {
        use migration::{Migrator, MigratorTrait};
        Migrator::up(&app.db, None).await.unwrap();
    }
    assert_eq!(rows_by_county(&app).await, tables);
}

/// A school and a round always carry their county, on SQLite as on
/// PostgreSQL (docs/scaling.md gap 4): the database refuses a row without
/// one, whether inserted or updated, and keeps what was stored.
#[tokio::test]
async fn the_database_refuses_a_school_or_round_without_its_county() {
    use sea_orm::ConnectionTrait;
    let s = seeded_round().await;
    let db = &s.app.db;
    let school = s.schools[0];
    let now = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        "now()"
    } else {
        "CURRENT_TIMESTAMP"
    };
    let refused = [
        format!(
            "INSERT INTO schools (code, name, kind, location, primary_students, \
             junior_students, teachers, created_at, updated_at) \
             VALUES ('9900000001', '无县学校', 'primary', 'urban', 1, 0, 1, {now}, {now})"
        ),
        format!(
            "INSERT INTO rounds (name, purpose, status, opens_at, closes_at, scoring_rule, \
             min_answer_seconds, duplicate_policy, shared_device_limit, created_at, updated_at) \
             SELECT '无县轮次', purpose, 'draft', opens_at, closes_at, scoring_rule, \
             min_answer_seconds, duplicate_policy, shared_device_limit, {now}, {now} \
             FROM rounds WHERE id = {}",
            s.round
        ),
        format!("UPDATE schools SET county_id = NULL WHERE id = {school}"),
        format!("UPDATE rounds SET county_id = NULL WHERE id = {}", s.round),
    ];
    for sql in &refused {
        let err = db
            .execute_unprepared(sql)
            .await
            .expect_err("a row without its county must be refused");
        let message = err.to_string().to_lowercase();
        assert!(
            message.contains("null") && message.contains("county_id"),
            "{sql}: {err}"
        );
    }
    let reviewer = s.app.token_for("reviewer").await;
    let schools = json_of(s.app.get(&reviewer, "/api/schools").await, StatusCode::OK).await;
    let rows = schools.as_array().unwrap();
    assert_eq!(rows.len(), s.schools.len(), "{schools}");
    assert!(rows.iter().all(|x| x["county_id"] == 1), "{schools}");
    let round = json_of(
        s.app
            .get(&reviewer, &format!("/api/rounds/{}", s.round))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(round["county_id"], 1);
    // What the schools' county lets through still goes in.
    db.execute_unprepared(&format!(
        "UPDATE schools SET county_id = county_id WHERE id = {school}"
    ))
    .await
    .unwrap();
}
