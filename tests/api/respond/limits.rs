//! Rate limits per client address and per link: 429 with Retry-After, JSON
//! on the API and a Chinese page on `/s/`. They stop junk, not crowds: a
//! parents' meeting behind one address gets through with the defaults.

use super::*;
use futures_util::{StreamExt, stream};
use renke::config::{DEFAULT_PAGES_PER_ADDRESS, DEFAULT_RATE_PER_ADDRESS, DEFAULT_RATE_PER_LINK};

#[tokio::test]
async fn a_client_address_is_limited_on_pages_and_api() {
    let app = spawn_app_with(|s| s.pages_per_address = 3).await;
    let (_, _, links) = app.open_round_with(1, &["parent"], json!({})).await;
    let token = token_of(&links, "parent");
    for _ in 0..3 {
        let (status, _, _) = page(&app, &app.client, &format!("/s/{token}")).await;
        assert_eq!(status, StatusCode::OK);
    }
    let r = app
        .client
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert!(r.text().await.unwrap().contains("访问过于频繁"));

    let r = app
        .client
        .get(app.url(&format!("/api/public/links/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let e = json_of(r, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(e["code"], "rate_limited");
    // Organisers' API is not the respondents' and is not limited.
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_link_is_limited_whoever_submits() {
    let app = spawn_app_with(|s| s.rate_per_link = 2).await;
    let (_, _, links) = app
        .open_round_with(1, &["parent", "deputy"], json!({}))
        .await;
    let token = token_of(&links, "parent");
    let q = app.questionnaire(&token).await;
    for _ in 0..2 {
        json_of(
            app.submit(&token, &answers_for(&q, |_, _| 1)).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let r = app.submit(&token, &answers_for(&q, |_, _| 1)).await;
    assert!(r.headers().contains_key("retry-after"));
    let e = json_of(r, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(e["code"], "rate_limited");
    assert_eq!(count_responses(&app.db).await, 2);
    // Other links are not affected.
    let deputy = token_of(&links, "deputy");
    let dq = app.questionnaire(&deputy).await;
    json_of(
        app.submit(&deputy, &answers_for(&dq, |_, _| 1)).await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn behind_a_proxy_the_trusted_header_names_the_client() {
    let app = spawn_app_with(|s| {
        s.pages_per_address = 2;
        s.trusted_proxy_header = Some("X-Forwarded-For".into());
    })
    .await;
    let (_, _, links) = app.open_round_with(1, &["parent"], json!({})).await;
    let path = format!("/api/public/links/{}", token_of(&links, "parent"));
    let get = |xff: &'static str| {
        let req = app
            .client
            .get(app.url(&path))
            .header("X-Forwarded-For", xff);
        async move { req.send().await.unwrap().status() }
    };
    // The proxy appends the real address; what a client put first is ignored.
    assert_eq!(get("10.9.9.9, 198.51.100.1").await, StatusCode::OK);
    assert_eq!(get("10.9.9.8, 198.51.100.1").await, StatusCode::OK);
    assert_eq!(
        get("10.9.9.7, 198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(get("198.51.100.2").await, StatusCode::OK);
}

/// Production defaults, behind a proxy that names the client in
/// `X-Forwarded-For` (so that one test process can be many addresses).
fn defaults_behind_proxy(s: &mut renke::config::Settings) {
    s.rate_per_address = DEFAULT_RATE_PER_ADDRESS;
    s.pages_per_address = DEFAULT_PAGES_PER_ADDRESS;
    s.rate_per_link = DEFAULT_RATE_PER_LINK;
    s.trusted_proxy_header = Some("X-Forwarded-For".into());
}

/// One parent: opens the page (gets a device cookie), maybe reloads it, and
/// submits through the API with that cookie. Returns the submission's status.
async fn parent(app: &TestApp, token: &str, q: &Value, address: &str, reload: bool) -> StatusCode {
    let page = app
        .client
        .get(app.url(&format!("/s/{token}")))
        .header("X-Forwarded-For", address)
        .send()
        .await
        .unwrap();
    if page.status() != StatusCode::OK {
        return page.status();
    }
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("renke_device_"))
        .and_then(|v| v.split(';').next())
        .expect("device cookie")
        .to_string();
    if reload {
        let again = app
            .client
            .get(app.url(&format!("/s/{token}")))
            .header("X-Forwarded-For", address)
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        if again.status() != StatusCode::OK {
            return again.status();
        }
    }
    app.client
        .post(app.url(&format!("/api/public/links/{token}/responses")))
        .header("X-Forwarded-For", address)
        .header("Cookie", &cookie)
        .json(&answers_for(q, |_, _| 1))
        .send()
        .await
        .unwrap()
        .status()
}

/// Junk a script sends: unknown tokens, bodies that fail validation,
/// bodies that are not JSON. Returns the status.
async fn junk(app: &TestApp, token: &str, address: &str, n: usize) -> StatusCode {
    let req = match n % 3 {
        0 => app
            .client
            .get(app.url(&format!("/api/public/links/nosuchtoken{n}"))),
        1 => app
            .client
            .post(app.url(&format!("/api/public/links/{token}/responses")))
            .json(&json!({"client_id": uuid::Uuid::new_v4(), "answers": []})),
        _ => app
            .client
            .post(app.url(&format!("/api/public/links/{token}/responses")))
            .header("Content-Type", "application/json")
            .body("{not json"),
    };
    req.header("X-Forwarded-For", address)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_parents_meeting_behind_one_address_gets_through_and_its_junk_is_throttled() {
    let app = spawn_app_with(defaults_behind_proxy).await;
    let (_, _, links) = app.open_round_with(1, &["parent"], json!({})).await;
    let token = token_of(&links, "parent");
    let q = app.questionnaire(&token).await;
    let hall = "203.0.113.10";
    // 1,000 parents on the school's Wi-Fi, a third of them reloading once.
    let parents = 1_000;
    let statuses: Vec<StatusCode> = stream::iter(0..parents)
        .map(|i| {
            let (app, token, q) = (&app, &token, &q);
            async move { parent(app, token, q, hall, i % 3 == 0).await }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, parents, "refused: {:?}", {
        let mut other: Vec<_> = statuses
            .iter()
            .filter(|s| **s != StatusCode::CREATED)
            .collect();
        other.dedup();
        other
    });
    assert_eq!(count_responses(&app.db).await, parents as i64);

    // The same address now sends junk: it is paused within its allowance.
    let mut answered = 0;
    for n in 0..(DEFAULT_RATE_PER_ADDRESS as usize * 2) {
        let status = junk(&app, &token, hall, n).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert!(status.is_client_error(), "{status}");
        answered += 1;
    }
    assert!(
        answered <= DEFAULT_RATE_PER_ADDRESS as usize + 2,
        "{answered} junk requests answered"
    );
    // Paused for everything, an honest submission included...
    assert_eq!(
        parent(&app, &token, &q, hall, false).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...while parents elsewhere are not affected.
    assert_eq!(
        parent(&app, &token, &q, "198.51.100.77", false).await,
        StatusCode::CREATED
    );
    assert_eq!(count_responses(&app.db).await, parents as i64 + 1);
}

#[tokio::test]
async fn junk_from_two_addresses_cannot_lock_a_link_against_honest_parents() {
    // A small link budget, so that junk charged to it would empty it.
    let app = spawn_app_with(|s| {
        defaults_behind_proxy(s);
        s.rate_per_link = 100;
    })
    .await;
    let (_, _, links) = app.open_round_with(1, &["parent"], json!({})).await;
    let token = token_of(&links, "parent");
    let q = app.questionnaire(&token).await;
    let flood = |address: &'static str| {
        let (app, token) = (&app, &token);
        async move {
            for n in 0..300 {
                // Well-formed JSON that fails validation: the 422 of finding 6.
                let _ = junk(app, token, address, 3 * n + 1).await;
            }
        }
    };
    let honest = async {
        let mut statuses = vec![];
        for i in 0..50 {
            statuses.push(parent(&app, &token, &q, &format!("198.51.100.{}", i + 1), false).await);
        }
        statuses
    };
    let (_, _, statuses) = tokio::join!(flood("203.0.113.66"), flood("203.0.113.67"), honest);
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    // And after the flood, too.
    for i in 0..50 {
        let address = format!("192.0.2.{}", i + 1);
        assert_eq!(
            parent(&app, &token, &q, &address, false).await,
            StatusCode::CREATED
        );
    }
    assert_eq!(count_responses(&app.db).await, 100);
}

#[tokio::test]
async fn access_code_guesses_through_the_cookie_count_against_the_link() {
    let app = spawn_app_with(|s| s.rate_per_link = 3).await;
    let (t, id, links) = app.open_round_with(1, &["deputy"], json!({})).await;
    let link = link_of(&links, "deputy");
    let token = token_of(&links, "deputy");
    json_of(
        app.post(
            &t,
            &format!("/api/rounds/{id}/links/{}/access-codes", link["id"]),
            json!({"count": 1}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let guess = |n: u32| {
        app.client
            .get(app.url(&format!("/s/{token}")))
            .header("Cookie", format!("renke_code_{}=GUES-S{n:03}", link["id"]))
            .send()
    };
    for n in 0..3 {
        let r = guess(n).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.text().await.unwrap().contains("请输入访问码"));
    }
    let r = guess(3).await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    // The form is the same budget.
    let r = app
        .client
        .post(app.url(&format!("/s/{token}/code")))
        .form(&[("code", "ABCD-EFGH")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_busy_page_says_when_and_comes_back_by_itself() {
    let app = spawn_app_with(|s| s.pages_per_address = 1).await;
    let (_, _, links) = app.open_round_with(1, &["parent"], json!({})).await;
    let token = token_of(&links, "parent");
    let (status, _, _) = page(&app, &app.client, &format!("/s/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body, headers) = page(&app, &app.client, &format!("/s/{token}")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let secs = headers["retry-after"].to_str().unwrap();
    assert!(body.contains(&format!("请在{secs}秒后再试")), "{body}");
    assert!(body.contains(&format!("<meta http-equiv=\"refresh\" content=\"{secs}\">")));
    assert!(body.contains("答案仍保存在本机"));
}

#[tokio::test]
async fn a_plain_form_refused_by_the_link_keeps_its_answers() {
    let app = spawn_app_with(|s| s.rate_per_link = 1).await;
    let (_, _, links) = app.open_round_with(1, &["parent"], json!({})).await;
    let token = token_of(&links, "parent");
    let q = app.questionnaire(&token).await;
    json_of(
        app.submit(&token, &answers_for(&q, |_, _| 1)).await,
        StatusCode::CREATED,
    )
    .await;
    let client_id = uuid::Uuid::new_v4().to_string();
    let fields = form_for(
        &q,
        &client_id,
        chrono::Utc::now().timestamp_millis() - 90_000,
    );
    let r = app
        .client
        .post(app.url(&format!("/s/{token}")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let body = r.text().await.unwrap();
    assert!(body.contains("您填写的答案已保留"));
    // The same attempt (same client id) is offered again, answers checked.
    assert!(body.contains(&client_id));
    assert!(body.contains(" checked"));
}

/// Wrong logins from `address` (as the proxy names it) for made-up users.
async fn wrong_logins(app: &TestApp, address: &str, n: usize) {
    wrong_logins_from(app, address, 0..n).await
}

async fn wrong_logins_from(app: &TestApp, address: &str, users: std::ops::Range<usize>) {
    for i in users {
        let r = app
            .client
            .post(app.url("/api/auth/login"))
            .header("X-Forwarded-For", address)
            .json(&json!({"username": format!("nobody{i}"), "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
}

async fn login_from(app: &TestApp, address: &str, username: &str, password: &str) -> StatusCode {
    app.client
        .post(app.url("/api/auth/login"))
        .header("X-Forwarded-For", address)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn the_login_throttle_names_the_client_by_the_trusted_header() {
    let app = spawn_app_with(|s| s.trusted_proxy_header = Some("X-Forwarded-For".into())).await;
    wrong_logins(&app, "10.0.0.1, 198.51.100.1", renke::throttle::PER_ADDRESS).await;
    assert_eq!(
        login_from(&app, "198.51.100.1", "nobody", "x").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Everyone else behind the same proxy still logs in.
    let password = app.admin_password.clone();
    assert_eq!(
        login_from(&app, "198.51.100.2", "admin", &password).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_login_throttle_groups_ipv6_by_its_64() {
    let app = spawn_app_with(|s| s.trusted_proxy_header = Some("X-Forwarded-For".into())).await;
    for i in 0..renke::throttle::PER_ADDRESS {
        wrong_logins_from(&app, &format!("2001:db8:1:2::{:x}", i + 1), i..i + 1).await;
    }
    assert_eq!(
        login_from(&app, "2001:db8:1:2:ffff::1", "someone", "x").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_from(&app, "2001:db8:1:3::1", "someone", "x").await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_oversized_username_is_throttled_like_any_other() {
    let app = spawn_app_with(|s| s.trusted_proxy_header = Some("X-Forwarded-For".into())).await;
    let huge = "名".repeat(200_000);
    for i in 0..renke::throttle::PER_ACCOUNT {
        assert_eq!(
            login_from(&app, &format!("198.51.100.{}", i + 1), &huge, "x").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login_from(&app, "192.0.2.1", &huge.to_uppercase(), "x").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn guessing_room_codes_is_paused_and_the_real_room_still_opens() {
    let app = spawn_app_with(defaults_behind_proxy).await;
    let (t, id, links) = app.open_round_with(1, &["student"], json!({})).await;
    let link = link_of(&links, "student");
    let room = json_of(
        app.post(
            &t,
            &format!("/api/rounds/{id}/links/{}/room-sessions", link["id"]),
            json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let code = room["code"].as_str().unwrap().to_string();
    let open = |address: &'static str, path: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url(&path))
                .header("X-Forwarded-For", address)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // A script walks the code space from one address: refused, then paused
    // within the address's allowance of refusals.
    let guesser = "203.0.113.66";
    let mut answered = 0;
    for n in 0..(DEFAULT_RATE_PER_ADDRESS as usize * 3) {
        let guess = format!("/r/{:08}", 10_000_000 + n);
        let status = open(guesser, guess).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(status, StatusCode::NOT_FOUND);
        answered += 1;
    }
    assert!(
        answered <= DEFAULT_RATE_PER_ADDRESS as usize + 2,
        "{answered} guesses answered before a pause"
    );
    // Even the right code is paused for that address now...
    assert_eq!(
        open(guesser, format!("/r/{code}")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...while the school's room, behind its own address, opens its session.
    assert_eq!(
        open("198.51.100.20", format!("/r/{code}")).await,
        StatusCode::OK
    );
}
