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
use std::collections::{BTreeMap, HashSet};

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

/// A round's links as its organiser lists them.
async fn links_of(app: &TestApp, organiser: &str, round: i64) -> Vec<Value> {
    json_of(
        app.get(organiser, &format!("/api/rounds/{round}/links"))
            .await,
        StatusCode::OK,
    )
    .await["links"]
        .as_array()
        .unwrap()
        .clone()
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
    let links = links_of(app, organiser, id).await;

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

/// Where the keys of the county's tables do not name the county, read from
/// PostgreSQL's catalog: a unique index (primary keys and unique
/// constraints included) of a distributed table without `county_id`, a
/// foreign key between two distributed tables without it on both sides, a
/// foreign key from a table not distributed to one that is (a distributed
/// engine refuses all three), and a table carrying a county that is
/// neither distributed nor named a reference table.
async fn key_gaps(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    use renke::store::tenancy::{REFERENCE_WITH_COUNTY, distributed};
    use sea_orm::{ConnectionTrait, Statement};
    let rows = |sql: &str| {
        db.query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            sql.to_string(),
        ))
    };
    let tables: Vec<&str> = distributed().collect();
    let mut gaps = Vec::new();
    for row in rows(
        "SELECT table_name::text AS t FROM information_schema.columns \
         WHERE table_schema = 'public' AND column_name = 'county_id'",
    )
    .await
    .unwrap()
    {
        let t: String = row.try_get("", "t").unwrap();
        if !tables.contains(&t.as_str()) && !REFERENCE_WITH_COUNTY.contains(&t.as_str()) {
            gaps.push(format!(
                "{t}: carries a county, neither distributed nor reference"
            ));
        }
    }
    let key_columns = "(SELECT array_agg(a.attname::text ORDER BY k.o) \
         FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) \
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n)";
    for row in rows(&format!(
        "SELECT i.indrelid::regclass::text AS t, i.indexrelid::regclass::text AS name, \
           {key_columns} AS cols \
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid \
         WHERE i.indisunique AND c.relnamespace = 'public'::regnamespace"
    ))
    .await
    .unwrap()
    {
        let t: String = row.try_get("", "t").unwrap();
        let cols: Vec<String> = row.try_get("", "cols").unwrap();
        if tables.contains(&t.as_str()) && !cols.iter().any(|c| c == "county_id") {
            let name: String = row.try_get("", "name").unwrap();
            gaps.push(format!("{t}: unique key {name} {cols:?} without county_id"));
        }
    }
    let fk_columns = |side: &str, rel: &str| {
        format!(
            "(SELECT array_agg(a.attname::text ORDER BY k.o) \
             FROM unnest(c.{side}) WITH ORDINALITY k(n, o) \
             JOIN pg_attribute a ON a.attrelid = c.{rel} AND a.attnum = k.n)"
        )
    };
    for row in rows(&format!(
        "SELECT c.conname::text AS name, c.conrelid::regclass::text AS t, \
           c.confrelid::regclass::text AS parent, {} AS cols, {} AS parent_cols \
         FROM pg_constraint c \
         WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace",
        fk_columns("conkey", "conrelid"),
        fk_columns("confkey", "confrelid")
    ))
    .await
    .unwrap()
    {
        let t: String = row.try_get("", "t").unwrap();
        let parent: String = row.try_get("", "parent").unwrap();
        let name: String = row.try_get("", "name").unwrap();
        if !tables.contains(&parent.as_str()) {
            continue;
        }
        if !tables.contains(&t.as_str()) {
            gaps.push(format!("{t}: foreign key {name} to distributed {parent}"));
            continue;
        }
        let cols: Vec<String> = row.try_get("", "cols").unwrap();
        let parent_cols: Vec<String> = row.try_get("", "parent_cols").unwrap();
        let at = |c: &[String]| c.iter().position(|x| x == "county_id");
        if at(&cols).is_none() || at(&cols) != at(&parent_cols) {
            gaps.push(format!(
                "{t}: foreign key {name} {cols:?} -> {parent} {parent_cols:?} without the county on both sides"
            ));
        }
    }
    gaps
}

/// A response's client id is a key within its link's county, and on
/// PostgreSQL every key of a county's tables names the county (the keys a
/// distributed engine requires; docs/scaling.md gap 2). Replays are still
/// answered with their receipt; a client id reused in another county is a
/// new response on PostgreSQL, while SQLite — never distributed, its keys
/// as they were created — still holds client ids unique across counties and
/// answers 409. The migration that puts the county in the keys comes off
/// and back on with every row kept.
#[tokio::test]
async fn a_countys_keys_name_the_county() {
    let app = spawn_app().await;
    let postgres = app.db.get_database_backend() == sea_orm::DbBackend::Postgres;
    let t = tree(&app).await;
    let first_org = app.token_for("organiser").await;
    let a2_org = token_at(&app, "organiser", t.a2.0).await;
    let first_round = everything_in_one_round(
        &app,
        &first_org,
        &app.token_for("clerk").await,
        "1100000001",
    )
    .await;
    let a2_round = everything_in_one_round(
        &app,
        &a2_org,
        &token_at(&app, "clerk", t.a2.0).await,
        "2200000001",
    )
    .await;

    // Every table written (above), in two counties: the keys name the
    // county, and come off and back on with the migration, every row kept
    // (before any client id is reused across counties: the keys without the
    // county could not hold that).
    if postgres {
        assert_eq!(key_gaps(&app.db).await, Vec::<String>::new());
        let rows = rows_by_county(&app).await;
        migrate_down_past(&app.db, "m20261211_dk0001_distribution_keys").await;
        let before = key_gaps(&app.db).await;
        assert!(
            before
                .iter()
                .any(|g| g.starts_with("responses: unique key") && g.contains("client_id")),
            "{before:?}"
        );
        assert!(
            before
                .iter()
                .any(|g| g.starts_with("responses: foreign key")),
            "{before:?}"
        );
        {
            use migration::{Migrator, MigratorTrait};
            Migrator::up(&app.db, None).await.unwrap();
        }
        assert_eq!(key_gaps(&app.db).await, Vec::<String>::new());
        assert_eq!(rows_by_county(&app).await, rows);
        // The foreign keys now hold each row to its round's county.
        use sea_orm::ConnectionTrait;
        for table in ["links", "responses", "response_tallies", "paper_sheets"] {
            let err = app
                .db
                .execute_unprepared(&format!(
                    "UPDATE {table} SET county_id = {} WHERE round_id = {first_round}",
                    t.a2.1
                ))
                .await
                .expect_err("a row under another county than its round's");
            assert!(err.to_string().contains("foreign key"), "{table}: {err}");
        }
        assert_eq!(rows_by_county(&app).await, rows);
    }

    let first_parent = token_of(&links_of(&app, &first_org, first_round).await, "parent");
    let a2_parent = token_of(&links_of(&app, &a2_org, a2_round).await, "parent");
    let body = answers_for(&app.questionnaire(&first_parent).await, |_, _| 1);
    let first = json_of(app.submit(&first_parent, &body).await, StatusCode::CREATED).await;
    let replay = json_of(app.submit(&first_parent, &body).await, StatusCode::OK).await;
    assert_eq!(replay["submitted_at"], first["submitted_at"]);
    let mut reused = answers_for(&app.questionnaire(&a2_parent).await, |_, _| 1);
    reused["client_id"] = body["client_id"].clone();
    let stored_under = |id: &Value| {
        let id = id.as_str().unwrap().to_string();
        let db = app.db.clone();
        async move {
            use renke::entities::response::{Column, Entity};
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
            Entity::find()
                .filter(Column::ClientId.eq(id))
                .order_by_asc(Column::Id)
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.county_id)
                .collect::<Vec<i64>>()
        }
    };
    if postgres {
        // From a phone: judged as new in its county, so its device is
        // marked, and its next answer there is a repeat (flagged).
        let client = phone();
        page(&app, &client, &format!("/s/{a2_parent}")).await;
        let other = json_of(
            submit_with(&app, &client, &a2_parent, &reused).await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(other["client_id"], body["client_id"]);
        assert_eq!(other["validity"], "valid");
        // Each county's replay finds its own response.
        let again = json_of(
            submit_with(&app, &client, &a2_parent, &reused).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(again["submitted_at"], other["submitted_at"]);
        json_of(app.submit(&first_parent, &body).await, StatusCode::OK).await;
        assert_eq!(stored_under(&body["client_id"]).await, [t.first.1, t.a2.1]);
        let next = answers_for(&app.questionnaire(&a2_parent).await, |_, _| 2);
        let repeat = json_of(
            submit_with(&app, &client, &a2_parent, &next).await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(repeat["validity"], "duplicate_device");
    } else {
        let e = json_of(app.submit(&a2_parent, &reused).await, StatusCode::CONFLICT).await;
        assert_eq!(e["code"], "client_id_reused");
        assert_eq!(stored_under(&body["client_id"]).await, [t.first.1]);
    }

    // The writer's lookups, asked for one id under two counties in one
    // batch (as a batch may be): under a county that holds none, it is not
    // stored on PostgreSQL; on SQLite the one key is the whole database's.
    let id =
        renke::domain::client_id::ClientId::parse(body["client_id"].as_str().unwrap()).unwrap();
    let asked = [(t.first.1, &id), (t.b1.1, &id)];
    let stored = renke::store::responses::stored_client_ids(&app.db, &asked)
        .await
        .unwrap();
    let found = renke::store::responses::by_client_ids(&app.db, &asked)
        .await
        .unwrap();
    let found: Vec<(i64, i64)> = found.iter().map(|((c, _), r)| (*c, r.county_id)).collect();
    if postgres {
        assert_eq!(stored, HashSet::from([(t.first.1, id.clone())]));
        assert_eq!(found, [(t.first.1, t.first.1)]);
    } else {
        assert_eq!(
            stored,
            HashSet::from([(t.first.1, id.clone()), (t.b1.1, id.clone())])
        );
        assert_eq!(found, [(t.first.1, t.first.1), (t.b1.1, t.first.1)]);
    }
}
