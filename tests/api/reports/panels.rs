//! Sampling plan and progress, quota overrides, the integrity panel, and
//! comparing rounds.

use super::*;

#[tokio::test]
async fn the_sampling_plan_follows_the_national_rule_and_tracks_progress() {
    let s = seeded_round().await;
    let county = json!({"name": "奇台县", "admin_code": "652325", "resident_population": 250000});
    json_of(
        s.app.put(&s.token, "/api/county", county).await,
        StatusCode::OK,
    )
    .await;
    let p1 = s.link("parent", Some(s.schools[0]));
    s.answer(&p1, |_| 1, 90_000, None).await;
    s.answer(&p1, |_| 2, 90_000, None).await;
    s.answer(&p1, |_| 1, 1_000, None).await; // too fast: not progress
    let path = format!("/api/rounds/{}/sampling", s.round);
    let reviewer = s.app.token_for("reviewer").await;
    let plan = json_of(s.app.get(&reviewer, &path).await, StatusCode::OK).await;
    assert_eq!(plan["national_minimum"], 375);
    assert_eq!(plan["total"]["count"], 2);
    let parents = find(&plan["groups"], "group", "parent");
    assert_eq!(
        (parents["suggested"].as_i64(), parents["quota"].as_i64()),
        (Some(188), Some(188))
    );
    assert_eq!(find(&plan["groups"], "group", "deputy")["quota"], 187);
    // 188 split over enrolments 310 and 320: 92.5 and 95.5 → the larger remainder (school 1) gets the spare one.
    let first = find(&plan["schools"], "school_id", s.schools[0]);
    assert_eq!(
        (first["quota"].as_i64(), first["count"].as_i64()),
        (Some(93), Some(2))
    );
    near(&first["percent"], 200.0 / 93.0);
    assert_eq!(
        find(&plan["schools"], "school_id", s.schools[1])["quota"],
        95
    );
    let town = find(&plan["locations"], "location", "town");
    assert_eq!(
        (town["quota"].as_i64(), town["count"].as_i64()),
        (Some(93), Some(2))
    );
    near(&plan["parent_share"], 1.0);

    let quotas = format!("/api/rounds/{}/sampling/quotas", s.round);
    let change = json!({"quotas": [
        {"group": "parent", "school_id": s.schools[0], "quota": 10},
        {"group": "deputy", "quota": 50},
    ]});
    assert_eq!(
        s.app.put(&reviewer, &quotas, change.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    let plan = json_of(s.app.put(&s.token, &quotas, change).await, StatusCode::OK).await;
    let first = find(&plan["schools"], "school_id", s.schools[0]);
    assert_eq!(
        (first["suggested"].as_i64(), first["overridden"].as_i64()),
        (Some(93), Some(10))
    );
    near(&first["percent"], 20.0);
    assert_eq!(find(&plan["groups"], "group", "deputy")["quota"], 50);
    // Removing an override returns to the suggestion; deputies have no schools.
    let clear = json!({"quotas": [{"group": "parent", "school_id": s.schools[0], "quota": null}]});
    let plan = json_of(s.app.put(&s.token, &quotas, clear).await, StatusCode::OK).await;
    assert!(find(&plan["schools"], "school_id", s.schools[0])["overridden"].is_null());
    let bad = json!({"quotas": [{"group": "deputy", "school_id": s.schools[0], "quota": 3}]});
    let e = json_of(
        s.app.put(&s.token, &quotas, bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "school_id");
}

#[tokio::test]
async fn bursts_of_identical_answers_are_flagged_without_changing_rates() {
    let s = seeded_round().await;
    let p1 = s.link("parent", Some(s.schools[0]));
    for _ in 0..10 {
        s.answer(&p1, |_| 1, 90_000, None).await;
    }
    s.answer(&p1, |n| if n == 5 { 3 } else { 1 }, 90_000, None)
        .await;
    let p2 = s.link("parent", Some(s.schools[1]));
    s.answer(&p2, |n| if n % 2 == 0 { 3 } else { 1 }, 90_000, None)
        .await;
    let path = format!("/api/rounds/{}/integrity", s.round);
    let panel = json_of(s.app.get(&s.token, &path).await, StatusCode::OK).await;
    let bursts = panel["bursts"].as_array().unwrap();
    assert_eq!(bursts.len(), 1, "{panel}");
    assert_eq!(bursts[0]["count"], 10);
    assert_eq!(bursts[0]["school_id"], s.schools[0]);
    assert_eq!(bursts[0]["group"], "parent");
    assert_eq!(bursts[0]["vector"], "1".repeat(SCORED));
    let first = find(&panel["identical"], "school_id", s.schools[0]);
    assert_eq!(
        (first["responses"].as_u64(), first["identical"].as_u64()),
        (Some(11), Some(10))
    );
    near(&first["identical_share"], 10.0 / 11.0);
    // 一般: 1 of school 1's 165 answers, 7 of school 2's 15 (15 scored
    // items, the overall one included); county 8 of 180.
    near(&panel["county_negative_share"], 8.0 / 180.0);
    let neg = find(&panel["negatives"], "school_id", s.schools[0]);
    near(&neg["share"], 1.0 / 165.0);
    assert_eq!(
        neg["flagged"], false,
        "11 responses are fewer than the minimum of 30"
    );
    // Eleven in one burst need a larger count to be one.
    let strict = json_of(
        s.app
            .get(&s.token, &format!("{path}?burst_min_count=12"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(strict["bursts"].as_array().unwrap().is_empty());
    // Flags only: the report still counts every valid response.
    assert_eq!(s.report(&s.token).await["totals"]["valid"], 12);
}

#[tokio::test]
async fn rounds_compare_side_by_side_with_the_change_in_points() {
    let s = seeded_round().await;
    let p1 = s.link("parent", Some(s.schools[0]));
    s.answer(&p1, |n| if n <= 10 { 1 } else { 3 }, 90_000, None)
        .await; // 10/14
    let extra = json!({"name": "2026年市级复核", "purpose": "prefecture_review"});
    let (second, links) = open(&s.app, &s.token, &["parent"], extra).await;
    let link = link_token(&links, "parent", Some(s.schools[0]));
    s.answer(&link, |_| 1, 90_000, None).await;
    let path = format!(
        "/api/reports/compare?round_ids={}&round_ids={second}",
        s.round
    );
    let c = json_of(s.app.get(&s.token, &path).await, StatusCode::OK).await;
    assert_eq!(c["rounds"][1]["purpose"], "prefecture_review");
    near(&c["overall"]["rates"][0]["rate"], 10.0 / 14.0);
    // 100 × (1 − 10/14) = 400/14 points.
    near(&c["overall"]["change_points"], 400.0 / 14.0);
    let parent = find(&c["groups"], "label", "家长");
    near(&parent["change_points"], 400.0 / 14.0);
    let deputy = find(&c["groups"], "label", "人大代表");
    assert!(deputy["rates"][1]["rate"].is_null() && deputy["change_points"].is_null());
    let school = find(&c["schools"], "school_id", s.schools[0]);
    near(&school["rates"][1]["rate"], 1.0);
    // Without ids: every opened round, oldest first.
    let all = json_of(
        s.app.get(&s.token, "/api/reports/compare").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["rounds"].as_array().unwrap().len(), 2);
    assert_eq!(all["rounds"][0]["id"], s.round);
}

#[tokio::test]
async fn the_timeline_counts_responses_as_they_arrive_and_survives_a_rebuild() {
    let s = seeded_round().await;
    let p1 = s.link("parent", Some(s.schools[0]));
    let deputies = s.link("deputy", None);
    s.answer(&p1, |_| 1, 90_000, None).await;
    s.answer(&p1, |_| 2, 90_000, None).await;
    s.answer(&p1, |_| 1, 1_000, None).await; // too fast: kept, counted as invalid
    s.answer(&deputies, |_| 1, 90_000, None).await;
    let reviewer = s.app.token_for("reviewer").await;
    let path = format!("/api/rounds/{}/timeline?bucket_minutes=10", s.round);
    let t = json_of(s.app.get(&reviewer, &path).await, StatusCode::OK).await;
    assert_eq!(t["bucket_minutes"], 10);
    assert_eq!(
        (t["valid_total"].as_i64(), t["invalid_total"].as_i64()),
        (Some(3), Some(1))
    );
    let points = t["points"].as_array().unwrap();
    let parents: i64 = points
        .iter()
        .filter(|p| p["respondent_group"] == "parent")
        .map(|p| p["valid"].as_i64().unwrap() + p["invalid"].as_i64().unwrap())
        .sum();
    assert_eq!(parents, 3);
    // Every point starts on a 10-minute boundary within the last hour.
    let now = chrono::Utc::now();
    for p in points {
        let start: chrono::DateTime<chrono::Utc> = p["start"].as_str().unwrap().parse().unwrap();
        assert_eq!(start.timestamp() % 600, 0, "{p}");
        assert!(now - start < chrono::Duration::minutes(70), "{p}");
    }
    // Daily intervals start at midnight China time (16:00 UTC).
    let path = format!("/api/rounds/{}/timeline?bucket_minutes=1440", s.round);
    let t = json_of(s.app.get(&reviewer, &path).await, StatusCode::OK).await;
    let start: chrono::DateTime<chrono::Utc> =
        t["points"][0]["start"].as_str().unwrap().parse().unwrap();
    assert_eq!(start.timestamp() % 86_400, 16 * 3600);
    assert_eq!(t["valid_total"], 3);

    // The counts are checked and rebuilt with the other tallies.
    let check = format!("/api/rounds/{}/tallies/check", s.round);
    let c = json_of(s.app.get(&reviewer, &check).await, StatusCode::OK).await;
    assert_eq!(c["consistent"], true, "{c}");
    s.app
        .db
        .execute_unprepared("UPDATE timeline_tallies SET responses = responses + 5")
        .await
        .unwrap();
    let c = json_of(s.app.get(&reviewer, &check).await, StatusCode::OK).await;
    assert_eq!(c["consistent"], false, "{c}");
    let rebuild = format!("/api/rounds/{}/tallies/rebuild", s.round);
    json_of(
        s.app.post(&s.token, &rebuild, json!({})).await,
        StatusCode::OK,
    )
    .await;
    let path = format!("/api/rounds/{}/timeline", s.round);
    let t = json_of(s.app.get(&reviewer, &path).await, StatusCode::OK).await;
    assert_eq!(
        (t["bucket_minutes"].as_i64(), t["valid_total"].as_i64()),
        (Some(60), Some(3))
    );

    // Other intervals are refused; unknown rounds are 404.
    let bad = format!("/api/rounds/{}/timeline?bucket_minutes=15", s.round);
    let e = json_of(
        s.app.get(&reviewer, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["field"], "bucket_minutes");
    let missing = s.app.get(&reviewer, "/api/rounds/999999/timeline").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// A round with its county, as the scans name it.
async fn round_key(db: &sea_orm::DatabaseConnection, round: i64) -> renke::store::bulk::RoundKey {
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT county_id FROM rounds WHERE id = {round}"),
        ))
        .await
        .unwrap()
        .expect("the round");
    renke::store::bulk::RoundKey {
        id: round,
        county: row.try_get_by_index(0).unwrap(),
    }
}

#[tokio::test]
async fn responses_are_read_in_chunks_across_gaps_and_other_rounds() {
    use renke::store::bulk::{Chunks, Scope, each_response_in_chunks};
    use sea_orm::{ConnectionTrait, Statement};
    let s = seeded_round().await;
    let mine_key = round_key(&s.app.db, s.round).await;
    let (other, other_links) = open(&s.app, &s.token, &["parent"], json!({})).await;
    let mine = s.link("parent", Some(s.schools[0]));
    let theirs = link_token(&other_links, "parent", Some(s.schools[0]));
    let q_mine = s.app.questionnaire(&mine).await;
    let q_theirs = s.app.questionnaire(&theirs).await;
    // The two rounds' responses interleave; every third of mine is deleted
    // afterwards, so the ids have gaps of several kinds.
    for i in 0..21 {
        let (link, q) = if i % 3 == 1 {
            (&theirs, &q_theirs)
        } else {
            (&mine, &q_mine)
        };
        let body = answers_for(q, |_, _| 1 + (i % 2) as u64);
        json_of(s.app.submit(link, &body).await, StatusCode::CREATED).await;
    }
    let ids = |sql: String| {
        let db = s.app.db.clone();
        async move {
            let stmt = Statement::from_string(db.get_database_backend(), sql);
            let mut v: Vec<i64> = db
                .query_all_raw(stmt)
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get_by_index::<i64>(0).unwrap())
                .collect();
            v.sort_unstable();
            v
        }
    };
    let all_mine = ids(format!(
        "SELECT id FROM responses WHERE round_id = {}",
        s.round
    ))
    .await;
    for id in all_mine.iter().step_by(3) {
        s.app
            .db
            .execute_unprepared(&format!("DELETE FROM responses WHERE id = {id}"))
            .await
            .unwrap();
    }
    let expected = ids(format!(
        "SELECT id FROM responses WHERE round_id = {}",
        s.round
    ))
    .await;
    assert_eq!(expected.len(), 9);
    for chunk in [1, 2, 3, 50] {
        let mut seen = Vec::new();
        let n = each_response_in_chunks(&s.app.db, Scope::Round(mine_key), chunk, |r| {
            assert_eq!(r.answers.len(), q_mine["items"].as_array().unwrap().len());
            seen.push(r.id);
            Ok(())
        })
        .await
        .unwrap();
        seen.sort_unstable();
        assert_eq!(
            (n as usize, &seen),
            (expected.len(), &expected),
            "chunk {chunk}"
        );
    }
    let theirs_ids = ids(format!("SELECT id FROM responses WHERE round_id = {other}")).await;
    let link_id: i64 = {
        let db = &s.app.db;
        let stmt = Statement::from_string(
            db.get_database_backend(),
            format!("SELECT link_id FROM responses WHERE round_id = {other} LIMIT 1"),
        );
        db.query_one_raw(stmt)
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap()
    };
    let mut seen = Vec::new();
    let scope = Scope::Link {
        round: round_key(&s.app.db, other).await,
        link_id,
    };
    each_response_in_chunks(&s.app.db, scope, 2, |r| {
        seen.push(r.id);
        Ok(())
    })
    .await
    .unwrap();
    seen.sort_unstable();
    assert_eq!(seen, theirs_ids);

    // Up to a last id, in id order within and across chunks, however small.
    let last = expected[expected.len() / 2];
    for rows in [1, 2, 3, 50] {
        let chunks = Chunks {
            scope: Scope::Upto {
                round: mine_key,
                last,
                group: None,
            },
            fields: vec!["id".into()],
            ordered: true,
            rows,
        };
        let mut seen: Vec<i64> = Vec::new();
        let n = chunks
            .each(&s.app.db, |lines| {
                seen.extend(lines.split('\n').map(|l| l.parse::<i64>().unwrap()));
                Ok(lines.split('\n').count() as i64)
            })
            .await
            .unwrap();
        let upto: Vec<i64> = expected.iter().copied().filter(|id| *id <= last).collect();
        assert_eq!((n as usize, &seen), (upto.len(), &upto), "rows {rows}");
    }
}

#[tokio::test]
async fn a_school_far_above_the_county_share_of_shared_phones_is_flagged() {
    let s = seeded_round().await;
    let (p1, p2) = (
        s.link("parent", Some(s.schools[0])),
        s.link("parent", Some(s.schools[1])),
    );
    let q = s.app.questionnaire(&p1).await;
    let send = |link: String, device: String, shared: bool| {
        let (app, round) = (&s.app, s.round);
        let mut body = answers_for(&q, |_, _| 1);
        body["duration_ms"] = json!(90_000);
        body["shared_device"] = json!(shared);
        async move {
            let r = app
                .client
                .post(app.url(&format!("/api/public/links/{link}/responses")))
                .header("Cookie", format!("renke_device_{round}={device}"))
                .json(&body)
                .send()
                .await
                .unwrap();
            let r = json_of(r, StatusCode::CREATED).await;
            assert_eq!(r["validity"], "valid");
            assert_eq!(r["shared_device"], shared);
        }
    };
    // The planted school: 16 phones each passed to a second "parent".
    for n in 0..16 {
        send(p1.clone(), format!("planted{n}"), false).await;
        send(p1.clone(), format!("planted{n}"), true).await;
    }
    // An ordinary school: 32 phones, one answer each.
    for n in 0..32 {
        send(p2.clone(), format!("ordinary{n}"), false).await;
    }
    let path = format!("/api/rounds/{}/integrity", s.round);
    let panel = json_of(s.app.get(&s.token, &path).await, StatusCode::OK).await;
    near(&panel["county_shared_device_share"], 16.0 / 64.0);
    let planted = find(&panel["shared_device"], "school_id", s.schools[0]);
    assert_eq!(
        (
            planted["responses"].as_u64(),
            planted["shared_device"].as_u64()
        ),
        (Some(32), Some(16))
    );
    near(&planted["share"], 0.5);
    assert_eq!(planted["flagged"], true, "{panel}");
    let ordinary = find(&panel["shared_device"], "school_id", s.schools[1]);
    assert_eq!(ordinary["flagged"], false);
    assert_eq!(ordinary["shared_device"], 0);
    // The report and the monitor count them apart from duplicates; all count.
    let report = s.report(&s.token).await;
    assert_eq!(report["totals"]["valid"], 64);
    assert_eq!(report["totals"]["shared_device"], 16);
    assert_eq!(report["totals"]["duplicate_device"], 0);
    let path = format!("/api/rounds/{}/timeline", s.round);
    let timeline = json_of(s.app.get(&s.token, &path).await, StatusCode::OK).await;
    assert_eq!(timeline["shared_device_total"], 16);
    assert_eq!(timeline["duplicate_device_total"], 0);
}

#[tokio::test]
async fn duplicate_device_answers_are_counted_apart_in_report_and_monitor() {
    let s = seeded_round().await;
    let p1 = s.link("parent", Some(s.schools[0]));
    let q = s.app.questionnaire(&p1).await;
    let round = s.round;
    for shared in [false, false, true, true] {
        let mut body = answers_for(&q, |_, _| 1);
        body["duration_ms"] = json!(90_000);
        body["shared_device"] = json!(shared);
        let r = s
            .app
            .client
            .post(s.app.url(&format!("/api/public/links/{p1}/responses")))
            .header("Cookie", format!("renke_device_{round}=onephone"))
            .json(&body)
            .send()
            .await
            .unwrap();
        json_of(r, StatusCode::CREATED).await;
    }
    // First: valid; second (not shared): duplicate; third: shared; fourth:
    // beyond the default limit of two, duplicate.
    let report = s.report(&s.token).await;
    assert_eq!(report["totals"]["valid"], 2);
    assert_eq!(report["totals"]["shared_device"], 1);
    assert_eq!(report["totals"]["duplicate_device"], 2);
    let path = format!("/api/rounds/{round}/timeline");
    let timeline = json_of(s.app.get(&s.token, &path).await, StatusCode::OK).await;
    assert_eq!(timeline["shared_device_total"], 1);
    assert_eq!(timeline["duplicate_device_total"], 2);
}

#[tokio::test]
async fn chunks_stay_bounded_where_sparse_ids_turn_dense() {
    use renke::store::bulk::{Chunks, Scope};
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let (_, round, links) = app.open_round_with(1, &["parent"], json!({})).await;
    let token = links[0]["token"].as_str().unwrap().to_string();
    let q = app.questionnaire(&token).await;
    for i in 0..60 {
        let body = answers_for(&q, |_, _| 1 + (i % 2) as u64);
        json_of(app.submit(&token, &body).await, StatusCode::CREATED).await;
    }
    // Ten responses 100,000 ids apart (the chunks' id range widens to its
    // maximum), then fifty consecutive ids.
    app.db
        .execute_unprepared("UPDATE responses SET id = id + 10000000")
        .await
        .unwrap();
    app.db
        .execute_unprepared(
            "UPDATE responses SET id = (id - 10000000) * 100000 \
             WHERE id IN (SELECT id FROM responses ORDER BY id LIMIT 10)",
        )
        .await
        .unwrap();
    for rows in [2, 5] {
        let chunks = Chunks {
            scope: Scope::Round(round_key(&app.db, round).await),
            fields: vec!["id".into()],
            ordered: true,
            rows,
        };
        let mut sizes = Vec::new();
        let mut seen: Vec<i64> = Vec::new();
        let n = chunks
            .each(&app.db, |lines| {
                let ids: Vec<i64> = lines.split('\n').map(|l| l.parse().unwrap()).collect();
                sizes.push(ids.len() as i64);
                seen.extend(&ids);
                Ok(ids.len() as i64)
            })
            .await
            .unwrap();
        assert_eq!(n, 60, "rows {rows}");
        assert!(
            seen.windows(2).all(|w| w[0] < w[1]),
            "rows {rows}: {seen:?}"
        );
        assert!(
            sizes.iter().all(|s| *s <= rows * 2),
            "rows {rows}: chunk sizes {sizes:?}"
        );
    }
}
