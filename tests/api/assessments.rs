//! Assessments run from above (#18): a province's assessment over three
//! counties, each county's part an ordinary round; the county reads its
//! part and changes nothing; the comparison equals every county's own
//! report, and the region's summary is computed by hand.

use crate::helpers::*;
use crate::regions::{Tree, token_at, tree};
use crate::reports::link_token;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn assessment_body(name: &str, purpose: &str, counties: &[i64]) -> Value {
    let now = chrono::Utc::now();
    json!({
        "name": name,
        "purpose": purpose,
        "opens_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
        "closes_at": (now + chrono::Duration::days(5)).to_rfc3339(),
        "groups": ["parent", "deputy"],
        "min_answer_seconds": 0,
        "county_ids": counties,
    })
}

/// Schools for a county (codes `<prefix>01…`), imported by its organiser.
async fn schools(app: &TestApp, token: &str, prefix: &str, n: usize) {
    let mut csv = String::from("学校标识码,学校名称,学校类型,所在地,小学在校生数\n");
    for i in 1..=n {
        csv.push_str(&format!("{prefix}{i:02},{prefix}第{i}小学,小学,城区,400\n"));
    }
    json_of(
        app.import_schools(token, csv.into_bytes()).await,
        StatusCode::OK,
    )
    .await;
}

async fn links(app: &TestApp, token: &str, round: i64) -> Vec<Value> {
    let l = json_of(
        app.get(token, &format!("/api/rounds/{round}/links")).await,
        StatusCode::OK,
    )
    .await;
    l["links"].as_array().unwrap().clone()
}

/// Opens an assessment's parts, all at once, through one of them.
async fn open_all_parts(app: &TestApp, token: &str, part: i64) {
    json_of(
        app.post(token, &format!("/api/rounds/{part}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
}

/// An assessment's county-by-county comparison, as `token` reads it.
async fn comparison(app: &TestApp, token: &str, assessment: i64) -> Value {
    json_of(
        app.get(token, &format!("/api/assessments/{assessment}/comparison"))
            .await,
        StatusCode::OK,
    )
    .await
}

/// `n` responses through a link, every item answered with `option`
/// (1 满意: recognised, share 1; 4 不满意: share 0).
async fn answer(app: &TestApp, link: &str, n: usize, option: u64) {
    let q = app.questionnaire(link).await;
    for _ in 0..n {
        let body = answers_for(&q, |_, _| option);
        json_of(app.submit(link, &body).await, StatusCode::CREATED).await;
    }
}

struct Setup {
    app: TestApp,
    t: Tree,
    province_org: String,
    assessment: i64,
    /// The parts: (county id, round id) for the first county, a2, b1.
    parts: [(i64, i64); 3],
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let t = tree(&app).await;
    let admin = app.admin_token().await;
    for ((_, county), name, code, population) in [
        (t.first, "奇台县", "652325", 250_000),
        (t.a2, "吉木萨尔县", "652327", 100_000),
        (t.b1, "伊宁市", "654002", 300_000),
    ] {
        json_of(
            app.put(
                &admin,
                &format!("/api/county?county_id={county}"),
                json!({"name": name, "admin_code": code, "resident_population": population}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    for (node, prefix, n) in [
        (t.first.0, "21650010", 2),
        (t.a2.0, "21650020", 1),
        (t.b1.0, "21650030", 1),
    ] {
        let org = token_at(&app, "organiser", node).await;
        schools(&app, &org, prefix, n).await;
    }
    let province_org = token_at(&app, "organiser", t.province).await;
    let created = json_of(
        app.post(
            &province_org,
            "/api/assessments",
            assessment_body("2026年省级评估", "provincial", &[t.b1.1, t.first.1, t.a2.1]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(created["editable"], true);
    assert_eq!(created["region_id"], t.province);
    let parts = created["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 3, "{created}");
    let part = |county: i64| {
        parts
            .iter()
            .find(|p| p["county_id"] == county)
            .map(|p| p["round"]["id"].as_i64().unwrap())
            .unwrap()
    };
    let parts = [
        (t.first.1, part(t.first.1)),
        (t.a2.1, part(t.a2.1)),
        (t.b1.1, part(t.b1.1)),
    ];
    Setup {
        assessment: created["id"].as_i64().unwrap(),
        app,
        t,
        province_org,
        parts,
    }
}

#[tokio::test]
async fn a_provincial_assessment_makes_each_countys_links_and_compares_them() {
    let Setup {
        app,
        t,
        province_org,
        assessment,
        parts,
    } = setup().await;
    let [(_, own_part), (_, a2_part), (_, b1_part)] = parts;

    // Each county's part has links for its own schools (parents) and one
    // county-level link (deputies).
    for ((county, round), schools_n) in parts.iter().zip([2, 1, 1]) {
        let l = links(&app, &province_org, *round).await;
        assert_eq!(l.len(), schools_n + 1, "county {county}");
        let r = json_of(
            app.get(&province_org, &format!("/api/rounds/{round}"))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(r["county_id"], *county);
        assert_eq!(r["assessment_id"], assessment);
        assert_eq!(r["purpose"], "provincial");
        let ids = r["school_ids"].as_array().unwrap().clone();
        for link in l.iter().filter(|l| l["group"] == "parent") {
            assert!(
                ids.contains(&link["school_id"]),
                "a school of county {county}"
            );
        }
    }

    // Shared settings changed from above apply to every part: the window,
    // a questionnaire, the opening.
    let mut body = json_of(
        app.get(&province_org, &format!("/api/rounds/{a2_part}"))
            .await,
        StatusCode::OK,
    )
    .await;
    let closes = (chrono::Utc::now() + chrono::Duration::days(6)).to_rfc3339();
    body["closes_at"] = json!(closes);
    body.as_object_mut().unwrap().remove("school_ids");
    json_of(
        app.put(&province_org, &format!("/api/rounds/{a2_part}"), body)
            .await,
        StatusCode::OK,
    )
    .await;
    let mut q = json_of(
        app.get(
            &province_org,
            &format!("/api/rounds/{b1_part}/questionnaires/parent"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    q["title"] = json!("省级评估家长问卷");
    json_of(
        app.put(
            &province_org,
            &format!("/api/rounds/{b1_part}/questionnaires/parent"),
            q,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    open_all_parts(&app, &province_org, own_part).await;
    let mut closing = Vec::new();
    for (_, round) in parts {
        let r = json_of(
            app.get(&province_org, &format!("/api/rounds/{round}"))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(r["status"], "open", "round {round} opened with the others");
        closing.push(r["closes_at"].clone());
        let q = json_of(
            app.get(
                &province_org,
                &format!("/api/rounds/{round}/questionnaires/parent"),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(q["title"], "省级评估家长问卷", "round {round}");
    }
    assert!(closing.iter().all(|c| *c == closing[0]), "{closing:?}");
    let closes_at = chrono::DateTime::parse_from_rfc3339(closing[0].as_str().unwrap()).unwrap();
    let wanted = chrono::DateTime::parse_from_rfc3339(&closes).unwrap();
    assert!((closes_at - wanted).num_seconds().abs() < 2);

    // Submissions per county (every answer 满意 counts 1, 不满意 0):
    // 奇台县: school 1 three 1s, school 2 two 0s → 3/5 = 0.6;
    // 吉木萨尔县: seven 1s and one 0 → 7/8 = 0.875;
    // 伊宁市: a parent 1, a deputy 0 → 1/2 = 0.5.
    let own_links = links(&app, &province_org, own_part).await;
    let own_schools: Vec<i64> = own_links
        .iter()
        .filter_map(|l| l["school_id"].as_i64())
        .collect();
    let mut own_schools = own_schools;
    own_schools.sort();
    answer(
        &app,
        &link_token(&own_links, "parent", Some(own_schools[0])),
        3,
        1,
    )
    .await;
    answer(
        &app,
        &link_token(&own_links, "parent", Some(own_schools[1])),
        2,
        4,
    )
    .await;
    let a2_links = links(&app, &province_org, a2_part).await;
    let a2_parent = a2_links.iter().find(|l| l["group"] == "parent").unwrap();
    let a2_parent = a2_parent["token"].as_str().unwrap().to_string();
    answer(&app, &a2_parent, 7, 1).await;
    answer(&app, &a2_parent, 1, 4).await;
    let b1_links = links(&app, &province_org, b1_part).await;
    let b1_parent = b1_links.iter().find(|l| l["group"] == "parent").unwrap();
    answer(&app, b1_parent["token"].as_str().unwrap(), 1, 1).await;
    answer(&app, &link_token(&b1_links, "deputy", None), 1, 4).await;

    let reviewer = token_at(&app, "reviewer", t.province).await;
    let c = comparison(&app, &reviewer, assessment).await;
    let rows = c["counties"].as_array().unwrap();
    let order: Vec<i64> = rows
        .iter()
        .map(|r| r["county_id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![t.b1.1, t.first.1, t.a2.1], "weakest first");
    let ranks: Vec<i64> = rows.iter().map(|r| r["rank"].as_i64().unwrap()).collect();
    assert_eq!(ranks, vec![1, 2, 3]);
    for (row, (rate, n, verdict)) in
        rows.iter()
            .zip([(0.5, 2, "fail"), (0.6, 5, "fail"), (0.875, 8, "pass")])
    {
        assert!(
            (row["overall"]["rate"].as_f64().unwrap() - rate).abs() < 1e-9,
            "{row}"
        );
        assert_eq!(row["overall"]["n"], n);
        assert_eq!(row["verdict"], verdict);
    }
    // Each row is the county's own report and sampling progress.
    for row in rows {
        let round = row["round"]["id"].as_i64().unwrap();
        let report = json_of(
            app.get(&reviewer, &format!("/api/rounds/{round}/report"))
                .await,
            StatusCode::OK,
        )
        .await;
        for k in ["rate", "n", "low", "high", "small_n"] {
            assert_eq!(row["overall"][k], report["overall"][k], "round {round} {k}");
        }
        assert_eq!(row["verdict"], report["overall"]["verdict"]);
        assert_eq!(row["valid"], report["totals"]["valid"]);
        let below: Vec<&Value> = report["schools"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["rate"].as_f64().is_some_and(|r| r < 0.85))
            .collect();
        assert_eq!(row["schools_below"].as_array().unwrap().len(), below.len());
        let sampling = json_of(
            app.get(&reviewer, &format!("/api/rounds/{round}/sampling"))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(row["progress"], sampling["total"], "round {round}");
    }
    assert_eq!(rows[1]["schools_below"][0]["school_id"], own_schools[1]);
    assert_eq!(rows[1]["schools_below"][0]["rate"]["rate"], 0.0);
    // The region: every valid response once, (3 + 7 + 1) / (5 + 8 + 2) =
    // 11/15, not the mean of the three county rates (0.658…).
    let s = &c["summary"];
    assert!(
        (s["overall"]["rate"].as_f64().unwrap() - 11.0 / 15.0).abs() < 1e-9,
        "{s}"
    );
    assert_eq!(s["overall"]["n"], 15);
    assert_eq!(s["valid"], 15);
    assert_eq!(s["verdict"], "fail");
    assert_eq!(s["counties"], 3);
    assert_eq!(s["counties_pass"], 1);
    assert_eq!(s["schools"], 4);
    assert_eq!(s["schools_below"], 1);
    assert_eq!(s["progress"]["count"], 15);
    let planned: i64 = rows
        .iter()
        .map(|r| r["progress"]["quota"].as_i64().unwrap())
        .sum();
    assert_eq!(s["progress"]["quota"], planned);

    // The workbook: a summary sheet and one sheet per county, weakest first.
    let resp = app
        .get(
            &reviewer,
            &format!("/api/assessments/{assessment}/comparison.xlsx"),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap();
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["汇总", "1 伊宁市", "2 奇台县", "3 吉木萨尔县"]
    );
    let summary = book.worksheet_range("汇总").unwrap();
    let region_row = summary
        .rows()
        .find(|r| r.first() == Some(&Data::String("新疆维吾尔自治区".into())))
        .expect("the region's row");
    match region_row[3] {
        Data::Float(x) => assert!((x - 11.0 / 15.0).abs() < 1e-9, "{x}"),
        ref other => panic!("the region's rate: {other:?}"),
    }
    let county = book.worksheet_range("2 奇台县").unwrap();
    assert!(
        county
            .rows()
            .any(|r| r.get(1) == Some(&Data::String("21650010第2小学".into()))),
        "the school below 85% is listed"
    );

    // A prefecture reviewer reads its two counties; the summary is theirs:
    // (3 + 7) / (5 + 8).
    let pref_a = token_at(&app, "reviewer", t.pref_a).await;
    let c = comparison(&app, &pref_a, assessment).await;
    assert_eq!(c["counties"].as_array().unwrap().len(), 2);
    assert!((c["summary"]["overall"]["rate"].as_f64().unwrap() - 10.0 / 13.0).abs() < 1e-9);
    assert_eq!(
        app.get(&pref_a, &format!("/api/rounds/{b1_part}/report"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let pref_b = token_at(&app, "reviewer", t.pref_b).await;
    let c = comparison(&app, &pref_b, assessment).await;
    let only: Vec<i64> = c["counties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["county_id"].as_i64().unwrap())
        .collect();
    assert_eq!(only, vec![t.b1.1]);
}

#[tokio::test]
async fn a_county_reads_its_part_and_changes_nothing_of_it() {
    let Setup {
        app,
        t,
        province_org,
        assessment,
        parts,
    } = setup().await;
    let [(_, own_part), (_, a2_part), _] = parts;
    let own = token_at(&app, "organiser", t.first.0).await;

    // Its part: readable, with links, QR codes and posters.
    let a = json_of(
        app.get(&own, &format!("/api/assessments/{assessment}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(a["editable"], false);
    assert_eq!(a["parts"].as_array().unwrap().len(), 1);
    assert_eq!(a["parts"][0]["round"]["id"], own_part);
    let l = links(&app, &own, own_part).await;
    for path in [
        format!("/api/rounds/{own_part}"),
        format!("/api/rounds/{own_part}/posters"),
        format!("/api/rounds/{own_part}/qr.zip"),
        format!("/api/rounds/{own_part}/links/{}/qr.png", l[0]["id"]),
        format!("/api/rounds/{own_part}/report"),
        format!("/api/rounds/{own_part}/sampling"),
        format!("/api/rounds/{own_part}/timeline"),
        format!("/api/assessments/{assessment}/comparison"),
    ] {
        assert_eq!(
            app.get(&own, &path).await.status(),
            StatusCode::OK,
            "{path}"
        );
    }
    // No write on it: 403 with a Chinese reason naming who runs it.
    let body = json_of(
        app.get(&own, &format!("/api/rounds/{own_part}")).await,
        StatusCode::OK,
    )
    .await;
    let resp = app
        .put(&own, &format!("/api/rounds/{own_part}"), body.clone())
        .await;
    let refused = json_of(resp, StatusCode::FORBIDDEN).await;
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("新疆维吾尔自治区") && message.contains("2026年省级评估"),
        "{message}"
    );
    for resp in [
        app.post(&own, &format!("/api/rounds/{own_part}/open"), json!({}))
            .await,
        app.delete(&own, &format!("/api/rounds/{own_part}")).await,
        app.patch(
            &own,
            &format!("/api/rounds/{own_part}/links/{}", l[0]["id"]),
            json!({"enabled": false}),
        )
        .await,
        app.put(
            &own,
            &format!("/api/rounds/{own_part}/sampling/quotas"),
            json!({"quotas": [{"group": "parent", "quota": 10}]}),
        )
        .await,
    ] {
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    }
    // Nor may the prefecture between the county and the province.
    let pref_org = token_at(&app, "organiser", t.pref_a).await;
    let resp = app
        .post(
            &pref_org,
            &format!("/api/rounds/{own_part}/open"),
            json!({}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // Another county's part: as unknown as a missing round.
    for resp in [
        app.get(&own, &format!("/api/rounds/{a2_part}")).await,
        app.get(&own, &format!("/api/rounds/{a2_part}/links")).await,
        app.post(&own, &format!("/api/rounds/{a2_part}/open"), json!({}))
            .await,
    ] {
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    }
    // A county creates no assessment; its own rounds stay its own.
    let resp = app
        .post(
            &own,
            "/api/assessments",
            assessment_body("x", "provincial", &[t.first.1]),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let mine = app.create_round(&own, &["parent"], json!({})).await;
    assert!(mine["assessment_id"].is_null());
    let mut body = mine.clone();
    body["name"] = json!("县级自评（改）");
    json_of(
        app.put(&own, &format!("/api/rounds/{}", mine["id"]), body)
            .await,
        StatusCode::OK,
    )
    .await;
    // The province still changes the part; the county sees the change.
    let resp = app
        .patch(
            &province_org,
            &format!("/api/rounds/{own_part}/links/{}", l[0]["id"]),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let l = links(&app, &own, own_part).await;
    assert_eq!(l[0]["enabled"], false);

    // A prefecture's own review over its counties; not over another's.
    let created = json_of(
        app.post(
            &pref_org,
            "/api/assessments",
            assessment_body("2026年州级复核", "prefecture_review", &[t.first.1, t.a2.1]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let review = created["id"].as_i64().unwrap();
    let resp = app
        .post(
            &pref_org,
            "/api/assessments",
            assessment_body("越界", "prefecture_review", &[t.b1.1]),
        )
        .await;
    let refused = json_of(resp, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused["field"], "county_ids");
    let resp = app
        .post(
            &pref_org,
            "/api/assessments",
            assessment_body("自评", "self_assessment", &[t.a2.1]),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The sibling prefecture knows nothing of it.
    let pref_b = token_at(&app, "reviewer", t.pref_b).await;
    for path in [
        format!("/api/assessments/{review}"),
        format!("/api/assessments/{review}/comparison"),
        format!("/api/assessments/{review}/comparison.xlsx"),
    ] {
        assert_eq!(
            app.get(&pref_b, &path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let list = json_of(app.get(&pref_b, "/api/assessments").await, StatusCode::OK).await;
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![assessment]);
    // Creating writes one audit entry, in the same transaction.
    let admin = app.admin_token().await;
    let audit = json_of(app.get(&admin, "/api/audit").await, StatusCode::OK).await;
    let text = audit.to_string();
    assert!(text.contains("assessment.create") && text.contains(&format!("assessment:{review}")));
}

/// Under a per-answer formula a comparison still reads the option counts
/// the rates come from: each county's row is its own report, and the
/// region's summary pools every answer of both counties.
#[tokio::test]
async fn an_assessment_under_a_per_answer_formula_compares_and_pools_answers() {
    let app = spawn_app().await;
    let t = tree(&app).await;
    for (node, prefix) in [(t.first.0, "21650010"), (t.a2.0, "21650020")] {
        let org = token_at(&app, "organiser", node).await;
        schools(&app, &org, prefix, 1).await;
    }
    let province_org = token_at(&app, "organiser", t.province).await;
    let mut body = assessment_body("按答案计的省级评估", "provincial", &[t.first.1, t.a2.1]);
    body["scoring_rule"] = json!({"formula": "answer_share"});
    let created = json_of(
        app.post(&province_org, "/api/assessments", body).await,
        StatusCode::OK,
    )
    .await;
    let assessment = created["id"].as_i64().unwrap();
    let part = |county: i64| {
        created["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["county_id"] == county)
            .and_then(|p| p["round"]["id"].as_i64())
            .unwrap()
    };
    let (own_part, a2_part) = (part(t.first.1), part(t.a2.1));
    open_all_parts(&app, &province_org, own_part).await;
    // Parents only, every item of a phone answered alike, so the share of
    // answers is the share of 满意 phones: 奇台县 1 of 4, 吉木萨尔县 3 of 4;
    // the region 4 of 8.
    for (round, satisfied, not) in [(own_part, 1, 3), (a2_part, 3, 1)] {
        let l = links(&app, &province_org, round).await;
        let parent = l.iter().find(|l| l["group"] == "parent").unwrap();
        let token = parent["token"].as_str().unwrap();
        answer(&app, token, satisfied, 1).await;
        answer(&app, token, not, 4).await;
    }
    let reviewer = token_at(&app, "reviewer", t.province).await;
    let c = comparison(&app, &reviewer, assessment).await;
    let rows = c["counties"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{c}");
    for (row, (round, rate)) in rows.iter().zip([(own_part, 0.25), (a2_part, 0.75)]) {
        assert_eq!(row["round"]["id"], round, "weakest first");
        let got = row["overall"]["rate"].as_f64().unwrap_or(-1.0);
        assert!((got - rate).abs() < 1e-9, "round {round}: {got}");
        let report = json_of(
            app.get(&reviewer, &format!("/api/rounds/{round}/report"))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(report["rule"]["scoring_rule"]["formula"], "answer_share");
        for k in ["rate", "n", "low", "high", "small_n"] {
            assert_eq!(row["overall"][k], report["overall"][k], "round {round} {k}");
        }
    }
    let region = c["summary"]["overall"]["rate"].as_f64().unwrap_or(-1.0);
    assert!((region - 0.5).abs() < 1e-9, "{}", c["summary"]);
    assert_eq!(c["summary"]["valid"], 8);
}
