//! The sampling plan with live progress, as the API shows it.

use poem_openapi::Object;
use std::collections::BTreeMap;

use super::{
    rounds::RoundSummary,
    types::{GroupDto, LocationDto},
};
use crate::{
    domain::{
        group::RespondentGroup,
        report_counts::CountKey,
        sampling::{self, Overrides, Quota, SchoolSize},
        school::Location,
    },
    store::reports::RoundData,
};

/// Responses so far against a quota.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ProgressOut {
    /// Valid responses so far.
    pub count: u64,
    /// The quota in force (the organiser's override, else the suggestion).
    pub quota: Option<i64>,
    /// count ÷ quota × 100.
    pub percent: Option<f64>,
}

fn progress(count: u64, quota: Option<i64>) -> ProgressOut {
    ProgressOut {
        count,
        quota,
        percent: quota
            .and_then(|q| sampling::progress(count as i64, q))
            .map(|p| p * 100.0),
    }
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct GroupPlanOut {
    pub group: GroupDto,
    pub group_label: String,
    /// From the national minimum: parents ≥ 50%, the others equal.
    pub suggested: i64,
    /// The organiser's override, if any.
    pub overridden: Option<i64>,
    #[oai(flatten)]
    pub progress: ProgressOut,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SchoolPlanOut {
    pub school_id: i64,
    pub school_code: String,
    pub school_name: String,
    pub location: LocationDto,
    /// Primary + junior pupils.
    pub enrolment: i64,
    pub group: GroupDto,
    pub group_label: String,
    /// The group's quota split in proportion to enrolment.
    pub suggested: i64,
    pub overridden: Option<i64>,
    #[oai(flatten)]
    pub progress: ProgressOut,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LocationPlanOut {
    pub location: LocationDto,
    pub location_label: String,
    /// Quota: the sum of its schools' quotas (county-level groups count
    /// where respondents said they live, without a quota).
    #[oai(flatten)]
    pub progress: ProgressOut,
}

/// The national minimum sample of a round and progress toward every quota.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SamplingOut {
    pub round: RoundSummary,
    /// 常住人口 from the county profile; null until it is set.
    pub resident_population: Option<i64>,
    /// 1.5‰ of the resident population, rounded up.
    pub national_minimum: i64,
    /// The plan's rules in words.
    pub rule: String,
    /// Against the national minimum.
    pub total: ProgressOut,
    /// Parents' share of valid responses so far (national rule: ≥ 50%).
    pub parent_share: Option<f64>,
    pub groups: Vec<GroupPlanOut>,
    pub schools: Vec<SchoolPlanOut>,
    pub locations: Vec<LocationPlanOut>,
    pub warning: Option<String>,
}

pub fn sampling_out(
    data: &RoundData,
    population: Option<i64>,
    overrides: &Overrides,
    min_n: u64,
) -> SamplingOut {
    let sizes: Vec<SchoolSize> = data
        .schools
        .iter()
        .map(|s| SchoolSize {
            school_id: s.id,
            enrolment: s.enrolment,
        })
        .collect();
    let plan = sampling::plan(
        population.unwrap_or(0),
        &data.detail.groups,
        &sizes,
        overrides,
    );
    let counts = data.input(min_n).valid_counts();
    let sum = |f: &dyn Fn(&CountKey) -> bool| -> u64 {
        counts.iter().filter(|(k, _)| f(k)).map(|(_, n)| n).sum()
    };
    let total = sum(&|_| true);
    let parents = sum(&|k| k.1 == RespondentGroup::Parent);
    let mut location_quota: BTreeMap<Location, i64> = BTreeMap::new();
    let schools = plan
        .schools
        .iter()
        .filter_map(|(school_id, g, q): &(i64, _, Quota)| {
            let s = data.school(Some(*school_id))?;
            *location_quota.entry(s.location).or_default() += q.target();
            Some(SchoolPlanOut {
                school_id: s.id,
                school_code: s.code.clone(),
                school_name: s.name.clone(),
                location: s.location.into(),
                enrolment: s.enrolment,
                group: (*g).into(),
                group_label: g.label_zh().to_string(),
                suggested: q.suggested,
                overridden: q.overridden,
                progress: progress(sum(&|k| k.0 == Some(s.id) && k.1 == *g), Some(q.target())),
            })
        })
        .collect();
    SamplingOut {
        round: (&data.detail.round).into(),
        resident_population: population,
        national_minimum: plan.total_minimum,
        rule: format!(
            "样本总量不少于常住人口的1.5‰（{}人 → {}份有效问卷），家长不少于50%，其他对象人数大致相等；\
             各校配额按在校生数（小学+初中）比例分配（最大余数法）；组织者可按轮次调整配额；进度只计有效问卷。",
            population.unwrap_or(0),
            plan.total_minimum
        ),
        total: progress(total, Some(plan.total_minimum)),
        parent_share: (total > 0 && data.detail.groups.contains(&RespondentGroup::Parent))
            .then(|| parents as f64 / total as f64),
        groups: plan
            .groups
            .iter()
            .map(|(g, q)| GroupPlanOut {
                group: (*g).into(),
                group_label: g.label_zh().to_string(),
                suggested: q.suggested,
                overridden: q.overridden,
                progress: progress(sum(&|k| k.1 == *g), Some(q.target())),
            })
            .collect(),
        schools,
        locations: Location::ALL
            .into_iter()
            .map(|l| LocationPlanOut {
                location: l.into(),
                location_label: l.label_zh().to_string(),
                progress: progress(sum(&|k| k.2 == Some(l)), location_quota.get(&l).copied()),
            })
            .collect(),
        warning: population
            .is_none()
            .then(|| "尚未填写县常住人口，无法计算最低样本量".to_string()),
    }
}
