//! On-site interviews (访谈员): organisers make interviewers and give them
//! links; an interviewer downloads only its assignments, uploads interviews
//! stored with source `interview` and counted once however often they are
//! uploaded, is refused links it was not given (403) and another county's
//! rounds (404), reads no results, and the audit log says who uploaded how
//! many, never which answers.

use crate::helpers::*;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

struct Field {
    app: TestApp,
    organiser: String,
    round: i64,
    parent_link: i64,
    deputy_link: i64,
    /// The interviewer's username, token and account id.
    username: String,
    token: String,
    id: i64,
}

/// An open round (one school: parents, and the county's deputies) and an
/// interviewer made by the organiser for the parents' link only.
async fn field() -> Field {
    let app = spawn_app().await;
    let (organiser, round, links) = app.open_round(1).await;
    let link = |g: &str| {
        links.iter().find(|l| l["group"] == g).unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (parent_link, deputy_link) = (link("parent"), link("deputy"));
    let created = json_of(
        app.post(
            &organiser,
            &format!("/api/rounds/{round}/interviewers"),
            json!({"username": "fangtan1", "display_name": "访谈员一", "link_ids": [parent_link]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["interviewer"]["link_ids"], json!([parent_link]));
    let password = created["password"].as_str().unwrap().to_string();
    let login = json_of(app.login("fangtan1", &password).await, StatusCode::OK).await;
    assert_eq!(login["account"]["role"], "interviewer");
    Field {
        token: login["token"].as_str().unwrap().to_string(),
        id: created["interviewer"]["id"].as_i64().unwrap(),
        username: "fangtan1".into(),
        app,
        organiser,
        round,
        parent_link,
        deputy_link,
    }
}

impl Field {
    async fn download(&self) -> Value {
        json_of(
            self.app
                .get(&self.token, "/api/interview/assignments")
                .await,
            StatusCode::OK,
        )
        .await
    }

    /// A complete interview of the parents' questionnaire (as downloaded),
    /// every choice item answered with its first option.
    async fn interview(&self, link: i64, group: &str) -> Value {
        let bundle = json_of(
            self.app
                .get(&self.organiser, "/api/interview/assignments")
                .await,
            StatusCode::OK,
        )
        .await;
        assert!(bundle["rounds"].as_array().unwrap().is_empty());
        let q = json_of(
            self.app
                .get(
                    &self.organiser,
                    &format!("/api/rounds/{}/paper", self.round),
                )
                .await,
            StatusCode::OK,
        )
        .await;
        let items = q["questionnaires"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["group"] == group)
            .unwrap()["items"]
            .clone();
        let answers: Vec<Value> = items
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] != "text")
            .map(|i| json!({"item": i["id"], "option": 1}))
            .collect();
        json!({
            "client_id": uuid::Uuid::new_v4().to_string(),
            "link_id": link,
            "answers": answers,
            "duration_ms": 300_000,
            "recorded_at": chrono::Utc::now().to_rfc3339(),
        })
    }

    async fn upload(&self, token: &str, interviews: &[Value]) -> reqwest::Response {
        self.app
            .post(
                token,
                &format!("/api/rounds/{}/interviews", self.round),
                json!({ "interviews": interviews }),
            )
            .await
    }

    async fn report(&self) -> Value {
        json_of(
            self.app
                .get(
                    &self.organiser,
                    &format!("/api/rounds/{}/report", self.round),
                )
                .await,
            StatusCode::OK,
        )
        .await
    }
}

fn mode<'a>(report: &'a Value, m: &str) -> &'a Value {
    report["modes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["mode"] == m)
        .unwrap_or_else(|| panic!("no mode {m} in {}", report["modes"]))
}

#[tokio::test]
async fn an_interviewer_downloads_only_its_assignments_with_their_questionnaires() {
    let f = field().await;
    let bundle = f.download().await;
    assert_eq!(bundle["username"], f.username);
    assert!(bundle["session_expires_at"].is_string());
    let rounds = bundle["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0]["round_id"], f.round);
    // Only the parents' link, and only the parents' questionnaire.
    let links = rounds[0]["links"].as_array().unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["id"], f.parent_link);
    assert_eq!(links[0]["group"], "parent");
    assert!(links[0]["school_name"].is_string());
    let qs = rounds[0]["questionnaires"].as_array().unwrap();
    assert_eq!(qs.len(), 1);
    assert_eq!(qs[0]["group"], "parent");
    assert!(qs[0]["items"].as_array().unwrap().len() > 5);
    // Chinese only: no translation to carry (interview_en.test.mjs covers
    // a round with English).
    assert_eq!(qs[0]["translations"], json!([]));

    // The organiser lists the round's interviewers, and gives this one the
    // deputies too: the next download has both links.
    let list = json_of(
        f.app
            .get(
                &f.organiser,
                &format!("/api/rounds/{}/interviewers", f.round),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], f.id);
    let assigned = json_of(
        f.app
            .put(
                &f.organiser,
                &format!("/api/rounds/{}/interviewers/{}", f.round, f.id),
                json!({"link_ids": [f.parent_link, f.deputy_link]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(assigned["link_ids"], json!([f.parent_link, f.deputy_link]));
    let bundle = f.download().await;
    assert_eq!(bundle["rounds"][0]["links"].as_array().unwrap().len(), 2);
    assert_eq!(
        bundle["rounds"][0]["questionnaires"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // A link of no round of ours, and an account that is no interviewer.
    let bad = f
        .app
        .put(
            &f.organiser,
            &format!("/api/rounds/{}/interviewers/{}", f.round, f.id),
            json!({"link_ids": [999_999]}),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reviewer = f.app.token_for("reviewer").await;
    let me = json_of(f.app.get(&reviewer, "/api/auth/me").await, StatusCode::OK).await;
    let not_interviewer = f
        .app
        .put(
            &f.organiser,
            &format!("/api/rounds/{}/interviewers/{}", f.round, me["id"]),
            json!({"link_ids": [f.parent_link]}),
        )
        .await;
    assert_eq!(not_interviewer.status(), StatusCode::NOT_FOUND);
    // The same username twice: 409.
    let taken = f
        .app
        .post(
            &f.organiser,
            &format!("/api/rounds/{}/interviewers", f.round),
            json!({"username": f.username, "link_ids": []}),
        )
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn uploads_are_stored_as_interviews_counted_once_and_audited_without_answers() {
    let f = field().await;
    let a = f.interview(f.parent_link, "parent").await;
    let b = f.interview(f.parent_link, "parent").await;
    let out = json_of(
        f.upload(&f.token, &[a.clone(), b.clone()]).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(out["stored"], 2, "{out}");
    assert_eq!(out["already_stored"], 0);
    assert_eq!(out["results"][0]["status"], "stored");
    assert_eq!(out["results"][0]["counted"], true);
    assert_eq!(out["results"][0]["client_id"], a["client_id"]);

    // The acknowledgement was lost: the device uploads both again, with a
    // third. Stored once each.
    let c = f.interview(f.parent_link, "parent").await;
    let again = json_of(
        f.upload(&f.token, &[a.clone(), b.clone(), c.clone()]).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["stored"], 1, "{again}");
    assert_eq!(again["already_stored"], 2);
    assert_eq!(again["results"][0]["status"], "already_stored");
    assert_eq!(count_responses(&f.app.db).await, 3);

    let report = f.report().await;
    let interview = mode(&report, "interview");
    assert_eq!(interview["responses"], 3);
    assert_eq!(interview["valid"], 3);
    assert_eq!(mode(&report, "web")["responses"], 0);
    // Counted in the county's rate like any answer (option 1 is 满意 on
    // every scored item: the rate is 100%).
    assert_eq!(report["overall"]["n"], 3, "{}", report["overall"]);
    assert_eq!(report["overall"]["rate"], 1.0, "{}", report["overall"]);

    // The sampling plan counts them like any response, and the monitor
    // shows them by source.
    let sampling = json_of(
        f.app
            .get(&f.organiser, &format!("/api/rounds/{}/sampling", f.round))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(sampling["total"]["count"], 3, "{}", sampling["total"]);
    let by_source: Vec<(&str, u64)> = sampling["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["mode"].as_str().unwrap(),
                s["responses"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_source,
        [
            ("web", 0),
            ("paper_single", 0),
            ("paper_double", 0),
            ("interview", 3)
        ]
    );

    // Stored with source interview and no trace of the interviewer or of
    // its phone (no device mark).
    let rows = f
        .app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            f.app.db.get_database_backend(),
            "SELECT collection_mode FROM responses",
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    for row in rows {
        assert_eq!(
            row.try_get::<String>("", "collection_mode").unwrap(),
            "interview"
        );
    }
    let marks = f
        .app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            f.app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM device_link_marks",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(marks.try_get::<i64>("", "n").unwrap(), 0);

    // The same client id with other answers: refused, kept on the device.
    let mut changed = a.clone();
    changed["answers"][0]["option"] = json!(2);
    let clash = json_of(f.upload(&f.token, &[changed]).await, StatusCode::OK).await;
    assert_eq!(clash["refused"], 1);
    assert_eq!(clash["results"][0]["status"], "refused");
    assert_eq!(clash["results"][0]["error"]["code"], "client_id_reused");
    // A broken interview (no answers): refused with the item at fault.
    let mut empty = f.interview(f.parent_link, "parent").await;
    empty["answers"] = json!([]);
    let refused = json_of(f.upload(&f.token, &[empty]).await, StatusCode::OK).await;
    assert_eq!(refused["results"][0]["error"]["code"], "validation_failed");
    assert_eq!(count_responses(&f.app.db).await, 3);

    // The audit log: who uploaded how many, never which answers or links.
    let admin = f.app.admin_token().await;
    let audit = json_of(f.app.get(&admin, "/api/audit").await, StatusCode::OK).await;
    let uploads: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "interview.upload")
        .collect();
    assert_eq!(uploads.len(), 4);
    assert!(uploads.iter().all(|e| e["username"] == f.username));
    assert!(
        uploads
            .iter()
            .any(|e| e["detail"] == "received=3 stored=1 already_stored=2 refused=0")
    );
    for e in &uploads {
        let text = format!("{}{}", e["target"], e["detail"]);
        for id in [&a, &b, &c] {
            assert!(!text.contains(id["client_id"].as_str().unwrap()));
        }
        assert!(!text.contains("link"), "{text}");
    }
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "interview.create_interviewer")
    );
}

#[tokio::test]
async fn an_interviewer_is_refused_links_it_was_not_given_and_every_results_read() {
    let f = field().await;
    // The deputies' link is not assigned: the whole upload is refused.
    let parent = f.interview(f.parent_link, "parent").await;
    let deputy = f.interview(f.deputy_link, "deputy").await;
    let refused = f.upload(&f.token, &[parent.clone(), deputy]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(count_responses(&f.app.db).await, 0);
    // An interviewer of the round with no link at all: 403 too.
    json_of(
        f.app
            .put(
                &f.organiser,
                &format!("/api/rounds/{}/interviewers/{}", f.round, f.id),
                json!({"link_ids": []}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let none = f.upload(&f.token, std::slice::from_ref(&parent)).await;
    assert_eq!(none.status(), StatusCode::FORBIDDEN);
    assert!(f.download().await["rounds"].as_array().unwrap().is_empty());
    // A clerk and a reviewer are no interviewers.
    for role in ["clerk", "reviewer"] {
        let token = f.app.token_for(role).await;
        let r = f.upload(&token, std::slice::from_ref(&parent)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role}");
    }
    // An organiser may upload for any link of the round.
    let ok = json_of(
        f.upload(&f.organiser, std::slice::from_ref(&parent)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ok["stored"], 1);

    // Every results read refuses the interviewer.
    let round = f.round;
    for path in [
        format!("/api/rounds/{round}"),
        format!("/api/rounds/{round}/report"),
        format!("/api/rounds/{round}/sampling"),
        format!("/api/rounds/{round}/integrity"),
        format!("/api/rounds/{round}/timeline"),
        format!("/api/rounds/{round}/links"),
        format!("/api/rounds/{round}/paper"),
        format!("/api/rounds/{round}/interviewers"),
        format!("/api/rounds/{round}/exports/responses.csv"),
        "/api/rounds".to_string(),
        "/api/schools".to_string(),
        "/api/county".to_string(),
    ] {
        let r = f.app.get(&f.token, &path).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn another_countys_interviewer_and_organiser_meet_404() {
    use crate::regions::{node, token_at};
    let f = field().await;
    let elsewhere = node(&f.app, "654002", "伊宁市", "county", None).await;
    let elsewhere = elsewhere["id"].as_i64().unwrap();
    let interviewer = token_at(&f.app, "interviewer", elsewhere).await;
    let parent = f.interview(f.parent_link, "parent").await;
    let r = f.upload(&interviewer, std::slice::from_ref(&parent)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        json_of(
            f.app.get(&interviewer, "/api/interview/assignments").await,
            StatusCode::OK
        )
        .await["rounds"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // That account cannot be given this county's links.
    let me = json_of(
        f.app.get(&interviewer, "/api/auth/me").await,
        StatusCode::OK,
    )
    .await;
    let r = f
        .app
        .put(
            &f.organiser,
            &format!("/api/rounds/{}/interviewers/{}", f.round, me["id"]),
            json!({"link_ids": [f.parent_link]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The other county's organiser sees no such round.
    let organiser = token_at(&f.app, "organiser", elsewhere).await;
    for r in [
        f.app
            .get(&organiser, &format!("/api/rounds/{}/interviewers", f.round))
            .await,
        f.upload(&organiser, std::slice::from_ref(&parent)).await,
        f.app
            .put(
                &organiser,
                &format!("/api/rounds/{}/interviewers/{}", f.round, f.id),
                json!({"link_ids": []}),
            )
            .await,
    ] {
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(count_responses(&f.app.db).await, 0);
}

#[tokio::test]
async fn the_download_carries_the_rounds_english_questionnaire_with_the_same_ids() {
    let app = spawn_app().await;
    let token = app.token_for("organiser").await;
    app.seed_schools(&token, 1).await;
    let round = app.create_round(&token, &["parent"], json!({})).await;
    let id = round["id"].as_i64().unwrap();
    app.put(
        &token,
        &format!("/api/rounds/{id}/languages"),
        json!({"languages": ["en"]}),
    )
    .await;
    let q = json_of(
        app.get(&token, &format!("/api/rounds/{id}/questionnaires/parent"))
            .await,
        StatusCode::OK,
    )
    .await;
    // Test data, not a translation: "EN " before each Chinese text.
    let mut csv = String::from("键 key,中文原文 zh,en\n");
    let mut add = |key: String, zh: &str| {
        let cell = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
        csv.push_str(&format!(
            "{key},{},{}\n",
            cell(zh),
            cell(&format!("EN {zh}"))
        ));
    };
    add("parent/title".into(), q["title"].as_str().unwrap());
    if !q["intro"].as_str().unwrap().trim().is_empty() {
        add("parent/intro".into(), q["intro"].as_str().unwrap());
    }
    for item in q["items"].as_array().unwrap() {
        let item_id = item["id"].as_str().unwrap();
        add(format!("parent/{item_id}"), item["text"].as_str().unwrap());
        for o in item["options"].as_array().into_iter().flatten() {
            add(
                format!("parent/{item_id}/{}", o["code"]),
                o["label"].as_str().unwrap(),
            );
        }
    }
    let done = json_of(
        app.client
            .post(app.url(&format!("/api/rounds/{id}/translations")))
            .bearer_auth(&token)
            .header("content-type", "application/octet-stream")
            .body(csv)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["languages"][0]["complete"], true, "{done}");
    json_of(
        app.post(&token, &format!("/api/rounds/{id}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let links = json_of(
        app.get(&token, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await;
    let link = links["links"][0]["id"].as_i64().unwrap();
    let created = json_of(
        app.post(
            &token,
            &format!("/api/rounds/{id}/interviewers"),
            json!({"username": "fangtan-en", "link_ids": [link]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let login = json_of(
        app.login("fangtan-en", created["password"].as_str().unwrap())
            .await,
        StatusCode::OK,
    )
    .await;
    let bundle = json_of(
        app.get(
            login["token"].as_str().unwrap(),
            "/api/interview/assignments",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let qs = &bundle["rounds"][0]["questionnaires"][0];
    let en = &qs["translations"][0];
    assert_eq!(en["language"], "en", "{qs}");
    assert_eq!(en["title"], format!("EN {}", qs["title"].as_str().unwrap()));
    let (zh_items, en_items) = (
        qs["items"].as_array().unwrap(),
        en["items"].as_array().unwrap(),
    );
    assert_eq!(zh_items.len(), en_items.len());
    for (z, e) in zh_items.iter().zip(en_items) {
        assert_eq!(z["id"], e["id"]);
        assert_eq!(e["text"], format!("EN {}", z["text"].as_str().unwrap()));
        let codes = |i: &Value| -> Vec<Value> {
            i["options"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| o["code"].clone())
                .collect()
        };
        assert_eq!(codes(z), codes(e));
    }
}
