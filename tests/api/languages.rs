//! Questionnaires in the respondent's language: a round's languages, the
//! translation workbook exported, filled and imported back (all or nothing),
//! the preview, and the freeze when the round opens.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The rows of the exported workbook's first sheet, as text.
pub fn sheet_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let first = book.sheet_names()[0].clone();
    assert_eq!(first, "译文");
    let range = book.worksheet_range(&first).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The exported sheet with its first language column filled in (a
/// made-up Uyghur text per row), the other languages' columns dropped.
pub fn filled_in_first_language(rows: &[Vec<String>]) -> Vec<Vec<String>> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let t = if i == 0 {
                r[2].clone()
            } else {
                format!("ئۇ {}", r[1])
            };
            vec![r[0].clone(), r[1].clone(), t]
        })
        .collect()
}

pub fn csv_of(rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

pub async fn post_raw(app: &TestApp, token: &str, path: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap()
}

fn language<'a>(langs: &'a Value, tag: &str) -> &'a Value {
    langs["languages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["tag"] == tag)
        .unwrap_or_else(|| panic!("no {tag} in {langs}"))
}

#[tokio::test]
async fn a_translation_goes_out_as_a_workbook_and_comes_back_whole_or_not_at_all() {
    let app = spawn_app().await;
    let token = app.token_for("organiser").await;
    app.seed_schools(&token, 1).await;
    let round = app.create_round(&token, &["parent"], json!({})).await["id"]
        .as_i64()
        .unwrap();
    let langs_path = format!("/api/rounds/{round}/languages");

    // Tags are checked and written canonically; 汉语 and repeats refused.
    for (bad, field) in [
        (json!(["uyghur"]), "languages"),
        (json!(["zh"]), "languages"),
        (json!(["ug", "UG"]), "languages"),
    ] {
        let e = json_of(
            app.put(&token, &langs_path, json!({ "languages": bad }))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(e["field"], field, "{e}");
    }
    let langs = json_of(
        app.put(&token, &langs_path, json!({"languages": ["UG", "kk_arab"]}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(langs["primary"], "zh");
    let ug = language(&langs, "ug");
    assert_eq!(ug["rtl"], true);
    assert_eq!(ug["name"], "ئۇيغۇرچە");
    assert_eq!(ug["translated"], 0);
    assert_eq!(ug["complete"], false);
    let total = ug["total"].as_u64().unwrap();
    assert!(total > 40, "{ug}");
    assert_eq!(language(&langs, "kk-Arab")["rtl"], true);

    // The workbook: key, Chinese, one column per language.
    let xlsx = app
        .get(&token, &format!("/api/rounds/{round}/translations.xlsx"))
        .await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let rows = sheet_rows(&xlsx.bytes().await.unwrap());
    assert_eq!(rows[0], ["键 key", "中文原文 zh", "ug", "kk-Arab"]);
    assert_eq!(rows.len() as u64, total + 1);
    assert_eq!(rows[1][0], "parent/title");
    let q = json_of(
        app.get(
            &token,
            &format!("/api/rounds/{round}/questionnaires/parent"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let item = &q["items"][1];
    let item_key = format!("parent/{}", item["id"].as_str().unwrap());
    let item_row = rows.iter().find(|r| r[0] == item_key).unwrap();
    assert_eq!(item_row[1], item["text"].as_str().unwrap());

    // The translator fills the Uyghur column (test data, not a real translation).
    let filled: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if i == 0 {
                vec![r[0].clone(), r[1].clone(), r[2].clone()]
            } else {
                vec![r[0].clone(), r[1].clone(), format!("ئۇ {}", r[1])]
            }
        })
        .collect();

    // A missing key and an extra key: refused, every problem named, nothing stored.
    let mut broken = filled.clone();
    let dropped = broken.remove(5)[0].clone();
    broken.push(vec!["parent/q999".into(), "?".into(), "x".into()]);
    let import = format!("/api/rounds/{round}/translations");
    let e = json_of(
        post_raw(&app, &token, &import, csv_of(&broken)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let details = e["details"].to_string();
    assert!(details.contains(&format!("缺少键“{dropped}”")), "{e}");
    assert!(details.contains("parent/q999"), "{e}");
    let after = json_of(app.get(&token, &langs_path).await, StatusCode::OK).await;
    assert_eq!(language(&after, "ug")["translated"], 0);

    // A language the round does not have is refused too.
    let mut foreign = filled.clone();
    foreign[0][2] = "fr".into();
    let e = json_of(
        post_raw(&app, &token, &import, csv_of(&foreign)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(e["details"].to_string().contains("“fr”"), "{e}");

    // The whole sheet: Uyghur complete, Kazakh untouched.
    let langs = json_of(
        post_raw(&app, &token, &import, csv_of(&filled)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(language(&langs, "ug")["complete"], true);
    assert_eq!(language(&langs, "ug")["translated"].as_u64(), Some(total));
    assert_eq!(language(&langs, "kk-Arab")["translated"], 0);

    // The preview reads the questionnaire as a Uyghur respondent would:
    // texts translated, codes and scoring unchanged.
    let preview = json_of(
        app.get(
            &token,
            &format!("/api/rounds/{round}/questionnaires/parent?lang=ug"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        preview["items"][1]["text"],
        format!("ئۇ {}", item["text"].as_str().unwrap())
    );
    assert_eq!(
        preview["items"].as_array().unwrap().len(),
        q["items"].as_array().unwrap().len()
    );
    for (p, o) in preview["items"]
        .as_array()
        .unwrap()
        .iter()
        .zip(q["items"].as_array().unwrap())
    {
        assert_eq!(p["id"], o["id"]);
        let codes = |v: &Value| {
            v["options"].as_array().map(|a| {
                a.iter()
                    .map(|o| (o["code"].clone(), o["recognised"].clone()))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(codes(p), codes(o));
    }
    let e = app
        .get(
            &token,
            &format!("/api/rounds/{round}/questionnaires/parent?lang=mn-Mong"),
        )
        .await;
    assert_eq!(e.status(), StatusCode::NOT_FOUND);

    // The exported workbook now carries the Uyghur texts: the round trip.
    let again = sheet_rows(
        &app.get(&token, &format!("/api/rounds/{round}/translations.xlsx"))
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(again[1][2], filled[1][2]);

    // A Chinese text changed after translation shows as outdated.
    let mut edited = q.clone();
    edited["items"][1]["text"] = json!("您对学校的课后服务满意吗？（修改后）");
    let put = app
        .put(
            &token,
            &format!("/api/rounds/{round}/questionnaires/parent"),
            edited,
        )
        .await;
    assert_eq!(put.status(), StatusCode::OK);
    let langs = json_of(app.get(&token, &langs_path).await, StatusCode::OK).await;
    let ug = language(&langs, "ug");
    assert_eq!(ug["outdated"], json!([item_key]));
    assert_eq!(ug["complete"], false);

    // A reviewer reads but does not change.
    let reviewer = app.token_for("reviewer").await;
    assert_eq!(
        app.put(&reviewer, &langs_path, json!({"languages": []}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&reviewer, &langs_path).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn translations_freeze_with_the_round() {
    let app = spawn_app().await;
    let token = app.token_for("organiser").await;
    app.seed_schools(&token, 1).await;
    let round = app.create_round(&token, &["parent"], json!({})).await["id"]
        .as_i64()
        .unwrap();
    let langs_path = format!("/api/rounds/{round}/languages");
    app.put(&token, &langs_path, json!({"languages": ["ug"]}))
        .await;
    let opened = app
        .post(&token, &format!("/api/rounds/{round}/open"), json!({}))
        .await;
    assert_eq!(opened.status(), StatusCode::OK);
    let e = json_of(
        app.put(&token, &langs_path, json!({"languages": ["en"]}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(e["code"], "round_frozen");
    let e = json_of(
        post_raw(
            &app,
            &token,
            &format!("/api/rounds/{round}/translations"),
            "键 key,中文原文 zh,ug\n".into(),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(e["code"], "round_frozen");
    let langs = json_of(app.get(&token, &langs_path).await, StatusCode::OK).await;
    assert_eq!(langs["languages"][0]["tag"], "ug");
    // The audit log has the change, made while it was a draft.
    let admin = app.admin_token().await;
    let log = json_of(app.get(&admin, "/api/audit?limit=50").await, StatusCode::OK).await;
    assert!(log.to_string().contains("round.languages"), "{log}");
}

/// The respondent pages' fixed texts in a language renke does not ship: the
/// admin exports the workbook, a translator fills it, the admin imports it
/// back whole, placeholders kept.
#[tokio::test]
async fn fixed_page_texts_come_from_the_deployments_translation_set() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let overview = json_of(app.get(&admin, "/api/page-texts").await, StatusCode::OK).await;
    assert_eq!(overview["built_in"], json!(["zh", "en"]));
    assert_eq!(overview["languages"], json!([]));
    let keys = overview["texts"].as_array().unwrap().len();
    assert!(keys > 50, "{keys}");

    let e = app.get(&admin, "/api/page-texts.xlsx?languages=en").await;
    assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let rows = {
        use calamine::{Data, Reader, Xlsx};
        let bytes = app
            .get(&admin, "/api/page-texts.xlsx?languages=ug")
            .await
            .bytes()
            .await
            .unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let range = book.worksheet_range("页面文字").unwrap();
        range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Empty => String::new(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<String>>()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(rows[0], ["键 key", "中文原文 zh", "英文参考 English", "ug"]);
    assert_eq!(rows.len(), keys + 1);
    // Test data, not a real translation: the Chinese with a Uyghur prefix
    // keeps every placeholder.
    let filled: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            if i > 0 {
                r[3] = format!("ئۇ {}", r[1]);
            }
            r
        })
        .collect();
    let organiser = app.token_for("organiser").await;
    assert_eq!(
        post_raw(&app, &organiser, "/api/page-texts", csv_of(&filled))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // A lost placeholder: refused, nothing stored.
    let mut broken = filled.clone();
    let row = broken
        .iter()
        .position(|r| r[0] == "form.required_count")
        .unwrap();
    broken[row][3] = "ئۇ".into();
    let e = json_of(
        post_raw(&app, &admin, "/api/page-texts", csv_of(&broken)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        e["details"].to_string().contains("form.required_count"),
        "{e}"
    );
    let overview = json_of(app.get(&admin, "/api/page-texts").await, StatusCode::OK).await;
    assert_eq!(overview["languages"], json!([]));

    let done = json_of(
        post_raw(&app, &admin, "/api/page-texts", csv_of(&filled)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["languages"], json!(["ug"]));
    let overview = json_of(app.get(&admin, "/api/page-texts").await, StatusCode::OK).await;
    let ug = &overview["languages"][0];
    assert_eq!(
        (ug["tag"].as_str(), ug["rtl"].as_bool()),
        (Some("ug"), Some(true))
    );
    assert_eq!(ug["translated"].as_u64(), Some(keys as u64));
    let log = json_of(app.get(&admin, "/api/audit?limit=20").await, StatusCode::OK).await;
    assert!(log.to_string().contains("page_texts.import"), "{log}");
}

/// Answers in every language count in the one rate; the report, its
/// workbook and the raw export say which language each came from.
#[tokio::test]
async fn responses_in_each_language_count_in_one_rate_and_are_reported_by_language() {
    let app = spawn_app().await;
    let token = app.token_for("organiser").await;
    app.seed_schools(&token, 1).await;
    let round = app
        .create_round(&token, &["parent"], json!({"min_answer_seconds": 0}))
        .await["id"]
        .as_i64()
        .unwrap();
    app.put(
        &token,
        &format!("/api/rounds/{round}/languages"),
        json!({"languages": ["ug"]}),
    )
    .await;
    let opened = app
        .post(&token, &format!("/api/rounds/{round}/open"), json!({}))
        .await;
    assert_eq!(opened.status(), StatusCode::OK);
    let links = json_of(
        app.get(&token, &format!("/api/rounds/{round}/links")).await,
        StatusCode::OK,
    )
    .await;
    let link = links["links"][0]["token"].as_str().unwrap().to_string();
    let q = app.questionnaire(&link).await;
    // 满意 everywhere (option 1) or 不满意 everywhere (option 4).
    let send = |option: u64, language: Option<&str>| {
        let mut body = answers_for(&q, |n, _| if n == 0 { 1 } else { option });
        if let Some(l) = language {
            body["language"] = json!(l);
        }
        body
    };
    for (option, language) in [(1, None), (1, Some("zh")), (1, Some("UG")), (4, Some("ug"))] {
        let r = app.submit(&link, &send(option, language)).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{language:?}");
    }
    // A language the round does not have is refused, nothing stored.
    let e = json_of(
        app.submit(&link, &send(1, Some("kk-Arab"))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "language");
    assert_eq!(count_responses(&app.db).await, 4);

    let report = json_of(
        app.get(&token, &format!("/api/rounds/{round}/report"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["overall"]["n"], 4);
    let rates = report["languages"]["rates"].as_array().unwrap();
    let row = |l: &str| rates.iter().find(|r| r["language"] == l).unwrap().clone();
    assert_eq!(
        (row("zh")["n"].as_u64(), row("zh")["rate"].as_f64()),
        (Some(2), Some(1.0))
    );
    assert_eq!(
        (row("ug")["n"].as_u64(), row("ug")["rate"].as_f64()),
        (Some(2), Some(0.5))
    );
    assert_eq!(row("ug")["language_label"], "ئۇيغۇرچە");
    assert_eq!(report["overall"]["rate"].as_f64(), Some(0.75));

    // The stored tallies equal a recomputation, also after a rebuild.
    let check = format!("/api/rounds/{round}/tallies/check");
    let c = json_of(app.get(&token, &check).await, StatusCode::OK).await;
    assert_eq!(c["consistent"], true, "{c}");
    app.post(
        &token,
        &format!("/api/rounds/{round}/tallies/rebuild"),
        json!({}),
    )
    .await;
    let again = json_of(
        app.get(&token, &format!("/api/rounds/{round}/report"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["languages"], report["languages"]);

    // The raw export names each response's language.
    let csv = app
        .get(
            &token,
            &format!("/api/rounds/{round}/exports/responses.csv"),
        )
        .await
        .bytes()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&csv);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let col = rows[0].iter().position(|h| h == "语言").unwrap();
    let langs: Vec<&str> = rows[1..].iter().map(|r| r[col].as_str()).collect();
    assert_eq!(langs, ["zh", "zh", "ug", "ug"]);

    // The report workbook has its sheet.
    let xlsx = app
        .get(&token, &format!("/api/rounds/{round}/exports/report.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    use calamine::Reader;
    let book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    assert!(
        book.sheet_names().contains(&"按语言".to_string()),
        "{:?}",
        book.sheet_names()
    );
}

/// The respondent's page picks its language from the link, the phone's
/// remembered choice, then Accept-Language; only a complete translation is
/// offered; anything else is Chinese, and refusals speak the language too.
#[tokio::test]
async fn the_respondents_page_speaks_the_chosen_language_or_chinese() {
    let app = spawn_app().await;
    let token = app.token_for("organiser").await;
    app.seed_schools(&token, 1).await;
    let round = app.create_round(&token, &["parent"], json!({})).await["id"]
        .as_i64()
        .unwrap();
    app.put(
        &token,
        &format!("/api/rounds/{round}/languages"),
        json!({"languages": ["ug", "kk-Arab"]}),
    )
    .await;
    // Uyghur complete, Kazakh not translated at all.
    let rows = sheet_rows(
        &app.get(&token, &format!("/api/rounds/{round}/translations.xlsx"))
            .await
            .bytes()
            .await
            .unwrap(),
    );
    let filled = filled_in_first_language(&rows);
    let ok = post_raw(
        &app,
        &token,
        &format!("/api/rounds/{round}/translations"),
        csv_of(&filled),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    app.post(&token, &format!("/api/rounds/{round}/open"), json!({}))
        .await;
    let links = json_of(
        app.get(&token, &format!("/api/rounds/{round}/links")).await,
        StatusCode::OK,
    )
    .await;
    let link = links["links"][0]["token"].as_str().unwrap().to_string();
    let page = |query: &str, headers: &[(&str, &str)]| {
        let mut req = app.client.get(app.url(&format!("/s/{link}{query}")));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        async move {
            let resp = req.send().await.unwrap();
            let cookie = resp
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|c| c.starts_with("renke_lang="))
                .map(str::to_string);
            (resp.status(), cookie, resp.text().await.unwrap())
        }
    };
    let (status, cookie, html) = page("?lang=ug", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<html lang=\"ug\" dir=\"rtl\">"),
        "{}",
        &html[..200]
    );
    assert!(html.contains("name=\"language\" value=\"ug\""));
    assert!(html.contains("data-texts="));
    assert!(cookie.unwrap().starts_with("renke_lang=ug;"));
    // Remembered on the phone, and from Accept-Language.
    let (_, _, html) = page("", &[("cookie", "renke_lang=ug")]).await;
    assert!(html.contains("dir=\"rtl\""));
    let (_, _, html) = page("", &[("accept-language", "ug-CN,ug;q=0.9,zh;q=0.5")]).await;
    assert!(html.contains("dir=\"rtl\""));
    // Chinese by default, for a language not offered (Kazakh is incomplete)
    // and for one the round does not have.
    for query in ["", "?lang=kk-Arab", "?lang=fr", "?lang=%3Cscript%3E"] {
        let (status, _, html) = page(query, &[]).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert!(
            html.contains("<html lang=\"zh-CN\" dir=\"ltr\">"),
            "{query}"
        );
        assert!(!html.contains("name=\"language\""), "{query}");
        assert!(html.contains("提交问卷"), "{query}");
    }
    // The switch offers Chinese and Uyghur only.
    let (_, _, html) = page("", &[]).await;
    assert!(html.contains("?lang=ug"));
    assert!(!html.contains("?lang=kk-Arab"));

    // A refusal in the chosen language (English ships with renke).
    app.post(&token, &format!("/api/rounds/{round}/close"), json!({}))
        .await;
    let (status, _, html) = page("?lang=en", &[]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("The survey has ended"), "{html}");
    assert!(html.contains("<html lang=\"en\" dir=\"ltr\">"));
}
