//! The respondent's journey: QR codes and posters, the questionnaire page,
//! duplicate devices, rate limits and one-time access codes.

mod codes;
mod devices;
mod families;
mod limits;
mod pages;
mod printing;
mod rooms;

use crate::helpers::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// The first link of a group.
pub fn link_of(links: &[Value], group: &str) -> Value {
    links
        .iter()
        .find(|l| l["group"] == group)
        .unwrap_or_else(|| panic!("no {group} link"))
        .clone()
}

pub fn token_of(links: &[Value], group: &str) -> String {
    link_of(links, group)["token"].as_str().unwrap().to_string()
}

/// Generates `count` access codes for `link` (shown once).
pub async fn generate(app: &TestApp, t: &str, id: i64, link: &Value, count: u32) -> Vec<String> {
    let out = json_of(
        app.post(
            t,
            &format!("/api/rounds/{id}/links/{}/access-codes", link["id"]),
            json!({"count": count}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    out["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn phone() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A fresh app with an open round for parents of one school and `extra`
/// settings; returns the app, the parents' link token and its questionnaire.
pub async fn parents_round(extra: Value) -> (TestApp, String, Value) {
    let app = spawn_app().await;
    let (_, _, links) = app.open_round_with(1, &["parent"], extra).await;
    let token = token_of(&links, "parent");
    let q = app.questionnaire(&token).await;
    (app, token, q)
}

/// A page as a phone gets it: status, body and headers.
pub async fn page(
    app: &TestApp,
    client: &Client,
    path: &str,
) -> (StatusCode, String, reqwest::header::HeaderMap) {
    let resp = client.get(app.url(path)).send().await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, resp.text().await.unwrap(), headers)
}

/// Sends the bodies at once from `client`; returns how many were created
/// (the others must be refused with 409).
pub async fn race(app: &TestApp, client: &Client, token: &str, bodies: Vec<Value>) -> usize {
    let url = app.url(&format!("/api/public/links/{token}/responses"));
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap().status() })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {}
            other => panic!("{other}"),
        }
    }
    created
}

/// The plain-form fields answering every choice item with its first option.
pub fn form_for(q: &Value, client_id: &str, started_ms: i64) -> Vec<(String, String)> {
    let mut fields = vec![
        ("client_id".to_string(), client_id.to_string()),
        ("started_ms".to_string(), started_ms.to_string()),
    ];
    for item in q["items"].as_array().unwrap() {
        if item["kind"] != "text" {
            fields.push((item["id"].as_str().unwrap().to_string(), "1".to_string()));
        }
    }
    fields
}

/// A body submitted to the JSON API by a given client (with its cookies).
pub async fn submit_with(
    app: &TestApp,
    client: &Client,
    token: &str,
    body: &Value,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/public/links/{token}/responses")))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// The validity of every stored response, in order.
pub async fn validities(app: &TestApp) -> Vec<String> {
    use sea_orm::{EntityTrait, QueryOrder};
    renke::entities::response::Entity::find()
        .order_by_asc(renke::entities::response::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.validity)
        .collect()
}

/// The text of a QR code in a PNG, read by a real decoder.
pub fn decode_qr(png_bytes: &[u8]) -> String {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes.to_vec()));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().unwrap().1
}
