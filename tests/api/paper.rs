//! Paper questionnaires keyed by clerks (录入员): stored through the same
//! writer, marked `paper` and counted; serials unique per round; double
//! entry with a mismatch resolved by a supervisor; clerks read no results.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Paper {
    app: TestApp,
    organiser: String,
    round: i64,
    parent_link: i64,
    /// The parents' questionnaire as the entry page gets it.
    items: Vec<Value>,
}

/// An open round (one school: parents and deputies) and its entry data.
async fn paper_round() -> Paper {
    let app = spawn_app().await;
    let (organiser, round, links) = app.open_round(1).await;
    let parent_link = links.iter().find(|l| l["group"] == "parent").unwrap()["id"]
        .as_i64()
        .unwrap();
    let entry = json_of(
        app.get(&organiser, &format!("/api/rounds/{round}/paper"))
            .await,
        StatusCode::OK,
    )
    .await;
    let items = entry["questionnaires"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["group"] == "parent")
        .unwrap()["items"]
        .as_array()
        .unwrap()
        .clone();
    Paper {
        app,
        organiser,
        round,
        parent_link,
        items,
    }
}

impl Paper {
    /// A clerk assigned (with the others in `also`) to the round.
    async fn clerk(&self, double_entry: bool, also: &[i64]) -> (String, i64) {
        let token = self.app.token_for("clerk").await;
        let me = json_of(self.app.get(&token, "/api/auth/me").await, StatusCode::OK).await;
        let id = me["id"].as_i64().unwrap();
        let mut ids = also.to_vec();
        ids.push(id);
        self.configure(double_entry, &ids).await;
        (token, id)
    }

    async fn configure(&self, double_entry: bool, ids: &[i64]) {
        json_of(
            self.app
                .put(
                    &self.organiser,
                    &format!("/api/rounds/{}/paper", self.round),
                    json!({"double_entry": double_entry, "clerk_ids": ids}),
                )
                .await,
            StatusCode::OK,
        )
        .await;
    }

    /// Marks with `mark` on every choice item (0 on text items), then the
    /// changes at positions given.
    fn marks(&self, mark: char, changes: &[(usize, char)]) -> String {
        let mut m: Vec<char> = self
            .items
            .iter()
            .map(|i| if i["kind"] == "text" { '0' } else { mark })
            .collect();
        for (at, c) in changes {
            m[*at] = *c;
        }
        m.into_iter().collect()
    }

    /// Position of the first scored item.
    fn first_scored(&self) -> usize {
        self.items
            .iter()
            .position(|i| i["kind"] == "scored")
            .unwrap()
    }

    async fn enter(
        &self,
        token: &str,
        client_id: &str,
        serial: &str,
        marks: &str,
    ) -> reqwest::Response {
        self.app
            .post(
                token,
                &format!("/api/rounds/{}/paper/sheets", self.round),
                json!({"client_id": client_id, "link_id": self.parent_link, "serial": serial, "marks": marks}),
            )
            .await
    }

    async fn report(&self) -> Value {
        json_of(
            self.app
                .get(
                    &self.organiser,
                    &format!("/api/rounds/{}/report", self.round),
                )
                .await,
            StatusCode::OK,
        )
        .await
    }
}

fn mode<'a>(report: &'a Value, m: &str) -> &'a Value {
    report["modes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["mode"] == m)
        .unwrap()
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[tokio::test]
async fn a_keyed_sheet_is_stored_as_paper_counted_and_its_serial_used_once() {
    let p = paper_round().await;
    let (clerk, _) = p.clerk(false, &[]).await;
    let q1 = p.first_scored();
    // 满意 everywhere, the first scored item blank and the next marked twice:
    // neither is scored, the sheet counts on the rest, all recognised.
    let marks = p.marks('1', &[(q1, '0'), (q1 + 1, 'x')]);
    let id = new_id();
    let sheet = json_of(
        p.enter(&clerk, &id, " a-0001 ", &marks).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(sheet["status"], "single");
    assert_eq!(sheet["counted"], true);
    assert_eq!(sheet["serial"], "A-0001");
    // The same entry again (a lost reply): the stored result, stored once.
    let again = json_of(p.enter(&clerk, &id, "A-0001", &marks).await, StatusCode::OK).await;
    assert_eq!(again["id"], sheet["id"]);
    // The same client id under another serial: refused (409), nothing
    // claimed (schemathesis found this answering 500).
    let reused = json_of(
        p.enter(&clerk, &id, "A-0009", &marks).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(reused["code"], "client_id_reused");

    let report = p.report().await;
    let paper = mode(&report, "paper");
    assert_eq!(
        (paper["responses"].as_u64(), paper["valid"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(paper["rate"].as_f64(), Some(1.0));
    assert_eq!(paper["mode_label"], "纸质问卷");
    let single = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["mode"] == "paper_single")
        .unwrap();
    assert_eq!(single["responses"].as_u64(), Some(1));
    assert_eq!(single["mode_label"], "纸质问卷（单遍录入）");
    assert_eq!(mode(&report, "web")["responses"].as_u64(), Some(0));
    assert_eq!(report["totals"]["valid"].as_u64(), Some(1));
    assert_eq!(report["overall"]["rate"].as_f64(), Some(1.0));
    assert_eq!(report["paper_sheets"]["counted"].as_u64(), Some(1));
    let items = report["items"].as_array().unwrap();
    let q1_id = p.items[q1]["id"].as_str().unwrap();
    let blank = items
        .iter()
        .find(|i| i["group"] == "parent" && i["item_id"] == q1_id)
        .unwrap();
    assert_eq!(blank["n"].as_u64(), Some(0), "a blank item is not scored");

    // The raw export says where it came from.
    let csv = p
        .app
        .get(
            &p.organiser,
            &format!("/api/rounds/{}/exports/responses.csv", p.round),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("纸质问卷"), "{csv}");

    // Another sheet with the same serial: refused, nothing stored.
    let resp = p.enter(&clerk, &new_id(), "a-0001", &marks).await;
    let body = json_of(resp, StatusCode::CONFLICT).await;
    assert_eq!(body["code"], "sheet_serial_used");
    assert!(body["message"].as_str().unwrap().contains("编号"), "{body}");
    assert_eq!(
        mode(&p.report().await, "paper")["responses"].as_u64(),
        Some(1)
    );

    // Marks that do not fit the questionnaire: 422 naming what is wrong.
    let short = json_of(
        p.enter(&clerk, &new_id(), "A-0002", "11").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(short["field"], "marks");
    let bad = p.marks('1', &[(q1, '8')]);
    let wrong = json_of(
        p.enter(&clerk, &new_id(), "A-0002", &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(wrong["field"], q1_id);
    assert!(
        wrong["message"]
            .as_str()
            .unwrap()
            .contains("没有编号为8的选项")
    );
}

#[tokio::test]
async fn double_entry_lists_a_mismatch_that_counts_once_resolved() {
    let p = paper_round().await;
    let (first, first_id) = p.clerk(true, &[]).await;
    let (second, _) = p.clerk(true, &[first_id]).await;
    let q1 = p.first_scored();
    let paper_marks = p.marks('1', &[(q1, '4')]);

    let a = json_of(
        p.enter(&first, &new_id(), "B-7", &paper_marks).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (a["status"].as_str(), a["counted"].as_bool()),
        (Some("awaiting_second"), Some(false))
    );
    assert_eq!(
        mode(&p.report().await, "paper")["responses"].as_u64(),
        Some(0)
    );
    // The first clerk cannot be the second.
    let own = json_of(
        p.enter(&first, &new_id(), "B-7", &p.marks('1', &[])).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(own["code"], "sheet_entry_state");

    // The second clerk misreads q1: a mismatch, not counted.
    let b = json_of(
        p.enter(&second, &new_id(), "B-7", &p.marks('1', &[])).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(b["status"], "mismatch");
    assert_eq!(b["counted"], false);
    let q1_id = p.items[q1]["id"].as_str().unwrap();
    assert_eq!(
        b["mismatches"],
        json!([{"item": q1_id, "first": "4", "second": "1"}])
    );
    let report = p.report().await;
    assert_eq!(mode(&report, "paper")["responses"].as_u64(), Some(0));
    assert_eq!(report["paper_sheets"]["double_entered"].as_u64(), Some(1));
    assert_eq!(report["paper_sheets"]["unresolved"].as_u64(), Some(1));
    assert_eq!(report["paper_sheets"]["mismatch_rate"].as_f64(), Some(1.0));
    // A third entry of the serial is refused.
    let third = json_of(
        p.enter(&second, &new_id(), "B-7", &paper_marks).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(third["code"], "sheet_serial_used");

    // The supervisor finds it and settles it with what the paper says.
    let listed = json_of(
        p.app
            .get(
                &p.organiser,
                &format!("/api/rounds/{}/paper/sheets?status=mismatch", p.round),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["mismatches"][0]["item"], q1_id);
    let sheet_id = listed[0]["id"].as_i64().unwrap();
    let path = format!("/api/rounds/{}/paper/sheets/{sheet_id}/resolve", p.round);
    // Clerks do not resolve.
    let refused = p
        .app
        .post(&second, &path, json!({"marks": paper_marks}))
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let resolved = json_of(
        p.app
            .post(&p.organiser, &path, json!({"marks": paper_marks}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (resolved["status"].as_str(), resolved["counted"].as_bool()),
        (Some("resolved"), Some(true))
    );
    // Only once.
    let twice = p
        .app
        .post(&p.organiser, &path, json!({"marks": paper_marks}))
        .await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);

    // A second sheet keyed alike twice counts at once.
    json_of(
        p.enter(&first, &new_id(), "B-8", &paper_marks).await,
        StatusCode::CREATED,
    )
    .await;
    let agreed = json_of(
        p.enter(&second, &new_id(), "B-8", &paper_marks).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (agreed["status"].as_str(), agreed["counted"].as_bool()),
        (Some("matched"), Some(true))
    );

    let report = p.report().await;
    let paper = mode(&report, "paper");
    assert_eq!(paper["responses"].as_u64(), Some(2));
    // By source: both sheets were keyed twice, none once.
    let source = |code: &str| {
        report["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["mode"] == code)
            .unwrap()["responses"]
            .as_u64()
    };
    assert_eq!(source("paper_double"), Some(2));
    assert_eq!(source("paper_single"), Some(0));
    let sheets = &report["paper_sheets"];
    assert_eq!(sheets["double_entered"].as_u64(), Some(2));
    assert_eq!(sheets["mismatched"].as_u64(), Some(1));
    assert_eq!(sheets["mismatch_rate"].as_f64(), Some(0.5));
    assert_eq!(sheets["unresolved"].as_u64(), Some(0));
    // The counted marks are the resolved ones: q1 不满意 on both sheets.
    let q1_rate = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["group"] == "parent" && i["item_id"] == q1_id)
        .unwrap();
    assert_eq!(q1_rate["rate"].as_f64(), Some(0.0));
}

#[tokio::test]
async fn a_clerk_keys_only_its_rounds_and_reads_no_results() {
    let p = paper_round().await;
    let (clerk, _) = p.clerk(false, &[]).await;
    let r = p.round;
    for path in [
        format!("/api/rounds/{r}/report"),
        format!("/api/rounds/{r}"),
        "/api/rounds".to_string(),
        format!("/api/rounds/{r}/exports/responses.csv"),
        format!("/api/rounds/{r}/links"),
        format!("/api/rounds/{r}/paper/sheets"),
    ] {
        let resp = p.app.get(&clerk, &path).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // A clerk of no round keys nothing, nor does a reviewer.
    let other = p.app.token_for("clerk").await;
    let reviewer = p.app.token_for("reviewer").await;
    for token in [&other, &reviewer] {
        let get = p.app.get(token, &format!("/api/rounds/{r}/paper")).await;
        assert_eq!(get.status(), StatusCode::FORBIDDEN);
        let post = p.enter(token, &new_id(), "C-1", &p.marks('1', &[])).await;
        let body = json_of(post, StatusCode::FORBIDDEN).await;
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        );
    }
    assert_eq!(
        mode(&p.report().await, "paper")["responses"].as_u64(),
        Some(0)
    );
    // The assigned clerk may.
    json_of(
        p.enter(&clerk, &new_id(), "C-1", &p.marks('2', &[])).await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn paper_questionnaires_print_with_serials_and_the_same_items() {
    let p = paper_round().await;
    let path = format!(
        "/api/rounds/{}/links/{}/paper-sheets?count=3&start=5",
        p.round, p.parent_link
    );
    let resp = p.app.get(&p.organiser, &path).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    let link = p.parent_link;
    for n in 5..8 {
        assert!(html.contains(&format!("编号 P{link}-{n:04}")), "sheet {n}");
    }
    assert!(!html.contains(&format!("P{link}-0008")));
    assert_eq!(html.matches("<section class=\"sheet\"").count(), 3);
    assert!(html.contains("@page{size:A4"));
    assert!(html.contains("家长问卷"));
    // Every item on every sheet, with its options.
    assert_eq!(html.matches("<li>").count(), 3 * p.items.len());
    let first = p.items[p.first_scored()]["text"].as_str().unwrap();
    assert!(html.contains(first));
    assert!(html.contains("1 满意"));
    // Out of range: 422; a clerk does not print.
    let too_many = format!(
        "/api/rounds/{}/links/{link}/paper-sheets?count=501",
        p.round
    );
    assert_eq!(
        p.app.get(&p.organiser, &too_many).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (clerk, _) = p.clerk(false, &[]).await;
    assert_eq!(
        p.app.get(&clerk, &path).await.status(),
        StatusCode::FORBIDDEN
    );
    // A printed serial is keyed like any other.
    let serial = format!("P{link}-0005");
    json_of(
        p.enter(&clerk, &new_id(), &serial, &p.marks('1', &[]))
            .await,
        StatusCode::CREATED,
    )
    .await;
}

/// The report's breakdown by collection mode comes from the mode tallies
/// the writer keeps (not from the responses): checked against the
/// responses, mended by a rebuild, and filled by their migration from the
/// responses of a database that had none.
#[tokio::test]
async fn by_mode_sums_are_kept_checked_rebuilt_and_filled_by_the_migration() {
    use sea_orm::ConnectionTrait;
    let p = paper_round().await;
    let (clerk, _) = p.clerk(false, &[]).await;
    let q1 = p.first_scored();
    for (serial, q1_mark) in [("C-1", '1'), ("C-2", '4')] {
        json_of(
            p.enter(&clerk, &new_id(), serial, &p.marks('1', &[(q1, q1_mark)]))
                .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let links = json_of(
        p.app
            .get(&p.organiser, &format!("/api/rounds/{}/links", p.round))
            .await,
        StatusCode::OK,
    )
    .await;
    let parent = crate::respond::token_of(links["links"].as_array().unwrap(), "parent");
    let q = p.app.questionnaire(&parent).await;
    json_of(
        p.app.submit(&parent, &answers_for(&q, |_, _| 2)).await,
        StatusCode::CREATED,
    )
    .await;

    let by_mode = |report: &Value| {
        ["web", "paper", "interview"].map(|m| {
            let x = mode(report, m);
            (
                x["responses"].as_u64(),
                x["valid"].as_u64(),
                x["rate"].as_f64(),
            )
        })
    };
    let before = p.report().await;
    let modes = by_mode(&before);
    assert_eq!(modes[0].0, Some(1), "{modes:?}");
    assert_eq!(modes[1].0, Some(2), "{modes:?}");
    let paper_rate = modes[1].2.unwrap();
    assert!(paper_rate < 1.0, "one sheet 不满意 on q1: {paper_rate}");
    assert_eq!(modes[2].0, Some(0));
    let check_path = format!("/api/rounds/{}/tallies/check", p.round);
    let check = json_of(p.app.get(&p.organiser, &check_path).await, StatusCode::OK).await;
    assert_eq!(check["consistent"], true, "{check}");

    // The report reads the tally: damage it and the paper count follows.
    p.app
        .db
        .execute_unprepared(
            "UPDATE mode_tallies SET responses = responses + 3 WHERE collection_mode = 'paper'",
        )
        .await
        .unwrap();
    assert_eq!(
        mode(&p.report().await, "paper")["responses"].as_u64(),
        Some(5)
    );
    let check = json_of(p.app.get(&p.organiser, &check_path).await, StatusCode::OK).await;
    assert_eq!(check["consistent"], false, "{check}");
    let rebuild = format!("/api/rounds/{}/tallies/rebuild", p.round);
    json_of(
        p.app.post(&p.organiser, &rebuild, json!({})).await,
        StatusCode::OK,
    )
    .await;
    let mut after = p.report().await;
    after["generated_at"] = before["generated_at"].clone();
    assert_eq!(after, before);

    // A database from before the mode tallies: the migration fills them
    // from the stored responses, and every figure is as it was.
    migrate_down_past(&p.app.db, "m20261208_md0001_mode_tallies").await;
    {
        use migration::{Migrator, MigratorTrait};
        Migrator::up(&p.app.db, None).await.unwrap();
    }
    let mut migrated = p.report().await;
    migrated["generated_at"] = before["generated_at"].clone();
    assert_eq!(migrated, before);
    let check = json_of(p.app.get(&p.organiser, &check_path).await, StatusCode::OK).await;
    assert_eq!(check["consistent"], true, "{check}");
}
