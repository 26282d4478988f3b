//! Round purposes (issue 16): every report states what the round is for and,
//! except for a province's own assessment, that the official result comes
//! from the Ministry's survey; the migration renames `national` without
//! changing any rate.

use super::*;
use migration::{Migrator, MigratorTrait};

async fn set_purpose(s: &Seeded, code: &str) {
    s.app
        .db
        .execute_unprepared(&format!(
            "UPDATE rounds SET purpose = '{code}' WHERE id = {}",
            s.round
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn every_report_states_its_purpose_and_where_the_official_result_comes_from() {
    let s = seeded_round().await;
    s.answer_known().await;
    let reviewer = s.app.token_for("reviewer").await;
    let r = s.report(&reviewer).await;
    let p = &r["purpose"];
    assert_eq!(p["purpose"], "self_assessment");
    assert_eq!(p["label"], "县级自评");
    assert_eq!(p["label_en"], "County self-assessment");
    assert!(
        p["official_note"]
            .as_str()
            .unwrap()
            .contains("以教育部组织的社会认可度调查为准")
    );
    assert!(p["official_note_en"].as_str().unwrap().contains("Ministry"));

    set_purpose(&s, "prefecture_review").await;
    let r = s.report(&reviewer).await;
    assert_eq!(r["purpose"]["label"], "州（市）复核");
    assert!(r["purpose"]["official_note"].is_string());

    // A province's own assessment is an official result of its own: no note.
    set_purpose(&s, "provincial").await;
    let r = s.report(&reviewer).await;
    assert_eq!(r["purpose"]["label"], "省级评估");
    assert!(
        r["purpose"].get("official_note").is_none(),
        "{}",
        r["purpose"]
    );
    assert!(r["purpose"].get("official_note_en").is_none());

    // Created through the API with the new code.
    let round = s
        .app
        .create_round(
            &s.token,
            &["parent"],
            json!({"purpose": "national_rehearsal"}),
        )
        .await;
    assert_eq!(round["purpose"], "national_rehearsal");
    let mut body = round.clone();
    body["purpose"] = json!("national");
    let resp = s.app.post(&s.token, "/api/rounds", body).await;
    assert!(resp.status().is_client_error(), "the old code is gone");
}

#[tokio::test]
async fn the_purpose_migration_renames_national_and_keeps_every_rate() {
    let s = seeded_round().await;
    s.answer_known().await;
    let reviewer = s.app.token_for("reviewer").await;
    let before = s.report(&reviewer).await;

    // A round stored before the migration, with the old code: back past
    // the purposes migration and every one that came after it.
    migrate_down_past(&s.app.db, "m20261202_500001_round_purposes").await;
    set_purpose(&s, "national").await;
    Migrator::up(&s.app.db, None).await.unwrap();

    let after = s.report(&reviewer).await;
    assert_eq!(after["round"]["purpose"], "national_rehearsal");
    assert_eq!(after["purpose"]["label"], "国家认定模拟");
    assert!(after["purpose"]["official_note"].is_string());
    for part in [
        "overall",
        "totals",
        "groups",
        "schools",
        "school_groups",
        "locations",
        "items",
        "invalid",
        "rule",
    ] {
        assert_eq!(before[part], after[part], "{part} unchanged");
    }
}
