//! Seeding the province through the API: the region tree, each county's
//! profile, schools and an opened self-assessment round.

use anyhow::{Context, bail};
use serde_json::json;

use super::{Province, Seeded};
use crate::seed::{call, import_schools, login, open_round};

/// The tree, profiles, schools and opened rounds, through the API.
pub async fn seed(base: &str, admin_password: &str, p: &Province) -> anyhow::Result<Seeded> {
    let c = reqwest::Client::new();
    let token = login(&c, base, admin_password).await?;
    // 65 province; prefectures 65PP00; counties 65PPCC (CC from 01).
    let mut csv = String::from("650000,压测省,\n");
    let prefectures = p.counties.div_ceil(10);
    for pp in 1..=prefectures {
        csv.push_str(&format!("65{pp:02}00,压测州{pp},650000\n"));
    }
    for i in 0..p.counties {
        let (pp, cc) = (i / 10 + 1, i % 10 + 1);
        csv.push_str(&format!("65{pp:02}{cc:02},压测县{},65{pp:02}00\n", i + 1));
    }
    call(
        &c,
        c.post(format!("{base}/api/regions/import"))
            .bearer_auth(&token)
            .header("content-type", "application/octet-stream")
            .body(csv),
    )
    .await?;
    let nodes = call(&c, c.get(format!("{base}/api/regions")).bearer_auth(&token)).await?;
    let nodes = nodes.as_array().context("nodes")?;
    let province = nodes
        .iter()
        .find(|n| n["code"] == "650000")
        .and_then(|n| n["id"].as_i64())
        .context("the province")?;
    let mut counties: Vec<(String, i64)> = nodes
        .iter()
        .filter(|n| {
            n["level"] == "county" && n["code"].as_str().is_some_and(|c| c.starts_with("65"))
        })
        .filter_map(|n| Some((n["code"].as_str()?.to_string(), n["county_id"].as_i64()?)))
        .collect();
    counties.sort();
    if counties.len() != p.counties {
        bail!(
            "{} counties in the tree, {} wanted",
            counties.len(),
            p.counties
        );
    }
    let mut parts = Vec::new();
    for (n, (code, county)) in counties.iter().enumerate() {
        call(
            &c,
            c.put(format!("{base}/api/county?county_id={county}"))
                .bearer_auth(&token)
                .json(&json!({"name": format!("压测县{}", n + 1), "admin_code": code, "resident_population": 250000})),
        )
        .await?;
        let mut schools = String::from("学校标识码,学校名称,学校类型,所在地,小学在校生数,教师数\n");
        for s in 1..=p.schools {
            schools.push_str(&format!(
                "21{:04}{s:04},县{}第{s}小学,小学,{},{},{}\n",
                n + 1,
                n + 1,
                ["城区", "镇区", "乡村"][s % 3],
                300 + s * 17,
                20 + s
            ));
        }
        import_schools(&c, base, &token, Some(*county), schools).await?;
        let (round_id, links) = open_round(
            &c,
            base,
            &token,
            Some(*county),
            "县级自评",
            &["parent", "teacher"],
        )
        .await?;
        parts.push((*county, round_id, links));
    }
    Ok(Seeded {
        token,
        province,
        parts,
    })
}
