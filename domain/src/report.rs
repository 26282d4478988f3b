//! The report of a round, computed from its tallies: the county rate and
//! verdict, and rates per group, school, school × group, location and item,
//! with the invalid responses counted by reason.

use std::collections::BTreeMap;

use super::{
    group::RespondentGroup,
    questionnaire::{Item, ItemKind, Questionnaire},
    round::{Formula, ScoringRule},
    school::Location,
    scoring::{Estimate, Precision, Scorer, Sums, Verdict, describe_reporting},
    tally::{Tallies, VALID},
};

/// A survey link: which school (if any) and group its responses belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkInfo {
    pub id: i64,
    pub school_id: Option<i64>,
    pub group: RespondentGroup,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolInfo {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub location: Location,
    /// Primary and junior pupils: what the sampling plan splits quotas by.
    pub enrolment: i64,
    /// 小学 pupils (part of `enrolment`), for targets by grade band.
    pub primary: i64,
    /// 初中 pupils (part of `enrolment`).
    pub junior: i64,
    /// Teachers, when known (rounds opened before teachers were kept: none).
    pub teachers: Option<i64>,
}

/// Everything a report is computed from.
pub struct ReportInput<'a> {
    pub rule: &'a ScoringRule,
    pub min_n: u64,
    /// The round's groups, in display order.
    pub groups: &'a [RespondentGroup],
    /// The round's schools, in display order.
    pub schools: &'a [SchoolInfo],
    pub links: &'a [LinkInfo],
    pub questionnaires: &'a BTreeMap<RespondentGroup, Questionnaire>,
    pub tallies: &'a Tallies,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub responses: u64,
    pub valid: u64,
    pub invalid: u64,
    /// Valid responses that answered every scored item with don't-know.
    pub unscored: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemRate {
    pub group: RespondentGroup,
    /// 0-based position in the questionnaire.
    pub index: usize,
    pub item: Item,
    pub estimate: Estimate,
    /// Valid answers per option, in option order.
    pub counts: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidCount {
    pub school_id: Option<i64>,
    pub group: RespondentGroup,
    pub reason: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub rule_words: String,
    pub totals: Totals,
    pub overall: Estimate,
    pub verdict: Verdict,
    /// The 95% interval as a precision note under the verdict.
    pub precision: Precision,
    /// Why the overall rate leaves something out, if it does.
    pub overall_note: Option<String>,
    /// Per group, with its weight when the rule sets weights.
    pub groups: Vec<(RespondentGroup, Option<f64>, Estimate)>,
    pub schools: Vec<(SchoolInfo, Estimate)>,
    pub school_groups: Vec<(i64, RespondentGroup, Estimate)>,
    pub locations: Vec<(Location, Estimate)>,
    pub items: Vec<ItemRate>,
    pub invalid: Vec<InvalidCount>,
}

fn get<K: Ord>(scorer: &Scorer, m: &BTreeMap<K, Sums>, k: K) -> Estimate {
    scorer.estimate(m.get(&k).unwrap_or(&Sums::default()))
}

/// Computes the report. Pure: the same tallies always give the same report.
pub fn compute(input: &ReportInput) -> Report {
    let scorer = Scorer::of(input.rule, input.min_n);
    let links = input.link_map();
    let mut totals = Totals::default();
    let (mut all, mut groups, mut schools, mut school_groups, mut places) = (
        Sums::default(),
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
    );
    let mut invalid: BTreeMap<(Option<i64>, RespondentGroup, String), u64> = BTreeMap::new();
    // What each rate is averaged over: respondents (classes of responses)
    // or, for the per-answer and overall-item formulas, answers.
    let mut units: Vec<(LinkInfo, String, Sums)> = Vec::new();
    for (k, c) in &input.tallies.classes {
        let Some(link) = links.get(&k.link_id) else {
            continue;
        };
        let count = c.responses.max(0) as u64;
        totals.responses += count;
        if k.validity != VALID {
            totals.invalid += count;
            *invalid
                .entry((link.school_id, link.group, k.validity.code().to_string()))
                .or_default() += count;
            continue;
        }
        totals.valid += count;
        if k.judged == 0 {
            totals.unscored += count;
            continue;
        }
        if !input.rule.formula.counts_answers() {
            let mut s = Sums::default();
            s.add_class(
                i64::from(k.judged),
                c.responses,
                c.recognised,
                c.points,
                c.points_sq,
            );
            units.push((*link, k.place.clone(), s));
        }
    }
    if input.rule.formula.counts_answers() {
        for (link, s) in input.answer_sums(input.rule.formula) {
            // Answers are tallied per link, not per place: county-level
            // groups have no location under these formulas.
            units.push((link, String::new(), s));
        }
    }
    for (link, place, s) in &units {
        all.merge(s);
        groups
            .entry(link.group)
            .or_insert_with(Sums::default)
            .merge(s);
        if let Some(school) = link.school_id {
            schools.entry(school).or_insert_with(Sums::default).merge(s);
            school_groups
                .entry((school, link.group))
                .or_insert_with(Sums::default)
                .merge(s);
        }
        if let Some(loc) = input.location_of(link, place) {
            places.entry(loc).or_insert_with(Sums::default).merge(s);
        }
    }
    let weights = &input.rule.group_weights;
    let (overall, overall_note, more_needed) = if weights.is_empty() {
        (
            scorer.estimate(&all),
            None,
            scorer.more_needed(&[(1.0, all)]),
        )
    } else {
        let parts: Vec<(f64, Sums)> = input
            .groups
            .iter()
            .map(|g| {
                (
                    weights.get(g).copied().unwrap_or(0.0),
                    groups.get(g).copied().unwrap_or_default(),
                )
            })
            .collect();
        let missing: Vec<&str> = input
            .groups
            .iter()
            .zip(&parts)
            .filter(|(_, (w, s))| *w > 0.0 && s.n == 0)
            .map(|(g, _)| g.label_zh())
            .collect();
        let note = (!missing.is_empty()).then(|| {
            format!(
                "加权对象“{}”暂无有效问卷，未计入总体认可率",
                missing.join("、")
            )
        });
        (scorer.weighted(&parts), note, scorer.more_needed(&parts))
    };
    let counts = input.option_counts(false);
    // An item's rate is its share of recognised answers (or its mean score).
    let item_scorer = Scorer {
        formula: match scorer.formula {
            Formula::MeanScoreX20 => Formula::MeanScoreX20,
            _ => Formula::ShareRecognised,
        },
        ..scorer
    };
    let mut items = Vec::new();
    for g in input.groups {
        let Some(q) = input.questionnaires.get(g) else {
            continue;
        };
        for (index, item) in q
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.kind == ItemKind::Scored)
        {
            let mut s = Sums::default();
            let mut option_counts = Vec::new();
            for o in &item.options {
                let n = counts.get(&(None, *g, index, o.code)).copied().unwrap_or(0);
                if !o.dont_know {
                    s.add_answers(n, o.recognised, o.points.unwrap_or(0));
                }
                option_counts.push(n);
            }
            items.push(ItemRate {
                group: *g,
                index,
                item: item.clone(),
                estimate: item_scorer.estimate(&s),
                counts: option_counts,
            });
        }
    }
    let bound: Vec<RespondentGroup> = input
        .groups
        .iter()
        .copied()
        .filter(|g| g.is_school_bound())
        .collect();
    Report {
        rule_words: describe_reporting(input.rule, input.min_n),
        totals,
        verdict: Verdict::of(&overall),
        precision: Precision::of(&overall, more_needed),
        overall,
        overall_note,
        groups: input
            .groups
            .iter()
            .map(|g| {
                (
                    *g,
                    (!weights.is_empty()).then(|| weights.get(g).copied().unwrap_or(0.0)),
                    get(&scorer, &groups, *g),
                )
            })
            .collect(),
        schools: input
            .schools
            .iter()
            .map(|s| (s.clone(), get(&scorer, &schools, s.id)))
            .collect(),
        school_groups: input
            .schools
            .iter()
            .flat_map(|s| bound.iter().map(move |g| (s.id, *g)))
            .map(|(s, g)| (s, g, get(&scorer, &school_groups, (s, g))))
            .collect(),
        locations: Location::ALL
            .into_iter()
            .map(|l| (l, get(&scorer, &places, l)))
            .collect(),
        items,
        invalid: invalid
            .into_iter()
            .map(|((school_id, group, reason), count)| InvalidCount {
                school_id,
                group,
                reason,
                count,
            })
            .collect(),
    }
}

impl ReportInput<'_> {
    /// Per link, the valid answers a per-answer formula counts: every
    /// counted item's ([`Item::counts`]) for the per-answer share, the
    /// overall item's for the overall-item share; don't-know left out.
    pub fn answer_sums(&self, formula: Formula) -> Vec<(LinkInfo, Sums)> {
        let links = self.link_map();
        let mut out: BTreeMap<i64, Sums> = BTreeMap::new();
        for (k, counts) in self
            .tallies
            .options
            .iter()
            .filter(|(k, _)| k.validity == VALID)
        {
            let Some(link) = links.get(&k.link_id) else {
                continue;
            };
            let Some(item) = self
                .questionnaires
                .get(&link.group)
                .and_then(|q| q.items.get(k.item as usize))
            else {
                continue;
            };
            let wanted = match formula {
                Formula::OverallItemShare => item.kind == ItemKind::Scored && item.overall,
                _ => item.counts(),
            };
            if !wanted {
                continue;
            }
            let s = out.entry(link.id).or_default();
            for o in item.options.iter().filter(|o| !o.dont_know) {
                let n = counts
                    .get(usize::from(o.code).wrapping_sub(1))
                    .copied()
                    .unwrap_or(0);
                s.add_answers(n, o.recognised, o.points.unwrap_or(0));
            }
        }
        out.into_iter()
            .filter_map(|(id, s)| links.get(&id).map(|l| (*l, s)))
            .collect()
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
