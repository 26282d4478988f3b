//! QR codes, posters and the ZIP of codes.

use super::*;
use std::io::Read;

const PUBLIC: &str = "https://renke.example.gov.cn";

#[tokio::test]
async fn a_link_png_decodes_to_its_exact_url() {
    let app = spawn_app_with(|s| s.public_url = Some(format!("{PUBLIC}/"))).await;
    let (t, id, links) = app
        .open_round_with(1, &["parent", "deputy"], json!({}))
        .await;
    let link = link_of(&links, "parent");
    let url = format!("{PUBLIC}/s/{}", link["token"].as_str().unwrap());
    assert_eq!(link["url"], url);
    let path = format!("/api/rounds/{id}/links/{}/qr.png?size=400", link["id"]);
    let resp = app.get(&t, &path).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "image/png");
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let png = resp.bytes().await.unwrap();
    assert_eq!(decode_qr(&png), url);
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert!((300..=400).contains(&width), "{width}");

    // A reviewer may fetch it; an anonymous caller may not; odd sizes are refused.
    let reviewer = app.token_for("reviewer").await;
    assert_eq!(app.get(&reviewer, &path).await.status(), StatusCode::OK);
    let anon = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(anon.status(), StatusCode::UNAUTHORIZED);
    let e = json_of(
        app.get(
            &t,
            &format!("/api/rounds/{id}/links/{}/qr.png?size=20", link["id"]),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "size");
    let e = json_of(
        app.get(&t, &format!("/api/rounds/{id}/links/99999/qr.png"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(e["code"], "not_found");

    let svg = app
        .get(&t, &format!("/api/rounds/{id}/links/{}/qr.svg", link["id"]))
        .await;
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let svg = svg.text().await.unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("<path"), "{svg}");

    // Documented as binary in the spec.
    let spec: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let op = &spec["paths"]["/rounds/{id}/links/{link_id}/qr.png"]["get"];
    assert!(
        op["responses"]["200"]["content"]["image/png"].is_object(),
        "{op}"
    );
    assert!(spec["paths"]["/rounds/{id}/qr.zip"]["get"]["responses"]["200"]["content"]["application/zip"].is_object());
    assert!(
        spec["paths"]["/rounds/{id}/posters"]["get"]["responses"]["200"]["content"]["text/html; charset=utf-8"]
            .is_object()
    );
}

#[tokio::test]
async fn the_zip_holds_one_named_png_per_enabled_link() {
    let app = spawn_app_with(|s| s.public_url = Some(PUBLIC.into())).await;
    let (t, id, links) = app
        .open_round_with(2, &["parent", "teacher", "deputy"], json!({}))
        .await;
    let off = link_of(&links, "teacher");
    json_of(
        app.patch(
            &t,
            &format!("/api/rounds/{id}/links/{}", off["id"]),
            json!({"enabled": false}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let resp = app
        .get(&t, &format!("/api/rounds/{id}/qr.zip?size=300"))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/zip");
    let bytes = resp.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    names.sort();
    let mut expected = vec![
        "2165000001_第1小学_家长.png".to_string(),
        "2165000001_第1小学_教师.png".to_string(),
        "2165000002_第2小学_家长.png".to_string(),
        "2165000002_第2小学_教师.png".to_string(),
        "县级_人大代表.png".to_string(),
    ];
    let disabled = format!(
        "{}_{}_教师.png",
        off["school_code"].as_str().unwrap(),
        off["school_name"].as_str().unwrap()
    );
    expected.retain(|n| *n != disabled);
    expected.sort();
    assert_eq!(names, expected);
    let mut png = Vec::new();
    zip.by_name("县级_人大代表.png")
        .unwrap()
        .read_to_end(&mut png)
        .unwrap();
    assert_eq!(
        decode_qr(&png),
        format!("{PUBLIC}/s/{}", token_of(&links, "deputy"))
    );
}

#[tokio::test]
async fn posters_have_a_page_per_school_and_one_for_the_county() {
    use chrono::{Duration, DurationRound, Utc};
    let app = spawn_app_with(|s| s.public_url = Some(PUBLIC.into())).await;
    let closes = (Utc::now() + Duration::days(5))
        .duration_trunc(Duration::minutes(1))
        .unwrap();
    let (t, id, links) = app
        .open_round_with(
            3,
            &["parent", "teacher", "deputy", "citizen"],
            json!({"name": "2026年<县级>自评", "closes_at": closes.to_rfc3339()}),
        )
        .await;
    let beijing = closes
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y年%m月%d日 %H:%M（北京时间）")
        .to_string();
    let resp = app.get(&t, &format!("/api/rounds/{id}/posters")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = resp.text().await.unwrap();
    assert_eq!(html.matches("class=\"sheet\"").count(), 3 + 1);
    assert!(html.contains("@page{size:A4"));
    assert!(html.contains("2026年&lt;县级&gt;自评") && !html.contains("<县级>"));
    for n in 1..=3 {
        assert!(html.contains(&format!("第{n}小学")));
    }
    assert!(html.contains("县级调查对象"));
    for label in ["家长", "教师", "人大代表", "其他群众"] {
        assert!(
            html.contains(&format!("<div class=\"who\">{label}</div>")),
            "{label}"
        );
    }
    // Closing time in Beijing time (UTC+8), the anonymity promise, the way to scan.
    assert!(html.contains(&beijing), "{beijing}");
    assert!(html.contains("匿名") && html.contains("扫一扫"));
    for l in &links {
        assert!(html.contains(l["url"].as_str().unwrap()));
    }
    assert_eq!(html.matches("<svg").count(), links.len());
    assert!(!html.contains("class=\"warn\""), "a public URL is set");

    // The console's cookie works too.
    let browser = phone();
    let login = browser
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": "admin", "password": app.admin_password}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let resp = browser
        .get(app.url(&format!("/api/rounds/{id}/posters")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn posters_warn_on_every_page_when_phones_cannot_open_the_codes() {
    let app = spawn_app().await;
    let (t, id, _) = app.open_round_with(2, &["parent"], json!({})).await;
    let html = app
        .get(&t, &format!("/api/rounds/{id}/posters"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(html.matches("class=\"warn\"").count(), 2);
    assert!(html.contains("RENKE_PUBLIC_URL"));
}
