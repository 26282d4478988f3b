//! Every formula under both readings, by hand and against a brute force.

use super::*;
use crate::{
    questionnaire::{Item, ItemKind},
    report::{LinkInfo, ReportInput, compute},
    round::Scale,
    scoring::score_of,
    tally::{MiddleTable, ResponseFacts, TallyBuilder},
};
use RespondentGroup::*;
use proptest::prelude::*;

/// c1 context, q1–q3 scored, q4 diagnostic, the overall item, t1 comment;
/// on 满意(4)/比较满意(3)/基本满意(2)/不满意(1)/不了解, strict.
fn questionnaire(scale: Scale, reading: Reading) -> Questionnaire {
    let mut items = vec![Item::context("c1", "学段", &["小学", "初中"])];
    for id in ["q1", "q2", "q3", "q4"] {
        let mut i = Item::scored(id, "公平", id);
        i.options = scale.options(reading);
        items.push(i);
    }
    items[4].diagnostic = true;
    items.push(crate::scales::overall_item(Parent, scale, reading));
    items.push(Item::comment("t1", "意见"));
    Questionnaire {
        title: "t".into(),
        intro: String::new(),
        items,
    }
}

fn rule(formula: Formula) -> ScoringRule {
    ScoringRule::for_scale(formula, Scale::FiveBasic, Reading::Strict)
}

/// A: 满意 基本满意 不满意 | diag 不满意 | overall 满意
/// B: 基本满意 基本满意 不了解 | diag 满意 | overall 基本满意
/// C: 不了解 everywhere (excluded from every formula)
/// D: 比较满意 ×3 | diag 不满意 | overall 不满意
const ANSWERS: [&str; 4] = ["113441", "133513", "155555", "122244"];

fn whatif<'a>(
    rule: &'a ScoringRule,
    qs: &BTreeMap<RespondentGroup, Questionnaire>,
    answers: &[&str],
) -> WhatIf<'a> {
    let mut w = WhatIf::new(rule, &[Parent], qs, 3);
    for a in answers {
        w.add(Parent, a);
    }
    w
}

fn rate_of(w: &WhatIf, formula: Formula, reading: Reading) -> Option<f64> {
    w.evaluate(Variant { formula, reading }).estimate.rate
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("a rate");
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

#[test]
fn every_formula_and_reading_by_hand() {
    let r = rule(Formula::ShareRecognised);
    let qs = BTreeMap::from([(Parent, questionnaire(Scale::FiveBasic, Reading::Strict))]);
    let w = whatif(&r, &qs, &ANSWERS);
    use Formula::*;
    use Reading::*;
    // Per respondent: A 1/3, B 0/2, D 3/3 (C judged nothing) → 4/9;
    // 基本满意 recognised: A 2/3, B 2/2, D 3/3 → 8/9.
    close(rate_of(&w, ShareRecognised, Strict), 4.0 / 9.0);
    close(rate_of(&w, ShareRecognised, Loose), 8.0 / 9.0);
    // Per answer: 4 of 8 judged answers; loose 7 of 8.
    close(rate_of(&w, AnswerShare, Strict), 0.5);
    close(rate_of(&w, AnswerShare, Loose), 7.0 / 8.0);
    // Overall item: A yes, B no (loose: yes), D no; C said 不了解.
    close(rate_of(&w, OverallItemShare, Strict), 1.0 / 3.0);
    close(rate_of(&w, OverallItemShare, Loose), 2.0 / 3.0);
    // Mean score: A 7/3, B 4/2, D 9/3 → 22/9 points, ÷ 4 full marks.
    close(rate_of(&w, MeanScoreX20, Strict), 22.0 / 36.0);
    close(rate_of(&w, MeanScoreX20, Loose), 22.0 / 36.0);
    let n = |f, r| {
        w.evaluate(Variant {
            formula: f,
            reading: r,
        })
        .estimate
        .n
    };
    assert_eq!(n(ShareRecognised, Strict), 3, "C is left out");
    assert_eq!(n(AnswerShare, Strict), 8);
    assert_eq!(n(OverallItemShare, Strict), 3);
    // Only 不了解 answers: no rate under any formula.
    let none = whatif(&r, &qs, &["155555"]);
    for v in none.variants() {
        let o = none.evaluate(v);
        assert_eq!(
            (o.estimate.rate, o.verdict),
            (None, Verdict::NoData),
            "{v:?}"
        );
    }
}

#[test]
fn diagnostic_items_are_left_out_of_every_formula() {
    let r = rule(Formula::ShareRecognised);
    let mut q = questionnaire(Scale::FiveBasic, Reading::Strict);
    let qs = BTreeMap::from([(Parent, q.clone())]);
    let with = whatif(&r, &qs, &ANSWERS);
    // Counted, q4 would change A to 1/4, B to 1/3, D to 3/4.
    q.items[4].diagnostic = false;
    let qs = BTreeMap::from([(Parent, q)]);
    let without = whatif(&r, &qs, &ANSWERS);
    close(
        rate_of(&without, Formula::ShareRecognised, Reading::Strict),
        (0.25 + 1.0 / 3.0 + 0.75) / 3.0,
    );
    close(
        rate_of(&with, Formula::ShareRecognised, Reading::Strict),
        4.0 / 9.0,
    );
    close(
        rate_of(&without, Formula::AnswerShare, Reading::Strict),
        5.0 / 11.0,
    );
}

#[test]
fn the_table_puts_the_round_rule_first_and_says_the_other_reading() {
    let r = rule(Formula::AnswerShare);
    let qs = BTreeMap::from([(Parent, questionnaire(Scale::FiveBasic, Reading::Strict))]);
    let w = whatif(&r, &qs, &ANSWERS);
    let table = w.sensitivity();
    assert_eq!(
        table.len(),
        7,
        "three formulas × two readings, and the mean score"
    );
    assert!(table[0].headline);
    assert_eq!(table[0].variant.formula, Formula::AnswerShare);
    assert_eq!(table.iter().filter(|o| o.headline).count(), 1);
    let loose = table
        .iter()
        .find(|o| {
            o.variant
                == Variant {
                    formula: Formula::AnswerShare,
                    reading: Reading::Loose,
                }
        })
        .unwrap();
    assert_eq!(
        reading_sentence(&r, loose).as_deref(),
        Some("若“基本满意”计入认可：87.5%")
    );
    assert_eq!(loose.verdict, Verdict::Pass);
    assert_eq!(table[0].verdict, Verdict::Fail);
    assert!(
        loose.label.0.contains("“基本满意”计入认可"),
        "{:?}",
        loose.label
    );
    // A round without an overall item says why there is no rate.
    let mut q = questionnaire(Scale::FiveBasic, Reading::Strict);
    q.items.retain(|i| !i.overall);
    let qs = BTreeMap::from([(Parent, q)]);
    let w = whatif(&r, &qs, &["11344"]);
    let o = w.evaluate(Variant {
        formula: Formula::OverallItemShare,
        reading: Reading::Strict,
    });
    assert!(o.estimate.rate.is_none() && o.note.is_some());
}

/// The simplest recomputation: walk each response's answers against the
/// questionnaire's option labels.
fn brute(q: &Questionnaire, answers: &[String], formula: Formula, loose: bool) -> Option<f64> {
    let recognised =
        |label: &str| label == "满意" || label == "比较满意" || (loose && label == "基本满意");
    let (mut units, mut total) = (0.0, 0.0);
    for a in answers {
        let (mut judged, mut rec, mut points) = (0.0, 0.0, 0.0);
        let mut overall = None;
        for (item, b) in q.items.iter().zip(a.chars()) {
            if item.kind != ItemKind::Scored || item.diagnostic {
                continue;
            }
            let Some(o) = b.to_digit(10).and_then(|c| item.option(c as u8)) else {
                continue;
            };
            if o.label == "不了解" {
                continue;
            }
            if item.overall {
                overall = Some(recognised(&o.label));
                continue;
            }
            judged += 1.0;
            rec += if recognised(&o.label) { 1.0 } else { 0.0 };
            points += f64::from(o.points.unwrap());
        }
        match formula {
            Formula::ShareRecognised if judged > 0.0 => {
                units += 1.0;
                total += rec / judged;
            }
            Formula::MeanScoreX20 if judged > 0.0 => {
                units += 1.0;
                total += points / judged / 4.0;
            }
            Formula::AnswerShare => {
                units += judged;
                total += rec;
            }
            Formula::OverallItemShare => {
                if let Some(r) = overall {
                    units += 1.0;
                    total += if r { 1.0 } else { 0.0 };
                }
            }
            _ => {}
        }
    }
    (units > 0.0).then(|| total / units)
}

#[test]
fn tallies_without_middle_counts_are_not_read() {
    let r = rule(Formula::ShareRecognised);
    let q = questionnaire(Scale::FiveBasic, Reading::Strict);
    let qs = BTreeMap::from([(Parent, q.clone())]);
    let middle = MiddleTable::new(&q, Scale::FiveBasic);
    let mut b = TallyBuilder::default();
    for a in ANSWERS {
        b.add(&ResponseFacts {
            round_id: 1,
            link_id: 5,
            validity: crate::submission::Validity::Valid,
            mode: crate::collection::CollectionMode::Web,
            place: None,
            score: score_of(&q, a),
            middle: middle.count(a),
            language: "zh",
            answers: a,
            submitted_at: 0,
        });
    }
    let mut tallies = b.finish();
    // A: 基本满意 once; B: twice (the diagnostic and overall items do not count).
    let middles: Vec<Option<i64>> = tallies.classes.values().map(|c| c.middle).collect();
    assert_eq!(middles.iter().flatten().sum::<i64>(), 3);
    let mut w = WhatIf::new(&r, &[Parent], &qs, 3);
    assert!(w.add_tallies(&tallies, |_| Some(Parent)));
    close(
        rate_of(&w, Formula::ShareRecognised, Reading::Loose),
        8.0 / 9.0,
    );
    close(
        rate_of(&w, Formula::OverallItemShare, Reading::Loose),
        2.0 / 3.0,
    );
    tallies.classes.values_mut().for_each(|c| c.middle = None);
    let mut w = WhatIf::new(&r, &[Parent], &qs, 3);
    assert!(!w.add_tallies(&tallies, |_| Some(Parent)));
    assert!(w.sensitivity().iter().all(|o| o.estimate.n == 0));
}

proptest! {
    #[test]
    fn every_variant_equals_a_brute_force(
        answers in prop::collection::vec(prop::collection::vec(0u8..=5, 6), 0..60),
        diagnostic in prop::collection::vec(any::<bool>(), 4),
        loose_round in any::<bool>(),
    ) {
        let reading = if loose_round { Reading::Loose } else { Reading::Strict };
        let mut q = questionnaire(Scale::FiveBasic, reading);
        for (i, d) in diagnostic.iter().enumerate() {
            q.items[1 + i].diagnostic = *d;
        }
        prop_assume!(q.validate().is_ok());
        // The context item is answered 1 or 2; 0 stands for no answer.
        let answers: Vec<String> = answers
            .iter()
            .map(|a| {
                a.iter()
                    .enumerate()
                    .map(|(i, c)| if i == 0 { char::from(b'1' + c % 2) } else { char::from(b'0' + c) })
                    .collect()
            })
            .collect();
        let r = ScoringRule::for_scale(Formula::ShareRecognised, Scale::FiveBasic, reading);
        let qs = BTreeMap::from([(Parent, q.clone())]);
        let refs: Vec<&str> = answers.iter().map(String::as_str).collect();
        let w = whatif(&r, &qs, &refs);
        for f in Formula::ALL {
            for loose in [false, true] {
                let got = rate_of(&w, f, if loose { Reading::Loose } else { Reading::Strict });
                let want = brute(&q, &answers, f, loose && f != Formula::MeanScoreX20);
                match (got, want) {
                    (Some(g), Some(b)) => prop_assert!((g - b).abs() < 1e-9, "{f:?} {loose}: {g} vs {b}"),
                    (g, b) => prop_assert_eq!(g, b, "{:?} {}", f, loose),
                }
            }
        }
        // The round's own rule, from raw answers, equals the report from tallies.
        for f in Formula::ALL {
            let r = ScoringRule::for_scale(f, Scale::FiveBasic, reading);
            let mut tallies = TallyBuilder::default();
            for a in &answers {
                tallies.add(&ResponseFacts {
                    round_id: 1,
                    link_id: 5,
                    validity: crate::submission::Validity::Valid,
                    mode: crate::collection::CollectionMode::Web,
                    place: None,
                    score: score_of(&q, a),
                    middle: MiddleTable::new(&q, Scale::FiveBasic).count(a),
                    language: "zh",
                    answers: a,
                    submitted_at: 0,
                });
            }
            let tallies = tallies.finish();
            let links = [LinkInfo { id: 5, school_id: None, group: Parent }];
            let report = compute(&ReportInput {
                rule: &r,
                min_n: 3,
                groups: &[Parent],
                schools: &[],
                links: &links,
                questionnaires: &qs,
                tallies: &tallies,
            });
            let w = whatif(&r, &qs, &refs);
            // Every row of the sensitivity table, from the tallies alone.
            let mut from_tallies = WhatIf::new(&r, &[Parent], &qs, 3);
            prop_assert!(from_tallies.add_tallies(&tallies, |l| (l == 5).then_some(Parent)));
            prop_assert_eq!(from_tallies.sensitivity(), w.sensitivity());
            let head = w.sensitivity().remove(0);
            prop_assert!(head.headline);
            prop_assert_eq!(head.estimate.n, report.overall.n);
            match (head.estimate.rate, report.overall.rate) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-12, "{f:?}: {a} vs {b}"),
                (a, b) => prop_assert_eq!(a, b),
            }
            prop_assert_eq!(head.verdict, report.verdict);
        }
    }
}
