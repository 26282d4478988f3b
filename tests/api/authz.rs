//! The authorisation matrix: every operation in the OpenAPI spec × (anonymous,
//! clerk, reviewer, organiser, admin). A new operation without an entry fails
//! here. The clerk (录入员) is assigned to the round it calls on.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Who may call an operation: each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
enum Min {
    Public,
    Clerk,
    Reviewer,
    Organiser,
    Admin,
    /// Keying paper sheets: the round's clerks, organisers and admins; not
    /// reviewers, who change nothing.
    Keying,
}

/// operation id → (least role, a body that is valid for it).
fn entry(op: &str, ctx: &Ctx) -> Option<(Min, Option<Value>)> {
    use Min::*;
    let school = json!({"code": "2165009999", "name": "矩阵小学", "kind": "primary", "location": "rural", "primary_students": 10});
    Some(match op {
        "login" => (
            Public,
            Some(json!({"username": "admin", "password": ctx.admin_password})),
        ),
        "health" | "get_public_questionnaire" => (Public, None),
        "submit_response" => (
            Public,
            Some(json!({"client_id": uuid::Uuid::new_v4().to_string(), "answers": []})),
        ),
        "logout" | "me" => (Clerk, None),
        "change_password" => (
            Clerk,
            Some(json!({"current_password": "wrong", "new_password": "long enough pw"})),
        ),
        "list_accounts" | "reset_password" | "list_audit" => (Admin, None),
        "create_account" => (
            Admin,
            Some(
                json!({"username": format!("m{}", &uuid::Uuid::new_v4().simple().to_string()[..8]), "role": "reviewer"}),
            ),
        ),
        "update_account" => (Admin, Some(json!({"display_name": "新名字"}))),
        "get_county"
        | "list_schools"
        | "get_school"
        | "school_import_template"
        | "list_templates"
        | "get_template"
        | "list_rounds"
        | "get_round"
        | "get_questionnaire"
        | "list_links" => (Reviewer, None),
        "put_county" => (
            Organiser,
            Some(json!({"name": "矩阵县", "admin_code": "652325", "resident_population": 100000})),
        ),
        "create_school" | "update_school" => (Organiser, Some(school)),
        "delete_school" => (Organiser, None),
        "import_schools" => (
            Organiser,
            Some(Value::String(
                "学校标识码,学校名称,学校类型,所在地\n2165008888,导入小学,小学,城区\n".into(),
            )),
        ),
        "create_round" | "update_round" => (Organiser, Some(ctx.round_body.clone())),
        "delete_round" | "open_round" | "close_round" => (Organiser, None),
        "put_questionnaire" => (Organiser, Some(ctx.questionnaire.clone())),
        "update_link" => (Organiser, Some(json!({"enabled": true}))),
        "get_access_code_counts"
        | "get_link_qr_png"
        | "get_link_qr_svg"
        | "get_round_posters"
        | "get_round_qr_zip" => (Reviewer, None),
        "generate_access_codes" => (Organiser, Some(json!({"count": 2}))),
        "print_access_code_slips" => (Organiser, None),
        "compare_rounds"
        | "export_report_csv"
        | "export_report_xlsx"
        | "export_responses_csv"
        | "export_responses_xlsx"
        | "get_integrity"
        | "get_report"
        | "get_what_if"
        | "get_sampling"
        | "get_timeline"
        | "check_tallies" => (Reviewer, None),
        "put_quotas" => (
            Organiser,
            Some(json!({"quotas": [{"group": "parent", "quota": 40}]})),
        ),
        "rebuild_tallies" => (Organiser, None),
        "get_paper_entry" => (Keying, None),
        "enter_paper_sheet" => (
            Keying,
            Some(
                json!({"client_id": uuid::Uuid::new_v4().to_string(), "link_id": ctx.link_id, "serial": "M-1", "marks": "1"}),
            ),
        ),
        "configure_paper" => (Organiser, Some(json!({"double_entry": false}))),
        "list_paper_sheets" => (Organiser, None),
        "resolve_paper_sheet" => (Organiser, Some(json!({"marks": "1"}))),
        "print_paper_sheets" => (Organiser, None),
        _ => return None,
    })
}

struct Ctx {
    account_id: i64,
    admin_password: String,
    round_id: i64,
    draft_id: i64,
    school_id: i64,
    link_id: i64,
    link_token: String,
    round_body: Value,
    questionnaire: Value,
}

fn fill(path: &str, op: &str, ctx: &Ctx) -> String {
    // Draft-only operations act on the draft round, others on the open one.
    let round = if [
        "update_round",
        "delete_round",
        "put_questionnaire",
        "open_round",
    ]
    .contains(&op)
    {
        ctx.draft_id
    } else {
        ctx.round_id
    };
    format!("/api{path}")
        .replace(
            "{id}",
            &if path.starts_with("/accounts") {
                ctx.account_id.to_string()
            } else if path.starts_with("/schools") {
                ctx.school_id.to_string()
            } else {
                round.to_string()
            },
        )
        .replace("{group}", "parent")
        .replace("{link_id}", &ctx.link_id.to_string())
        .replace("{sheet_id}", "1")
        .replace("{token}", &ctx.link_token)
        + match op {
            "print_access_code_slips" => "?count=2",
            // A query that parses, so that the role is what is judged.
            "get_what_if" => "?formula=share_recognised",
            _ => "",
        }
}

#[tokio::test]
async fn every_operation_has_an_entry_and_roles_are_enforced() {
    let app = spawn_app().await;
    let organiser = app.token_for("organiser").await;
    let (_, round_id, links) = app.open_round(2).await;
    let draft = app.create_round(&organiser, &["parent"], json!({})).await;
    let draft_id = draft["id"].as_i64().unwrap();
    let schools = json_of(app.get(&organiser, "/api/schools").await, StatusCode::OK).await;
    let questionnaire = json_of(
        app.get(
            &organiser,
            &format!("/api/rounds/{draft_id}/questionnaires/parent"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let parent_link = links.iter().find(|l| l["group"] == "parent").unwrap();
    let spare = app.token_for("reviewer").await;
    let spare = json_of(app.get(&spare, "/api/auth/me").await, StatusCode::OK).await;
    let ctx = Ctx {
        account_id: spare["id"].as_i64().unwrap(),
        admin_password: app.admin_password.clone(),
        round_id,
        draft_id,
        school_id: schools[0]["id"].as_i64().unwrap(),
        link_id: parent_link["id"].as_i64().unwrap(),
        link_token: parent_link["token"].as_str().unwrap().to_string(),
        round_body: draft.clone(),
        questionnaire,
    };

    let spec = json_of(
        app.client
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let mut missing = Vec::new();
    let mut checked = 0;
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            let Some((min, body)) = entry(id, &ctx) else {
                missing.push(format!("{method} {path} ({id})"));
                continue;
            };
            let url = app.url(&fill(path, id, &ctx));
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for (role, level) in [
                ("anonymous", Min::Public),
                ("clerk", Min::Clerk),
                ("reviewer", Min::Reviewer),
                ("organiser", Min::Organiser),
                ("admin", Min::Admin),
            ] {
                let mut req = app.client.request(method.clone(), &url);
                if level != Min::Public {
                    let token = if role == "admin" {
                        app.admin_token().await
                    } else if role == "clerk" {
                        clerk_of_round(&app, &organiser, round_id).await
                    } else {
                        app.token_for(role).await
                    };
                    req = req.bearer_auth(token);
                }
                req = match &body {
                    Some(Value::String(raw)) => req
                        .header("content-type", "application/octet-stream")
                        .body(raw.clone()),
                    Some(b) => req.json(b),
                    None => req,
                };
                let status = req.send().await.unwrap().status();
                let allowed = match min {
                    Min::Keying => level == Min::Clerk || level >= Min::Organiser,
                    min => level >= min,
                };
                if !allowed {
                    let expected = if level == Min::Public {
                        StatusCode::UNAUTHORIZED
                    } else {
                        StatusCode::FORBIDDEN
                    };
                    assert_eq!(status, expected, "{role} → {method} {path} ({id})");
                } else {
                    assert!(
                        status != StatusCode::UNAUTHORIZED
                            && status != StatusCode::FORBIDDEN
                            && !status.is_server_error(),
                        "{role} should be allowed {method} {path} ({id}), got {status}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(
        missing.is_empty(),
        "operations without an authorisation entry: {missing:#?}"
    );
    assert!(checked >= 5 * 30, "checked only {checked} calls");
}

/// A new clerk account assigned to the round (its token).
async fn clerk_of_round(app: &TestApp, organiser: &str, round_id: i64) -> String {
    let token = app.token_for("clerk").await;
    let me = json_of(app.get(&token, "/api/auth/me").await, StatusCode::OK).await;
    json_of(
        app.put(
            organiser,
            &format!("/api/rounds/{round_id}/paper"),
            json!({"double_entry": false, "clerk_ids": [me["id"]]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    token
}
