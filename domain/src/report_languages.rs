//! n and rate by the language respondents answered in: every language
//! counts in the one rate (answers are stored by option code); this breakdown
//! shows whether one language group reads the questionnaire differently (a
//! translation problem then becomes visible).

use std::collections::BTreeMap;

use super::{
    report::ReportInput,
    round::Formula,
    scoring::{Estimate, Scorer, Sums},
    tally::{ClassSums, PRIMARY_LANGUAGE, VALID},
};

/// One language's valid responses under the round's rule.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguageRate {
    /// BCP 47 tag; `zh` for the questionnaire as written.
    pub language: String,
    pub estimate: Estimate,
}

/// The breakdown, with what it leaves out of the round's rule.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguageBreakdown {
    pub rates: Vec<LanguageRate>,
    /// Chinese then English, when the breakdown reads the rule differently
    /// from the overall rate (group weights, the overall-item formula).
    pub note: Option<(String, String)>,
}

/// Chinese first, then the round's additional languages in its order (and
/// any language found in the tallies the round no longer lists).
pub fn by_language(input: &ReportInput, languages: &[String]) -> LanguageBreakdown {
    let links = input.link_map();
    // Valid classes per (link, judged), all languages together.
    let mut all: BTreeMap<(i64, i32), ClassSums> = BTreeMap::new();
    for (k, c) in &input.tallies.classes {
        if k.validity == VALID && k.judged > 0 && links.contains_key(&k.link_id) {
            add(all.entry((k.link_id, k.judged)).or_default(), c);
        }
    }
    let mut others: BTreeMap<String, BTreeMap<(i64, i32), ClassSums>> = BTreeMap::new();
    for (k, c) in &input.tallies.languages {
        if k.validity == VALID && k.judged > 0 && links.contains_key(&k.link_id) {
            let per = others.entry(k.language.clone()).or_default();
            add(per.entry((k.link_id, k.judged)).or_default(), c);
        }
    }
    let mut chinese = all;
    for per in others.values() {
        for (key, c) in per {
            if let Some(z) = chinese.get_mut(key) {
                z.responses -= c.responses;
                z.recognised -= c.recognised;
                z.points -= c.points;
                z.points_sq -= c.points_sq;
            }
        }
    }
    let formula = match input.rule.formula {
        Formula::OverallItemShare => Formula::ShareRecognised,
        f => f,
    };
    let scorer = Scorer {
        formula,
        ..Scorer::of(input.rule, input.min_n)
    };
    let estimate = |classes: &BTreeMap<(i64, i32), ClassSums>| {
        let mut s = Sums::default();
        for ((_, judged), c) in classes {
            if c.responses <= 0 {
                continue;
            }
            if formula == Formula::AnswerShare {
                s.add_class(1, i64::from(*judged) * c.responses, c.recognised, 0, 0);
            } else {
                s.add_class(
                    i64::from(*judged),
                    c.responses,
                    c.recognised,
                    c.points,
                    c.points_sq,
                );
            }
        }
        scorer.estimate(&s)
    };
    let mut order: Vec<String> = languages.to_vec();
    for l in others.keys() {
        if !order.contains(l) {
            order.push(l.clone());
        }
    }
    let mut rates = vec![LanguageRate {
        language: PRIMARY_LANGUAGE.to_string(),
        estimate: estimate(&chinese),
    }];
    let none = BTreeMap::new();
    rates.extend(order.into_iter().map(|l| LanguageRate {
        estimate: estimate(others.get(&l).unwrap_or(&none)),
        language: l,
    }));
    let mut notes: Vec<(&str, &str)> = Vec::new();
    if input.rule.formula == Formula::OverallItemShare {
        notes.push((
            "按语言的认可率按人计算（总体评价题不分语言统计）",
            "rates by language are per respondent (the overall item is not counted by language)",
        ));
    }
    if !input.rule.group_weights.is_empty() {
        notes.push((
            "按语言的认可率不按调查对象加权",
            "rates by language are not weighted by group",
        ));
    }
    let note = (!notes.is_empty()).then(|| {
        (
            notes.iter().map(|(z, _)| *z).collect::<Vec<_>>().join("；"),
            notes.iter().map(|(_, e)| *e).collect::<Vec<_>>().join("; "),
        )
    });
    LanguageBreakdown { rates, note }
}

fn add(to: &mut ClassSums, c: &ClassSums) {
    to.responses += c.responses;
    to.recognised += c.recognised;
    to.points += c.points;
    to.points_sq += c.points_sq;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        group::RespondentGroup,
        report::LinkInfo,
        round::ScoringRule,
        scoring::ScoreTable,
        submission::Validity,
        tally::{ResponseFacts, TallyBuilder},
        templates::template,
    };

    #[test]
    fn every_language_counts_once_and_chinese_is_the_rest() {
        let q = template(RespondentGroup::Parent);
        let scores = ScoreTable::new(&q);
        let rule = ScoringRule::default();
        let scored: Vec<usize> = q
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.counts())
            .map(|(n, _)| n)
            .collect();
        // All 满意 (code 1) or all 不满意 (code 4) on the counted items.
        let answer = |code: u8| {
            let mut a = vec![b'0'; q.items.len()];
            for i in &scored {
                a[*i] = b'0' + code;
            }
            String::from_utf8(a).unwrap()
        };
        let (yes, no) = (answer(1), answer(4));
        // zh: 3 yes, 1 no; ug: 1 yes, 3 no; one too-fast ug answer.
        let mut b = TallyBuilder::default();
        let plan: [(&str, &String, Validity); 9] = [
            ("zh", &yes, Validity::Valid),
            ("zh", &yes, Validity::Valid),
            ("zh", &yes, Validity::Valid),
            ("zh", &no, Validity::Valid),
            ("ug", &yes, Validity::Valid),
            ("ug", &no, Validity::Valid),
            ("ug", &no, Validity::Valid),
            ("ug", &no, Validity::Valid),
            ("ug", &yes, Validity::TooFast),
        ];
        for (lang, a, validity) in plan {
            b.add(&ResponseFacts {
                round_id: 1,
                link_id: 5,
                validity,
                mode: crate::collection::CollectionMode::Web,
                place: None,
                score: scores.score(a),
                middle: 0,
                language: lang,
                answers: a,
                submitted_at: 0,
            });
        }
        let tallies = b.finish();
        let links = [LinkInfo {
            id: 5,
            school_id: None,
            group: RespondentGroup::Parent,
        }];
        let qs = BTreeMap::from([(RespondentGroup::Parent, q.clone())]);
        let input = ReportInput {
            rule: &rule,
            min_n: 1,
            groups: &[RespondentGroup::Parent],
            schools: &[],
            links: &links,
            questionnaires: &qs,
            tallies: &tallies,
        };
        let out = by_language(&input, &["ug".to_string(), "kk-Arab".to_string()]);
        let got: Vec<(&str, u64, Option<f64>)> = out
            .rates
            .iter()
            .map(|r| (r.language.as_str(), r.estimate.n, r.estimate.rate))
            .collect();
        assert_eq!(
            got,
            [
                ("zh", 4, Some(0.75)),
                ("ug", 4, Some(0.25)),
                ("kk-Arab", 0, None)
            ]
        );
        assert_eq!(out.note, None);
        // Together they are the overall rate.
        let report = crate::report::compute(&input);
        assert_eq!(report.overall.n, 8);
        assert_eq!(report.overall.rate, Some(0.5));
    }
}
