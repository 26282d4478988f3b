//! Property: for random responses, the rates the server computes from its
//! aggregates equal a brute-force recomputation from the answers sent.

use super::*;
use proptest::{prelude::*, test_runner::TestRunner};
use std::collections::BTreeMap;

/// One random response: which link, its option per item (index 0 is the
/// context item), and whether it was answered too fast.
#[derive(Debug, Clone)]
struct Random {
    link: usize,
    options: Vec<u64>,
    too_fast: bool,
}

fn responses() -> impl Strategy<Value = Vec<Random>> {
    let one = (
        0usize..3,
        prop::collection::vec(1u64..=5, SCORED + 1),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(link, options, too_fast)| Random {
            link,
            options,
            too_fast,
        });
    prop::collection::vec(one, 1..40)
}

/// recognised/judged of one response under the built-in scale
/// (1, 2 recognised; 3, 4 not; 5 don't know), over q1…q17 (the overall
/// item is left out of the per-respondent share).
fn share(options: &[u64]) -> Option<f64> {
    let scored = &options[1..=ITEMS];
    let judged = scored.iter().filter(|o| **o != 5).count();
    let recognised = scored.iter().filter(|o| **o <= 2).count();
    (judged > 0).then(|| recognised as f64 / judged as f64)
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

fn same(actual: &Value, expected: Option<f64>, what: &str) -> Result<(), TestCaseError> {
    match expected {
        None => prop_assert!(actual.is_null(), "{what}: expected no rate, got {actual}"),
        Some(e) => {
            let a = actual.as_f64().unwrap_or(f64::NAN);
            prop_assert!((a - e).abs() < 1e-9, "{what}: {a} != {e}");
        }
    }
    Ok(())
}

async fn check_case(s: &Seeded, cases: Vec<Random>) -> Result<(), TestCaseError> {
    let extra = json!({"min_answer_seconds": 30});
    let (round, links) = open(&s.app, &s.token, &["parent", "deputy"], extra).await;
    let token = |group: &str, school: Option<i64>| link_token(&links, group, school);
    let targets = [
        (
            "parent",
            Some(s.schools[0]),
            token("parent", Some(s.schools[0])),
        ),
        (
            "parent",
            Some(s.schools[1]),
            token("parent", Some(s.schools[1])),
        ),
        ("deputy", None, token("deputy", None)),
    ];
    let q = s.app.questionnaire(&targets[0].2).await;
    // Submit all at once so the writer commits them in batches.
    let mut tasks = Vec::new();
    for c in &cases {
        let mut body = answers_for(&q, |n, _| c.options[n]);
        body["duration_ms"] = json!(if c.too_fast { 2_000 } else { 90_000 });
        let url = s.app.url(&format!(
            "/api/public/links/{}/responses",
            targets[c.link].2
        ));
        let client = s.app.client.clone();
        tasks.push(tokio::spawn(async move {
            client.post(url).json(&body).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        prop_assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    let r = json_of(
        s.app
            .get(&s.token, &format!("/api/rounds/{round}/report"))
            .await,
        StatusCode::OK,
    )
    .await;

    let valid: Vec<&Random> = cases.iter().filter(|c| !c.too_fast).collect();
    let shares = |f: &dyn Fn(&Random) -> bool| -> Vec<f64> {
        valid
            .iter()
            .filter(|c| f(c))
            .filter_map(|c| share(&c.options))
            .collect()
    };
    prop_assert_eq!(r["totals"]["responses"].as_u64(), Some(cases.len() as u64));
    prop_assert_eq!(r["totals"]["valid"].as_u64(), Some(valid.len() as u64));
    same(&r["overall"]["rate"], mean(&shares(&|_| true)), "overall")?;
    same(
        &find(&r["groups"], "group", "parent")["rate"],
        mean(&shares(&|c| c.link < 2)),
        "parents",
    )?;
    same(
        &find(&r["groups"], "group", "deputy")["rate"],
        mean(&shares(&|c| c.link == 2)),
        "deputies",
    )?;
    for (i, id) in s.schools.iter().enumerate() {
        same(
            &find(&r["schools"], "school_id", *id)["rate"],
            mean(&shares(&|c| c.link == i)),
            "school",
        )?;
    }
    // Deputies' place: c1 option 1 is 城区.
    let urban = shares(&|c| c.link == 2 && c.options[0] == 1);
    same(
        &find(&r["locations"], "location", "urban")["rate"],
        mean(&urban),
        "urban",
    )?;
    // Per item, parents: recognised answers / answers other than 不了解.
    let mut items: BTreeMap<usize, (u32, u32)> = BTreeMap::new();
    for c in valid.iter().filter(|c| c.link < 2) {
        for (n, o) in c
            .options
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, o)| **o != 5)
        {
            let e = items.entry(n).or_default();
            *e = (e.0 + u32::from(*o <= 2), e.1 + 1);
        }
    }
    let parent_items: Vec<&Value> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["group"] == "parent")
        .collect();
    for (k, item) in parent_items.iter().enumerate() {
        let expected = items
            .get(&(k + 1))
            .map(|(rec, judged)| f64::from(*rec) / f64::from(*judged));
        same(&item["rate"], expected, "item")?;
    }
    // The sensitivity table, from the same answers: 1, 2 recognised (and 3,
    // 一般, under the looser reading); 5 不了解 left out; q1…q17 counted,
    // the overall item (index 18) read only by the overall-item share.
    let table = &r["sensitivity"];
    let rate_of = |formula: &str, reading: &str| {
        table
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["formula"] == formula && x["reading"] == reading)
            .map(|x| x["rate"].clone())
            .unwrap_or(Value::Null)
    };
    for (reading, top) in [("strict", 2), ("loose", 3)] {
        let per_person: Vec<f64> = valid
            .iter()
            .filter_map(|c| {
                let judged: Vec<u64> = c.options[1..=ITEMS]
                    .iter()
                    .copied()
                    .filter(|o| *o != 5)
                    .collect();
                let rec = judged.iter().filter(|o| **o <= top).count();
                (!judged.is_empty()).then(|| rec as f64 / judged.len() as f64)
            })
            .collect();
        same(
            &rate_of("share_recognised", reading),
            mean(&per_person),
            "per respondent",
        )?;
        let (mut rec, mut judged) = (0usize, 0usize);
        for c in &valid {
            for o in c.options[1..=ITEMS].iter().filter(|o| **o != 5) {
                judged += 1;
                rec += usize::from(*o <= top);
            }
        }
        let answers = (judged > 0).then(|| rec as f64 / judged as f64);
        same(&rate_of("answer_share", reading), answers, "per answer")?;
        let overall: Vec<f64> = valid
            .iter()
            .map(|c| c.options[SCORED])
            .filter(|o| *o != 5)
            .map(|o| if o <= top { 1.0 } else { 0.0 })
            .collect();
        same(
            &rate_of("overall_item_share", reading),
            mean(&overall),
            "overall item",
        )?;
    }
    // Mean score, points 4/3/2/1 ÷ 4.
    let means: Vec<f64> = valid
        .iter()
        .filter_map(|c| {
            let pts: Vec<f64> = c.options[1..=ITEMS]
                .iter()
                .filter(|o| **o != 5)
                .map(|o| (5 - *o) as f64)
                .collect();
            (!pts.is_empty()).then(|| pts.iter().sum::<f64>() / pts.len() as f64 / 4.0)
        })
        .collect();
    same(
        &rate_of("mean_score_x20", "strict"),
        mean(&means),
        "mean score",
    )?;
    let check = json_of(
        s.app
            .get(&s.token, &format!("/api/rounds/{round}/tallies/check"))
            .await,
        StatusCode::OK,
    )
    .await;
    prop_assert_eq!(&check["consistent"], &json!(true), "{}", check);
    Ok(())
}

#[test]
fn database_rates_equal_a_brute_force_recomputation() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(seeded_round());
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 8,
        max_shrink_iters: 16,
        ..ProptestConfig::default()
    });
    runner
        .run(&responses(), |cases| rt.block_on(check_case(&s, cases)))
        .unwrap();
}
