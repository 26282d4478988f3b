use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

const HEADER: &str = "学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n";

#[tokio::test]
async fn school_crud_round_trip() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    let s = json_of(
        app.post(&t, "/api/schools", json!({"code": "2165000001", "name": "第一小学", "kind": "primary", "location": "urban", "primary_students": 1200, "teachers": 80})).await,
        StatusCode::OK,
    )
    .await;
    let id = s["id"].as_i64().unwrap();
    let updated = json_of(
        app.put(&t, &format!("/api/schools/{id}"), json!({"code": "2165000001", "name": "第一实验小学", "kind": "primary", "location": "town", "primary_students": 1300, "teachers": 81})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["name"], "第一实验小学");
    assert_eq!(updated["location"], "town");
    let dup = json_of(
        app.post(
            &t,
            "/api/schools",
            json!({"code": "2165000001", "name": "重复", "kind": "primary", "location": "urban"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(dup["code"], "school_code_taken");
    let bad = json_of(
        app.post(
            &t,
            "/api/schools",
            json!({"code": "12", "name": "", "kind": "primary", "location": "urban"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(bad["details"].as_array().unwrap().len(), 2, "{bad}");
    json_of(
        app.delete(&t, &format!("/api/schools/{id}")).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.get(&t, &format!("/api/schools/{id}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_good_csv_imports_and_a_second_import_updates() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    let csv = format!(
        "\u{feff}{HEADER}2165000001,第一小学,小学,城区,1200,0,80\n2165000002,第二中学,初中,镇区,0,900,70\n2165000003,红星九年一贯制学校,九年一贯制学校,乡村,200,150,30\n"
    );
    let r = json_of(
        app.import_schools(&t, csv.into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (r["created"].as_u64(), r["updated"].as_u64()),
        (Some(3), Some(0))
    );
    let again = format!("{HEADER}2165000001,第一小学,小学,城区,1250,0,82\n");
    let r = json_of(
        app.import_schools(&t, again.into_bytes()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (r["created"].as_u64(), r["updated"].as_u64()),
        (Some(0), Some(1))
    );
    let list = json_of(app.get(&t, "/api/schools").await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert_eq!(list[0]["primary_students"], 1250);
    assert_eq!(list[2]["kind"], "nine_year");
}

#[tokio::test]
async fn gb18030_csv_as_excel_saves_it_imports() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    let text = format!("{HEADER}2165000001,城关第一小学,小学,城区,1200,0,80\r\n");
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    json_of(
        app.import_schools(&t, bytes.into_owned()).await,
        StatusCode::OK,
    )
    .await;
    let list = json_of(app.get(&t, "/api/schools").await, StatusCode::OK).await;
    assert_eq!(list[0]["name"], "城关第一小学");
}

#[tokio::test]
async fn xlsx_imports() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.trim().split(',').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    sheet.write_string(1, 0, "2165000007").unwrap();
    sheet.write_string(1, 1, "城南初级中学").unwrap();
    sheet.write_string(1, 2, "初中").unwrap();
    sheet.write_string(1, 3, "镇区").unwrap();
    sheet.write_number(1, 4, 0.0).unwrap();
    sheet.write_number(1, 5, 640.0).unwrap();
    sheet.write_number(1, 6, 51.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let r = json_of(app.import_schools(&t, bytes).await, StatusCode::OK).await;
    assert_eq!(r["created"], 1);
    let list = json_of(app.get(&t, "/api/schools").await, StatusCode::OK).await;
    assert_eq!(list[0]["junior_students"], 640);
    assert_eq!(list[0]["kind"], "junior");
}

#[tokio::test]
async fn a_file_with_bad_rows_stores_nothing_and_names_every_row() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    let csv = format!(
        "{HEADER}2165000001,第一小学,小学,城区,1200,0,80\n\
         21650,短代码小学,小学,城区,1,0,1\n\
         2165000003,大学,大学,城区,1,0,1\n\
         2165000004,郊区小学,小学,郊区,1,0,1\n\
         2165000005,负数小学,小学,城区,-5,0,1\n\
         2165000006,小学有初中生,小学,城区,10,10,1\n\
         2165000001,重复小学,小学,城区,1,0,1\n\
         2165000008,,小学,城区,1,0,1\n"
    );
    let body = json_of(
        app.import_schools(&t, csv.into_bytes()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let details: Vec<String> = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    assert_eq!(details.len(), 7, "{details:#?}");
    for (line, needle) in [
        (3, "10位数字"),
        (4, "学校类型无效"),
        (5, "所在地无效"),
        (6, "小学在校生数"),
        (7, "没有初中部"),
        (8, "重复"),
        (9, "学校名称不能为空"),
    ] {
        assert!(
            details
                .iter()
                .any(|d| d.starts_with(&format!("第{line}行")) && d.contains(needle)),
            "line {line} should say {needle}: {details:#?}"
        );
    }
    assert!(body["message"].as_str().unwrap().contains("未保存"));
    let list = json_of(app.get(&t, "/api/schools").await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().len(), 0, "nothing stored");
}

#[tokio::test]
async fn the_template_downloads_with_a_bom() {
    let app = spawn_app().await;
    let t = app.token_for("reviewer").await;
    let resp = app.get(&t, "/api/schools/import-template").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(std::str::from_utf8(&bytes).unwrap().contains("学校标识码"));
}

#[tokio::test]
async fn county_profile_is_set_and_validated() {
    let app = spawn_app().await;
    let t = app.token_for("organiser").await;
    json_of(app.get(&t, "/api/county").await, StatusCode::NOT_FOUND).await;
    let c = json_of(
        app.put(
            &t,
            "/api/county",
            json!({"name": "奇台县", "admin_code": "652325", "resident_population": 250000}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["resident_population"], 250000);
    let bad = json_of(
        app.put(
            &t,
            "/api/county",
            json!({"name": "奇台县", "admin_code": "65", "resident_population": 250000}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(bad["field"], "admin_code");
    let kept = json_of(app.get(&t, "/api/county").await, StatusCode::OK).await;
    assert_eq!(kept["admin_code"], "652325");
}
