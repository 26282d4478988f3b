//! The authorisation matrix: every operation in the OpenAPI spec × (anonymous,
//! liaison, interviewer, clerk, reviewer, organiser, admin). A new operation
//! without an entry fails here. The clerk (录入员) is assigned to the round it
//! calls on, the interviewer (访谈员) to the link it calls on, the liaison
//! (学校联络员) to that link's school.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Who may call an operation: each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
enum Min {
    Public,
    /// Any logged-in account (the lowest role: 学校联络员).
    Liaison,
    Interviewer,
    Clerk,
    Reviewer,
    Organiser,
    Admin,
    /// Keying paper sheets: the round's clerks, organisers and admins; not
    /// reviewers, who change nothing.
    Keying,
    /// Uploading interviews: the round's interviewers, organisers and
    /// admins; not clerks or reviewers.
    Interviewing,
    /// A liaison's own room operations: the round's liaisons for their
    /// schools only; every other role is refused (organisers have theirs).
    Rooming,
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
        "logout" | "me" | "get_my_interviews" | "get_my_rooms" => (Liaison, None),
        "change_password" => (
            Liaison,
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
        "get_round_languages" | "export_translations" => (Reviewer, None),
        "put_round_languages" => (Organiser, Some(json!({"languages": ["ug"]}))),
        "import_translations" => (
            Organiser,
            Some(Value::String("键 key,中文原文 zh,ug\n".into())),
        ),
        "get_page_texts" | "export_page_texts" => (Reviewer, None),
        "import_page_texts" => (Admin, Some(Value::String("键 key,中文原文 zh,ug\n".into()))),
        "list_room_sessions" | "list_room_session_responses" | "get_room_session_sheet" => {
            (Reviewer, None)
        }
        "open_room_session" => (Organiser, Some(json!({"minutes": 45}))),
        "close_room_session" => (Organiser, None),
        "get_readiness_settings"
        | "list_readiness_years"
        | "readiness_import_template"
        | "list_readiness_entries"
        | "get_readiness_evaluation"
        | "export_readiness_xlsx" => (Reviewer, None),
        "put_readiness_settings" => (
            Organiser,
            Some(json!({"teaching_point_min_students": 50, "weight_primary": 1.0, "weight_junior": 1.1, "weight_senior": 1.32, "near_share": 0.85, "min_met": 6, "cv_limit_primary": 0.5, "cv_limit_junior": 0.45})),
        ),
        "put_readiness_entry" => (Organiser, Some(readiness_figures())),
        "delete_readiness_entry" => (Organiser, None),
        "import_readiness_entries" => (
            Organiser,
            Some(Value::String(
                "学校标识码,小学在校生数,教学及辅助用房面积,体育运动场馆面积,教学仪器设备值,网络多媒体教室数\n2165000001,100,450,750,200000,3\n".into(),
            )),
        ),
        "readiness_what_if" => (
            Reviewer,
            Some(json!({"school_id": ctx.school_id, "figures": readiness_figures()})),
        ),
        "get_readiness_checklist"
        | "list_readiness_facts"
        | "readiness_facts_template"
        | "get_readiness_overview"
        | "get_readiness_change"
        | "get_readiness_summary_page"
        | "get_readiness_evidence" => (Reviewer, None),
        "put_readiness_check" => (
            Organiser,
            Some(json!({"value1": 7000, "note": "矩阵"})),
        ),
        "upload_readiness_evidence" => (
            Organiser,
            Some(Value::String("%PDF-1.4\n矩阵\n%%EOF\n".into())),
        ),
        "delete_readiness_evidence" => (Organiser, None),
        "put_readiness_facts" => (
            Organiser,
            Some(json!({"primary_classes": 10, "largest_primary_class": 40})),
        ),
        "import_readiness_facts" => (
            Organiser,
            Some(Value::String(
                "学校标识码,小学班级数,小学最大班额\n2165000001,10,40\n".into(),
            )),
        ),
        "put_readiness_survey_round" => (Organiser, Some(json!({}))),
        "list_regions" | "compare_counties" | "export_county_comparison_xlsx" => (Reviewer, None),
        "create_region" => (
            Admin,
            Some(json!({"code": "110101", "name": "矩阵区", "level": "county"})),
        ),
        "update_region" => (
            Admin,
            Some(json!({"code": "652325", "name": "奇台县", "level": "county"})),
        ),
        "import_regions" => (Admin, Some(Value::String("120000,矩阵市,\n".into()))),
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
        "list_interviewers" => (Organiser, None),
        "create_interviewer" => (
            Organiser,
            Some(
                json!({"username": format!("i{}", &uuid::Uuid::new_v4().simple().to_string()[..8]), "link_ids": [ctx.link_id]}),
            ),
        ),
        "assign_interviewer" => (Organiser, Some(json!({"link_ids": [ctx.link_id]}))),
        "upload_interviews" => (
            Interviewing,
            Some(
                json!({"interviews": [{"client_id": uuid::Uuid::new_v4().to_string(), "link_id": ctx.link_id, "answers": []}]}),
            ),
        ),
        "list_liaisons" => (Organiser, None),
        "create_liaison" => (
            Organiser,
            Some(
                json!({"username": format!("l{}", &uuid::Uuid::new_v4().simple().to_string()[..8]), "school_ids": [ctx.school_id]}),
            ),
        ),
        "assign_liaison" => (Organiser, Some(json!({"school_ids": [ctx.school_id]}))),
        "unassign_liaison" => (Organiser, None),
        "liaison_open_room_session" => (Rooming, Some(json!({"minutes": 45}))),
        "liaison_close_room_session" | "liaison_room_session_sheet" => (Rooming, None),
        "list_assessments" | "get_assessment" | "compare_assessment" | "export_assessment_xlsx" => {
            (Reviewer, None)
        }
        // Only an organiser above a county (or an admin) creates one: the
        // matrix's organiser sits at the county (403); the one above is in
        // the county matrix below and in tests/api/assessments.rs.
        "create_assessment" => (
            Admin,
            Some(assessment_body(ctx.province, &[1])),
        ),
        _ => return None,
    })
}

fn assessment_body(region: i64, counties: &[i64]) -> Value {
    let now = chrono::Utc::now();
    json!({
        "name": "矩阵评估",
        "purpose": "provincial",
        "opens_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
        "closes_at": (now + chrono::Duration::days(5)).to_rfc3339(),
        "groups": ["parent", "deputy"],
        "county_ids": counties,
        "region_id": region,
    })
}

/// A province node above county 1 (node 1) and an assessment it runs over
/// county 1, created by the admin; returns (province node, assessment id).
async fn province_assessment(app: &TestApp) -> (i64, i64) {
    let p = crate::regions::node(app, "650000", "新疆维吾尔自治区", "province", None).await;
    let p = p["id"].as_i64().unwrap();
    let admin = app.admin_token().await;
    json_of(
        app.put(
            &admin,
            "/api/regions/1",
            json!({"code": "652325", "name": "奇台县", "level": "county", "parent_id": p}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let a = json_of(
        app.post(&admin, "/api/assessments", assessment_body(p, &[1]))
            .await,
        StatusCode::OK,
    )
    .await;
    (p, a["id"].as_i64().unwrap())
}

fn readiness_figures() -> Value {
    json!({
        "primary": {"students": 100, "qualified_teachers": 5, "backbone_teachers": 1, "sports_arts_teachers": 1},
        "facilities": {"teaching_area": 450, "sports_area": 750, "equipment_value": 200000, "multimedia_rooms": 3}
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
    room_session_id: i64,
    /// An interviewer of the round (its account id).
    interviewer_id: i64,
    /// A liaison of the round (its account id).
    liaison_id: i64,
    round_body: Value,
    questionnaire: Value,
    /// An evidence file of county 1 (any id where none was uploaded).
    evidence_id: i64,
    /// The province node above county 1, and an assessment it runs.
    province: i64,
    assessment_id: i64,
}

fn fill(path: &str, op: &str, ctx: &Ctx) -> String {
    // Draft-only operations act on the draft round, others on the open one.
    let round = if [
        "update_round",
        "delete_round",
        "put_questionnaire",
        "open_round",
        "put_round_languages",
        "import_translations",
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
            } else if path.starts_with("/regions") {
                "1".to_string()
            } else if path.starts_with("/assessments") {
                ctx.assessment_id.to_string()
            } else if path.starts_with("/schools") {
                ctx.school_id.to_string()
            } else {
                round.to_string()
            },
        )
        .replace("{group}", "parent")
        .replace("{year}", "2025-2026")
        .replace("{school_id}", &ctx.school_id.to_string())
        .replace("{link_id}", &ctx.link_id.to_string())
        .replace("{session_id}", &ctx.room_session_id.to_string())
        .replace("{sheet_id}", "1")
        .replace("{item}", "g7")
        .replace("{evidence_id}", &ctx.evidence_id.to_string())
        .replace(
            "{account_id}",
            &if path.contains("/liaisons/") {
                ctx.liaison_id
            } else {
                ctx.interviewer_id
            }
            .to_string(),
        )
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
    let room = json_of(
        app.post(
            &organiser,
            &format!(
                "/api/rounds/{round_id}/links/{}/room-sessions",
                parent_link["id"]
            ),
            json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let spare = app.token_for("reviewer").await;
    let spare = json_of(app.get(&spare, "/api/auth/me").await, StatusCode::OK).await;
    let interviewer = interviewer_of_link(
        &app,
        &organiser,
        round_id,
        parent_link["id"].as_i64().unwrap(),
    )
    .await;
    let liaison = liaison_of_school(&app, &organiser, round_id, &parent_link["school_id"]).await;
    let (province, assessment_id) = province_assessment(&app).await;
    let ctx = Ctx {
        interviewer_id: interviewer.id,
        liaison_id: liaison.id,
        province,
        assessment_id,
        account_id: spare["id"].as_i64().unwrap(),
        admin_password: app.admin_password.clone(),
        round_id,
        draft_id,
        school_id: schools[0]["id"].as_i64().unwrap(),
        link_id: parent_link["id"].as_i64().unwrap(),
        link_token: parent_link["token"].as_str().unwrap().to_string(),
        room_session_id: room["id"].as_i64().unwrap(),
        round_body: draft.clone(),
        questionnaire,
        evidence_id: 1,
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
    // Deletions last: a missing round or school answers 404 to every role
    // (as another county's would), so the roles are checked while the
    // things still exist.
    let mut calls: Vec<(&String, &String, &Value)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .iter()
                .map(move |(m, op)| (path, m, op))
        })
        .collect();
    calls.sort_by_key(|(_, m, _)| *m == "delete");
    for (path, method, op) in calls {
        {
            let id = op["operationId"].as_str().unwrap();
            let Some((min, body)) = entry(id, &ctx) else {
                missing.push(format!("{method} {path} ({id})"));
                continue;
            };
            let url = app.url(&fill(path, id, &ctx));
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for (role, level) in [
                ("anonymous", Min::Public),
                ("liaison", Min::Liaison),
                ("interviewer", Min::Interviewer),
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
                    } else if role == "interviewer" {
                        interviewer.token(&app).await
                    } else if role == "liaison" {
                        liaison.token(&app).await
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
                    Min::Interviewing => level == Min::Interviewer || level >= Min::Organiser,
                    Min::Rooming => level == Min::Liaison,
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
    assert!(checked >= 7 * 30, "checked only {checked} calls");
}

/// An interviewer account made by the organiser for one link of the round.
struct Interviewer {
    id: i64,
    username: String,
    password: String,
}

impl Interviewer {
    /// A new session (the matrix logs out now and then).
    async fn token(&self, app: &TestApp) -> String {
        let body = json_of(
            app.login(&self.username, &self.password).await,
            StatusCode::OK,
        )
        .await;
        body["token"].as_str().unwrap().to_string()
    }
}

async fn interviewer_of_link(
    app: &TestApp,
    organiser: &str,
    round_id: i64,
    link_id: i64,
) -> Interviewer {
    let username = format!("iv{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let created = json_of(
        app.post(
            organiser,
            &format!("/api/rounds/{round_id}/interviewers"),
            json!({"username": username, "link_ids": [link_id]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    Interviewer {
        id: created["interviewer"]["id"].as_i64().unwrap(),
        username,
        password: created["password"].as_str().unwrap().to_string(),
    }
}

/// A liaison account made by the organiser for one school of the round.
async fn liaison_of_school(
    app: &TestApp,
    organiser: &str,
    round_id: i64,
    school_id: &Value,
) -> Interviewer {
    let username = format!("li{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let created = json_of(
        app.post(
            organiser,
            &format!("/api/rounds/{round_id}/liaisons"),
            json!({"username": username, "school_ids": [school_id]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    Interviewer {
        id: created["liaison"]["id"].as_i64().unwrap(),
        username,
        password: created["password"].as_str().unwrap().to_string(),
    }
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

/// The county dimension of the matrix: every operation that names a round
/// or a school in its path × (own county, a county below, a county
/// elsewhere). The rounds and schools are county 1's; its organiser and
/// reviewer are the matrix above (own county). A reviewer of the
/// prefecture above reads every read and gets 403 on every write; an
/// organiser there may change nothing of the county's (403); the organiser
/// and reviewer of a county in another prefecture get 404 on everything,
/// exactly as for a missing id.
#[tokio::test]
async fn another_countys_ids_answer_404_and_the_level_above_reads_only() {
    use crate::regions::{node, token_at};
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
    let room = json_of(
        app.post(
            &organiser,
            &format!(
                "/api/rounds/{round_id}/links/{}/room-sessions",
                parent_link["id"]
            ),
            json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // The county's profile, so that its readiness reads answer.
    json_of(
        app.put(
            &organiser,
            "/api/county",
            json!({"name": "奇台县", "admin_code": "652325", "resident_population": 250000}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let evidence = json_of(
        app.client
            .post(app.url("/api/readiness/years/2025-2026/checklist/g7/evidence?file_name=a.pdf"))
            .bearer_auth(&organiser)
            .header("content-type", "application/octet-stream")
            .body("%PDF-1.4\n%%EOF\n")
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let ctx = Ctx {
        evidence_id: evidence["id"].as_i64().unwrap(),
        interviewer_id: 1,
        liaison_id: 1,
        account_id: 1,
        admin_password: app.admin_password.clone(),
        round_id,
        draft_id,
        school_id: schools[0]["id"].as_i64().unwrap(),
        link_id: parent_link["id"].as_i64().unwrap(),
        link_token: parent_link["token"].as_str().unwrap().to_string(),
        room_session_id: room["id"].as_i64().unwrap(),
        round_body: draft.clone(),
        questionnaire,
        province: 0,
        assessment_id: 0,
    };
    // 650000 → 652300 → county 1 (node 1); 650000 → 654000 → 654002.
    let p = node(&app, "650000", "新疆维吾尔自治区", "province", None).await;
    let above = node(
        &app,
        "652300",
        "昌吉回族自治州",
        "prefecture",
        p["id"].as_i64(),
    )
    .await;
    let other = node(
        &app,
        "654000",
        "伊犁哈萨克自治州",
        "prefecture",
        p["id"].as_i64(),
    )
    .await;
    let admin = app.admin_token().await;
    json_of(
        app.put(
            &admin,
            "/api/regions/1",
            json!({"code": "652325", "name": "奇台县", "level": "county", "parent_id": above["id"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let elsewhere = node(&app, "654002", "伊宁市", "county", other["id"].as_i64()).await;
    let (above, elsewhere) = (
        above["id"].as_i64().unwrap(),
        elsewhere["id"].as_i64().unwrap(),
    );
    // The province's assessment over county 1 (its part is a round of
    // county 1, like the others above).
    let province = p["id"].as_i64().unwrap();
    let assessment = json_of(
        app.post(&admin, "/api/assessments", assessment_body(province, &[1]))
            .await,
        StatusCode::OK,
    )
    .await;
    let ctx = Ctx {
        province,
        assessment_id: assessment["id"].as_i64().unwrap(),
        ..ctx
    };
    let who = [
        ("reviewer below", token_at(&app, "reviewer", above).await),
        ("organiser above", token_at(&app, "organiser", above).await),
        (
            "reviewer elsewhere",
            token_at(&app, "reviewer", elsewhere).await,
        ),
        (
            "organiser elsewhere",
            token_at(&app, "organiser", elsewhere).await,
        ),
    ];

    let spec = json_of(
        app.client
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let mut checked = 0;
    let mut readiness = 0;
    for (path, ops) in spec["paths"].as_object().unwrap() {
        let named = path.starts_with("/rounds/{id}") || path.starts_with("/schools/{id}");
        if !(named || path.starts_with("/readiness")) {
            continue;
        }
        for (method, op) in ops.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            let (min, body) = entry(id, &ctx).unwrap_or_else(|| panic!("no entry for {id}"));
            // Readiness acts on "the county": the matrix names county 1.
            let by_county = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "county_id"));
            if !named && !by_county {
                continue;
            }
            // fill() gives the what-if its formula: the answer is about the
            // county, not the query.
            let mut url = app.url(&fill(path, id, &ctx));
            if by_county {
                url.push_str(if url.contains('?') { "&" } else { "?" });
                url.push_str("county_id=1");
                readiness += 1;
            }
            let http = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for (name, token) in &who {
                let mut req = app.client.request(http.clone(), &url).bearer_auth(token);
                req = match &body {
                    Some(Value::String(raw)) => req
                        .header("content-type", "application/octet-stream")
                        .body(raw.clone()),
                    Some(b) => req.json(b),
                    None => req,
                };
                let status = req.send().await.unwrap().status();
                if name.ends_with("elsewhere") {
                    // By county, the role is judged before the county (no
                    // id of the county's is named in the path).
                    let expected =
                        if by_county && name.starts_with("reviewer") && min > Min::Reviewer {
                            StatusCode::FORBIDDEN
                        } else {
                            StatusCode::NOT_FOUND
                        };
                    assert_eq!(status, expected, "{name} → {method} {path} ({id})");
                } else if (http == Method::GET || (by_county && min == Min::Reviewer))
                    && (min <= Min::Reviewer
                        // What a clerk keys from (links and questionnaires)
                        // is a read for an organiser above; a reviewer is
                        // no keyer.
                        || (min == Min::Keying && name.starts_with("organiser")))
                {
                    assert!(
                        ![
                            StatusCode::UNAUTHORIZED,
                            StatusCode::FORBIDDEN,
                            StatusCode::NOT_FOUND,
                        ]
                        .contains(&status)
                            && !status.is_server_error(),
                        "{name} should read {method} {path} ({id}), got {status}"
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::FORBIDDEN,
                        "{name} → {method} {path} ({id})"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 4 * 25, "checked only {checked} calls");
    assert!(readiness >= 10, "only {readiness} readiness operations");

    // Assessments: read at and above the counties they cover, unknown
    // elsewhere; created by an organiser above a county over counties
    // beneath it, never by a county or a reviewer.
    let mut assessed = 0;
    for (path, ops) in spec["paths"].as_object().unwrap() {
        if !path.starts_with("/assessments") {
            continue;
        }
        for (method, op) in ops.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            let (_, body) = entry(id, &ctx).unwrap_or_else(|| panic!("no entry for {id}"));
            let url = app.url(&fill(path, id, &ctx));
            let http = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for (name, token) in &who {
                let mut req = app.client.request(http.clone(), &url).bearer_auth(token);
                if let Some(b) = &body {
                    // Over county 1, from the account's own node.
                    let mut b = b.clone();
                    b.as_object_mut().unwrap().remove("region_id");
                    req = req.json(&b);
                }
                let status = req.send().await.unwrap().status();
                let expected = match (http == Method::GET, path.contains("{id}"), *name) {
                    (true, true, n) if n.ends_with("elsewhere") => StatusCode::NOT_FOUND,
                    (true, _, _) => StatusCode::OK,
                    (false, _, "organiser above") => StatusCode::OK,
                    (false, _, _) => StatusCode::FORBIDDEN,
                };
                assert_eq!(status, expected, "{name} → {method} {path} ({id})");
                if id == "list_assessments" {
                    let list: Value = app
                        .client
                        .get(&url)
                        .bearer_auth(token)
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    let seen = list
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|a| a["id"] == ctx.assessment_id);
                    assert_eq!(seen, !name.ends_with("elsewhere"), "{name} lists it");
                }
                assessed += 1;
            }
        }
    }
    assert_eq!(
        assessed,
        4 * 5,
        "every assessment operation × four accounts"
    );
}

/// A county's part of an assessment run from above, through every
/// operation that names a round: the county's organiser and reviewer read
/// what a reviewer reads and get 403 on everything else (the county does
/// not change it); the province's organiser is refused nothing.
#[tokio::test]
async fn a_countys_part_of_an_assessment_is_changed_only_from_above() {
    use crate::regions::token_at;
    let app = spawn_app().await;
    let organiser = app.token_for("organiser").await;
    let reviewer = app.token_for("reviewer").await;
    app.seed_schools(&organiser, 2).await;
    let (province, open_assessment) = province_assessment(&app).await;
    let above = token_at(&app, "organiser", province).await;
    let draft_assessment = json_of(
        app.post(&above, "/api/assessments", assessment_body(province, &[1]))
            .await,
        StatusCode::OK,
    )
    .await;
    let part = |a: &Value| a["parts"][0]["round"]["id"].as_i64().unwrap();
    let open = json_of(
        app.get(&above, &format!("/api/assessments/{open_assessment}"))
            .await,
        StatusCode::OK,
    )
    .await;
    let (round_id, draft_id) = (part(&open), part(&draft_assessment));
    json_of(
        app.post(&above, &format!("/api/rounds/{round_id}/open"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let links = json_of(
        app.get(&above, &format!("/api/rounds/{round_id}/links"))
            .await,
        StatusCode::OK,
    )
    .await;
    let parent_link = links["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["group"] == "parent")
        .unwrap()
        .clone();
    let room = json_of(
        app.post(
            &above,
            &format!(
                "/api/rounds/{round_id}/links/{}/room-sessions",
                parent_link["id"]
            ),
            json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let draft = json_of(
        app.get(&above, &format!("/api/rounds/{draft_id}")).await,
        StatusCode::OK,
    )
    .await;
    let questionnaire = json_of(
        app.get(
            &above,
            &format!("/api/rounds/{draft_id}/questionnaires/parent"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let schools = json_of(app.get(&organiser, "/api/schools").await, StatusCode::OK).await;
    let ctx = Ctx {
        evidence_id: 1,
        interviewer_id: 1,
        liaison_id: 1,
        account_id: 1,
        admin_password: app.admin_password.clone(),
        round_id,
        draft_id,
        school_id: schools[0]["id"].as_i64().unwrap(),
        link_id: parent_link["id"].as_i64().unwrap(),
        link_token: parent_link["token"].as_str().unwrap().to_string(),
        room_session_id: room["id"].as_i64().unwrap(),
        round_body: draft,
        questionnaire,
        province,
        assessment_id: open_assessment,
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
    let mut calls: Vec<(String, String, String)> = Vec::new();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        if !path.starts_with("/rounds/{id}") {
            continue;
        }
        for (method, op) in ops.as_object().unwrap() {
            calls.push((
                path.clone(),
                method.clone(),
                op["operationId"].as_str().unwrap().to_string(),
            ));
        }
    }
    // The county first (it changes nothing), then the province; deletions last.
    calls.sort_by_key(|(_, m, _)| m == "delete");
    let mut checked = 0;
    for (name, token) in [
        ("county organiser", &organiser),
        ("county reviewer", &reviewer),
        ("province organiser", &above),
    ] {
        for (path, method, id) in &calls {
            let (min, body) = entry(id, &ctx).unwrap_or_else(|| panic!("no entry for {id}"));
            let url = app.url(&fill(path, id, &ctx));
            let http = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut req = app.client.request(http.clone(), &url).bearer_auth(token);
            req = match &body {
                Some(Value::String(raw)) => req
                    .header("content-type", "application/octet-stream")
                    .body(raw.clone()),
                Some(b) => req.json(b),
                None => req,
            };
            let status = req.send().await.unwrap().status();
            let reads = http == Method::GET
                && (min <= Min::Reviewer || (min == Min::Keying && name.ends_with("organiser")));
            // A liaison's own operations refuse every other role, the
            // province's organiser included.
            if (name.starts_with("province") && min != Min::Rooming) || reads {
                assert!(
                    ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&status)
                        && !status.is_server_error(),
                    "{name} should be allowed {method} {path} ({id}), got {status}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{name} → {method} {path} ({id})"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 3 * 40, "checked only {checked} calls");
}
