//! The class-size indicator from per-grade students and classes (import,
//! console form through the API, validation, old facts still judged), the
//! evidence upload's statuses (415 for a type by bytes or declaration, 413,
//! 422 for a bad field; all documented in the spec) and the checklist's
//! sheets in the readiness workbook, read back.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SCHOOLS: &str = "学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n\
    2165000001,城关一小,小学,城区,271,0,30\n\
    2165000002,城关二小,小学,城区,180,0,12\n\
    2165000003,河坝学校,九年一贯制,乡村,90,153,35\n";

/// The facts header with the per-grade columns of 一年级, 三年级 and 九年级.
const HEADER: &str = "学校标识码,学校名称,小学班级数,小学最大班额,初中班级数,初中最大班额,\
    一年级学生数,一年级班级数,三年级学生数,三年级班级数,九年级学生数,九年级班级数";

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

async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request")
}

async fn g5(app: &TestApp, token: &str) -> Value {
    let c = json_of(
        app.get(token, "/api/readiness/years/2025-2026/checklist")
            .await,
        StatusCode::OK,
    )
    .await;
    c["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "g5")
        .cloned()
        .unwrap()
}

async fn facts(app: &TestApp, token: &str) -> Vec<Value> {
    json_of(
        app.get(token, "/api/readiness/years/2025-2026/facts").await,
        StatusCode::OK,
    )
    .await
    .as_array()
    .unwrap()
    .clone()
}

const IMPORT: &str = "/api/readiness/years/2025-2026/facts/import";

#[tokio::test]
async fn class_size_is_computed_per_grade_and_the_largest_class_still_counts() {
    let app = spawn_app().await;
    let org = app.token_for("organiser").await;
    county(&app, &org).await;

    // Bad rows, every one named; nothing stored.
    let bad = format!(
        "{HEADER}\n\
         2165000001,城关一小,,,,,90,0,,,,\n\
         2165000002,城关二小,5,,,,90,2,90,2,,\n\
         2165000003,河坝学校,,,,,3,5,,,153,3\n\
         2165000001,城关一小,,,,,x,2,,,,\n"
    );
    let body = json_of(
        post(&app, &org, IMPORT, "text/csv", bad.into_bytes()).await,
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
    assert!(
        details[0].starts_with("第2行（城关一小）")
            && details[0].contains("一年级有学生90人，班级数须大于0"),
        "{details:?}"
    );
    assert!(
        details[1].starts_with("第3行（城关二小）")
            && details[1].contains("小学班级数5与一年级至六年级各年级班级数之和4不一致"),
        "{details:?}"
    );
    assert!(
        details[2].starts_with("第4行（河坝学校）")
            && details[2].contains("一年级学生3人少于班级数5"),
        "{details:?}"
    );
    assert!(
        details[3].starts_with("第5行") && details[3].contains("一年级学生数"),
        "{details:?}"
    );
    assert!(facts(&app, &org).await.is_empty());

    // The good file: 城关一小's 三年级 has 91 in 2 classes (45.5 > 45);
    // 城关二小's grades are fine but its entered largest class is 47;
    // 河坝学校's 九年级 153 in 3 (51 > 50).
    let good = format!(
        "{HEADER}\n\
         2165000001,城关一小,,,,,90,2,91,2,,\n\
         2165000002,城关二小,4,47,,,90,2,90,2,,\n\
         2165000003,河坝学校,2,,3,,45,1,45,1,153,3\n"
    );
    let out = json_of(
        post(&app, &org, IMPORT, "text/csv", good.into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(out, json!({"created": 3, "updated": 0}));
    let reviewer = app.token_for("reviewer").await;
    let line = g5(&app, &reviewer).await;
    assert_eq!(line["status"], "unmet", "{line}");
    let gaps: Vec<&str> = line["gaps_zh"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    assert_eq!(gaps.len(), 3, "{gaps:?}");
    assert_eq!(
        gaps[0],
        "城关一小：三年级平均班额45.5人（91人/2个班），超过45人；须至少分3个班（增加1个）"
    );
    assert_eq!(
        gaps[1],
        "城关二小：小学填报最大班额47人，超过45人的上限2人；按年级平均班额未超标（最大为一年级45人）"
    );
    assert!(
        gaps[2].contains("河坝学校：九年级平均班额51人（153人/3个班），超过50人"),
        "{gaps:?}"
    );
    let basis = line["basis_zh"].as_str().unwrap();
    assert!(
        basis.contains("3所学校按年级班级数计算，年级平均班额最大为河坝学校九年级51人"),
        "{basis}"
    );

    // The facts come back per grade with their averages.
    let list = facts(&app, &reviewer).await;
    let first = list.iter().find(|f| f["name"] == "城关一小").unwrap();
    assert_eq!(
        first["facts"]["grades"],
        json!([
            {"grade": 1, "students": 90, "classes": 2, "average": 45.0},
            {"grade": 3, "students": 91, "classes": 2, "average": 45.5}
        ])
    );

    // The console's form: one school's facts through the API.
    let school_id = first["school_id"].as_i64().unwrap();
    let put = |body: Value| {
        let (app, org) = (&app, &org);
        async move {
            app.put(
                org,
                &format!("/api/readiness/years/2025-2026/facts/{school_id}"),
                body,
            )
            .await
        }
    };
    let body = json_of(
        put(json!({"grades": [{"grade": 10, "students": 40, "classes": 1}]})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(body["field"], "grades", "{body}");
    let body = json_of(
        put(json!({"grades": [
            {"grade": 1, "students": 40, "classes": 0},
            {"grade": 7, "students": 40, "classes": 1}
        ]}))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let details = body["details"].to_string();
    assert!(
        details.contains("一年级有学生40人，班级数须大于0") && details.contains("没有初中学段"),
        "{body}"
    );
    // Three classes for 三年级 settle 城关一小.
    json_of(
        put(json!({"grades": [
            {"grade": 1, "students": 90, "classes": 2},
            {"grade": 3, "students": 91, "classes": 3}
        ]}))
        .await,
        StatusCode::OK,
    )
    .await;
    let line = g5(&app, &reviewer).await;
    assert_eq!(line["gaps_zh"].as_array().unwrap().len(), 2, "{line}");
    let actions = json_of(
        app.get(&app.admin_token().await, "/api/audit?limit=50")
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "readiness.facts"
                && a["detail"].as_str().unwrap_or("").contains("城关一小")),
        "{actions}"
    );

    // Facts without grades (as stored before) are judged as they were.
    json_of(
        put(json!({"primary_classes": 6, "largest_primary_class": 46})).await,
        StatusCode::OK,
    )
    .await;
    let line = g5(&app, &reviewer).await;
    assert!(
        line["gaps_zh"][0]
            .as_str()
            .unwrap()
            .contains("城关一小：小学最大班额46人，超过45人的上限1人"),
        "{line}"
    );
}

#[tokio::test]
async fn an_evidence_upload_of_a_wrong_type_is_415_too_large_413_a_bad_field_422() {
    let app = spawn_app().await;
    let org = app.token_for("organiser").await;
    county(&app, &org).await;
    let path = "/api/readiness/years/2025-2026/checklist/g7/evidence?file_name=a.pdf";
    let pdf = b"%PDF-1.7\n1 0 obj\n".to_vec();
    for (declared, bytes, says) in [
        // Bytes that are no accepted type, whatever the declaration.
        (
            "application/octet-stream",
            b"MZ\x90\0".to_vec(),
            "无法识别的文件类型",
        ),
        (
            "application/pdf",
            b"<html>not a pdf</html>".to_vec(),
            "无法识别的文件类型",
        ),
        // A declared type that is not accepted, even over PDF bytes.
        ("text/html", pdf.clone(), "不接受类型为text/html的文件"),
        // A declared type the bytes contradict.
        (
            "image/png",
            pdf.clone(),
            "文件声明为PNG图片，内容却是PDF文件",
        ),
    ] {
        let resp = post(&app, &org, path, declared, bytes).await;
        assert_eq!(
            resp.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{declared}"
        );
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], "unsupported_media_type", "{body}");
        assert!(body["message"].as_str().unwrap().contains(says), "{body}");
    }
    // Over 10 MB.
    let mut big = pdf.clone();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let resp = post(&app, &org, path, "application/pdf", big).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");
    // Bad fields: an empty file, an overlong name, a bad 学年.
    let long = format!(
        "/api/readiness/years/2025-2026/checklist/g7/evidence?file_name={}.pdf",
        "a".repeat(300)
    );
    for (p, bytes, field) in [
        (path.to_string(), vec![], "file"),
        (long, pdf.clone(), "file_name"),
        (
            "/api/readiness/years/2025/checklist/g7/evidence".to_string(),
            pdf.clone(),
            "year",
        ),
    ] {
        let body = json_of(
            post(&app, &org, &p, "application/pdf", bytes).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(body["code"], "validation_failed", "{body}");
        assert_eq!(body["field"], field, "{body}");
    }
    // The declared type the bytes are: stored.
    let stored = json_of(
        post(&app, &org, path, "application/pdf", pdf).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stored["content_type"], "application/pdf");
    assert_eq!(stored["file_name"], "a.pdf");

    // The spec documents the statuses.
    let spec: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let op = &spec["paths"]["/readiness/years/{year}/checklist/{item}/evidence"]["post"];
    for s in ["200", "404", "413", "415", "422"] {
        assert!(op["responses"][s].is_object(), "{s} undocumented: {op}");
    }
    let text = format!(
        "{} {}",
        op["summary"].as_str().unwrap_or_default(),
        op["description"].as_str().unwrap_or_default()
    );
    assert!(
        text.contains("415") && text.contains("413") && text.contains("422"),
        "{op}"
    );
}

#[tokio::test]
async fn the_workbook_has_the_checklist_sheets_and_the_recognition_line() {
    let app = spawn_app().await;
    let org = app.token_for("organiser").await;
    county(&app, &org).await;
    let good = format!(
        "{HEADER}\n\
         2165000001,城关一小,,,,,90,2,91,2,,\n\
         2165000002,城关二小,4,,,,90,2,90,2,,\n\
         2165000003,河坝学校,2,,3,,45,1,45,1,150,3\n"
    );
    json_of(
        post(&app, &org, IMPORT, "text/csv", good.into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.put(
            &org,
            "/api/readiness/years/2025-2026/checklist/g7",
            json!({"value1": 5200, "note": "2025年决算"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.put(
            &org,
            "/api/readiness/years/2025-2026/checklist/v2",
            json!({"occurred": false}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        post(
            &app,
            &org,
            "/api/readiness/years/2025-2026/checklist/g7/evidence?file_name=决算.pdf",
            "application/octet-stream",
            b"%PDF-1.7\n".to_vec(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let reviewer = app.token_for("reviewer").await;
    let resp = app
        .get(&reviewer, "/api/readiness/years/2025-2026/workbook.xlsx")
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap().to_vec();
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    for n in ["汇总", "政府保障程度", "教育质量", "否决事项"] {
        assert!(names.iter().any(|s| s == n), "{n} missing: {names:?}");
    }
    let text = |r: &[Data]| r.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let g = book.worksheet_range("政府保障程度").unwrap();
    let rows: Vec<Vec<String>> = g.rows().map(text).collect();
    let header = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "序号"))
        .unwrap();
    assert_eq!(
        &header[..10],
        [
            "序号",
            "指标",
            "标准",
            "县域实际值",
            "计算依据",
            "责任单位",
            "状态",
            "证据文件数",
            "备注",
            "未达标情况"
        ]
    );
    let g7 = rows
        .iter()
        .find(|r| r[1].starts_with("特殊教育学校生均公用经费"))
        .unwrap();
    assert_eq!(g7[2], "特殊教育学校生均公用经费 ≥ 6000元");
    assert_eq!(g7[3], "5200元");
    assert_eq!(g7[5], "财政局、残联");
    assert_eq!(g7[6], "未达标");
    assert_eq!(g7[7], "1");
    assert_eq!(g7[8], "2025年决算");
    assert!(g7[9].contains("还差800元"), "{g7:?}");
    let g5 = rows
        .iter()
        .find(|r| r[1].starts_with("小学、初中所有班级学生数"))
        .unwrap();
    assert_eq!(g5[6], "未达标");
    assert!(g5[4].contains("按年级班级数计算"), "{g5:?}");
    assert!(g5[9].contains("三年级平均班额45.5人"), "{g5:?}");
    assert_eq!(g5[10], "系统计算");
    let q = book.worksheet_range("教育质量").unwrap();
    assert_eq!(
        q.rows()
            .filter(|r| matches!(r[0], Data::Float(_) | Data::Int(_)))
            .count(),
        9
    );
    let v = book.worksheet_range("否决事项").unwrap();
    let v2 = v.rows().map(text).find(|r| r[1] == "违规择校").unwrap();
    assert_eq!((v2[2].as_str(), v2[3].as_str()), ("否", "达标"));
    let s = book.worksheet_range("汇总").unwrap();
    let rows: Vec<Vec<String>> = s.rows().map(text).collect();
    let rec = rows.iter().find(|r| r[0] == "社会认可度").unwrap();
    assert_eq!(rec[1], "待核实");
    assert_eq!(rec[2], "尚未开展测评");
    let guarantee = rows.iter().find(|r| r[0] == "政府保障程度").unwrap();
    assert_eq!(guarantee[1], "未达标");
}

const FIGURES: &str = "学校标识码,学校名称,是否教学点,所属学校标识码,小学在校生数,小学高于规定学历教师数,小学县级以上骨干教师数,小学体育艺术专任教师数,初中在校生数,初中高于规定学历教师数,初中县级以上骨干教师数,初中体育艺术专任教师数,高中在校生数,教学及辅助用房面积（平方米）,体育运动场馆面积（平方米）,教学仪器设备值（元）,网络多媒体教室数（间）";

#[tokio::test]
async fn the_change_between_two_years_names_what_moved() {
    let app = spawn_app().await;
    let org = app.token_for("organiser").await;
    county(&app, &org).await;
    for (year, equipment) in [
        ("2024-2025", [100_000, 900_000]),
        ("2025-2026", [560_000, 380_000]),
    ] {
        let file = format!(
            "{FIGURES}\n\
             2165000001,城关一小,否,,271,20,5,5,,,,,,1500,3000,{},10\n\
             2165000002,城关二小,否,,180,15,3,3,,,,,,1000,2000,{},8\n",
            equipment[0], equipment[1]
        );
        json_of(
            post(
                &app,
                &org,
                &format!("/api/readiness/years/{year}/import"),
                "text/csv",
                file.into_bytes(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    let reviewer = app.token_for("reviewer").await;
    let c = json_of(
        app.get(&reviewer, "/api/readiness/years/2025-2026/change")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["from_year"], "2024-2025");
    assert_eq!(c["school_year"], "2025-2026");
    let eq = c["cvs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["stage"] == "primary" && x["indicator"] == "equipment_value")
        .unwrap_or_else(|| panic!("{c}"));
    let text = eq["text_zh"].as_str().unwrap();
    assert!(
        text.starts_with("小学 生均教学仪器设备值差异系数") && text.ends_with("由未达标转为达标"),
        "{text}"
    );
    assert!(eq["change"].as_f64().unwrap() < 0.0, "{eq}");
    assert!(
        eq["before"].as_f64().unwrap() > 0.5 && eq["after"].as_f64().unwrap() < 0.5,
        "{eq}"
    );
    let lines = c["indicators"].as_array().unwrap();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["key"], "resource");
    assert!(
        c["schools"][0]["text_zh"]
            .as_str()
            .unwrap()
            .starts_with("小学达到学校要求的学校："),
        "{c}"
    );

    // An explicit earlier year, and one that is not earlier.
    let c = json_of(
        app.get(
            &reviewer,
            "/api/readiness/years/2025-2026/change?from=2023-2024",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["from_year"], "2023-2024");
    let body = json_of(
        app.get(
            &reviewer,
            "/api/readiness/years/2025-2026/change?from=2026-2027",
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(body["field"], "from", "{body}");
}
