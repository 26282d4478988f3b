//! Operations that document their own error statuses list exactly the
//! ones they can answer with, and answer with those.

use crate::helpers::{json_of, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn documented(spec: &Value, operation_id: &str) -> Vec<String> {
    let op = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|ops| ops.as_object().unwrap().values())
        .find(|op| op["operationId"] == operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id}"));
    let mut statuses: Vec<String> = op["responses"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    statuses.sort();
    statuses
}

#[test]
fn respondent_and_login_operations_document_their_own_statuses() {
    let spec: Value = serde_json::from_str(&renke::api::spec_json()).unwrap();
    let expect = [
        ("get_public_questionnaire", "200 404 409 429 500 503"),
        (
            "submit_response",
            "200 201 400 404 409 413 415 422 429 500 503",
        ),
        ("login", "200 400 401 413 415 429 500 503"),
        ("logout", "200 401 403 500 503"),
        ("me", "200 401 404 500 503"),
        ("change_password", "200 400 401 403 404 413 415 422 500 503"),
    ];
    for (op, statuses) in expect {
        assert_eq!(documented(&spec, op).join(" "), statuses, "{op}");
    }
    // The error body's code is the closed list.
    let codes = &spec["components"]["schemas"]["ErrorCode"]["enum"];
    assert!(codes.as_array().unwrap().contains(&json!("round_frozen")));
    for code in [
        "room_session_ended",
        "region_code_taken",
        "sheet_serial_used",
        "sheet_entry_state",
    ] {
        assert!(codes.as_array().unwrap().contains(&json!(code)), "{code}");
    }
    assert_eq!(codes.as_array().unwrap().len(), 31);
}

#[test]
fn every_operation_documents_a_subset_of_the_error_statuses() {
    let spec: Value = serde_json::from_str(&renke::api::spec_json()).unwrap();
    let known = [
        "400", "401", "403", "404", "409", "413", "415", "422", "429", "500", "503",
    ];
    let mut all_eleven = vec![];
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for op in ops.as_object().unwrap().values() {
            let id = op["operationId"].as_str().unwrap();
            let errors: Vec<&String> = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .filter(|s| s.as_str() >= "400")
                .collect();
            assert!(errors.iter().all(|s| known.contains(&s.as_str())), "{id}");
            // Anything that reads the database may find it unavailable.
            assert!(errors.iter().any(|s| *s == "503"), "{id}");
            let public = path.starts_with("/public/") || path == "/health";
            let login = id == "login";
            if !public && !login {
                assert!(errors.iter().any(|s| *s == "401"), "{id} needs a session");
            }
            if public {
                assert!(!errors.iter().any(|s| *s == "401" || *s == "403"), "{id}");
            }
            if errors.len() == known.len() {
                all_eleven.push(id.to_string());
            }
        }
    }
    assert!(
        all_eleven.is_empty(),
        "still documenting everything: {all_eleven:?}"
    );
}

#[tokio::test]
async fn their_refusals_are_among_the_documented_statuses() {
    let app = spawn_app().await;
    let spec: Value = serde_json::from_str(&renke::api::spec_json()).unwrap();
    let allowed = |op: &str, s: StatusCode| documented(&spec, op).contains(&s.as_u16().to_string());

    let unknown = app
        .client
        .get(app.url("/api/public/links/no-such-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(allowed("get_public_questionnaire", unknown.status()));
    let submit = app.submit("no-such-token", &json!({})).await;
    assert!(
        allowed("submit_response", submit.status()),
        "{}",
        submit.status()
    );
    let wrong = app.login("admin", "wrong password").await;
    let status = wrong.status();
    let body = json_of(wrong, StatusCode::UNAUTHORIZED).await;
    assert_eq!(body["code"], "invalid_credentials");
    assert!(allowed("login", status));
    let me = app
        .client
        .get(app.url("/api/auth/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert!(allowed("me", me.status()));
}
