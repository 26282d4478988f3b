//! `/metrics` (Prometheus) and the settings file: off by default, behind a
//! token or on its own listener, counting submissions without any
//! respondent data; TOML beneath the variables and the flags.

use crate::helpers::*;
use crate::process::RenkeProcess;
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::Value;

const TOKEN: &str = "metrics-token-for-tests-0123";

async fn scrape(url: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    (status, resp.text().await.expect("body"))
}

/// The value of the sample `series` (name with labels), 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map(|v| v.parse().expect("a number"))
        .unwrap_or(0.0)
}

fn parent_token(links: &[Value]) -> String {
    links
        .iter()
        .find(|l| l["group"] == "parent")
        .expect("parent link")["token"]
        .as_str()
        .expect("token")
        .to_string()
}

#[tokio::test]
async fn metrics_are_off_by_default_and_not_discoverable() {
    let app = spawn_app().await;
    for token in [None, Some(TOKEN)] {
        let (status, body) = scrape(&app.url("/metrics"), token).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!body.contains("renke_"), "{body}");
    }
}

#[tokio::test]
async fn behind_a_token_the_scrape_counts_submissions_without_respondent_data() {
    let app = spawn_app_with(|s| s.metrics_token = Some(TOKEN.into())).await;
    let url = app.url("/metrics");
    // Without the token, or with a wrong one: the same 404 as when off.
    assert_eq!(scrape(&url, None).await.0, StatusCode::NOT_FOUND);
    let wrong = format!("{TOKEN}x");
    assert_eq!(scrape(&url, Some(&wrong)).await.0, StatusCode::NOT_FOUND);

    let (status, before) = scrape(&url, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    for name in [
        "renke_submissions_acknowledged_total",
        "renke_submissions_refused_total",
        "renke_county_responses_total",
        "renke_writer_queue_depth",
    ] {
        assert!(
            before.contains(&format!("# HELP {name} ")),
            "{name}: {before}"
        );
    }
    for (name, kind) in [
        ("renke_submissions_acknowledged_total", "counter"),
        ("renke_writer_batch_size", "histogram"),
        ("renke_writer_commit_seconds", "histogram"),
        ("renke_writer_queue_depth", "gauge"),
        ("renke_http_request_duration_seconds", "histogram"),
        ("renke_http_unavailable_total", "counter"),
        ("renke_db_pool_connections", "gauge"),
        ("renke_db_pool_max_connections", "gauge"),
        ("renke_link_cache_lookups_total", "counter"),
    ] {
        assert!(
            before.contains(&format!("# TYPE {name} {kind}\n")),
            "{name}: {before}"
        );
    }
    assert_eq!(sample(&before, "renke_db_pool_max_connections"), 4.0);

    let (_, round_id, links) = app
        .open_round_with(1, &["parent"], serde_json::json!({}))
        .await;
    let county = renke::entities::round::Entity::find_by_id(round_id)
        .one(&app.db)
        .await
        .expect("read round")
        .expect("round")
        .county_id;
    let link = parent_token(&links);
    let q = app.questionnaire(&link).await;
    let n = 3;
    let mut client_ids = vec![];
    for _ in 0..n {
        let body = answers_for(&q, |_, _| 1);
        client_ids.push(body["client_id"].as_str().expect("id").to_string());
        assert_eq!(app.submit(&link, &body).await.status(), StatusCode::CREATED);
    }
    // A reused client id with other answers is refused under its code.
    let mut reused = answers_for(&q, |_, _| 2);
    reused["client_id"] = Value::String(client_ids[0].clone());
    assert_eq!(
        app.submit(&link, &reused).await.status(),
        StatusCode::CONFLICT
    );

    let (_, after) = scrape(&url, Some(TOKEN)).await;
    let acked = "renke_submissions_acknowledged_total";
    assert_eq!(sample(&after, acked) - sample(&before, acked), n as f64);
    let county_series = format!("renke_county_responses_total{{county_id=\"{county}\"}}");
    assert_eq!(
        sample(&after, &county_series) - sample(&before, &county_series),
        n as f64,
        "{after}"
    );
    assert_eq!(
        sample(
            &after,
            "renke_submissions_refused_total{reason=\"client_id_reused\"}"
        ),
        1.0
    );
    assert!(sample(&after, "renke_writer_commit_seconds_count") >= 1.0);
    assert!(sample(&after, "renke_writer_batch_size_sum") >= (n + 1) as f64);
    assert!(
        sample(
            &after,
            "renke_http_request_duration_seconds_count{class=\"public\"}"
        ) >= 4.0
    );
    assert!(
        sample(
            &after,
            "renke_http_request_duration_seconds_count{class=\"console_api\"}"
        ) >= 1.0
    );
    // Nothing of the respondents: no survey token, no client id, no address.
    assert!(!after.contains(&link), "the link token leaked");
    for id in &client_ids {
        assert!(!after.contains(id.as_str()), "a client id leaked");
    }
    assert!(!after.contains("127.0.0.1"), "an address leaked: {after}");
}

#[tokio::test]
async fn a_short_metrics_token_is_refused_at_start() {
    let (url, _dir) = fresh_database().await;
    let mut settings = renke::config::Settings::for_test(&url);
    settings.metrics_token = Some("short".into());
    let err = renke::startup::Application::build(settings)
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("RENKE_METRICS_TOKEN"), "{err}");
}

/// The port after `needle … 127.0.0.1:` in a process's log.
fn port_in_log(log: &str, needle: &str) -> String {
    let line = log
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no `{needle}` in the log:\n{log}"));
    let at = line.find("127.0.0.1:").expect("an address") + 10;
    line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

#[tokio::test]
async fn on_its_own_address_metrics_are_served_there_and_not_on_the_main_port() {
    let (url, _dir) = fresh_database().await;
    let u = url.clone();
    let _app = spawn_app_with(move |s| s.database_url = u).await;
    let server = RenkeProcess::serve(&url, &[("RENKE_METRICS_BIND", "127.0.0.1:0")]);
    let port = port_in_log(&server.log(), "metrics listening");
    let (status, body) = scrape(&format!("http://127.0.0.1:{port}/metrics"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("# TYPE renke_submissions_acknowledged_total counter"),
        "{body}"
    );
    // The main listener keeps serving, without metrics.
    assert_eq!(
        scrape(&server.url("/metrics"), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        scrape(&server.url("/healthz"), None).await.0,
        StatusCode::OK
    );
    // The metrics listener serves nothing else.
    let (status, _) = scrape(&format!("http://127.0.0.1:{port}/healthz"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_settings_file_sits_beneath_the_variables_and_the_flags() {
    let (url, dir) = fresh_database().await;
    let u = url.clone();
    let _app = spawn_app_with(move |s| s.database_url = u).await;
    let files = tempfile::tempdir().expect("temp dir");
    let _keep = dir;
    let config = files.path().join("renke.toml");
    let (from_file, from_env, from_flag) = (
        "token-from-the-file-0123",
        "token-from-the-variable-0123",
        "token-from-the-flag-0123",
    );
    std::fs::write(
        &config,
        format!("# renke\nmetrics_token = \"{from_file}\"\nrate_per_link = 500\n"),
    )
    .expect("write the file");
    let config = config.display().to_string();
    let answers = |server: &RenkeProcess, token: &'static str| {
        let url = server.url("/metrics");
        async move { scrape(&url, Some(token)).await.0 }
    };

    // The file alone (named by RENKE_CONFIG) sets the token.
    let server = RenkeProcess::serve(&url, &[("RENKE_CONFIG", config.as_str())]);
    assert_eq!(answers(&server, from_file).await, StatusCode::OK);
    drop(server);

    // The variable overrides the file.
    let env = [
        ("RENKE_CONFIG", config.as_str()),
        ("RENKE_METRICS_TOKEN", from_env),
    ];
    let server = RenkeProcess::serve(&url, &env);
    assert_eq!(answers(&server, from_env).await, StatusCode::OK);
    assert_eq!(answers(&server, from_file).await, StatusCode::NOT_FOUND);
    drop(server);

    // The flag overrides both (and --config names the file).
    let server = RenkeProcess::serve_args(
        &url,
        &["serve", "--config", &config, "--metrics-token", from_flag],
        &[("RENKE_METRICS_TOKEN", from_env)],
    );
    assert_eq!(answers(&server, from_flag).await, StatusCode::OK);
    assert_eq!(answers(&server, from_env).await, StatusCode::NOT_FOUND);
    drop(server);

    // An unknown key or a wrong type stops the start, naming the key.
    for (text, key) in [
        (
            "rate_per_link = 500\nmetrics_tokn = \"x\"\n",
            "`metrics_tokn`",
        ),
        ("rate_per_link = \"fast\"\n", "`rate_per_link`"),
    ] {
        std::fs::write(files.path().join("bad.toml"), text).expect("write");
        let bad = files.path().join("bad.toml").display().to_string();
        let (ok, log) = RenkeProcess::run_to_end(&url, &["serve", "--config", &bad], &[]);
        assert!(!ok, "renke started with {text}");
        assert!(log.contains(key) && log.contains("设置文件"), "{log}");
    }
}
