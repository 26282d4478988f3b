//! School liaisons (学校联络员, issue #22): organisers assign them schools of
//! a round (audited); a liaison runs computer-room sessions for its
//! schools' links and sees their answer counts, and nothing else: another
//! school's or round's things answer 404, results 403, another county's
//! ids 404.

use crate::helpers::*;
use crate::respond::{page, phone, submit_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// An open round for the pupils of two schools; returns the app, the
/// organiser's token, the round id and the pupils' links (one per school,
/// with `school_id`).
async fn two_schools() -> (TestApp, String, i64, Vec<Value>) {
    let app = spawn_app().await;
    let (t, id, links) = app
        .open_round_with(2, &["student"], json!({"duplicate_policy": "refuse"}))
        .await;
    let pupils: Vec<Value> = links
        .into_iter()
        .filter(|l| l["group"] == "student")
        .collect();
    assert_eq!(pupils.len(), 2);
    assert_ne!(pupils[0]["school_id"], pupils[1]["school_id"]);
    (app, t, id, pupils)
}

/// A liaison made by the organiser for the schools; (account id, token).
async fn liaison_for(app: &TestApp, t: &str, round: i64, schools: &[&Value]) -> (i64, String) {
    let username = format!("li{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let created = json_of(
        app.post(
            t,
            &format!("/api/rounds/{round}/liaisons"),
            json!({"username": username, "display_name": "王老师", "school_ids": schools}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let password = created["password"].as_str().unwrap();
    let login = json_of(app.login(&username, password).await, StatusCode::OK).await;
    (
        created["liaison"]["id"].as_i64().unwrap(),
        login["token"].as_str().unwrap().to_string(),
    )
}

async fn audit(app: &TestApp) -> Vec<Value> {
    let admin = app.admin_token().await;
    json_of(app.get(&admin, "/api/audit").await, StatusCode::OK)
        .await
        .as_array()
        .unwrap()
        .clone()
}

/// The value of a hidden field in a page.
fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in page"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[tokio::test]
async fn organisers_assign_liaisons_to_schools_and_every_change_is_audited() {
    let (app, t, id, pupils) = two_schools().await;
    let (s1, s2) = (&pupils[0]["school_id"], &pupils[1]["school_id"]);
    let (li, _) = liaison_for(&app, &t, id, &[s1]).await;
    let me = json_of(
        app.get(&t, &format!("/api/rounds/{id}/liaisons")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me.as_array().unwrap().len(), 1);
    assert_eq!(me[0]["id"], li);
    assert_eq!(me[0]["school_ids"], json!([s1]));

    // Replace the list; repeats are stored once.
    let put = json_of(
        app.put(
            &t,
            &format!("/api/rounds/{id}/liaisons/{li}"),
            json!({"school_ids": [s2, s1, s2]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut ids: Vec<i64> = put["school_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    ids.sort();
    let mut want = vec![s1.as_i64().unwrap(), s2.as_i64().unwrap()];
    want.sort();
    assert_eq!(ids, want);

    // An account made by the admin with role liaison can be assigned too;
    // an account of another role cannot (404, as a missing one).
    let admin = app.admin_token().await;
    let made = json_of(
        app.post(
            &admin,
            "/api/accounts",
            json!({"username": "liaison-made", "role": "liaison", "password": "correct horse"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(made["account"]["role"], "liaison");
    let other = made["account"]["id"].as_i64().unwrap();
    json_of(
        app.put(
            &t,
            &format!("/api/rounds/{id}/liaisons/{other}"),
            json!({"school_ids": [s2]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let reviewer = app.token_for("reviewer").await;
    let rv = json_of(app.get(&reviewer, "/api/auth/me").await, StatusCode::OK).await;
    let r = app
        .put(
            &t,
            &format!("/api/rounds/{id}/liaisons/{}", rv["id"]),
            json!({"school_ids": [s1]}),
        )
        .await;
    assert_eq!(json_of(r, StatusCode::NOT_FOUND).await["code"], "not_found");
    // A school that does not exist: 404, nothing changed.
    let r = app
        .put(
            &t,
            &format!("/api/rounds/{id}/liaisons/{li}"),
            json!({"school_ids": [s1, 999999]}),
        )
        .await;
    assert_eq!(json_of(r, StatusCode::NOT_FOUND).await["code"], "not_found");
    // A malformed body: 400 with the JSON error body.
    let r = app
        .put(
            &t,
            &format!("/api/rounds/{id}/liaisons/{li}"),
            json!({"school_ids": "all"}),
        )
        .await;
    assert!(json_of(r, StatusCode::BAD_REQUEST).await["code"].is_string());
    // Below organiser: 403 on every liaison management operation.
    for r in [
        app.get(&reviewer, &format!("/api/rounds/{id}/liaisons"))
            .await,
        app.post(
            &reviewer,
            &format!("/api/rounds/{id}/liaisons"),
            json!({"username": "nope", "school_ids": []}),
        )
        .await,
        app.put(
            &reviewer,
            &format!("/api/rounds/{id}/liaisons/{li}"),
            json!({"school_ids": []}),
        )
        .await,
        app.delete(&reviewer, &format!("/api/rounds/{id}/liaisons/{li}"))
            .await,
    ] {
        assert_eq!(json_of(r, StatusCode::FORBIDDEN).await["code"], "forbidden");
    }

    // Unassign: gone from the round's list.
    let gone = json_of(
        app.delete(&t, &format!("/api/rounds/{id}/liaisons/{li}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(gone["school_ids"], json!([]));
    let list = json_of(
        app.get(&t, &format!("/api/rounds/{id}/liaisons")).await,
        StatusCode::OK,
    )
    .await;
    assert!(list.as_array().unwrap().iter().all(|l| l["id"] != li));

    let log = audit(&app).await;
    let on = |action: &str| -> Vec<Value> {
        log.iter()
            .filter(|e| e["action"] == action && e["target"] == format!("account:{li}"))
            .cloned()
            .collect()
    };
    assert_eq!(on("liaison.create").len(), 1);
    assert!(
        on("liaison.create")[0]["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("round={id}"))
    );
    assert_eq!(
        on("liaison.assign").len(),
        1,
        "the refused change left none"
    );
    assert_eq!(on("liaison.unassign").len(), 1);
}

#[tokio::test]
async fn a_liaison_runs_its_schools_room_and_sees_only_counts() {
    let (app, t, id, pupils) = two_schools().await;
    let (mine, theirs) = (&pupils[0], &pupils[1]);
    let (_, lt) = liaison_for(&app, &t, id, &[&mine["school_id"]]).await;
    let me = json_of(app.get(&lt, "/api/auth/me").await, StatusCode::OK).await;
    assert_eq!(me["role"], "liaison");

    // Its page lists its school's links only.
    let rooms = json_of(app.get(&lt, "/api/liaison/rooms").await, StatusCode::OK).await;
    assert_eq!(rooms["rounds"].as_array().unwrap().len(), 1);
    let round = &rooms["rounds"][0];
    assert_eq!(round["round_id"], id);
    assert_eq!(round["accepting"], true);
    assert_eq!(round["schools"].as_array().unwrap().len(), 1);
    assert_eq!(round["schools"][0]["school_id"], mine["school_id"]);
    let link = &round["schools"][0]["links"][0];
    assert_eq!(link["id"], mine["id"]);
    assert_eq!(link["url"], mine["url"]);

    // Opens a session for it: the same rules as an organiser's.
    let path = format!(
        "/api/rounds/{id}/liaison/links/{}/room-sessions",
        mine["id"]
    );
    let r = app.post(&lt, &path, json!({"minutes": 2})).await;
    assert_eq!(
        json_of(r, StatusCode::UNPROCESSABLE_ENTITY).await["code"],
        "validation_failed"
    );
    let s = json_of(
        app.post(&lt, &path, json!({"minutes": 40})).await,
        StatusCode::CREATED,
    )
    .await;
    let (sid, code) = (s["id"].as_i64().unwrap(), s["code"].as_str().unwrap());
    assert_eq!(s["open"], true);
    assert_eq!(s["answers"], 0);
    assert!(s.get("pattern").is_none() && s.get("flags").is_none());

    // A pupil answers on the room's PC: stored with the session's mark.
    let pc = phone();
    let token = mine["token"].as_str().unwrap();
    let q = app.questionnaire(token).await;
    let (status, html, _) = page(&app, &pc, &format!("/r/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    let mut body = answers_for(&q, |_, _| 1);
    body["client_id"] = json!(hidden(&html, "client_id"));
    body["room_ticket"] = json!(hidden(&html, "room_ticket"));
    json_of(
        submit_with(&app, &pc, token, &body).await,
        StatusCode::CREATED,
    )
    .await;
    use sea_orm::EntityTrait;
    let rows = renke::entities::response::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].room_session_id, Some(sid));

    // The liaison sees the count, and no rate, answer or flag.
    let rooms = json_of(app.get(&lt, "/api/liaison/rooms").await, StatusCode::OK).await;
    let seen = &rooms["rounds"][0]["schools"][0]["links"][0]["sessions"][0];
    assert_eq!(seen["id"], sid);
    assert_eq!(seen["answers"], 1);
    let text = rooms.to_string();
    for leak in ["pattern", "share", "valid", "flags", "recognised", "vector"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }

    // The teacher's sheet of its session.
    let sheet = app
        .get(
            &lt,
            &format!("/api/rounds/{id}/liaison/room-sessions/{sid}/sheet"),
        )
        .await;
    assert_eq!(sheet.status(), StatusCode::OK);
    let sheet = sheet.text().await.unwrap();
    assert!(sheet.contains("机房答题监督教师须知"));
    assert!(sheet.contains(&format!("{} {}", &code[..4], &code[4..])));

    // Closes it early; a second close is 409.
    let close = format!("/api/rounds/{id}/liaison/room-sessions/{sid}/close");
    let closed = json_of(app.post(&lt, &close, json!({})).await, StatusCode::OK).await;
    assert_eq!(closed["open"], false);
    assert_eq!(closed["answers"], 1);
    let r = app.post(&lt, &close, json!({})).await;
    assert_eq!(
        json_of(r, StatusCode::CONFLICT).await["code"],
        "room_session_ended"
    );

    // The audit log names the liaison as the one who opened and closed.
    let log = audit(&app).await;
    let target = format!("round:{id}/link:{}/room:{sid}", mine["id"]);
    for action in ["room_session.open", "room_session.close"] {
        let e = log
            .iter()
            .find(|e| e["action"] == action && e["target"] == target)
            .unwrap_or_else(|| panic!("no {action}"));
        assert_eq!(e["username"], me["username"], "{action}");
    }

    // Reviewers see the session in the integrity view, opened by the liaison.
    let list = json_of(
        app.get(&t, &format!("/api/rounds/{id}/room-sessions"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["sessions"][0]["opened_by"], me["username"]);

    // Another school's link and its sessions: 404, as missing ones.
    let other = format!(
        "/api/rounds/{id}/liaison/links/{}/room-sessions",
        theirs["id"]
    );
    let r = app.post(&lt, &other, json!({})).await;
    assert_eq!(json_of(r, StatusCode::NOT_FOUND).await["code"], "not_found");
    let theirs_s = json_of(
        app.post(
            &t,
            &format!("/api/rounds/{id}/links/{}/room-sessions", theirs["id"]),
            json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    for r in [
        app.post(
            &lt,
            &format!(
                "/api/rounds/{id}/liaison/room-sessions/{}/close",
                theirs_s["id"]
            ),
            json!({}),
        )
        .await,
        app.get(
            &lt,
            &format!(
                "/api/rounds/{id}/liaison/room-sessions/{}/sheet",
                theirs_s["id"]
            ),
        )
        .await,
    ] {
        assert_eq!(json_of(r, StatusCode::NOT_FOUND).await["code"], "not_found");
    }
    let rooms = json_of(app.get(&lt, "/api/liaison/rooms").await, StatusCode::OK).await;
    assert!(
        !rooms
            .to_string()
            .contains(theirs_s["code"].as_str().unwrap())
    );
}

#[tokio::test]
async fn a_liaison_reads_no_results_and_nothing_of_other_rounds_or_counties() {
    use crate::regions::{token_at, tree};
    let (app, t, id, pupils) = two_schools().await;
    let mine = &pupils[0];
    let (li, lt) = liaison_for(&app, &t, id, &[&mine["school_id"]]).await;
    let session = json_of(
        app.post(
            &t,
            &format!("/api/rounds/{id}/links/{}/room-sessions", mine["id"]),
            json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let sid = session["id"].as_i64().unwrap();

    // Results, exports, integrity, the organisers' room operations, schools
    // admin: 403 (its own county's round, a role below them all).
    let gets = [
        format!("/api/rounds/{id}/report"),
        format!("/api/rounds/{id}/integrity"),
        format!("/api/rounds/{id}/exports/report.csv"),
        format!("/api/rounds/{id}/exports/responses.csv"),
        format!("/api/rounds/{id}/exports/responses.xlsx"),
        format!("/api/rounds/{id}/room-sessions"),
        format!("/api/rounds/{id}/room-sessions/{sid}/responses"),
        format!("/api/rounds/{id}/room-sessions/{sid}/sheet"),
        format!("/api/rounds/{id}/links"),
        format!("/api/rounds/{id}"),
        "/api/rounds".to_string(),
        "/api/schools".to_string(),
        format!("/api/rounds/{id}/liaisons"),
    ];
    for path in &gets {
        let r = app.get(&lt, path).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(json_of(r, StatusCode::FORBIDDEN).await["code"], "forbidden");
    }
    for (path, body) in [
        (
            format!("/api/rounds/{id}/links/{}/room-sessions", mine["id"]),
            json!({}),
        ),
        (
            format!("/api/rounds/{id}/room-sessions/{sid}/close"),
            json!({}),
        ),
        (
            format!("/api/rounds/{id}/liaisons/{li}"),
            json!({"school_ids": [pupils[1]["school_id"]]}),
        ),
    ] {
        let r = if path.contains("/liaisons/") {
            app.put(&lt, &path, body).await
        } else {
            app.post(&lt, &path, body).await
        };
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // Organisers use their own room operations: the liaison's answer 403.
    let r = app
        .post(
            &t,
            &format!(
                "/api/rounds/{id}/liaison/links/{}/room-sessions",
                mine["id"]
            ),
            json!({}),
        )
        .await;
    assert_eq!(json_of(r, StatusCode::FORBIDDEN).await["code"], "forbidden");

    // Another round of its county, where it is not assigned: 404.
    let other = app.create_round(&t, &["student"], json!({})).await;
    let other_id = other["id"].as_i64().unwrap();
    json_of(
        app.post(&t, &format!("/api/rounds/{other_id}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let links = json_of(
        app.get(&t, &format!("/api/rounds/{other_id}/links")).await,
        StatusCode::OK,
    )
    .await;
    let same_school = links["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["school_id"] == mine["school_id"])
        .unwrap()
        .clone();
    let r = app
        .post(
            &lt,
            &format!(
                "/api/rounds/{other_id}/liaison/links/{}/room-sessions",
                same_school["id"]
            ),
            json!({}),
        )
        .await;
    assert_eq!(json_of(r, StatusCode::NOT_FOUND).await["code"], "not_found");
    // A link of the right school named under the wrong round: 404.
    let r = app
        .post(
            &lt,
            &format!(
                "/api/rounds/{id}/liaison/links/{}/room-sessions",
                same_school["id"]
            ),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let rooms = json_of(app.get(&lt, "/api/liaison/rooms").await, StatusCode::OK).await;
    assert_eq!(rooms["rounds"].as_array().unwrap().len(), 1);

    // Another county: its round and school ids answer 404 to the liaison
    // (whatever the operation), its organiser cannot assign our liaison,
    // and ours cannot read its liaisons.
    let tr = tree(&app).await;
    let theirs = token_at(&app, "organiser", tr.b1.0).await;
    json_of(
        app.import_schools(
            &theirs,
            "学校标识码,学校名称,学校类型,所在地\n2165007777,伊宁小学,小学,城区\n"
                .as_bytes()
                .to_vec(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let far = app.create_round(&theirs, &["student"], json!({})).await;
    let far_id = far["id"].as_i64().unwrap();
    json_of(
        app.post(&theirs, &format!("/api/rounds/{far_id}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let far_links = json_of(
        app.get(&theirs, &format!("/api/rounds/{far_id}/links"))
            .await,
        StatusCode::OK,
    )
    .await;
    let far_link = far_links["links"][0]["id"].as_i64().unwrap();
    let far_school = far_links["links"][0]["school_id"].clone();
    for r in [
        app.post(
            &lt,
            &format!("/api/rounds/{far_id}/liaison/links/{far_link}/room-sessions"),
            json!({}),
        )
        .await,
        app.get(&lt, &format!("/api/rounds/{far_id}/report")).await,
        app.get(
            &lt,
            &format!("/api/rounds/{far_id}/liaison/room-sessions/1/sheet"),
        )
        .await,
        app.put(
            &theirs,
            &format!("/api/rounds/{far_id}/liaisons/{li}"),
            json!({"school_ids": [far_school]}),
        )
        .await,
        app.get(&t, &format!("/api/rounds/{far_id}/liaisons")).await,
        // Our organiser cannot give our liaison their school either.
        app.put(
            &t,
            &format!("/api/rounds/{id}/liaisons/{li}"),
            json!({"school_ids": [far_school]}),
        )
        .await,
    ] {
        assert_eq!(json_of(r, StatusCode::NOT_FOUND).await["code"], "not_found");
    }
    let rooms = json_of(app.get(&lt, "/api/liaison/rooms").await, StatusCode::OK).await;
    assert_eq!(
        rooms["rounds"][0]["schools"][0]["school_id"],
        mine["school_id"]
    );
}
