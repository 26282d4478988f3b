//! One deployment for several counties (#18): the region tree, the county
//! scope of every account, and the migration of a single-county database.

use crate::helpers::*;
use crate::reports::seeded_round;
use migration::{Migrator, MigratorTrait};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A token for a new account with `role` at `node`.
pub async fn token_at(app: &TestApp, role: &str, node: i64) -> String {
    let admin = app.admin_token().await;
    let username = format!("{role}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let created = json_of(
        app.post(
            &admin,
            "/api/accounts",
            json!({"username": username, "role": role, "password": "correct horse", "region_id": node}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(created["account"]["region_id"], node);
    let body = json_of(app.login(&username, "correct horse").await, StatusCode::OK).await;
    body["token"].as_str().unwrap().to_string()
}

pub async fn node(
    app: &TestApp,
    code: &str,
    name: &str,
    level: &str,
    parent: Option<i64>,
) -> Value {
    let admin = app.admin_token().await;
    json_of(
        app.post(
            &admin,
            "/api/regions",
            json!({"code": code, "name": name, "level": level, "parent_id": parent}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// A province with two prefectures; prefecture A holds the deployment's
/// first county (node 1, moved under it) and a second county; prefecture
/// B holds a third.
pub struct Tree {
    pub province: i64,
    pub pref_a: i64,
    pub pref_b: i64,
    /// (node, county id)
    pub first: (i64, i64),
    pub a2: (i64, i64),
    pub b1: (i64, i64),
}

pub async fn tree(app: &TestApp) -> Tree {
    let p = node(app, "650000", "新疆维吾尔自治区", "province", None).await;
    let a = node(
        app,
        "652300",
        "昌吉回族自治州",
        "prefecture",
        p["id"].as_i64(),
    )
    .await;
    let b = node(
        app,
        "654000",
        "伊犁哈萨克自治州",
        "prefecture",
        p["id"].as_i64(),
    )
    .await;
    let admin = app.admin_token().await;
    let first = json_of(
        app.put(
            &admin,
            "/api/regions/1",
            json!({"code": "652325", "name": "奇台县", "level": "county", "parent_id": a["id"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["county_id"], 1);
    let a2 = node(app, "652327", "吉木萨尔县", "county", a["id"].as_i64()).await;
    let b1 = node(app, "654002", "伊宁市", "county", b["id"].as_i64()).await;
    let pair = |v: &Value| (v["id"].as_i64().unwrap(), v["county_id"].as_i64().unwrap());
    Tree {
        province: p["id"].as_i64().unwrap(),
        pref_a: a["id"].as_i64().unwrap(),
        pref_b: b["id"].as_i64().unwrap(),
        first: pair(&first),
        a2: pair(&a2),
        b1: pair(&b1),
    }
}

#[tokio::test]
async fn the_regions_migration_keeps_every_report_and_puts_everything_in_one_county() {
    let s = seeded_round().await;
    s.answer_known().await;
    let reviewer = s.app.token_for("reviewer").await;
    let round = s.round;
    let paths = [
        format!("/api/rounds/{round}/report"),
        format!("/api/rounds/{round}/sampling"),
        format!("/api/rounds/{round}/integrity"),
        format!("/api/rounds/{round}/tallies/check"),
        "/api/reports/compare".to_string(),
        "/api/schools".to_string(),
        "/api/rounds".to_string(),
    ];
    let mut before = Vec::new();
    for p in &paths {
        before.push(json_of(s.app.get(&reviewer, p).await, StatusCode::OK).await);
    }
    let county_before = s.app.get(&reviewer, "/api/county").await.status();

    // The database as it was before the tree: the migration undone, then
    // every migration run as a start would.
    migrate_down_past(&s.app.db, "m20261204_rg0001_regions").await;
    Migrator::up(&s.app.db, None).await.unwrap();

    for (p, b) in paths.iter().zip(&before) {
        let mut a = json_of(s.app.get(&reviewer, p).await, StatusCode::OK).await;
        let mut b = b.clone();
        for v in [&mut a, &mut b] {
            if let Some(o) = v.as_object_mut() {
                o.remove("generated_at");
            }
        }
        assert_eq!(a, b, "{p} unchanged by the migration");
    }
    assert_eq!(
        s.app.get(&reviewer, "/api/county").await.status(),
        county_before
    );
    // One node, the county, holding everything.
    let regions = json_of(s.app.get(&reviewer, "/api/regions").await, StatusCode::OK).await;
    assert_eq!(regions.as_array().unwrap().len(), 1, "{regions}");
    assert_eq!(regions[0]["level"], "county");
    assert_eq!(regions[0]["county_id"], 1);
    let schools = json_of(s.app.get(&reviewer, "/api/schools").await, StatusCode::OK).await;
    assert!(
        schools
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["county_id"] == 1)
    );
}

#[tokio::test]
async fn a_fresh_deployment_is_one_county_and_looks_as_before() {
    let app = spawn_app().await;
    let organiser = app.token_for("organiser").await;
    // No profile yet: as before, 404.
    let resp = app.get(&organiser, "/api/county").await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let regions = json_of(app.get(&organiser, "/api/regions").await, StatusCode::OK).await;
    assert_eq!(regions.as_array().unwrap().len(), 1);
    assert_eq!(regions[0]["county_id"], 1);
    // Setting the profile, schools and a round needs no county anywhere.
    json_of(
        app.put(
            &organiser,
            "/api/county",
            json!({"name": "奇台县", "admin_code": "652325", "resident_population": 250000}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let ids = app.seed_schools(&organiser, 2).await;
    assert_eq!(ids.len(), 2);
    let round = app.create_round(&organiser, &["parent"], json!({})).await;
    assert_eq!(round["county_id"], 1);
}

#[tokio::test]
async fn counties_see_only_their_own_and_levels_above_read_beneath() {
    let app = spawn_app().await;
    let t = tree(&app).await;
    // Each county's organiser sets up its own schools and round.
    let own = token_at(&app, "organiser", t.first.0).await;
    let a2 = token_at(&app, "organiser", t.a2.0).await;
    let b1 = token_at(&app, "organiser", t.b1.0).await;
    let own_schools = app.seed_schools(&own, 2).await;
    let own_round = app.create_round(&own, &["parent"], json!({})).await;
    let own_round = own_round["id"].as_i64().unwrap();
    let resp = app
        .import_schools(
            &a2,
            "学校标识码,学校名称,学校类型,所在地\n2165007001,吉木萨尔一小,小学,城区\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let a2_round = app.create_round(&a2, &["parent"], json!({})).await;
    assert_eq!(a2_round["county_id"], t.a2.1);
    assert_eq!(
        a2_round["school_ids"].as_array().map(Vec::len),
        Some(1),
        "{a2_round}"
    );

    // Another county's ids answer 404, for reads and writes alike.
    for (token, who) in [(&a2, "a2"), (&b1, "b1")] {
        for path in [
            format!("/api/rounds/{own_round}"),
            format!("/api/rounds/{own_round}/links"),
            format!("/api/rounds/{own_round}/report"),
            format!("/api/rounds/{own_round}/exports/responses.csv"),
            format!("/api/schools/{}", own_schools[0]),
        ] {
            let resp = app.get(token, &path).await;
            assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{who} GET {path}");
        }
        let resp = app.delete(token, &format!("/api/rounds/{own_round}")).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{who} DELETE");
        let resp = app
            .get(
                token,
                &format!("/api/reports/compare?round_ids={own_round}"),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{who} compare");
        let schools = json_of(app.get(token, "/api/schools").await, StatusCode::OK).await;
        assert!(
            schools
                .as_array()
                .unwrap()
                .iter()
                .all(|s| !own_schools.contains(&s["id"].as_i64().unwrap())),
            "{who} lists only its schools"
        );
        let rounds = json_of(app.get(token, "/api/rounds").await, StatusCode::OK).await;
        assert!(
            rounds
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["id"] != own_round)
        );
    }
    // An import never reaches another county's school.
    let resp = app
        .import_schools(
            &b1,
            "学校标识码,学校名称,学校类型,所在地\n2165007001,抢来的学校,小学,城区\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let a2_schools = json_of(app.get(&a2, "/api/schools").await, StatusCode::OK).await;
    assert_eq!(a2_schools[0]["name"], "吉木萨尔一小");

    // A prefecture reviewer reads its counties, not the sibling's.
    let pref_a = token_at(&app, "reviewer", t.pref_a).await;
    let rounds = json_of(app.get(&pref_a, "/api/rounds").await, StatusCode::OK).await;
    let ids: Vec<i64> = rounds
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&own_round) && ids.contains(&a2_round["id"].as_i64().unwrap()));
    let resp = app
        .get(&pref_a, &format!("/api/rounds/{own_round}/report"))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let b_round = app.create_round(&b1, &["deputy"], json!({})).await;
    let b_round = b_round["id"].as_i64().unwrap();
    let resp = app.get(&pref_a, &format!("/api/rounds/{b_round}")).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let regions = json_of(app.get(&pref_a, "/api/regions").await, StatusCode::OK).await;
    let shown: Vec<i64> = regions
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        shown,
        vec![t.first.0, t.pref_a, t.a2.0]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    // The province reviewer reads both prefectures' rounds.
    let province = token_at(&app, "reviewer", t.province).await;
    let resp = app.get(&province, &format!("/api/rounds/{b_round}")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    // An organiser above the counties reads them but changes nothing of theirs.
    let pref_org = token_at(&app, "organiser", t.pref_a).await;
    let resp = app
        .delete(&pref_org, &format!("/api/rounds/{own_round}"))
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = app
        .delete(&pref_org, &format!("/api/rounds/{b_round}"))
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = app
        .post(&pref_org, "/api/rounds", json!({"name": "x", "purpose": "prefecture_review", "opens_at": "2026-11-01T00:00:00Z", "closes_at": "2026-12-01T00:00:00Z", "groups": ["parent"]}))
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // An admin with several counties names the one it acts on.
    let admin = app.admin_token().await;
    let resp = app.get(&admin, "/api/county").await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let resp = app
        .put(
            &admin,
            &format!("/api/county?county_id={}", t.b1.1),
            json!({"name": "伊宁市", "admin_code": "654002", "resident_population": 600000}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let c = json_of(app.get(&b1, "/api/county").await, StatusCode::OK).await;
    assert_eq!(c["name"], "伊宁市");
    assert_eq!(
        app.get(&own, "/api/county").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_tree_refuses_bad_nodes_and_imports_all_or_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let t = tree(&app).await;
    // A county cannot hold a prefecture; a node cannot move beneath itself.
    let resp = app
        .post(
            &admin,
            "/api/regions",
            json!({"code": "652400", "name": "错", "level": "prefecture", "parent_id": t.a2.0}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let resp = app
        .put(
            &admin,
            &format!("/api/regions/{}", t.province),
            json!({"code": "650000", "name": "新疆", "level": "province", "parent_id": t.pref_a}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let resp = app
        .post(&admin, "/api/regions", json!({"code": "652300", "name": "重复", "level": "prefecture", "parent_id": t.province}))
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let resp = app
        .post(
            &admin,
            "/api/regions",
            json!({"code": "65230", "name": "坏", "level": "county", "parent_id": t.pref_a}),
        )
        .await;
    let body = json_of(resp, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body["field"], "code");
    // Only admins change the tree.
    let organiser = token_at(&app, "organiser", t.first.0).await;
    let resp = app
        .post(
            &organiser,
            "/api/regions",
            json!({"code": "652328", "name": "木垒县", "level": "county", "parent_id": t.pref_a}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    let before = json_of(app.get(&admin, "/api/regions").await, StatusCode::OK).await;
    let bad = "代码,名称,上级代码\n652328,木垒哈萨克自治县,652300\n65432,坏代码,654000\n654003,奎屯市,659999\n652328,重复,652300\n";
    let resp = app
        .client
        .post(app.url("/api/regions/import"))
        .bearer_auth(&admin)
        .header("content-type", "application/octet-stream")
        .body(bad)
        .send()
        .await
        .unwrap();
    let body = json_of(resp, StatusCode::UNPROCESSABLE_ENTITY).await;
    let details: Vec<String> = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    assert_eq!(details.len(), 3, "{details:?}");
    assert!(
        details[0].starts_with("第3行")
            && details[1].starts_with("第4行")
            && details[2].starts_with("第5行"),
        "{details:?}"
    );
    assert!(details[1].contains("659999"));
    let after = json_of(app.get(&admin, "/api/regions").await, StatusCode::OK).await;
    assert_eq!(before, after, "nothing stored");

    let good = "652328,木垒哈萨克自治县,652300\n659000,自治区直辖县级行政区划,650000\n659001,石河子市,659000\n652300,昌吉州,650000\n";
    let resp = app
        .client
        .post(app.url("/api/regions/import"))
        .bearer_auth(&admin)
        .header("content-type", "application/octet-stream")
        .body(good)
        .send()
        .await
        .unwrap();
    let body = json_of(resp, StatusCode::OK).await;
    assert_eq!(body, json!({"created": 3, "updated": 1}));
    let after = json_of(app.get(&admin, "/api/regions").await, StatusCode::OK).await;
    let find = |code: &str| {
        after
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(find("652300")["name"], "昌吉州");
    assert_eq!(find("659001")["parent_id"], find("659000")["id"]);
    assert!(
        find("659001")["county_id"].is_i64(),
        "a county node gets its county"
    );
    assert!(find("659000")["county_id"].is_null());

    // As Excel saves it: GB18030 CSV, or a workbook; the same rows.
    let post = |body: Vec<u8>| {
        app.client
            .post(app.url("/api/regions/import"))
            .bearer_auth(&admin)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
    };
    let (gbk, _, _) = encoding_rs::GB18030.encode("代码,名称,上级代码\r\n652301,昌吉市,652300\r\n");
    let body = json_of(post(gbk.into_owned()).await.unwrap(), StatusCode::OK).await;
    assert_eq!(body, json!({"created": 1, "updated": 0}));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in [["代码", "名称", "上级代码"], ["652302", "阜康市", "652300"]]
        .iter()
        .enumerate()
    {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    let body = json_of(
        post(book.save_to_buffer().unwrap()).await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(body, json!({"created": 1, "updated": 0}));
    let after = json_of(app.get(&admin, "/api/regions").await, StatusCode::OK).await;
    let names: Vec<&str> = after
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == "652301" || r["code"] == "652302")
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{after}");
    assert!(names.contains(&"昌吉市") && names.contains(&"阜康市"));
}

/// An open round in the county of `token` with one school (`code`) and
/// parents, answered by `n` phones all choosing `option`; returns its id.
async fn answered_round(app: &TestApp, token: &str, code: &str, n: usize, option: u64) -> i64 {
    answered_round_with(app, token, code, json!({}), &vec![option; n]).await
}

/// Like [`answered_round`], with `extra` round settings and one phone per
/// entry of `options`, choosing that option for every item.
async fn answered_round_with(
    app: &TestApp,
    token: &str,
    code: &str,
    extra: Value,
    options: &[u64],
) -> i64 {
    let csv = format!("学校标识码,学校名称,学校类型,所在地\n{code},学校{code},小学,城区\n");
    json_of(
        app.import_schools(token, csv.into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    let round = app.create_round(token, &["parent"], extra).await;
    let id = round["id"].as_i64().unwrap();
    json_of(
        app.post(token, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let links = json_of(
        app.get(token, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await;
    let link = links["links"][0]["token"].as_str().unwrap().to_string();
    let q = app.questionnaire(&link).await;
    for option in options {
        let body = answers_for(&q, |_, _| *option);
        json_of(app.submit(&link, &body).await, StatusCode::CREATED).await;
    }
    id
}

/// A comparison reads the option counts (the largest tally table) only
/// for rounds whose rate is computed from them: a county under a
/// per-answer formula still gets its own report's rate, n and interval.
#[tokio::test]
async fn a_comparison_under_per_answer_formulas_equals_each_report() {
    let app = spawn_app().await;
    let t = tree(&app).await;
    let rule = |formula: &str| json!({"scoring_rule": {"formula": formula}});
    let own = token_at(&app, "organiser", t.first.0).await;
    let a2 = token_at(&app, "organiser", t.a2.0).await;
    let b1 = token_at(&app, "organiser", t.b1.0).await;
    let per_answer =
        answered_round_with(&app, &own, "2165001001", rule("answer_share"), &[1, 4, 4]).await;
    let overall_item = answered_round_with(
        &app,
        &a2,
        "2165002001",
        rule("overall_item_share"),
        &[1, 1, 4, 1],
    )
    .await;
    let per_respondent =
        answered_round_with(&app, &b1, "2165003001", rule("share_recognised"), &[1, 4]).await;

    let province = token_at(&app, "reviewer", t.province).await;
    let out = comparison(&app, &province, t.province).await;
    let rows = out["counties"].as_array().unwrap();
    // Hand-computed: every answer of a phone is 满意 or 不满意, so each
    // formula gives the share of 满意 phones.
    for (county, round, rate) in [
        (t.first.1, per_answer, 1.0 / 3.0),
        (t.a2.1, overall_item, 0.75),
        (t.b1.1, per_respondent, 0.5),
    ] {
        let row = rows
            .iter()
            .find(|r| r["county_id"] == county)
            .unwrap_or_else(|| panic!("county {county}'s row"));
        let got = row["overall"]["rate"].as_f64().unwrap_or(-1.0);
        assert!((got - rate).abs() < 1e-9, "round {round}: {got} ≠ {rate}");
        assert_row_is_its_report(&app, &province, row, round).await;
    }
}

/// The county-by-county comparison beneath `region`.
async fn comparison(app: &TestApp, token: &str, region: i64) -> Value {
    json_of(
        app.get(token, &format!("/api/regions/{region}/comparison"))
            .await,
        StatusCode::OK,
    )
    .await
}

/// A comparison row says what its county's own report says: rate, n,
/// interval, small-n mark and verdict.
async fn assert_row_is_its_report(app: &TestApp, token: &str, row: &Value, round: i64) {
    let report = json_of(
        app.get(token, &format!("/api/rounds/{round}/report")).await,
        StatusCode::OK,
    )
    .await;
    for k in ["rate", "n", "low", "high", "small_n"] {
        assert_eq!(row["overall"][k], report["overall"][k], "round {round} {k}");
    }
    assert_eq!(
        row["verdict"], report["overall"]["verdict"],
        "round {round}"
    );
    assert_eq!(row["round"]["id"], round);
}

#[tokio::test]
async fn the_county_comparison_ranks_weakest_first_and_equals_each_report() {
    let app = spawn_app().await;
    let t = tree(&app).await;
    let own = token_at(&app, "organiser", t.first.0).await;
    let a2 = token_at(&app, "organiser", t.a2.0).await;
    let r1 = answered_round(&app, &own, "2165001001", 3, 1).await;
    let r2 = answered_round(&app, &a2, "2165002001", 2, 4).await;

    let province = token_at(&app, "reviewer", t.province).await;
    let out = comparison(&app, &province, t.province).await;
    let rows = out["counties"].as_array().unwrap();
    let order: Vec<i64> = rows
        .iter()
        .map(|r| r["county_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        order,
        vec![t.a2.1, t.first.1, t.b1.1],
        "weakest first, no data last"
    );
    // Hand-computed: every answer 满意 → 100%; every answer 不满意 → 0%.
    assert_eq!(rows[0]["overall"]["rate"], 0.0);
    assert_eq!(rows[0]["overall"]["n"], 2);
    assert_eq!(rows[0]["verdict"], "fail");
    assert_eq!(rows[0]["schools_below"], 1);
    assert_eq!(rows[1]["overall"]["rate"], 1.0);
    assert_eq!(rows[1]["overall"]["n"], 3);
    assert_eq!(rows[1]["verdict"], "pass");
    assert_eq!(rows[1]["schools_below"], 0);
    assert_eq!(rows[2]["verdict"], "no_data");
    assert!(rows[2]["round"].is_null());
    let ranks: Vec<i64> = rows.iter().map(|r| r["rank"].as_i64().unwrap()).collect();
    assert_eq!(ranks, vec![1, 2, 3]);
    // The weak school named, the plan's progress, and the counties together.
    assert_eq!(rows[0]["weak_schools"][0]["code"], "2165002001");
    assert_eq!(rows[0]["weak_schools"][0]["rate"]["rate"], 0.0);
    assert_eq!(rows[0]["progress"]["count"], 2);
    assert_eq!(rows[1]["progress"]["count"], 3);
    assert!(rows[2]["progress"].is_null());
    assert_eq!(out["summary"]["counties"], 3);
    assert_eq!(out["summary"]["counties_with_data"], 2);
    assert_eq!(out["summary"]["counties_pass"], 1);
    assert_eq!(out["summary"]["schools"], 2);
    assert_eq!(out["summary"]["schools_below"], 1);
    assert_eq!(out["summary"]["progress"]["count"], 5);
    assert_eq!(out["region_name"], "新疆维吾尔自治区");
    assert!(
        out["method"]
            .as_str()
            .unwrap()
            .contains("不合并计算全区认可率")
    );
    // Each row is the county's own report.
    for (row, round) in [(&rows[0], r2), (&rows[1], r1)] {
        assert_row_is_its_report(&app, &province, row, round).await;
    }
    // The same comparison as a workbook: 汇总 and one sheet per county with
    // a round, weakest first; the download is in the audit log.
    let resp = app
        .get(
            &province,
            &format!("/api/regions/{}/comparison.xlsx", t.province),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap();
    {
        use calamine::{Data, Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        assert_eq!(book.sheet_names(), vec!["汇总", "1 吉木萨尔县", "2 奇台县"]);
        let summary = book.worksheet_range("汇总").unwrap();
        let row = |name: &str| {
            summary
                .rows()
                .find(|r| r.get(1) == Some(&Data::String(name.into())))
                .unwrap_or_else(|| panic!("{name}'s row"))
                .to_vec()
        };
        // 排名, 县, 代码, then the rate.
        assert!(
            matches!(row("吉木萨尔县")[0], Data::Int(1))
                || row("吉木萨尔县")[0] == Data::Float(1.0),
            "rank 1"
        );
        assert_eq!(row("吉木萨尔县")[3], Data::Float(0.0));
        assert_eq!(row("奇台县")[3], Data::Float(1.0));
        assert!(
            row("伊宁市")
                .iter()
                .any(|c| c == &Data::String("无已开启的轮次".into())),
            "the county without a round is listed"
        );
        let weak = book.worksheet_range("1 吉木萨尔县").unwrap();
        assert!(
            weak.rows()
                .any(|r| r.first() == Some(&Data::String("2165002001".into()))),
            "the school below 85% is on its county's sheet"
        );
    }
    let admin = app.admin_token().await;
    let audit = json_of(app.get(&admin, "/api/audit").await, StatusCode::OK).await;
    assert!(
        audit
            .to_string()
            .contains(&format!("region:{}", t.province)),
        "{audit}"
    );

    // A prefecture reviewer compares its own counties, not the province.
    let pref = token_at(&app, "reviewer", t.pref_a).await;
    let resp = app
        .get(&pref, &format!("/api/regions/{}/comparison", t.province))
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = app
        .get(&pref, &format!("/api/regions/{}/comparison", t.pref_b))
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = app
        .get(&pref, &format!("/api/regions/{}/comparison.xlsx", t.pref_b))
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let out = json_of(
        app.get(&pref, &format!("/api/regions/{}/comparison", t.pref_a))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(out["counties"].as_array().unwrap().len(), 2);
    // One purpose only: no county has a provincial round.
    let out = json_of(
        app.get(
            &province,
            &format!("/api/regions/{}/comparison?purpose=provincial", t.province),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        out["counties"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["verdict"] == "no_data")
    );
}
