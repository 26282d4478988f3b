//! The sampling plan against the people a county has: caps on principals,
//! teachers, deputies and CPPCC members with the rest redistributed, the
//! optional small-county floor, the valid share, and targets by grade band
//! and location.

use super::*;

/// Three schools: a 小学 in town (600 pupils, 30 teachers), a 初中 in the
/// city (300, 25) and a 九年一贯制 in a village (200 + 100, 35).
async fn three_schools(app: &TestApp, token: &str) -> Vec<i64> {
    let csv = "学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n\
               2165000001,镇中心小学,小学,镇区,600,0,30\n\
               2165000002,城关初中,初中,城区,0,300,25\n\
               2165000003,乡九年一贯制学校,九年一贯制,乡村,200,100,35\n";
    json_of(
        app.import_schools(token, csv.as_bytes().to_vec()).await,
        StatusCode::OK,
    )
    .await;
    let list = json_of(app.get(token, "/api/schools").await, StatusCode::OK).await;
    let mut ids: Vec<(String, i64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["code"].as_str().unwrap().to_string(),
                s["id"].as_i64().unwrap(),
            )
        })
        .collect();
    ids.sort();
    ids.into_iter().map(|(_, id)| id).collect()
}

fn targets(plan: &Value) -> Vec<(String, i64)> {
    plan["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["group"].as_str().unwrap().to_string(),
                g["quota"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(g, n)| (g.to_string(), *n)).collect()
}

#[tokio::test]
async fn a_small_county_plans_600_and_never_asks_for_more_people_than_it_has() {
    let app = spawn_app().await;
    let token = app.token_for("organiser").await;
    let schools = three_schools(&app, &token).await;
    let county = json!({"name": "小县", "admin_code": "652325", "resident_population": 100000,
                        "deputies": 80, "small_county_floor": true});
    let c = json_of(app.put(&token, "/api/county", county).await, StatusCode::OK).await;
    assert_eq!(
        (c["deputies"].as_i64(), c["small_county_floor"].as_bool()),
        (Some(80), Some(true))
    );
    assert!(c["cppcc_members"].is_null());
    let groups = ["parent", "teacher", "principal", "deputy", "cppcc_member"];
    let (round, links) = open(&app, &token, &groups, json!({"min_answer_seconds": 30})).await;
    let path = format!("/api/rounds/{round}/sampling");
    let plan = json_of(app.get(&token, &path).await, StatusCode::OK).await;

    // 1.5‰ of 100,000 is 150; the floor raises the plan to 600: 300 parents;
    // 300 over four is 75, but there are 3 principals; 297 over three is 99,
    // above the 90 teachers and 80 deputies; CPPCC members (number not
    // entered, no cap) take the last 127.
    assert_eq!(plan["national_minimum"], 150);
    assert_eq!(
        (
            plan["planned_total"].as_i64(),
            plan["floor_applied"].as_bool()
        ),
        (Some(600), Some(true))
    );
    assert_eq!(
        targets(&plan),
        pairs(&[
            ("parent", 300),
            ("teacher", 90),
            ("principal", 3),
            ("deputy", 80),
            ("cppcc_member", 127)
        ])
    );
    let g = |code: &str| find(&plan["groups"], "group", code).clone();
    assert_eq!(
        (
            g("principal")["cap"].as_i64(),
            g("principal")["capped"].as_bool()
        ),
        (Some(3), Some(true))
    );
    assert_eq!(
        (
            g("teacher")["cap"].as_i64(),
            g("teacher")["capped"].as_bool()
        ),
        (Some(90), Some(true))
    );
    assert_eq!(
        (g("deputy")["cap"].as_i64(), g("deputy")["capped"].as_bool()),
        (Some(80), Some(true))
    );
    assert!(g("cppcc_member")["cap"].is_null());
    assert!(
        g("cppcc_member")["cap_note"]
            .as_str()
            .unwrap()
            .contains("政协委员")
    );
    assert!(plan["notes"].to_string().contains("未填写政协委员人数"));
    // One principal per school; teachers by each school's teachers.
    let school = |id: i64, group: &str| -> i64 {
        plan["schools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["school_id"] == id && s["group"] == group)
            .unwrap()["quota"]
            .as_i64()
            .unwrap()
    };
    let per = |group: &str| {
        schools
            .iter()
            .map(|id| school(*id, group))
            .collect::<Vec<_>>()
    };
    assert_eq!(per("principal"), vec![1, 1, 1]);
    assert_eq!(per("teacher"), vec![30, 25, 35]);
    assert_eq!(per("parent"), vec![150, 75, 75]);
    // School-bound targets 300 + 90 + 3 = 393 over 小学 800 : 初中 400 → 262, 131;
    // all 600 over 城区 300 : 镇区 600 : 乡村 300 → 150, 300, 150.
    let bands = &plan["bands"];
    assert_eq!(find(bands, "key", "primary")["quota"], 262);
    assert_eq!(find(bands, "key", "junior")["quota"], 131);
    assert_eq!(find(bands, "key", "primary")["enrolment"], 800);
    let places = &plan["location_targets"];
    assert_eq!(find(places, "key", "urban")["quota"], 150);
    assert_eq!(find(places, "key", "town")["quota"], 300);
    assert_eq!(find(places, "key", "rural")["quota"], 150);
    let carried = plan["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"].as_str().unwrap().contains("600"))
        .unwrap();
    assert_eq!(
        (carried["status"].as_str(), carried["applied"].as_bool()),
        (Some("carried_over"), Some(true))
    );

    // Without the floor: 75 parents; 75 over four is 19; 3 principals leave 72, 24 each.
    let county = json!({"name": "小县", "admin_code": "652325", "resident_population": 100000,
                        "deputies": 80});
    json_of(app.put(&token, "/api/county", county).await, StatusCode::OK).await;
    let plan = json_of(app.get(&token, &path).await, StatusCode::OK).await;
    assert_eq!(
        (
            plan["planned_total"].as_i64(),
            plan["floor_applied"].as_bool()
        ),
        (Some(150), Some(false))
    );
    assert_eq!(
        targets(&plan),
        pairs(&[
            ("parent", 75),
            ("teacher", 24),
            ("principal", 3),
            ("deputy", 24),
            ("cppcc_member", 24)
        ])
    );
    assert!(
        plan["notes"].to_string().contains("600份"),
        "{}",
        plan["notes"]
    );

    // Progress by band and location, and the valid share.
    let submit = |link: String, ms: i64| {
        let app = &app;
        async move {
            let q = app.questionnaire(&link).await;
            let mut body = answers_for(&q, |_, _| 1);
            body["duration_ms"] = json!(ms);
            json_of(app.submit(&link, &body).await, StatusCode::CREATED).await;
        }
    };
    let town = link_token(&links, "parent", Some(schools[0]));
    submit(town.clone(), 90_000).await;
    submit(town.clone(), 90_000).await;
    submit(town, 1_000).await; // too fast
    let plan = json_of(app.get(&token, &path).await, StatusCode::OK).await;
    let v = &plan["valid_share"];
    assert_eq!(
        (v["valid"].as_u64(), v["all"].as_u64(), v["below"].as_bool()),
        (Some(2), Some(3), Some(true))
    );
    near(&v["share"], 2.0 / 3.0);
    near(&v["minimum"], 0.7);
    assert!(v["warning"].as_str().unwrap().contains("66.7%"));
    let village = link_token(&links, "parent", Some(schools[2]));
    submit(village.clone(), 90_000).await;
    submit(village, 90_000).await;
    let plan = json_of(app.get(&token, &path).await, StatusCode::OK).await;
    let v = &plan["valid_share"];
    assert_eq!(
        (v["valid"].as_u64(), v["all"].as_u64(), v["below"].as_bool()),
        (Some(4), Some(5), Some(false))
    );
    assert!(v["warning"].is_null());
    // The 九年一贯制 school's 2 split 200:100 → 1.33 and 0.67 → 1 and 1.
    assert_eq!(find(&plan["bands"], "key", "primary")["count"], 3);
    assert_eq!(find(&plan["bands"], "key", "junior")["count"], 1);
    assert_eq!(find(&plan["location_targets"], "key", "town")["count"], 2);
    assert_eq!(find(&plan["location_targets"], "key", "rural")["count"], 2);
    assert_eq!(find(&plan["location_targets"], "key", "urban")["count"], 0);
}

#[tokio::test]
async fn a_county_of_a_million_gets_no_more_principals_than_schools() {
    let app = spawn_app().await;
    let token = app.token_for("organiser").await;
    app.seed_schools(&token, 3).await; // 21 + 22 + 23 teachers
    let county = json!({"name": "大县", "admin_code": "652325", "resident_population": 1000000});
    json_of(app.put(&token, "/api/county", county).await, StatusCode::OK).await;
    let all = [
        "student",
        "parent",
        "teacher",
        "principal",
        "deputy",
        "cppcc_member",
        "citizen",
    ];
    let (round, _) = open(&app, &token, &all, json!({})).await;
    let plan = json_of(
        app.get(&token, &format!("/api/rounds/{round}/sampling"))
            .await,
        StatusCode::OK,
    )
    .await;
    // 1500: 750 parents; 750 over six would be 125 principals. 3 schools →
    // 3; 747 over five is 150, above the 66 teachers; 681 over four → 171.
    assert_eq!(plan["planned_total"], 1500);
    assert_eq!(
        targets(&plan),
        pairs(&[
            ("student", 171),
            ("parent", 750),
            ("teacher", 66),
            ("principal", 3),
            ("deputy", 171),
            ("cppcc_member", 171),
            ("citizen", 171),
        ])
    );
    let principal = find(&plan["groups"], "group", "principal");
    assert_eq!(
        (principal["cap"].as_i64(), principal["capped"].as_bool()),
        (Some(3), Some(true))
    );
    // Deputies' and CPPCC members' numbers were not entered: no cap, and the plan says so.
    let deputy = find(&plan["groups"], "group", "deputy");
    assert!(deputy["cap"].is_null() && deputy["capped"] == false);
    assert!(deputy["cap_note"].as_str().unwrap().contains("人大代表"));
    // A number of people must be at least 1.
    let bad = json!({"name": "大县", "admin_code": "652325", "resident_population": 1000000,
                     "cppcc_members": 0});
    let e = json_of(
        app.put(&token, "/api/county", bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "cppcc_members");
}

#[tokio::test]
async fn crafted_people_counts_are_refused_and_keep_the_stored_profile() {
    let app = spawn_app().await;
    let token = app.token_for("organiser").await;
    let good = json!({"name": "小县", "admin_code": "652325", "resident_population": 100000,
                      "deputies": 80, "cppcc_members": 60});
    json_of(app.put(&token, "/api/county", good).await, StatusCode::OK).await;
    for (field, value) in [
        ("deputies", json!(-1)),
        ("deputies", json!(0)),
        ("cppcc_members", json!(100_001)),
        ("cppcc_members", json!(4_294_967_297_i64)),
    ] {
        let mut bad = json!({"name": "小县", "admin_code": "652325",
                             "resident_population": 100000});
        bad[field] = value.clone();
        let e = json_of(
            app.put(&token, "/api/county", bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(e["field"], field, "{value}");
        assert!(e["message"].as_str().unwrap().contains("须在1到100000之间"));
    }
    let c = json_of(app.get(&token, "/api/county").await, StatusCode::OK).await;
    assert_eq!(
        (c["deputies"].as_i64(), c["cppcc_members"].as_i64()),
        (Some(80), Some(60))
    );
}
