//! Hand-computed cases for the formulas, intervals, weights and verdicts.

use super::*;
use crate::{
    group::RespondentGroup,
    questionnaire::{Item, Questionnaire},
};
use proptest::prelude::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

const SHARE: Scorer = Scorer {
    formula: Formula::ShareRecognised,
    min_n: 30,
    full_points: 5,
};
const SCORE: Scorer = Scorer {
    formula: Formula::MeanScoreX20,
    min_n: 30,
    full_points: 5,
};

#[test]
fn wilson_matches_the_textbook_case() {
    // p = 0.9, n = 100: centre (0.9 + 1.9208/100) / 1.038415 = 0.88520,
    // half-width 1.95996/1.038415 · √(0.0009 + 0.0000960) = 0.05957.
    let (low, high) = wilson(0.9, 100.0);
    assert!((low - 0.825_634).abs() < 1e-6, "{low}");
    assert!((high - 0.944_771).abs() < 1e-6, "{high}");
    // All recognised: the interval still has width below 1.
    let (low, high) = wilson(1.0, 10.0);
    assert!((low - 0.722_467).abs() < 1e-6 && close(high, 1.0));
    assert_eq!(wilson(0.0, 10.0).0, 0.0);
}

#[test]
fn share_is_the_mean_of_per_respondent_shares() {
    // Three respondents: 2 of 3, 1 of 1, 0 of 2 recognised.
    // Rate = (2/3 + 1 + 0) / 3 = 5/9, not the pooled 3/6.
    let mut s = Sums::default();
    s.add_class(3, 1, 2, 0, 0);
    s.add_class(1, 1, 1, 0, 0);
    s.add_class(2, 1, 0, 0, 0);
    let e = SHARE.estimate(&s);
    assert_eq!(e.n, 3);
    assert!(close(e.rate.unwrap(), 5.0 / 9.0));
    assert!((e.low.unwrap() - 0.150_711).abs() < 1e-6);
    assert!((e.high.unwrap() - 0.898_011).abs() < 1e-6);
    assert!(e.small_n);
}

#[test]
fn respondents_who_judged_nothing_have_no_rate() {
    let mut s = Sums::default();
    s.add_class(0, 5, 0, 0, 0);
    let e = SHARE.estimate(&s);
    assert_eq!((e.rate, e.n), (None, 0));
    assert_eq!(Verdict::of(&e), Verdict::NoData);
}

#[test]
fn dont_know_is_left_out_of_the_denominator() {
    let q = Questionnaire {
        title: "t".into(),
        intro: String::new(),
        items: vec![
            Item::context("c1", "学段", &["小学", "初中"]),
            Item::scored("q1", "公平", "一"),
            Item::scored("q2", "公平", "二"),
            Item::scored("q3", "公平", "三"),
            Item::scored("q4", "公平", "四"),
            Item::comment("t1", "意见"),
        ],
    };
    // 满意 (5, recognised), 一般 (3), 不了解 (excluded), 不满意 (2): 1 of 3, 10 points.
    let s = score_of(&q, "21354t");
    assert_eq!((s.recognised, s.judged, s.points), (1, 3, 10));
    // 满意, 不了解, 不了解, 比较满意 (4, recognised): 2 of 2, 9 points.
    let s = score_of(&q, "215520");
    assert_eq!((s.recognised, s.judged, s.points), (2, 2, 9));
}

#[test]
fn mean_score_times_twenty() {
    // One respondent whose 25 answers sum to 89 points: mean 3.56 → 71.2%.
    let mut s = Sums::default();
    s.add_class(25, 1, 0, 89, 0);
    assert!(close(SCORE.estimate(&s).rate.unwrap(), 0.712));
    // Respondents with mean 4, 3 and 5: mean 4 → 80%; sd 1, se 1/√3,
    // interval (4 ∓ 1.96/√3)/5 = 0.5737 … 1.0263, clipped to 1.
    let mut s = Sums::default();
    s.add_class(2, 1, 0, 8, 64);
    s.add_class(1, 1, 0, 3, 9);
    s.add_class(4, 1, 0, 20, 400);
    let e = SCORE.estimate(&s);
    assert!(close(e.rate.unwrap(), 0.8));
    assert!((e.low.unwrap() - 0.573_683).abs() < 1e-6);
    assert!(close(e.high.unwrap(), 1.0));
}

#[test]
fn item_answers_are_units_of_their_own() {
    let mut s = Sums::default();
    s.add_answers(3, true, 5);
    s.add_answers(1, false, 3);
    assert!(close(SHARE.estimate(&s).rate.unwrap(), 0.75));
    assert!(close(SCORE.estimate(&s).rate.unwrap(), 18.0 / 4.0 / 5.0));
}

fn sums(n: i64, recognised: i64) -> Sums {
    let mut s = Sums::default();
    s.add_class(1, n, recognised, 0, 0);
    s
}

#[test]
fn weights_average_group_rates() {
    // Parents 90/100, deputies 6/10, equal weights: (0.9 + 0.6) / 2 = 0.75
    // (pooled it would be 96/110 = 0.873). Effective n = 2² / (1/100 + 1/10) = 36.4.
    let parts = [(1.0, sums(100, 90)), (1.0, sums(10, 6))];
    let e = SHARE.weighted(&parts);
    assert!(close(e.rate.unwrap(), 0.75));
    assert_eq!(e.n, 110);
    assert!((e.low.unwrap() - 0.590_152).abs() < 1e-6);
    assert!((e.high.unwrap() - 0.862_075).abs() < 1e-6);
    // Weight 3:1 → (3·0.9 + 0.6) / 4 = 0.825; a group without responses is left out.
    let parts = [
        (3.0, sums(100, 90)),
        (1.0, sums(10, 6)),
        (5.0, Sums::default()),
    ];
    assert!(close(SHARE.weighted(&parts).rate.unwrap(), 0.825));
}

#[test]
fn the_verdict_reads_the_rate_itself_and_the_interval_is_a_note() {
    let v = |n, r| Verdict::of(&SHARE.estimate(&sums(n, r)));
    assert_eq!(v(400, 380), Verdict::Pass); // 95%: 0.924 … 0.967
    // 86%: 0.779 … 0.915 contains 85%, but the inspection reads the rate: 达标.
    assert_eq!(v(100, 86), Verdict::Pass);
    assert_eq!(v(100, 85), Verdict::Pass, "exactly 85% reaches the line");
    assert_eq!(v(100, 84), Verdict::Fail);
    assert_eq!(v(100, 50), Verdict::Fail);
    assert_eq!(
        Verdict::of(&SHARE.estimate(&Sums::default())),
        Verdict::NoData
    );
    assert!(!SHARE.estimate(&sums(30, 30)).small_n);
    assert!(SHARE.estimate(&sums(29, 29)).small_n);

    let p = |n, r| {
        let s = sums(n, r);
        Precision::of(&SHARE.estimate(&s), SHARE.more_needed(&[(1.0, s)]))
    };
    let clear = p(400, 380);
    assert!(clear.clear && clear.more_needed == Some(0));
    assert_eq!(clear.note.unwrap().0, "按95%置信区间，认可率也高于85%。");
    let close_above = p(100, 86);
    assert!(!close_above.clear);
    let (zh, en) = close_above.note.unwrap();
    assert!(zh.starts_with("按95%置信区间仍可能低于85%"), "{zh}");
    assert!(zh.contains(&format!(
        "再收集{}份有效问卷",
        close_above.more_needed.unwrap()
    )));
    assert!(en.contains("more valid responses"));
    let close_below = p(100, 84);
    assert!(
        close_below
            .note
            .unwrap()
            .0
            .starts_with("按95%置信区间仍可能达到85%")
    );
    let at_line = p(100, 85);
    assert_eq!(
        at_line.more_needed, None,
        "no sample size separates 85% from 85%"
    );
    assert_eq!(at_line.note.unwrap().0, "按95%置信区间仍可能低于85%。");
    assert_eq!(p(0, 0).note, None);
}

#[test]
fn more_responses_needed_hand_computed() {
    let more = |n, r| SHARE.more_needed(&[(1.0, sums(n, r))]);
    // 90 of 100: Wilson low 0.8256. With N in all, low(0.9, N) > 0.85 first at
    // N = 196 (low 0.85012; at 195, 0.84994).
    assert_eq!(more(100, 90), Some(96));
    let low = |n: f64| wilson(0.9, n).0;
    assert!(low(196.0) > 0.85 && low(195.0) <= 0.85);
    // 80 of 100: high(0.8, N) < 0.85 first at N = 196.
    assert_eq!(more(100, 80), Some(96));
    assert!(wilson(0.8, 196.0).1 < 0.85 && wilson(0.8, 195.0).1 >= 0.85);
    // The county: 326 of 375 (86.9%) reads 达标 but its interval
    // reaches down to 0.831; 936 more at the same rate clear 85%.
    assert_eq!(more(375, 326), Some(936));
    assert!(wilson(326.0 / 375.0, 1311.0).0 > 0.85 && wilson(326.0 / 375.0, 1310.0).0 <= 0.85);
    assert_eq!(more(400, 380), Some(0));
    assert_eq!(more(100, 85), None);
    assert_eq!(SHARE.more_needed(&[(1.0, Sums::default())]), None);
    // One part at weight 1 is the unweighted rate; weights scale with n_eff.
    assert_eq!(SHARE.more_needed(&[(2.0, sums(100, 90))]), Some(96));
    // Mean score: points 5,5,5,4 (rates 1,1,1,0.8) twice over, n = 8:
    // mean 0.95, s² = 0.04·8/7/… computed directly below.
    let mut s = Sums::default();
    for p in [5, 5, 5, 4, 5, 5, 5, 4] {
        s.add_class(1, 1, 1, p, p * p);
    }
    let n = 8.0;
    let mean = s.score / n / 5.0;
    let var = (s.score_sq / 25.0 - n * mean * mean) / (n - 1.0);
    let direct = (8u64..100_000)
        .find(|&m| mean - Z95 * (var / m as f64).sqrt() > 0.85)
        .unwrap();
    assert_eq!(SCORE.more_needed(&[(1.0, s)]), Some(direct - 8));
    let mut one = Sums::default();
    one.add_class(1, 1, 1, 5, 25);
    assert_eq!(
        SCORE.more_needed(&[(1.0, one)]),
        None,
        "no spread from one response"
    );
}

/// The Wilson lower and upper bounds from the textbook formula, written
/// out again so the search below does not share code with the one tested.
fn textbook_wilson(p: f64, n: f64) -> (f64, f64) {
    let z = 1.959_963_984_540_054_f64;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (centre - half, centre + half)
}

proptest! {
    #[test]
    fn more_needed_equals_a_direct_search(
        n in 1i64..400, r in 0i64..400, w in 1u8..4, n2 in 1i64..200, r2 in 0i64..200
    ) {
        let r = r.min(n);
        let p = r as f64 / n as f64;
        prop_assume!((p - 0.85).abs() > 1e-9);
        let got = SHARE.more_needed(&[(1.0, sums(n, r))]);
        // Walk N = n, n+1, … until the interval at the same rate clears 85%.
        let clears = |m: f64| {
            let (lo, hi) = textbook_wilson(p, m);
            if p > 0.85 { lo.min(p) > 0.85 } else { hi.max(p) < 0.85 }
        };
        let direct = (n as u64..=MORE_NEEDED_CAP).find(|&m| clears(m as f64)).map(|m| m - n as u64);
        prop_assert_eq!(got, direct);

        // Two weighted parts: the effective n grows with N/n.
        let r2 = r2.min(n2);
        let (w1, w2) = (f64::from(w), 1.0);
        let parts = [(w1, sums(n, r)), (w2, sums(n2, r2))];
        let rate = (w1 * p + w2 * r2 as f64 / n2 as f64) / (w1 + w2);
        prop_assume!((rate - 0.85).abs() > 1e-6);
        let n_eff = (w1 + w2).powi(2) / (w1 * w1 / n as f64 + w2 * w2 / n2 as f64);
        let total = (n + n2) as u64;
        let clears = |m: u64| {
            let (lo, hi) = textbook_wilson(rate, n_eff * m as f64 / total as f64);
            if rate > 0.85 { lo.min(rate) > 0.85 } else { hi.max(rate) < 0.85 }
        };
        let direct = (total..=MORE_NEEDED_CAP).find(|&m| clears(m)).map(|m| m - total);
        prop_assert_eq!(SHARE.more_needed(&parts), direct);
    }
}

/// A rate just over 85% whose interval clears only beyond the cap: no
/// number (proptest found 16,046,649 for these counts).
#[test]
fn more_needed_past_the_cap_is_none() {
    let parts = [(3.0, sums(62, 62)), (1.0, sums(187, 75))];
    assert_eq!(SHARE.more_needed(&parts), None);
}

#[test]
fn the_rule_is_stated_in_words() {
    let mut rule = ScoringRule::default();
    let words = describe_reporting(&rule, 30);
    assert!(words.contains("不了解") && words.contains("Wilson") && words.contains("30"));
    rule.group_weights.insert(RespondentGroup::Parent, 2.0);
    rule.formula = Formula::MeanScoreX20;
    let words = describe_reporting(&rule, 30);
    assert!(
        words.contains("家长×2") && words.contains("× 20"),
        "{words}"
    );
}

proptest! {
    #[test]
    fn tallied_rates_equal_per_response_means(
        rows in prop::collection::vec((1i64..=17, 0i64..=17, 0i64..=1000), 1..200)
    ) {
        // Each row: one respondent with `judged` answers, `recognised` of them
        // recognised, and some points; fold them by judged class as the
        // database does and compare with the brute-force mean.
        let mut by_class = std::collections::BTreeMap::<i64, (i64, i64, i64, i64)>::new();
        let mut brute_share = 0.0;
        let mut brute_score = 0.0;
        for (j, r, p) in &rows {
            let r = (*r).min(*j);
            let p = j * 2 + p % (j * 3 + 1);
            brute_share += r as f64 / *j as f64;
            brute_score += p as f64 / *j as f64;
            let e = by_class.entry(*j).or_default();
            *e = (e.0 + 1, e.1 + r, e.2 + p, e.3 + p * p);
        }
        let mut s = Sums::default();
        for (j, (n, r, p, p2)) in by_class {
            s.add_class(j, n, r, p, p2);
        }
        let n = rows.len() as f64;
        let share = SHARE.estimate(&s);
        prop_assert!((share.rate.unwrap() - brute_share / n).abs() < 1e-9);
        prop_assert!(share.low.unwrap() <= share.rate.unwrap() && share.rate.unwrap() <= share.high.unwrap());
        prop_assert!((SCORE.estimate(&s).rate.unwrap() - brute_score / n / 5.0).abs() < 1e-9);
    }
}
