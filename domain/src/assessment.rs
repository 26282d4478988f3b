//! Assessments run from above (省级评估, 州市复核): one assessment over
//! several counties, each county's part an ordinary round. Who may change
//! a part, and the region's summary computed from every part's tallies.

use chrono::{DateTime, Utc};

use super::{
    region::{Node, beneath},
    report::{Report, ReportInput, compute},
    round::Purpose,
    tally::Tallies,
};

/// An assessment run from above; its parts are the counties' rounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub id: i64,
    /// The node (province or prefecture) that runs it.
    pub region_id: i64,
    pub name: String,
    /// The purpose every part's round has.
    pub purpose: Purpose,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Whether an account at `account_node` may change a part of an assessment
/// run by `assessment_node`: only at or above that node (admins always).
/// A county's accounts, and accounts between the county and the node, read
/// the part and change nothing.
pub fn may_change_part(
    nodes: &[Node],
    account_node: i64,
    admin: bool,
    assessment_node: i64,
) -> bool {
    admin || beneath(nodes, account_node).contains(&assessment_node)
}

/// The report of every part's responses taken together, under the parts'
/// one rule (the first part's rule, groups and questionnaires: the parts
/// share them by construction). Each valid response counts once, whatever
/// its county: with the default formula the region's rate is the mean of
/// each respondent's share of recognised answers over all counties' valid
/// responses (Σ recognised shares ÷ Σ n), not the mean of the counties'
/// rates; with group weights, Σ wᵍ·rateᵍ / Σ wᵍ over the pooled groups.
/// `None` without parts.
pub fn pooled(parts: &[ReportInput<'_>]) -> Option<Report> {
    let first = parts.first()?;
    let mut schools = Vec::new();
    let mut links = Vec::new();
    let mut tallies = Tallies::default();
    for p in parts {
        schools.extend(p.schools.iter().cloned());
        links.extend(p.links.iter().copied());
        // Every key carries its round and link: the parts never collide.
        tallies
            .classes
            .extend(p.tallies.classes.iter().map(|(k, v)| (k.clone(), *v)));
        tallies
            .languages
            .extend(p.tallies.languages.iter().map(|(k, v)| (k.clone(), *v)));
        tallies
            .options
            .extend(p.tallies.options.iter().map(|(k, v)| (k.clone(), *v)));
    }
    Some(compute(&ReportInput {
        rule: first.rule,
        min_n: first.min_n,
        groups: first.groups,
        schools: &schools,
        links: &links,
        questionnaires: first.questionnaires,
        tallies: &tallies,
    }))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::{
        group::RespondentGroup::{self, Parent},
        questionnaire::{Item, Questionnaire},
        region::Level,
        report::{LinkInfo, SchoolInfo},
        round::ScoringRule,
        school::Location,
        scoring::score_of,
        submission::Validity,
        tally::{ResponseFacts, TallyBuilder},
    };

    fn questionnaire() -> Questionnaire {
        Questionnaire {
            title: "t".into(),
            intro: String::new(),
            items: vec![
                Item::context("c1", "学段", &["小学", "初中"]),
                Item::scored("q1", "公平", "一"),
                Item::scored("q2", "质量", "二"),
            ],
        }
    }

    struct Part {
        schools: Vec<SchoolInfo>,
        links: Vec<LinkInfo>,
        tallies: Tallies,
    }

    fn part(round: i64, answers: &[&str], q: &Questionnaire) -> Part {
        let mut t = TallyBuilder::default();
        for a in answers {
            t.add(&ResponseFacts {
                round_id: round,
                link_id: round * 10,
                validity: Validity::Valid,
                mode: crate::collection::CollectionMode::Web,
                place: None,
                score: score_of(q, a),
                middle: 0,
                language: "zh",
                answers: a,
                submitted_at: 0,
            });
        }
        Part {
            schools: vec![SchoolInfo {
                id: round,
                code: format!("s{round}"),
                name: format!("学校{round}"),
                location: Location::Urban,
                enrolment: 100,
                primary: 100,
                junior: 0,
                teachers: None,
            }],
            links: vec![LinkInfo {
                id: round * 10,
                school_id: Some(round),
                group: Parent,
            }],
            tallies: t.finish(),
        }
    }

    #[test]
    fn the_region_pools_responses_not_county_rates() {
        let q = questionnaire();
        let qs: BTreeMap<RespondentGroup, Questionnaire> = [(Parent, q.clone())].into();
        // County A: 满意+满意 (1), 满意+不满意 (½); county B: four 满意+满意 (1 each).
        let a = part(1, &["111", "114"], &q);
        let b = part(2, &["111", "111", "111", "111"], &q);
        let rule = ScoringRule::default();
        fn input<'a>(
            p: &'a Part,
            rule: &'a ScoringRule,
            qs: &'a BTreeMap<RespondentGroup, Questionnaire>,
        ) -> ReportInput<'a> {
            ReportInput {
                rule,
                min_n: 1,
                groups: &[Parent],
                schools: &p.schools,
                links: &p.links,
                questionnaires: qs,
                tallies: &p.tallies,
            }
        }
        let ra = compute(&input(&a, &rule, &qs)).overall.rate.unwrap();
        let rb = compute(&input(&b, &rule, &qs)).overall.rate.unwrap();
        assert!((ra - 0.75).abs() < 1e-12 && (rb - 1.0).abs() < 1e-12);
        let region = pooled(&[input(&a, &rule, &qs), input(&b, &rule, &qs)]).unwrap();
        // (1 + ½ + 4) / 6, not (0.75 + 1) / 2.
        assert!((region.overall.rate.unwrap() - 5.5 / 6.0).abs() < 1e-12);
        assert_eq!(region.overall.n, 6);
        assert_eq!(region.schools.len(), 2);
        assert!(pooled(&[]).is_none());
    }

    #[test]
    fn only_accounts_at_or_above_the_node_change_a_part() {
        let n = |id, parent, level| Node { id, parent, level };
        let nodes = [
            n(1, None, Level::Province),
            n(2, Some(1), Level::Prefecture),
            n(3, Some(2), Level::County),
        ];
        assert!(may_change_part(&nodes, 1, false, 2));
        assert!(may_change_part(&nodes, 2, false, 2));
        assert!(!may_change_part(&nodes, 3, false, 2));
        assert!(!may_change_part(&nodes, 2, false, 1));
        assert!(may_change_part(&nodes, 3, true, 1));
    }
}
