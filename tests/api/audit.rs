//! Every change an organiser or admin makes is stored with its audit entry
//! or not at all: a database that refuses the entry gets the change rolled
//! back.

use crate::helpers::{fresh_database, json_of, spawn_app};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend};
use serde_json::json;

/// Makes every insert into the audit log fail, as a full or broken log
/// table would.
async fn refuse_audit_entries(db: &DatabaseConnection) {
    let statements: &[&str] = match db.get_database_backend() {
        DbBackend::Postgres => &[
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'audit entry refused'; END $$",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        ],
        _ => &["CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
                BEGIN SELECT RAISE(ABORT, 'audit entry refused'); END"],
    };
    for s in statements {
        db.execute_unprepared(s).await.expect("create the trigger");
    }
}

async fn accept_audit_entries(db: &DatabaseConnection) {
    let statements: &[&str] = match db.get_database_backend() {
        DbBackend::Postgres => &[
            "DROP TRIGGER refuse_audit ON audit_log",
            "DROP FUNCTION refuse_audit()",
        ],
        _ => &["DROP TRIGGER refuse_audit"],
    };
    for s in statements {
        db.execute_unprepared(s).await.expect("drop the trigger");
    }
}

#[tokio::test]
async fn a_change_whose_audit_entry_cannot_be_written_is_rolled_back() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let token = app.token_for("organiser").await;
    app.seed_schools(&token, 2).await;
    let round = app
        .create_round(&token, &["parent", "deputy"], json!({}))
        .await;
    let id = round["id"].as_i64().unwrap();
    let links = json_of(
        app.get(&token, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await;
    let link_id = links["links"][0]["id"].as_i64().unwrap();

    refuse_audit_entries(&app.db).await;
    let mut renamed = round.clone();
    renamed["name"] = json!("改过的名字");
    let update = app.put(&token, &format!("/api/rounds/{id}"), renamed).await;
    assert_eq!(update.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let open = app
        .post(&token, &format!("/api/rounds/{id}/open"), json!({}))
        .await;
    assert_eq!(open.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let disable = app
        .patch(
            &token,
            &format!("/api/rounds/{id}/links/{link_id}"),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(disable.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let create = app
        .post(
            &admin,
            "/api/accounts",
            json!({"username": "never-stored", "role": "reviewer"}),
        )
        .await;
    assert_eq!(create.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = create.json::<serde_json::Value>().await.unwrap();
    assert_eq!(body["code"], "internal");
    accept_audit_entries(&app.db).await;

    let stored = json_of(
        app.get(&token, &format!("/api/rounds/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stored["name"], round["name"]);
    assert_eq!(stored["status"], "draft");
    assert!(stored["opened_at"].is_null());
    let links = json_of(
        app.get(&token, &format!("/api/rounds/{id}/links")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(links["links"][0]["id"], link_id);
    assert_eq!(links["links"][0]["enabled"], true);
    let accounts = json_of(app.get(&admin, "/api/accounts").await, StatusCode::OK).await;
    assert!(!accounts.to_string().contains("never-stored"), "{accounts}");

    // With the log writable again the same change goes through, once, with
    // its entry.
    let open = app
        .post(&token, &format!("/api/rounds/{id}/open"), json!({}))
        .await;
    json_of(open, StatusCode::OK).await;
    let log = json_of(
        app.get(&admin, "/api/audit?limit=200").await,
        StatusCode::OK,
    )
    .await;
    let opens = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "round.open")
        .count();
    assert_eq!(opens, 1);
}

#[tokio::test]
async fn the_command_line_password_reset_writes_an_audit_entry() {
    use renke::config::{AdminAction, Settings};
    let (url, _dir) = fresh_database().await;
    let settings = Settings::for_test(&url);
    renke::cli::admin(
        &settings,
        AdminAction::Create {
            username: "clerk".into(),
            role: "reviewer".into(),
            display_name: None,
        },
    )
    .await
    .unwrap();
    renke::cli::admin(
        &settings,
        AdminAction::ResetPassword {
            username: "clerk".into(),
        },
    )
    .await
    .unwrap();
    let db = Database::connect(&url).await.unwrap();
    let clerk = renke::store::accounts::find_by_username(&db, "clerk")
        .await
        .unwrap()
        .unwrap();
    let log = renke::store::audit::list(&db, None, 100, None, None)
        .await
        .unwrap();
    let actions: Vec<(&str, &str, Option<i64>)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.target.as_str(), e.account_id))
        .collect();
    let target = format!("account:{}", clerk.id);
    assert_eq!(
        actions,
        vec![
            ("account.reset_password", target.as_str(), None),
            ("account.create", target.as_str(), None),
        ]
    );
    assert!(log.iter().all(|e| e.username == "命令行 (renke admin)"));
}

/// Entries about a county's rows carry that county (docs/scaling.md gap
/// 3): a round's and a school import's, a deleted draft's too; entries
/// about accounts and the tree carry none. The list filters by county, and
/// the migration fills entries written before it from their targets.
#[tokio::test]
async fn entries_about_a_countys_rows_carry_the_county() {
    use crate::helpers::migrate_down_past;
    use crate::regions::{token_at, tree};
    let app = spawn_app().await;
    let t = tree(&app).await;
    let admin = app.admin_token().await;
    let a2 = token_at(&app, "organiser", t.a2.0).await;
    let first = app.token_for("organiser").await;
    app.seed_schools(&a2, 2).await;
    let kept = app.create_round(&a2, &["parent"], json!({})).await["id"]
        .as_i64()
        .unwrap();
    let deleted = app.create_round(&a2, &["parent"], json!({})).await["id"]
        .as_i64()
        .unwrap();
    let res = app.delete(&a2, &format!("/api/rounds/{deleted}")).await;
    assert!(res.status().is_success(), "{}", res.status());
    let csv = "学校标识码,学校名称,学校类型,所在地\n3300000001,首县学校,小学,城区\n";
    json_of(
        app.import_schools(&first, csv.as_bytes().to_vec()).await,
        StatusCode::OK,
    )
    .await;
    let entries = |query: String| {
        let (app, admin) = (&app, &admin);
        async move {
            json_of(
                app.get(admin, &format!("/api/audit?limit=500{query}"))
                    .await,
                StatusCode::OK,
            )
            .await
            .as_array()
            .unwrap()
            .clone()
        }
    };
    let find = |all: &[serde_json::Value], action: &str, target: &str| {
        all.iter()
            .find(|e| e["action"] == action && e["target"] == target)
            .cloned()
            .unwrap_or_else(|| panic!("no {action} {target}"))
    };
    let check = |all: Vec<serde_json::Value>, deleted_county: serde_json::Value| {
        assert_eq!(
            find(&all, "round.create", &format!("round:{kept}"))["county_id"],
            t.a2.1
        );
        assert_eq!(
            find(&all, "round.delete", &format!("round:{deleted}"))["county_id"],
            deleted_county
        );
        let imports: Vec<_> = all
            .iter()
            .filter(|e| e["action"] == "schools.import")
            .map(|e| e["county_id"].clone())
            .collect();
        assert_eq!(imports, vec![json!(1), json!(t.a2.1)], "newest first");
        for e in all.iter().filter(|e| {
            e["action"]
                .as_str()
                .is_some_and(|a| a.starts_with("account.") || a.starts_with("region."))
        }) {
            assert!(e.get("county_id").is_none(), "{e}");
        }
    };
    let all = entries(String::new()).await;
    check(all, json!(t.a2.1));
    let mine = entries(format!("&county_id={}", t.a2.1)).await;
    assert!(mine.len() >= 4, "{mine:?}");
    assert!(mine.iter().all(|e| e["county_id"] == t.a2.1), "{mine:?}");
    assert!(
        entries("&county_id=1".into())
            .await
            .iter()
            .all(|e| e["county_id"] == 1)
    );

    // Entries written before the column: filled from their targets (the
    // deleted draft's row is gone, so its entry keeps none).
    migrate_down_past(&app.db, "m20261210_au0001_audit_county").await;
    {
        use migration::{Migrator, MigratorTrait};
        Migrator::up(&app.db, None).await.unwrap();
    }
    check(entries(String::new()).await, serde_json::Value::Null);
}
