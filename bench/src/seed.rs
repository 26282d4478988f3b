//! Seeding a benchmark county through renke's API: 26 schools, a round with
//! all seven groups, opened; and the calls every seeding shares (the
//! province's too).

use anyhow::{Context, bail};
use serde_json::{Value, json};

pub struct Seeded {
    pub token: String,
    pub round_id: i64,
    pub links: Vec<String>,
}

pub async fn call(client: &reqwest::Client, req: reqwest::RequestBuilder) -> anyhow::Result<Value> {
    let _ = client;
    let resp = req.send().await?;
    let status = resp.status();
    let text = resp.text().await?;
    if !status.is_success() {
        bail!("seeding failed: {status} {text}");
    }
    Ok(serde_json::from_str(&text)?)
}

/// Logs in as the admin; returns the session token.
pub async fn login(
    c: &reqwest::Client,
    base: &str,
    admin_password: &str,
) -> anyhow::Result<String> {
    let login = call(
        c,
        c.post(format!("{base}/api/auth/login"))
            .json(&json!({"username": "admin", "password": admin_password})),
    )
    .await?;
    Ok(login["token"].as_str().context("token")?.to_string())
}

/// `?county_id=…` for an account that sees several counties, else nothing.
fn in_county(county: Option<i64>) -> String {
    county
        .map(|c| format!("?county_id={c}"))
        .unwrap_or_default()
}

/// Imports schools from a CSV (into `county` when given).
pub async fn import_schools(
    c: &reqwest::Client,
    base: &str,
    token: &str,
    county: Option<i64>,
    csv: String,
) -> anyhow::Result<()> {
    call(
        c,
        c.post(format!("{base}/api/schools/import{}", in_county(county)))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(csv),
    )
    .await?;
    Ok(())
}

/// Creates a self-assessment round over `groups` (in `county` when given),
/// open from an hour ago for two days, and opens it; returns its id and
/// its links' tokens.
pub async fn open_round(
    c: &reqwest::Client,
    base: &str,
    token: &str,
    county: Option<i64>,
    name: &str,
    groups: &[&str],
) -> anyhow::Result<(i64, Vec<String>)> {
    let now = chrono::Utc::now();
    let round = call(
        c,
        c.post(format!("{base}/api/rounds{}", in_county(county)))
            .bearer_auth(token)
            .json(&json!({
                "name": name,
                "purpose": "self_assessment",
                "opens_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
                "closes_at": (now + chrono::Duration::days(2)).to_rfc3339(),
                "groups": groups,
                "min_answer_seconds": 0,
            })),
    )
    .await?;
    let round_id = round["id"].as_i64().context("round id")?;
    call(
        c,
        c.post(format!("{base}/api/rounds/{round_id}/open"))
            .bearer_auth(token),
    )
    .await?;
    let links = call(
        c,
        c.get(format!("{base}/api/rounds/{round_id}/links"))
            .bearer_auth(token),
    )
    .await?;
    let links = links["links"]
        .as_array()
        .context("links")?
        .iter()
        .filter_map(|l| l["token"].as_str().map(str::to_string))
        .collect();
    Ok((round_id, links))
}

pub async fn county(base: &str, admin_password: &str) -> anyhow::Result<Seeded> {
    let c = reqwest::Client::new();
    let token = login(&c, base, admin_password).await?;
    let kinds = ["小学", "小学", "初中", "九年一贯制", "小学", "初中"];
    let locations = ["城区", "镇区", "乡村"];
    let mut csv =
        String::from("学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n");
    for i in 1..=26u64 {
        let kind = kinds[i as usize % kinds.len()];
        let (p, j) = match kind {
            "小学" => (300 + i * 37, 0),
            "初中" => (0, 400 + i * 21),
            _ => (200 + i * 11, 150 + i * 7),
        };
        csv.push_str(&format!(
            "{},压测学校{i},{kind},{},{p},{j},{}\n",
            2_165_000_000 + i,
            locations[i as usize % 3],
            30 + i
        ));
    }
    import_schools(&c, base, &token, None, csv).await?;
    let groups = [
        "student",
        "parent",
        "teacher",
        "principal",
        "deputy",
        "cppcc_member",
        "citizen",
    ];
    let (round_id, links) = open_round(&c, base, &token, None, "压测轮次", &groups).await?;
    Ok(Seeded {
        token,
        round_id,
        links,
    })
}
