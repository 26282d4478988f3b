use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn healthz_checks_the_database() {
    let app = spawn_app().await;
    let body = json_of(
        app.client.get(app.url("/healthz")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn the_spec_documents_every_operation_and_the_docs_page_serves() {
    let app = spawn_app().await;
    let spec = json_of(
        app.client
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let paths = spec["paths"].as_object().expect("paths");
    for p in [
        "/auth/login",
        "/accounts",
        "/county",
        "/schools/import",
        "/templates/{group}",
        "/rounds/{id}/open",
        "/rounds/{id}/questionnaires/{group}",
        "/rounds/{id}/links",
        "/public/links/{token}/responses",
        "/health",
    ] {
        assert!(paths.contains_key(p), "spec lacks {p}");
    }
    // Every operation documents the shared error body.
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            assert!(
                op["operationId"].is_string(),
                "{method} {path} has no operationId"
            );
        }
    }
    let docs = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_api_routes_answer_json() {
    let app = spawn_app().await;
    let body = json_of(
        app.client.get(app.url("/api/nope")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(body["code"], "not_found");
    assert!(body["message"].is_string());
}

/// SIGTERM stops the server cleanly and at once: the routes and every
/// background task let go of the submission writer, which drains and ends
/// (a task holding it kept every stop waiting 30 s and logging an error).
#[tokio::test]
async fn a_stop_signal_shuts_down_cleanly() {
    let (url, _dir) = fresh_database().await;
    let server = crate::process::RenkeProcess::serve(&url, &[]);
    let r = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let log = server.terminate();
    assert!(log.contains("shut down cleanly"), "{log}");
    assert!(!log.contains("did not finish"), "{log}");
}
