//! Inspection readiness, 政府保障程度 and 教育质量: the computed indicators
//! from imported school facts, entered items judged against their
//! thresholds, evidence files (type by bytes, size limit, nothing stored on
//! a refusal, download, audit), the overview of the four first-level
//! indicators and the printable A4 summary.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SCHOOLS: &str = "学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n\
    2165000001,城关一小,小学,城区,500,0,30\n\
    2165000002,城关二小,小学,城区,200,0,12\n\
    2165000003,河坝学校,九年一贯制,乡村,300,200,35\n\
    2165000004,城关三小,小学,城区,2100,0,90\n";

const FACTS_HEADER: &str = "学校标识码,学校名称,小学班级数,小学最大班额,初中班级数,初中最大班额,音乐专用教室数,音乐专用教室最小面积（平方米）,美术专用教室数,美术专用教室最小面积（平方米）,三年前初一入学人数,转入人数,转出人数,初三在校生数";

fn good_facts() -> String {
    format!(
        "{FACTS_HEADER}\n\
         2165000001,城关一小,12,46,,,1,96,1,85,,,,\n\
         2165000002,城关二小,6,40,,,1,100,1,90,,,,\n\
         2165000003,河坝学校,8,40,4,50,1,96,1,90,210,0,10,190\n\
         2165000004,城关三小,48,45,,,4,96,4,90,,,,\n"
    )
}

async fn county(app: &TestApp, token: &str) {
    json_of(
        app.put(
            token,
            "/api/county",
            json!({"name": "示例县", "admin_code": "652325", "resident_population": 250000}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.import_schools(token, SCHOOLS.as_bytes().to_vec()).await,
        StatusCode::OK,
    )
    .await;
}

async fn send(app: &TestApp, token: &str, path: &str, body: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .expect("request")
}

fn line<'a>(c: &'a Value, key: &str) -> &'a Value {
    c["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("no item {key}: {c}"))
}

async fn checklist(app: &TestApp, token: &str) -> Value {
    json_of(
        app.get(token, "/api/readiness/years/2025-2026/checklist")
            .await,
        StatusCode::OK,
    )
    .await
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    let admin = app.admin_token().await;
    let log = json_of(
        app.get(&admin, "/api/audit?limit=200").await,
        StatusCode::OK,
    )
    .await;
    log.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or("").to_string(),
                e["detail"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn computed_indicators_come_from_the_schools_facts_and_entries_are_judged() {
    let app = spawn_app().await;
    let org = app.token_for("organiser").await;
    county(&app, &org).await;
    let path = "/api/readiness/years/2025-2026/facts/import";

    // A bad file: every bad row named, nothing stored.
    let bad = format!(
        "{FACTS_HEADER}\n\
         2165000001,城关一小,12,46,,,1,0,0,0,,,,\n\
         2165009999,不存在,1,1,,,,,,,,,,\n\
         2165000002,城关二小,x,,,,,,,,,,,\n\
         2165000004,城关三小,10,40,3,40,,,,,,,,\n"
    );
    let body = json_of(
        send(&app, &org, path, bad.into_bytes()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let details: Vec<&str> = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(details.len(), 4, "{details:?}");
    assert!(details[0].starts_with("第2行（城关一小）") && details[0].contains("最小一间的面积"));
    assert!(details[1].starts_with("第3行") && details[1].contains("不在学校名单中"));
    assert!(details[2].starts_with("第4行") && details[2].contains("小学班级数"));
    assert!(details[3].starts_with("第5行（城关三小）") && details[3].contains("没有初中学段"));
    let facts = json_of(
        app.get(&org, "/api/readiness/years/2025-2026/facts").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(facts, json!([]));

    // The good file, in GB18030 as Excel saves it.
    let text = good_facts();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    let out = json_of(
        send(&app, &org, path, gbk.into_owned()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(out, json!({"created": 4, "updated": 0}));

    let reviewer = app.token_for("reviewer").await;
    let c = checklist(&app, &reviewer).await;
    assert_eq!(c["items"].as_array().unwrap().len(), 28);
    // School size: 城关三小 2100 > 2000.
    let g4 = line(&c, "g4");
    assert_eq!(g4["status"], "unmet");
    assert_eq!(g4["computed"], true);
    assert_eq!(g4["schools"][0]["name"], "城关三小");
    assert!(
        g4["gaps_zh"][0]
            .as_str()
            .unwrap()
            .contains("2100人，超过2000人的上限100人"),
        "{g4}"
    );
    // Class size: 城关一小 46 in 小学 (limit 45); 河坝学校's 50 in 初中 is allowed.
    let g5 = line(&c, "g5");
    assert_eq!(g5["status"], "unmet");
    assert_eq!(g5["schools"].as_array().unwrap().len(), 1, "{g5}");
    assert!(
        g5["gaps_zh"][0]
            .as_str()
            .unwrap()
            .contains("小学最大班额46人，超过45人的上限1人")
    );
    // Special rooms: 城关一小's art room 85 m² < 90.
    let g3 = line(&c, "g3");
    assert_eq!(g3["status"], "unmet");
    assert!(
        g3["gaps_zh"][0]
            .as_str()
            .unwrap()
            .contains("最小的美术专用教室85平方米，不足90平方米（差5平方米）"),
        "{g3}"
    );
    // 巩固率: 190 / (210 + 0 − 10) = 95%.
    let q1 = line(&c, "q1");
    assert_eq!(q1["status"], "met", "{q1}");
    assert_eq!(q1["computed_value"], 95.0);
    assert!(q1["basis_zh"].as_str().unwrap().contains("初三在校生190人"));
    assert_eq!(line(&c, "g7")["status"], "pending");
    assert_eq!(line(&c, "g7")["responsible_unit"], "财政局、残联");

    // Entered items, judged by their thresholds.
    let put = |key: &'static str, body: Value| {
        let (app, org) = (&app, &org);
        async move {
            app.put(
                org,
                &format!("/api/readiness/years/2025-2026/checklist/{key}"),
                body,
            )
            .await
        }
    };
    let g7 = json_of(
        put(
            "g7",
            json!({"value1": 5800, "note": "2025年决算", "responsible_unit": "县财政局"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(g7["status"], "unmet");
    assert_eq!(
        g7["gaps_zh"][0],
        "特殊教育学校生均公用经费为5800元，还差200元"
    );
    assert_eq!(g7["responsible_unit"], "县财政局");
    assert_eq!(g7["note"], "2025年决算");
    let g11 = json_of(
        put("g11", json!({"value1": 12, "value2": 25})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(g11["status"], "met");
    let v1 = json_of(put("v1", json!({"occurred": false})).await, StatusCode::OK).await;
    assert_eq!(v1["status"], "met");
    let g1 = json_of(put("g1", json!({"status": "met"})).await, StatusCode::OK).await;
    assert_eq!(g1["status"], "met");
    // A computed item keeps its computed status whatever is set.
    let g4 = json_of(put("g4", json!({"status": "met"})).await, StatusCode::OK).await;
    assert_eq!(g4["status"], "unmet");
    assert_eq!(g4["entered_status"], "met");
    // Refusals: values an item has no threshold for, yes/no outside the
    // veto items, a negative value; an unknown item.
    let resp = put("g1", json!({"value1": 3, "occurred": true})).await;
    let body = json_of(resp, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body["details"].as_array().unwrap().len(), 2, "{body}");
    let resp = put("q2", json!({"value1": -1})).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let resp = put("zz", json!({})).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // Reviewers read, do not write.
    let resp = app
        .put(
            &reviewer,
            "/api/readiness/years/2025-2026/checklist/g7",
            json!({"value1": 7000}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    let c = checklist(&app, &reviewer).await;
    let guarantee = &c["parts"][0];
    assert_eq!(guarantee["part"], "guarantee");
    assert_eq!(guarantee["status"], "unmet");
    assert_eq!(guarantee["unmet"], 4, "{guarantee}");
    assert_eq!(guarantee["met"], 2, "{guarantee}");
    assert_eq!(c["parts"][2]["status"], "pending");

    // One school's facts edited in the console: 城关一小 fixed.
    let schools = json_of(app.get(&org, "/api/schools").await, StatusCode::OK).await;
    let first = schools
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "城关一小")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    json_of(
        app.put(
            &org,
            &format!("/api/readiness/years/2025-2026/facts/{first}"),
            json!({"primary_classes": 12, "largest_primary_class": 45, "music_rooms": 1, "music_min_area": 96, "art_rooms": 1, "art_min_area": 90}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let c = checklist(&app, &reviewer).await;
    assert_eq!(line(&c, "g5")["status"], "met");
    assert_eq!(line(&c, "g3")["status"], "met");
    let resp = app
        .put(
            &org,
            &format!("/api/readiness/years/2025-2026/facts/{first}"),
            json!({"junior_classes": 3}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let actions = audit_actions(&app).await;
    let has = |a: &str, d: &str| actions.iter().any(|(x, y)| x == a && y.contains(d));
    assert!(has("readiness.facts.import", "新增4"), "{actions:?}");
    assert!(
        has("readiness.check", "政府保障程度7 未达标 5800"),
        "{actions:?}"
    );
    assert!(has("readiness.facts", "城关一小更新"), "{actions:?}");
}

#[tokio::test]
async fn evidence_is_judged_by_its_bytes_limited_in_size_stored_and_downloaded() {
    let app = spawn_app().await;
    let org = app.token_for("organiser").await;
    county(&app, &org).await;
    let up = |name: &'static str, bytes: Vec<u8>| {
        let (app, org) = (&app, &org);
        async move {
            send(
                app,
                org,
                &format!(
                    "/api/readiness/years/2025-2026/checklist/g7/evidence?file_name={}",
                    urlencoding(name)
                ),
                bytes,
            )
            .await
        }
    };
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    // Declared a PDF, recognised as the PNG it is.
    let stored = json_of(up("决算表.pdf", png.clone()).await, StatusCode::OK).await;
    assert_eq!(stored["file_name"], "决算表.png");
    assert_eq!(stored["content_type"], "image/png");
    assert_eq!(stored["size"], png.len());

    // Refused: a text file, a zip that is no workbook (415); an empty
    // body (422).
    for (name, bytes) in [
        ("说明.pdf", b"just text, named .pdf".to_vec()),
        ("表.xlsx", b"PK\x03\x04word/document.xml".to_vec()),
    ] {
        let body = json_of(up(name, bytes).await, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
        assert_eq!(body["code"], "unsupported_media_type", "{body}");
        assert!(body["message"].as_str().unwrap().len() > 3, "{body}");
    }
    let body = json_of(up("空.pdf", vec![]).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body["field"], "file", "{body}");
    let body = json_of(
        up("x.pdf", b"MZ\x90\0".to_vec()).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("只接受PDF、PNG、JPEG图片和Excel表格"),
        "{body}"
    );
    // Over 10 MB: 413.
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let resp = up("大.pdf", big).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large", "{body}");
    // Nothing of the refusals stored.
    let reviewer = app.token_for("reviewer").await;
    let c = checklist(&app, &reviewer).await;
    let ev = line(&c, "g7")["evidence"].as_array().unwrap().clone();
    assert_eq!(ev.len(), 1, "{ev:?}");

    // Reviewers download it byte for byte.
    let resp = app
        .get(
            &reviewer,
            &format!("/api{}", ev[0]["download_url"].as_str().unwrap()),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let disposition =
        String::from_utf8_lossy(resp.headers()["content-disposition"].as_bytes()).to_string();
    assert!(disposition.contains("attachment"), "{disposition}");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), png);

    // An unknown item has no evidence.
    let resp = send(
        &app,
        &org,
        "/api/readiness/years/2025-2026/checklist/g99/evidence",
        png.clone(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    // Removing it: reviewers may not, organisers may; then it is gone.
    let id = ev[0]["id"].as_i64().unwrap();
    let resp = app
        .delete(&reviewer, &format!("/api/readiness/evidence/{id}"))
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    json_of(
        app.delete(&org, &format!("/api/readiness/evidence/{id}"))
            .await,
        StatusCode::OK,
    )
    .await;
    let resp = app
        .get(&reviewer, &format!("/api/readiness/evidence/{id}"))
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let actions = audit_actions(&app).await;
    let uploads: Vec<&(String, String)> = actions
        .iter()
        .filter(|(a, _)| a == "readiness.evidence")
        .collect();
    assert_eq!(uploads.len(), 1, "{actions:?}");
    assert!(uploads[0].1.contains("PNG图片“决算表.png”"), "{uploads:?}");
    assert!(
        actions
            .iter()
            .any(|(a, d)| a == "readiness.evidence.delete" && d.contains("决算表.png")),
        "{actions:?}"
    );
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn the_overview_and_the_a4_page_show_the_four_indicators() {
    let app = spawn_app().await;
    let (org, round, _) = app.open_round(2).await;
    json_of(
        app.put(
            &org,
            "/api/county",
            json!({"name": "示例县", "admin_code": "652325", "resident_population": 250000}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // 资源配置: 第2小学 (320 students) has far too little of everything.
    let figures = "学校标识码,小学在校生数,小学高于规定学历教师数,小学县级以上骨干教师数,小学体育艺术专任教师数,教学及辅助用房面积,体育运动场馆面积,教学仪器设备值,网络多媒体教室数\n\
        2165000001,310,20,5,5,2000,3000,1000000,10\n\
        2165000002,320,5,1,1,500,800,100000,2\n";
    json_of(
        send(
            &app,
            &org,
            "/api/readiness/years/2025-2026/import",
            figures.as_bytes().to_vec(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.put(
            &org,
            "/api/readiness/years/2025-2026/checklist/g7",
            json!({"value1": 5800}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.put(
            &org,
            "/api/readiness/years/2025-2026/checklist/v3",
            json!({"occurred": true, "note": "城关一小设有实验班"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // The round of the 社会认可度 line: another county's or a missing one is 404.
    let resp = app
        .put(
            &org,
            "/api/readiness/years/2025-2026/survey-round",
            json!({"round_id": round + 100}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    json_of(
        app.put(
            &org,
            "/api/readiness/years/2025-2026/survey-round",
            json!({"round_id": round}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    let reviewer = app.token_for("reviewer").await;
    let o = json_of(
        app.get(&reviewer, "/api/readiness/years/2025-2026/overview")
            .await,
        StatusCode::OK,
    )
    .await;
    let keys: Vec<&str> = o["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["resource", "guarantee", "quality", "recognition", "veto"]
    );
    let ind = |k: &str| {
        o["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == k)
            .unwrap()
            .clone()
    };
    let resource = ind("resource");
    assert_eq!(resource["status"], "unmet", "{resource}");
    assert!(
        resource["failing_zh"][0]
            .as_str()
            .unwrap()
            .contains("第2小学"),
        "{resource}"
    );
    let guarantee = ind("guarantee");
    assert_eq!(guarantee["status"], "unmet");
    assert!(
        guarantee["failing_zh"].as_array().unwrap().iter().any(|f| f
            .as_str()
            .unwrap()
            .contains("第7项：特殊教育学校生均公用经费为5800元，还差200元")),
        "{guarantee}"
    );
    assert_eq!(ind("veto")["status"], "unmet");
    let recognition = ind("recognition");
    assert_eq!(recognition["status"], "pending", "{recognition}");
    assert_eq!(o["recognition"]["round_id"], round);
    assert_eq!(o["recognition"]["chosen"], true);
    assert_eq!(o["status"], "unmet");
    assert!(
        o["summary_zh"].as_str().unwrap().contains("资源配置"),
        "{o}"
    );

    // The A4 page, for reviewers.
    let resp = app
        .get(&reviewer, "/api/readiness/years/2025-2026/summary")
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = resp.text().await.unwrap();
    for needle in [
        "示例县义务教育优质均衡发展迎检准备汇总",
        "2025-2026学年",
        "@page{size:A4",
        "资源配置",
        "政府保障程度",
        "教育质量",
        "社会认可度",
        "还差200元",
        "第2小学",
        "待核实",
    ] {
        assert!(html.contains(needle), "{needle} not in the page");
    }
    let resp = app
        .client
        .get(app.url("/api/readiness/years/2025-2026/summary"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}
