//! Rounds side by side, and the tally check, as the API shows them.

use poem_openapi::Object;
use std::collections::BTreeMap;

use super::{report_types::RateOut, rounds::RoundSummary, types::GroupDto};
use crate::{
    domain::{group::RespondentGroup, report::Report, scoring::Estimate},
    store::{recompute::TallyCheck, reports::RoundData},
};

/// One line across rounds: a rate per round (in the order of `rounds`).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CompareRowOut {
    /// e.g. 全县, 家长, 第1小学, 第1小学·家长
    pub label: String,
    pub school_id: Option<i64>,
    pub group: Option<GroupDto>,
    pub rates: Vec<RateOut>,
    /// Last rate minus first rate, in percentage points (rounds without a rate skipped).
    pub change_points: Option<f64>,
}

/// The same county's rounds side by side (e.g. 自评 → 市级复核).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CompareOut {
    pub rounds: Vec<RoundSummary>,
    pub overall: CompareRowOut,
    pub groups: Vec<CompareRowOut>,
    pub schools: Vec<CompareRowOut>,
    pub school_groups: Vec<CompareRowOut>,
}

fn row(
    label: String,
    school_id: Option<i64>,
    group: Option<RespondentGroup>,
    rates: Vec<Option<Estimate>>,
) -> CompareRowOut {
    let known: Vec<f64> = rates
        .iter()
        .filter_map(|e| e.and_then(|e| e.rate))
        .collect();
    let change_points = (known.len() >= 2).then(|| (known[known.len() - 1] - known[0]) * 100.0);
    let empty = Estimate {
        rate: None,
        n: 0,
        low: None,
        high: None,
        small_n: true,
    };
    CompareRowOut {
        label,
        school_id,
        group: group.map(Into::into),
        rates: rates
            .iter()
            .map(|e| RateOut::from(&e.unwrap_or(empty)))
            .collect(),
        change_points,
    }
}

pub fn compare_out(rounds: &[(RoundData, Report)]) -> CompareOut {
    let mut groups: Vec<RespondentGroup> = rounds
        .iter()
        .flat_map(|(d, _)| d.detail.groups.clone())
        .collect();
    groups.sort();
    groups.dedup();
    // Schools by code, named as in the latest round that has them.
    let mut schools: BTreeMap<String, (i64, String)> = BTreeMap::new();
    for (d, _) in rounds {
        for s in &d.schools {
            schools.insert(s.code.clone(), (s.id, s.name.clone()));
        }
    }
    let per_round = |f: &dyn Fn(&Report) -> Option<Estimate>| {
        rounds.iter().map(|(_, r)| f(r)).collect::<Vec<_>>()
    };
    let group_rate =
        |r: &Report, g: RespondentGroup| r.groups.iter().find(|x| x.0 == g).map(|x| x.2);
    let school_rate = |r: &Report, id: i64| r.schools.iter().find(|x| x.0.id == id).map(|x| x.1);
    let pair_rate = |r: &Report, id: i64, g| {
        r.school_groups
            .iter()
            .find(|x| x.0 == id && x.1 == g)
            .map(|x| x.2)
    };
    let bound: Vec<RespondentGroup> = groups
        .iter()
        .copied()
        .filter(|g| g.is_school_bound())
        .collect();
    CompareOut {
        rounds: rounds
            .iter()
            .map(|(d, _)| (&d.detail.round).into())
            .collect(),
        overall: row("全县".into(), None, None, per_round(&|r| Some(r.overall))),
        groups: groups
            .iter()
            .map(|g| {
                row(
                    g.label_zh().into(),
                    None,
                    Some(*g),
                    per_round(&|r| group_rate(r, *g)),
                )
            })
            .collect(),
        schools: schools
            .values()
            .map(|(id, name)| {
                row(
                    name.clone(),
                    Some(*id),
                    None,
                    per_round(&|r| school_rate(r, *id)),
                )
            })
            .collect(),
        school_groups: schools
            .values()
            .flat_map(|s| bound.iter().map(move |g| (s, *g)))
            .map(|((id, name), g)| {
                let label = format!("{name}·{}", g.label_zh());
                row(
                    label,
                    Some(*id),
                    Some(g),
                    per_round(&|r| pair_rate(r, *id, g)),
                )
            })
            .collect(),
    }
}

/// Stored tallies compared with a recomputation from the raw responses.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TallyCheckOut {
    /// Responses read.
    pub responses: u64,
    /// The stored tallies equal the recomputation (after a rebuild: they did before it).
    pub consistent: bool,
    pub difference_count: u64,
    /// The first differences found (at most 50).
    pub differences: Vec<String>,
    /// Responses whose stored score disagreed with their answers re-scored.
    pub rescored: u64,
}

impl From<TallyCheck> for TallyCheckOut {
    fn from(c: TallyCheck) -> Self {
        Self {
            responses: c.responses,
            consistent: c.differences.is_empty() && c.rescored == 0,
            difference_count: c.differences.len() as u64,
            differences: c.differences.into_iter().take(50).collect(),
            rescored: c.rescored,
        }
    }
}
