//! `renke demo`: a populated county, through the real writer, once.

use crate::helpers::fresh_database;
use renke::{config::Settings, entities};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::HashMap;

#[tokio::test]
async fn the_demo_fills_an_empty_database_once() {
    let (url, _dir) = fresh_database().await;
    let settings = Settings::for_test(&url);
    renke::demo::run(&settings).await.expect("demo runs");
    let db = renke::db::connect(&settings).await.unwrap();

    assert_eq!(
        entities::school::Entity::find().count(&db).await.unwrap(),
        26
    );
    // 资源配置 for 2025-2026: two schools and one CV fail.
    let year = renke::domain::readiness_input::SchoolYear::parse("2025-2026").unwrap();
    let e = renke::app::readiness::evaluation(&db, 1, year.clone())
        .await
        .unwrap();
    let failing: Vec<&str> = e
        .report
        .stages
        .iter()
        .flat_map(|s| s.schools.iter().filter(|x| !x.passes))
        .map(|x| x.name.as_str())
        .collect();
    assert_eq!(failing, ["松林乡中心小学", "龙潭镇中学"]);
    let cvs_failing = e
        .report
        .stages
        .iter()
        .flat_map(|s| s.cvs.iter().filter(|c| !c.passes))
        .count();
    assert_eq!(cvs_failing, 1);
    assert!(e.missing.is_empty());
    // The checklist: 专用教室 and 班额 fail where planted, 巩固率 is met,
    // 教师工资 is short, items wait to be verified, one evidence file.
    let c = renke::app::checklist::checklist(&db, 1, year)
        .await
        .unwrap();
    let line = |k: &str| c.lines.iter().find(|l| l.item.key == k).unwrap();
    use renke::domain::checklist::Status;
    assert_eq!(line("g3").status, Status::Unmet);
    assert!(
        line("g3").gaps[0].contains("松林乡中心小学"),
        "{:?}",
        line("g3").gaps
    );
    assert_eq!(line("g5").status, Status::Unmet);
    assert!(
        line("g5").gaps[0].contains("龙潭镇中学"),
        "{:?}",
        line("g5").gaps
    );
    // Per-grade counts for every school, valid as an import would check
    // them; 龙潭镇中学's entered 53 fails while its grades' averages do not,
    // and the line shows both readings.
    assert_eq!(line("g5").gaps.len(), 1, "{:?}", line("g5").gaps);
    assert!(
        line("g5").gaps[0].contains("按年级平均班额未超标"),
        "{:?}",
        line("g5").gaps
    );
    for s in &c.schools {
        let f = s.facts.as_ref().unwrap();
        assert!(f.grades.iter().any(|g| g.classes > 0), "{}", s.name);
        assert_eq!(f.check(s.kind), Ok(()), "{}", s.name);
    }
    assert_eq!(line("q1").status, Status::Met, "{:?}", line("q1").finding);
    assert_eq!(line("g8").status, Status::Unmet);
    assert_eq!(line("g7").evidence.len(), 1);
    assert!(c.lines.iter().any(|l| l.status == Status::Pending));
    let rounds = entities::round::Entity::find().all(&db).await.unwrap();
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0].status, "open");
    assert_eq!(rounds[0].purpose, "self_assessment");
    let responses = entities::response::Entity::find().all(&db).await.unwrap();
    assert!(
        (3000..8000).contains(&responses.len()),
        "{} responses",
        responses.len()
    );
    let groups: std::collections::BTreeSet<_> = responses
        .iter()
        .map(|r| r.respondent_group.as_str())
        .collect();
    assert_eq!(groups.len(), 7, "{groups:?}");
    let too_fast = responses
        .iter()
        .filter(|r| r.validity == "too_fast")
        .count();
    assert!(too_fast > 20, "{too_fast} too fast");

    // Some schools fall below 85% (share of recognised answers, valid only).
    let mut by_school: HashMap<i64, (f64, u32)> = HashMap::new();
    for r in responses
        .iter()
        .filter(|r| r.validity == "valid" && r.judged > 0)
    {
        let e = by_school.entry(r.school_id.unwrap_or(0)).or_default();
        e.0 += f64::from(r.recognised) / f64::from(r.judged);
        e.1 += 1;
    }
    let below = by_school
        .values()
        .filter(|(sum, n)| sum / f64::from(*n) < 0.85)
        .count();
    assert!(below >= 2, "{below} schools below 85%");

    // One coached burst: ≥10 identical answer vectors, one school, 10 minutes.
    let mut vectors: HashMap<(Option<i64>, &str), Vec<chrono::DateTime<chrono::Utc>>> =
        HashMap::new();
    for r in &responses {
        vectors
            .entry((r.school_id, r.answers.as_str()))
            .or_default()
            .push(r.submitted_at);
    }
    let burst = vectors.values_mut().any(|times| {
        times.sort();
        times
            .windows(10)
            .any(|w| w[9] - w[0] <= chrono::Duration::minutes(10))
    });
    assert!(burst, "no coached burst");

    // Run again: nothing is added, the demo account gets a new password.
    renke::demo::run(&settings).await.expect("demo runs again");
    assert_eq!(
        entities::response::Entity::find().count(&db).await.unwrap(),
        responses.len() as u64
    );
    let demo = entities::account::Entity::find()
        .filter(entities::account::Column::Username.eq("demo"))
        .one(&db)
        .await
        .unwrap()
        .expect("demo account");
    assert_eq!(demo.role, "organiser");
}

#[tokio::test]
async fn the_demo_refuses_a_database_with_real_data() {
    let (url, _dir) = fresh_database().await;
    let settings = Settings::for_test(&url);
    let conn = renke::db::connect(&settings).await.unwrap();
    renke::db::migrate(&conn).await.unwrap();
    renke::store::county::put(&conn, 1, "奇台县", "652325", 250_000)
        .await
        .unwrap();
    let err = renke::demo::run(&settings).await.unwrap_err().to_string();
    assert!(err.contains("只写入空数据库"), "{err}");
    assert_eq!(
        entities::school::Entity::find().count(&conn).await.unwrap(),
        0
    );
}
