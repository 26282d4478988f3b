//! Inspection readiness (资源配置): import good and bad files, the
//! evaluation against hand-computed values, the what-if, settings, console
//! edits, and who may do what.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SCHOOLS: &str = "学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n\
    2165000001,城关一小,小学,城区,500,0,30\n\
    2165000002,城关二小,小学,城区,200,0,12\n\
    2165000003,河坝学校,九年一贯制,乡村,300,200,35\n";

const HEADER: &str = "学校标识码,学校名称,是否教学点,所属学校标识码,小学在校生数,小学高于规定学历教师数,小学县级以上骨干教师数,小学体育艺术专任教师数,初中在校生数,初中高于规定学历教师数,初中县级以上骨干教师数,初中体育艺术专任教师数,高中在校生数,教学及辅助用房面积（平方米）,体育运动场馆面积（平方米）,教学仪器设备值（元）,网络多媒体教室数（间）";

fn good_file() -> String {
    format!(
        "{HEADER}\n\
         2165000001,城关一小,否,,500,25,5,5,,,,,,2500,4000,1100000,12\n\
         2165000002,城关二小,否,,200,10,1,2,,,,,,1000,1000,400000,5\n\
         2165000003,河坝学校,否,,300,15,4,3,200,12,2,2,,5200,7000,\"1,300,000\",12\n"
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

async fn import(app: &TestApp, token: &str, year: &str, body: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/readiness/years/{year}/import")))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .expect("request")
}

fn close(actual: &Value, expected: f64) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {actual}"));
    assert!((a - expected).abs() < 1e-4, "{a} ≠ {expected}");
}

fn stage<'a>(report: &'a Value, s: &str) -> &'a Value {
    report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["stage"] == s)
        .unwrap_or_else(|| panic!("no {s} stage: {report}"))
}

fn school<'a>(stage: &'a Value, name: &str) -> &'a Value {
    stage["schools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn cell<'a>(row: &'a Value, indicator: &str) -> &'a Value {
    row["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["indicator"] == indicator)
        .unwrap()
}

fn cv<'a>(stage: &'a Value, indicator: &str) -> &'a Value {
    stage["cvs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["indicator"] == indicator)
        .unwrap()
}

#[tokio::test]
async fn a_gb18030_import_is_evaluated_as_computed_by_hand() {
    let app = spawn_app().await;
    let org = app.token_for("organiser").await;
    county(&app, &org).await;
    let text = good_file();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    let out = json_of(
        import(&app, &org, "2025-2026", gbk.into_owned()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(out, json!({"created": 3, "updated": 0}));
    // The same file again updates.
    let out = json_of(
        import(&app, &org, "2025-2026", good_file().into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(out, json!({"created": 0, "updated": 3}));

    let reviewer = app.token_for("reviewer").await;
    let years = json_of(
        app.get(&reviewer, "/api/readiness/years").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(years, json!(["2025-2026"]));
    let r = json_of(
        app.get(&reviewer, "/api/readiness/years/2025-2026/evaluation")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["school_year"], "2025-2026");
    assert_eq!(r["indicators"].as_array().unwrap().len(), 7);
    let primary = stage(&r, "primary");
    assert_eq!(primary["schools"].as_array().unwrap().len(), 3);

    // 城关二小: 1 骨干 for 200 (0.5 < 0.85), 1000 m² sport for 200 (5.0 <
    // 6.375): two failing, five met.
    let b = school(primary, "城关二小");
    assert_eq!(b["met"], 5);
    assert_eq!(b["passes"], false);
    let backbone = cell(b, "backbone_teachers");
    assert_eq!(backbone["status"], "failing");
    close(&backbone["value"], 0.5);
    close(&backbone["gap"], 1.0);
    assert_eq!(
        backbone["gap_zh"],
        "还差1名教师达到标准的85%，差1名教师达到标准"
    );
    let sport = cell(b, "sports_area");
    close(&sport["value"], 5.0);
    close(&sport["gap"], 500.0);
    close(&sport["gap_to_near"], 275.0);
    assert_eq!(
        sport["gap_zh"],
        "还差275平方米达到标准的85%，差500平方米达到标准"
    );
    assert!(cell(b, "equipment_value")["gap_zh"].is_null());

    // 河坝学校 (九年一贯制): 5200 m² split 300 : 200×1.1 → 3000 m² for 小学
    // (10.0 per student) and 2200 m² for 初中 (11.0).
    let d = school(primary, "河坝学校");
    close(&cell(d, "teaching_area")["total"], 3000.0);
    close(&cell(d, "teaching_area")["value"], 10.0);
    let junior = stage(&r, "junior");
    let dj = school(junior, "河坝学校");
    close(&cell(dj, "teaching_area")["value"], 11.0);
    close(&cell(dj, "qualified_teachers")["value"], 6.0);
    assert_eq!(dj["met"], 7);

    // Student-weighted CVs of the three primary sections.
    let s = cv(primary, "sports_area");
    close(&s["mean"], 9.038461538);
    close(&s["sd"], 3.109681389);
    close(&s["cv"], 0.344049856);
    close(&s["limit"], 0.5);
    assert_eq!(s["passes"], true);
    close(&cv(primary, "backbone_teachers")["cv"], 0.288675135);
    close(&cv(primary, "equipment_value")["cv"], 0.080123362);
    close(&cv(primary, "backbone_teachers")["mean"], 1.0);

    // The schools to improve, in Chinese, and the verdict.
    let improve = r["improve"].as_array().unwrap();
    assert_eq!(improve[0]["name"], "城关二小");
    let summary = improve[0]["summary_zh"].as_str().unwrap();
    assert!(
        summary.contains("未达到学校要求") && summary.contains("生均体育运动场馆面积还差275平方米"),
        "{summary}"
    );
    assert_eq!(r["passes"], false);
    assert!(r["summary_zh"].as_str().unwrap().contains("未达标"), "{r}");
    assert_eq!(r["missing"], json!([]));

    // The workbook: a sheet per 学段 and the CVs, read back.
    let resp = app
        .get(&reviewer, "/api/readiness/years/2025-2026/workbook.xlsx")
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap();
    {
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        assert_eq!(
            book.sheet_names(),
            [
                "汇总",
                "小学",
                "初中",
                "差异系数",
                "政府保障程度",
                "教育质量",
                "否决事项"
            ]
        );
        let primary = book.worksheet_range("小学").unwrap();
        let header: Vec<String> = primary
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(&header[3..7], ["基本值", "达标值", "实际值", "是否达标"]);
        let sport = primary
            .rows()
            .find(|r| {
                matches!(&r[0], calamine::Data::String(s) if s == "城关二小")
                    && r[2].to_string().contains("体育运动场馆")
            })
            .unwrap();
        assert_eq!(sport[3].to_string(), "7.5");
        assert_eq!(sport[5].to_string(), "5");
        assert_eq!(sport[6].to_string(), "未达标");
    }

    // The entries come back as entered.
    let list = json_of(
        app.get(&reviewer, "/api/readiness/years/2025-2026/entries")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert_eq!(list[2]["figures"]["junior"]["students"], 200);
    close(
        &list[2]["figures"]["facilities"]["equipment_value"],
        1_300_000.0,
    );
}

#[tokio::test]
async fn a_bad_file_names_every_bad_row_and_stores_nothing() {
    let app = spawn_app().await;
    let org = app.token_for("organiser").await;
    county(&app, &org).await;
    json_of(
        import(&app, &org, "2025-2026", good_file().into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    let bad = format!(
        "{HEADER}\n\
         2165000001,城关一小,否,,600,25,5,5,,,,,,2500,4000,1100000,12\n\
         2165009999,无此校,否,,100,5,1,1,,,,,,500,800,200000,3\n\
         2165000002,城关二小,否,,200,10,1,2,50,3,1,1,,1000,-5,400000,5\n\
         2165000003,河坝学校,否,,0,0,0,0,0,0,0,0,,5200,7000,1300000,12\n"
    );
    let body = json_of(
        import(&app, &org, "2025-2026", bad.into_bytes()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(body["code"], "validation_failed");
    let details: Vec<&str> = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    // A cell that does not parse and the schools of the other rows, by line.
    assert_eq!(details.len(), 3, "{details:?}");
    assert!(
        details[0].starts_with("第3行") && details[0].contains("2165009999"),
        "{details:?}"
    );
    assert!(
        details[1].starts_with("第4行") && details[1].contains("体育运动场馆面积"),
        "{details:?}"
    );
    assert!(
        details[2].starts_with("第5行") && details[2].contains("不能都为0"),
        "{details:?}"
    );
    let body = json_of(
        import(
            &app,
            &org,
            "2025-2026",
            format!(
                "{HEADER}\n\
                 2165000001,城关一小,否,,600,25,5,5,,,,,,2500,4000,1100000,12\n\
                 2165009999,无此校,否,,100,5,1,1,,,,,,500,800,200000,3\n\
                 2165000002,城关二小,否,,200,10,1,2,50,3,1,1,,1000,5,400000,5\n\
                 2165000003,河坝学校,否,,0,0,0,0,0,0,0,0,,5200,7000,1300000,12\n"
            )
            .into_bytes(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let details: Vec<&str> = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(details.len(), 3, "{details:?}");
    assert!(
        details[0].starts_with("第3行") && details[0].contains("2165009999"),
        "{details:?}"
    );
    assert!(
        details[1].starts_with("第4行") && details[1].contains("没有初中部"),
        "{details:?}"
    );
    assert!(
        details[2].starts_with("第5行") && details[2].contains("不能都为0"),
        "{details:?}"
    );
    // Nothing stored: 城关一小 still has 500 students.
    let list = json_of(
        app.get(&org, "/api/readiness/years/2025-2026/entries")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list[0]["figures"]["primary"]["students"], 500);
    // A file without the required columns, an empty file, a bad year.
    let body = json_of(
        import(&app, &org, "2025-2026", "学校标识码\n2165000001\n".into()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        body["details"][0]
            .as_str()
            .unwrap()
            .contains("体育运动场馆面积"),
        "{body}"
    );
    json_of(
        import(&app, &org, "2025-2026", vec![]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let body = json_of(
        import(&app, &org, "2025", good_file().into_bytes()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(body["field"], "year");
}

#[tokio::test]
async fn what_if_moves_the_met_count_and_stores_nothing() {
    let app = spawn_app().await;
    let org = app.token_for("organiser").await;
    county(&app, &org).await;
    json_of(
        import(&app, &org, "2025-2026", good_file().into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    let list = json_of(
        app.get(&org, "/api/readiness/years/2025-2026/entries")
            .await,
        StatusCode::OK,
    )
    .await;
    let b = list[1].clone();
    assert_eq!(b["name"], "城关二小");
    let mut figures = b["figures"].clone();
    figures["primary"]["backbone_teachers"] = json!(2);
    figures["facilities"]["sports_area"] = json!(1500);
    let reviewer = app.token_for("reviewer").await;
    let out = json_of(
        app.post(
            &reviewer,
            "/api/readiness/years/2025-2026/what-if",
            json!({"school_id": b["school_id"], "figures": figures}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let moved = &out["schools"].as_array().unwrap();
    assert_eq!(moved.len(), 1, "{out}");
    assert_eq!(moved[0]["met_before"], 5);
    assert_eq!(moved[0]["met_after"], 7);
    assert_eq!(moved[0]["passes_after"], true);
    let sport = out["cvs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["stage"] == "primary" && c["indicator"] == "sports_area")
        .unwrap();
    close(&sport["before"], 0.344049856);
    assert!(sport["after"].as_f64().unwrap() < 0.344049856);
    assert_eq!(out["passes_before"], false);
    assert_eq!(out["passes_after"], true);
    // Stored figures unchanged.
    let r = json_of(
        app.get(&org, "/api/readiness/years/2025-2026/evaluation")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(school(stage(&r, "primary"), "城关二小")["met"], 5);
    // A what-if with impossible figures is refused.
    figures["facilities"]["sports_area"] = json!(-1);
    json_of(
        app.post(
            &reviewer,
            "/api/readiness/years/2025-2026/what-if",
            json!({"school_id": b["school_id"], "figures": figures}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

#[tokio::test]
async fn settings_and_console_edits_are_checked_and_audited() {
    let app = spawn_app().await;
    let org = app.token_for("organiser").await;
    let defaults = json_of(
        app.get(&org, "/api/readiness/settings").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(defaults["teaching_point_min_students"], 50);
    close(&defaults["weight_senior"], 1.32);
    // No county yet: 404.
    json_of(
        app.put(&org, "/api/readiness/settings", defaults.clone())
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    county(&app, &org).await;
    let mut s = defaults.clone();
    s["cv_limit_primary"] = json!(0.35);
    json_of(
        app.put(&org, "/api/readiness/settings", s.clone()).await,
        StatusCode::OK,
    )
    .await;
    let back = json_of(
        app.get(&org, "/api/readiness/settings").await,
        StatusCode::OK,
    )
    .await;
    close(&back["cv_limit_primary"], 0.35);
    s["near_share"] = json!(1.5);
    json_of(
        app.put(&org, "/api/readiness/settings", s).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;

    json_of(
        import(&app, &org, "2025-2026", good_file().into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    // With the limit at 0.35, the primary sports-area CV (0.344) passes
    // and the teaching-area one (0.3525) fails.
    let r = json_of(
        app.get(&org, "/api/readiness/years/2025-2026/evaluation")
            .await,
        StatusCode::OK,
    )
    .await;
    let fails = r["cv_failures_zh"].as_array().unwrap();
    assert_eq!(fails.len(), 1, "{r}");
    assert_eq!(
        fails[0],
        "小学生均教学及辅助用房面积的差异系数为0.3525，超过上限0.35"
    );

    // Console edit of one school for another year, then removal.
    let schools = json_of(app.get(&org, "/api/schools").await, StatusCode::OK).await;
    let a = schools[0]["id"].as_i64().unwrap();
    let figures = json!({
        "primary": {"students": 480, "qualified_teachers": 24, "backbone_teachers": 5, "sports_arts_teachers": 5},
        "facilities": {"teaching_area": 2400, "sports_area": 3800, "equipment_value": 1000000, "multimedia_rooms": 12}
    });
    let path = format!("/api/readiness/years/2026-2027/entries/{a}");
    json_of(app.put(&org, &path, figures.clone()).await, StatusCode::OK).await;
    let list = json_of(
        app.get(&org, "/api/readiness/years/2026-2027/entries")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list[0]["figures"]["primary"]["students"], 480);
    let years = json_of(app.get(&org, "/api/readiness/years").await, StatusCode::OK).await;
    assert_eq!(years, json!(["2026-2027", "2025-2026"]));
    // A 初中 section for a 小学 is refused; an unknown school is 404.
    let mut wrong = figures.clone();
    wrong["junior"] = json!({"students": 10});
    json_of(
        app.put(&org, &path, wrong).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    json_of(
        app.put(
            &org,
            "/api/readiness/years/2026-2027/entries/999999",
            figures,
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    json_of(app.delete(&org, &path).await, StatusCode::OK).await;
    json_of(app.delete(&org, &path).await, StatusCode::NOT_FOUND).await;

    let admin = app.admin_token().await;
    let audit = json_of(app.get(&admin, "/api/audit?limit=50").await, StatusCode::OK).await;
    let text = audit.to_string();
    for action in [
        "readiness.settings",
        "readiness.import",
        "readiness.entry",
        "readiness.entry.delete",
    ] {
        assert!(
            text.contains(&format!("\"{action}\"")),
            "{action} not audited: {text}"
        );
    }
}

#[tokio::test]
async fn readers_read_organisers_write_and_strangers_are_refused() {
    let app = spawn_app().await;
    let org = app.token_for("organiser").await;
    county(&app, &org).await;
    let reviewer = app.token_for("reviewer").await;
    let anon = app
        .client
        .get(app.url("/api/readiness/years/2025-2026/evaluation"))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), StatusCode::UNAUTHORIZED);
    json_of(
        import(&app, &reviewer, "2025-2026", good_file().into_bytes()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    json_of(
        app.get(&reviewer, "/api/readiness/years/2025-2026/evaluation")
            .await,
        StatusCode::OK,
    )
    .await;
    let template = app
        .client
        .get(app.url("/api/readiness/import-template"))
        .bearer_auth(&reviewer)
        .send()
        .await
        .unwrap();
    assert_eq!(template.status(), StatusCode::OK);
    let bytes = template.bytes().await.unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with(HEADER), "{text}");
    // The template's example row imports once its school exists.
    json_of(
        app.import_schools(
            &org,
            "学校标识码,学校名称,学校类型,所在地\n2165000001,示例县第一小学,小学,城区\n"
                .as_bytes()
                .to_vec(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        import(&app, &org, "2025-2026", bytes.to_vec()).await,
        StatusCode::OK,
    )
    .await;
}

/// Two counties of one deployment, each with its own figures: every
/// readiness operation reads and writes the account's own county; another
/// county's school is unknown (404); a prefecture reads either county when
/// it names it and changes neither.
#[tokio::test]
async fn each_county_reads_and_writes_only_its_own_readiness() {
    use crate::regions::{token_at, tree};
    let app = spawn_app().await;
    let t = tree(&app).await;
    let first = token_at(&app, "organiser", t.first.0).await;
    let second = token_at(&app, "organiser", t.a2.0).await;
    county(&app, &first).await;
    // Before its profile, the second county may not store figures.
    let resp = import(&app, &second, "2025-2026", good_file().into_bytes()).await;
    let body = json_of(resp, StatusCode::NOT_FOUND).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("请先填写县情信息"),
        "{body}"
    );
    json_of(
        app.put(
            &second,
            "/api/county",
            json!({"name": "吉木萨尔县", "admin_code": "652327", "resident_population": 140000}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.import_schools(
            &second,
            SCHOOLS.replace("21650000", "21660000").into_bytes(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // The second county's file names the first county's codes: unknown there.
    let resp = import(&app, &second, "2025-2026", good_file().into_bytes()).await;
    let body = json_of(resp, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.to_string().contains("不在学校名单中"), "{body}");
    json_of(
        import(&app, &first, "2025-2026", good_file().into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        import(
            &app,
            &second,
            "2024-2025",
            good_file().replace("21650000", "21660000").into_bytes(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let years = |token: String, q: &'static str| {
        let app = &app;
        async move {
            json_of(
                app.get(&token, &format!("/api/readiness/years{q}")).await,
                StatusCode::OK,
            )
            .await
        }
    };
    assert_eq!(years(first.clone(), "").await, json!(["2025-2026"]));
    assert_eq!(years(second.clone(), "").await, json!(["2024-2025"]));

    // Each county's settings are its own.
    let mut settings = json_of(
        app.get(&second, "/api/readiness/settings").await,
        StatusCode::OK,
    )
    .await;
    settings["teaching_point_min_students"] = json!(30);
    json_of(
        app.put(&second, "/api/readiness/settings", settings).await,
        StatusCode::OK,
    )
    .await;
    let mine = json_of(
        app.get(&first, "/api/readiness/settings").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["teaching_point_min_students"], 50);

    // Another county's school, by id, is unknown to the second organiser.
    let schools = json_of(app.get(&first, "/api/schools").await, StatusCode::OK).await;
    let theirs = schools[0]["id"].as_i64().unwrap();
    let figures = json!({
        "primary": {"students": 100, "qualified_teachers": 5, "backbone_teachers": 1, "sports_arts_teachers": 1},
        "facilities": {"teaching_area": 450, "sports_area": 750, "equipment_value": 200000, "multimedia_rooms": 3}
    });
    let resp = app
        .put(
            &second,
            &format!("/api/readiness/years/2025-2026/entries/{theirs}"),
            figures.clone(),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = app
        .delete(
            &second,
            &format!("/api/readiness/years/2025-2026/entries/{theirs}"),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = app
        .post(
            &second,
            "/api/readiness/years/2025-2026/what-if",
            json!({"school_id": theirs, "figures": figures}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // Naming the other county outright is 404 as well.
    let resp = app
        .get(
            &second,
            "/api/readiness/years/2025-2026/evaluation?county_id=1",
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // The first county's figures are untouched, the second's evaluation is its own.
    let e1 = json_of(
        app.get(&first, "/api/readiness/years/2025-2026/entries")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(e1.as_array().unwrap().len(), 3);
    assert!(e1.to_string().contains("2165000001"));
    let e2 = json_of(
        app.get(&second, "/api/readiness/years/2025-2026/entries")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(e2, json!([]));
    let r2 = json_of(
        app.get(&second, "/api/readiness/years/2024-2025/evaluation")
            .await,
        StatusCode::OK,
    )
    .await;
    let mine: Vec<Value> = json_of(app.get(&second, "/api/schools").await, StatusCode::OK)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    let evaluated: Vec<&Value> = r2["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["schools"].as_array().unwrap())
        .map(|s| &s["school_id"])
        .collect();
    assert_eq!(evaluated.len(), 4, "{r2}");
    assert!(evaluated.iter().all(|id| mine.contains(id)), "{r2}");
    assert!(!mine.contains(&json!(theirs)));

    // The prefecture: reads a county it names, must name one, writes none.
    let pref = token_at(&app, "reviewer", t.pref_a).await;
    let resp = app.get(&pref, "/api/readiness/years").await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let y = json_of(
        app.get(&pref, &format!("/api/readiness/years?county_id={}", t.a2.1))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(y, json!(["2024-2025"]));
    let pref_org = token_at(&app, "organiser", t.pref_a).await;
    let resp = app
        .client
        .post(app.url(&format!(
            "/api/readiness/years/2025-2026/import?county_id={}",
            t.a2.1
        )))
        .bearer_auth(&pref_org)
        .header("content-type", "application/octet-stream")
        .body(good_file())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // A county elsewhere cannot see either.
    let b1 = token_at(&app, "reviewer", t.b1.0).await;
    let resp = app.get(&b1, "/api/readiness/years?county_id=1").await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}
