//! Room sessions (机房答题): pupils take turns on one PC, each answer
//! counts and carries the session; the session's window and grace; the
//! integrity flag on a coached room; the audit entries.

use super::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// An app with an open round for one school's pupils (repeats refused) and
/// `configure`d settings; returns the app, the organiser's token, the round
/// id and the pupils' link.
async fn pupils_round(report_min_n: u64) -> (TestApp, String, i64, Value) {
    let app = spawn_app_with(|s| s.report_min_n = report_min_n).await;
    let (t, id, links) = app
        .open_round_with(1, &["student"], json!({"duplicate_policy": "refuse"}))
        .await;
    (app, t, id, link_of(&links, "student"))
}

async fn open_session(app: &TestApp, t: &str, id: i64, link: &Value, body: Value) -> Value {
    json_of(
        app.post(
            t,
            &format!("/api/rounds/{id}/links/{}/room-sessions", link["id"]),
            body,
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

/// The value of a hidden field in a page.
fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in page"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// A pupil on the room's PC: the page, then the answers with its stamp.
async fn pupil(app: &TestApp, pc: &Client, code: &str, q: &Value, pick: u64) -> reqwest::Response {
    let (status, html, headers) = page(app, pc, &format!("/r/{code}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("data-kiosk=\"1\""));
    // The page clears the round's device cookie instead of setting one.
    let cookie = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join(";");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
    let mut body = answers_for(q, |_, _| pick);
    body["client_id"] = json!(hidden(&html, "client_id"));
    body["room_ticket"] = json!(hidden(&html, "room_ticket"));
    submit_with(app, pc, q["__token"].as_str().unwrap(), &body).await
}

async fn stored(app: &TestApp) -> Vec<renke::entities::response::Model> {
    renke::entities::response::Entity::find()
        .order_by_asc(renke::entities::response::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn pupils_take_turns_on_one_pc_and_every_answer_counts_with_its_session() {
    let (app, t, id, link) = pupils_round(30).await;
    let token = link["token"].as_str().unwrap().to_string();
    let mut q = app.questionnaire(&token).await;
    q["__token"] = json!(token);
    let s = open_session(&app, &t, id, &link, json!({})).await;
    let code = s["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 8);
    assert!(s["url"].as_str().unwrap().ends_with(&format!("/r/{code}")));
    assert_eq!(s["grace_minutes"], 10);
    let minutes = (chrono::DateTime::parse_from_rfc3339(s["expires_at"].as_str().unwrap())
        .unwrap()
        - chrono::DateTime::parse_from_rfc3339(s["opened_at"].as_str().unwrap()).unwrap())
    .num_minutes();
    assert_eq!(minutes, 45, "the default length");

    // One PC, one cookie jar: the round refuses repeats from a device, yet
    // each pupil's answer is stored and counts.
    let pc = phone();
    for pick in [1, 2, 3] {
        let r = pupil(&app, &pc, &code, &q, pick).await;
        let receipt = json_of(r, StatusCode::CREATED).await;
        assert_eq!(receipt["validity"], "valid");
        assert_eq!(receipt["counted"], true);
    }
    // Without JavaScript: the plain form with the session's fields.
    let (_, html, _) = page(&app, &pc, &format!("/r/{code}")).await;
    let mut fields = form_for(&q, &hidden(&html, "client_id"), 0);
    fields.push(("room".into(), code.clone()));
    fields.push(("room_ticket".into(), hidden(&html, "room_ticket")));
    let r = pc
        .post(app.url(&format!("/s/{token}")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let thanks = r.text().await.unwrap();
    assert!(thanks.contains(&format!("href=\"/r/{code}\"")), "{thanks}");
    assert!(thanks.contains("下一位同学开始答题"));

    let rows = stored(&app).await;
    assert_eq!(rows.len(), 4);
    let sid = s["id"].as_i64().unwrap();
    assert!(rows.iter().all(|r| r.validity == "valid"));
    assert!(rows.iter().all(|r| r.room_session_id == Some(sid)));
    // The raw export names the session of each answer.
    let csv = app
        .get(&t, &format!("/api/rounds/{id}/exports/responses.csv"))
        .await
        .text()
        .await
        .unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "机房答题场次").unwrap();
    let sessions: Vec<String> = lines
        .map(|l| l.split(',').nth(col).unwrap_or_default().to_string())
        .collect();
    assert_eq!(sessions, vec![sid.to_string(); 4]);
    // The session is counted per session.
    let list = json_of(
        app.get(&t, &format!("/api/rounds/{id}/room-sessions"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["sessions"][0]["answers"], 4);
    assert_eq!(list["sessions"][0]["valid"], 4);
    assert_eq!(list["sessions"][0]["open"], true);
    let group = json_of(
        app.get(
            &t,
            &format!("/api/rounds/{id}/room-sessions/{sid}/responses"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(group["answers"].as_array().unwrap().len(), 4);

    // A phone outside the session still has its device mark: a repeat from
    // it is refused as before.
    let phone1 = phone();
    page(&app, &phone1, &format!("/s/{token}")).await;
    let first = submit_with(&app, &phone1, &token, &answers_for(&q, |_, _| 1)).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = submit_with(&app, &phone1, &token, &answers_for(&q, |_, _| 1)).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // Closing it: in the audit log with how many answers; the page refuses
    // new pupils; closing twice is 409.
    let closed = json_of(
        app.post(
            &t,
            &format!("/api/rounds/{id}/room-sessions/{sid}/close"),
            json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(closed["open"], false);
    let (status, html, _) = page(&app, &pc, &format!("/r/{code}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("本场机房答题已经结束"), "{html}");
    let twice = app
        .post(
            &t,
            &format!("/api/rounds/{id}/room-sessions/{sid}/close"),
            json!({}),
        )
        .await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    let admin = app.admin_token().await;
    let audit = json_of(app.get(&admin, "/api/audit").await, StatusCode::OK).await;
    let text = audit.to_string();
    assert!(text.contains("room_session.open"), "{text}");
    assert!(text.contains("minutes=45 grace_minutes=10"), "{text}");
    assert!(text.contains("room_session.close"), "{text}");
    assert!(text.contains("answers=4 valid=4"), "{text}");

    // The teacher's sheet: the code, the warnings.
    let sheet = app
        .get(&t, &format!("/api/rounds/{id}/room-sessions/{sid}/sheet"))
        .await;
    assert_eq!(sheet.status(), StatusCode::OK);
    let sheet = sheet.text().await.unwrap();
    assert!(sheet.contains(&format!("{} {}", &code[..4], &code[4..])));
    assert!(sheet.contains("不得站在学生身后"));
    assert!(sheet.contains("不得与学生讨论"));
    assert!(sheet.contains("虚假填报"));
}

#[tokio::test]
async fn an_answer_started_before_the_end_is_accepted_within_the_grace_and_refused_after() {
    let (app, t, id, link) = pupils_round(30).await;
    let token = link["token"].as_str().unwrap().to_string();
    let mut q = app.questionnaire(&token).await;
    q["__token"] = json!(token);

    // Default grace (10 minutes): the page is shown, the session ends while
    // the pupil answers, the answer is stored with the session.
    let s = open_session(&app, &t, id, &link, json!({"minutes": 40})).await;
    let (code, sid) = (s["code"].as_str().unwrap(), s["id"].as_i64().unwrap());
    let pc = phone();
    let (_, html, _) = page(&app, &pc, &format!("/r/{code}")).await;
    app.post(
        &t,
        &format!("/api/rounds/{id}/room-sessions/{sid}/close"),
        json!({}),
    )
    .await;
    let mut body = answers_for(&q, |_, _| 1);
    body["client_id"] = json!(hidden(&html, "client_id"));
    body["room_ticket"] = json!(hidden(&html, "room_ticket"));
    let r = submit_with(&app, &pc, &token, &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "within the grace");

    // After the grace: the session ended long ago (moved back in the
    // database), the same kind of answer is refused and nothing stored.
    let s2 = open_session(&app, &t, id, &link, json!({})).await;
    let (code2, sid2) = (s2["code"].as_str().unwrap(), s2["id"].as_i64().unwrap());
    let (_, html2, _) = page(&app, &pc, &format!("/r/{code2}")).await;
    let started = chrono::Utc::now();
    use renke::entities::room_session;
    use sea_orm::{ActiveModelTrait, Set};
    let mut m: room_session::ActiveModel = room_session::Entity::find_by_id(sid2)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    // Shown at `started`, the session ended a moment after, 10 minutes of
    // grace ran out: the end is 11 minutes ago, the opening before it.
    m.opened_at = Set(started - chrono::Duration::minutes(60));
    m.expires_at = Set(started - chrono::Duration::minutes(11));
    m.update(&app.db).await.unwrap();
    let mut late = answers_for(&q, |_, _| 1);
    late["client_id"] = json!(hidden(&html2, "client_id"));
    late["room_ticket"] = json!(hidden(&html2, "room_ticket"));
    let r = submit_with(&app, &pc, &token, &late).await;
    let err = json_of(r, StatusCode::CONFLICT).await;
    assert_eq!(err["code"], "room_session_ended");
    assert!(err["message"].as_str().unwrap().contains("已于"));

    // Grace 0: shown before the end, sent after it: refused.
    let s3 = open_session(&app, &t, id, &link, json!({"grace_minutes": 0})).await;
    let (code3, sid3) = (s3["code"].as_str().unwrap(), s3["id"].as_i64().unwrap());
    let (_, html3, _) = page(&app, &pc, &format!("/r/{code3}")).await;
    app.post(
        &t,
        &format!("/api/rounds/{id}/room-sessions/{sid3}/close"),
        json!({}),
    )
    .await;
    let mut none = answers_for(&q, |_, _| 1);
    none["client_id"] = json!(hidden(&html3, "client_id"));
    none["room_ticket"] = json!(hidden(&html3, "room_ticket"));
    let err = json_of(
        submit_with(&app, &pc, &token, &none).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(err["code"], "room_session_ended");

    // A stamp this server did not sign: 422 naming it.
    let mut forged = answers_for(&q, |_, _| 1);
    let ticket = hidden(&html3, "room_ticket");
    let (head, _) = ticket.rsplit_once('.').unwrap();
    forged["room_ticket"] = json!(format!("{head}.00"));
    let err = json_of(
        submit_with(&app, &pc, &token, &forged).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(err["field"], "room_ticket");

    let rows = stored(&app).await;
    assert_eq!(rows.len(), 1, "only the answer within the grace");
    assert_eq!(rows[0].room_session_id, Some(sid));
    // Bad input on the session endpoints.
    let bad = app
        .post(
            &t,
            &format!("/api/rounds/{id}/links/{}/room-sessions", link["id"]),
            json!({"minutes": 1}),
        )
        .await;
    let err = json_of(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(err["field"], "minutes");
    let unknown = page(&app, &pc, "/r/00000000").await;
    assert_eq!(unknown.0, StatusCode::NOT_FOUND);
}

/// Option 1–4 for item `n` of answer `k`, scattered (a 64-bit mix), so
/// that no two answers share a vector by accident.
fn varied(n: u64, k: u64) -> u64 {
    let mut x = n
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((k + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    1 + x % 4
}

#[tokio::test]
async fn a_planted_session_of_identical_answers_is_flagged_an_honest_one_is_not() {
    let (app, t, id, link) = pupils_round(8).await;
    let token = link["token"].as_str().unwrap().to_string();
    let mut q = app.questionnaire(&token).await;
    q["__token"] = json!(token);
    // Pupils answering at home: varied answers, some 一般/不满意.
    for k in 0..16u64 {
        let body = answers_for(&q, |n, _| varied(n as u64, k));
        assert_eq!(
            app.submit(&token, &body).await.status(),
            StatusCode::CREATED
        );
    }
    // An honest room: varied answers too.
    let honest = open_session(&app, &t, id, &link, json!({})).await;
    let pc = phone();
    for k in 0..8u64 {
        let (_, html, _) = page(
            &app,
            &pc,
            &format!("/r/{}", honest["code"].as_str().unwrap()),
        )
        .await;
        let mut body = answers_for(&q, |n, _| varied(n as u64, 100 + k));
        body["client_id"] = json!(hidden(&html, "client_id"));
        body["room_ticket"] = json!(hidden(&html, "room_ticket"));
        assert_eq!(
            submit_with(&app, &pc, &token, &body).await.status(),
            StatusCode::CREATED
        );
    }
    // A coached room: every pupil gives the same all-满意 answers.
    let coached = open_session(&app, &t, id, &link, json!({})).await;
    for _ in 0..10 {
        let r = pupil(&app, &pc, coached["code"].as_str().unwrap(), &q, 1).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let list = json_of(
        app.get(&t, &format!("/api/rounds/{id}/room-sessions"))
            .await,
        StatusCode::OK,
    )
    .await;
    let of = |sid: &Value| {
        list["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == *sid)
            .unwrap()
            .clone()
    };
    let flagged = of(&coached["id"]);
    let codes: Vec<&str> = flagged["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"identical_vectors"), "{flagged}");
    assert!(codes.contains(&"few_negatives"), "{flagged}");
    assert_eq!(flagged["pattern"]["identical_share"], 1.0);
    assert_eq!(flagged["answers"], 10);
    let ok = of(&honest["id"]);
    assert_eq!(ok["flags"], json!([]), "{ok}");
    assert_eq!(ok["answers"], 8);
    // Reviewers see the coached room's answers together.
    let group = json_of(
        app.get(
            &t,
            &format!("/api/rounds/{id}/room-sessions/{}/responses", coached["id"]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let answers = group["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 10);
    assert!(answers.iter().all(|a| a["same_vector"] == 10));
    // Only the sessions' answers carry a session.
    let rows = stored(&app).await;
    let with: Vec<_> = rows
        .iter()
        .filter(|r| r.room_session_id.is_some())
        .collect();
    assert_eq!(with.len(), 18);
    let _ = renke::entities::response::Entity::find()
        .filter(renke::entities::response::Column::RoomSessionId.is_null())
        .all(&app.db)
        .await
        .unwrap();

    // The integrity panel carries the same comparison and flag; the report
    // counts each session's answers.
    let integrity = json_of(
        app.get(&t, &format!("/api/rounds/{id}/integrity")).await,
        StatusCode::OK,
    )
    .await;
    let sessions = integrity["room_sessions"]["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{integrity}");
    let in_panel = sessions.iter().find(|s| s["id"] == coached["id"]).unwrap();
    assert_eq!(in_panel["flags"], flagged["flags"], "{in_panel}");
    let report = json_of(
        app.get(&t, &format!("/api/rounds/{id}/report")).await,
        StatusCode::OK,
    )
    .await;
    let rooms = &report["room_sessions"];
    assert_eq!(rooms["sessions"], 2, "{rooms}");
    assert_eq!(rooms["answers"], 18);
    assert_eq!(rooms["valid"], 18);
    let per: Vec<(i64, u64)> = rooms["per_session"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_i64().unwrap(), s["answers"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        per,
        vec![
            (honest["id"].as_i64().unwrap(), 8),
            (coached["id"].as_i64().unwrap(), 10)
        ]
    );
}

#[tokio::test]
async fn a_round_without_room_sessions_reports_none() {
    let (app, t, id, _) = pupils_round(30).await;
    let report = json_of(
        app.get(&t, &format!("/api/rounds/{id}/report")).await,
        StatusCode::OK,
    )
    .await;
    assert!(report.get("room_sessions").is_none(), "{report}");
    let integrity = json_of(
        app.get(&t, &format!("/api/rounds/{id}/integrity")).await,
        StatusCode::OK,
    )
    .await;
    assert!(integrity.get("room_sessions").is_none(), "{integrity}");
}

#[tokio::test]
async fn a_room_answers_on_its_own_allowance_and_the_links_limit_still_holds_for_everyone_else() {
    // Three well-formed submissions a minute per link (and per session).
    let app = spawn_app_with(|s| s.rate_per_link = 3).await;
    let (t, id, links) = app
        .open_round_with(1, &["student"], json!({"duplicate_policy": "flag"}))
        .await;
    let link = link_of(&links, "student");
    let token = link["token"].as_str().unwrap().to_string();
    let mut q = app.questionnaire(&token).await;
    q["__token"] = json!(token);
    // The link's allowance is spent by phones.
    for _ in 0..3 {
        let r = app.submit(&token, &answers_for(&q, |_, _| 1)).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let over = app.submit(&token, &answers_for(&q, |_, _| 1)).await;
    assert_eq!(over.status(), StatusCode::TOO_MANY_REQUESTS);
    // The room still answers, on the session's own allowance…
    let s = open_session(&app, &t, id, &link, json!({})).await;
    let code = s["code"].as_str().unwrap().to_string();
    let pc = phone();
    for _ in 0..3 {
        let r = pupil(&app, &pc, &code, &q, 2).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    // …which is a limit too: the session does not switch limits off.
    let r = pupil(&app, &pc, &code, &q, 2).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // And nobody outside the session gained anything from it.
    let still = app.submit(&token, &answers_for(&q, |_, _| 1)).await;
    assert_eq!(still.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(stored(&app).await.len(), 6);
}

#[tokio::test]
async fn a_session_that_runs_out_is_in_the_audit_log_once_with_its_answers() {
    let (app, t, id, link) = pupils_round(30).await;
    let token = link["token"].as_str().unwrap().to_string();
    let mut q = app.questionnaire(&token).await;
    q["__token"] = json!(token);
    let s = open_session(&app, &t, id, &link, json!({"minutes": 30})).await;
    let (code, sid) = (s["code"].as_str().unwrap(), s["id"].as_i64().unwrap());
    let pc = phone();
    for pick in [1, 2] {
        let r = pupil(&app, &pc, code, &q, pick).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }

    // Still running: listing records nothing.
    let list = json_of(
        app.get(&t, &format!("/api/rounds/{id}/room-sessions"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["sessions"][0]["open"], true, "{list}");
    let admin = app.admin_token().await;
    let audit = json_of(app.get(&admin, "/api/audit").await, StatusCode::OK).await;
    assert!(!audit.to_string().contains("room_session.expire"));

    // Its time and its grace ran out (moved back in the database), nobody
    // closed it: the next look records it, once, as the system.
    use renke::entities::room_session;
    use sea_orm::{ActiveModelTrait, Set};
    let mut m: room_session::ActiveModel = room_session::Entity::find_by_id(sid)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    let now = chrono::Utc::now();
    m.opened_at = Set(now - chrono::Duration::minutes(70));
    m.expires_at = Set(now - chrono::Duration::minutes(20));
    m.update(&app.db).await.unwrap();
    for _ in 0..2 {
        let list = json_of(
            app.get(&t, &format!("/api/rounds/{id}/room-sessions"))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(list["sessions"][0]["open"], false, "{list}");
        assert!(list["sessions"][0]["closed_at"].is_string(), "{list}");
    }
    let audit = json_of(app.get(&admin, "/api/audit").await, StatusCode::OK).await;
    let text = audit.to_string();
    assert_eq!(text.matches("room_session.expire").count(), 1, "{text}");
    assert!(text.contains("ran_minutes=50 answers=2 valid=2"), "{text}");
    assert!(text.contains("系统（自动）"), "{text}");
    // Ended: closing it now is refused as for any ended session.
    let twice = app
        .post(
            &t,
            &format!("/api/rounds/{id}/room-sessions/{sid}/close"),
            json!({}),
        )
        .await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
}
