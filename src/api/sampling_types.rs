//! The sampling plan with live progress, as the API shows it: group
//! targets capped at the people the county has, the optional small-county
//! floor, the valid share, and targets by grade band and location.

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
        sampling::{self, Cap, Limits, Overrides, Quota, SchoolSize},
        sampling_shares::{self, SchoolMix},
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
    /// From the planned total: parents ≥ 50%, the others equal, each held
    /// to the people the county has (the rest shared among the others).
    pub suggested: i64,
    /// The organiser's override, if any.
    pub overridden: Option<i64>,
    /// How many such people the county has (principals: schools taking
    /// part; teachers: their teachers; deputies and CPPCC members: the
    /// county profile). Absent when the group has no cap or it is unknown.
    pub cap: Option<i64>,
    /// The suggestion was held to the cap (below an equal share).
    pub capped: bool,
    /// Why there is no cap, when the number is missing.
    pub cap_note: Option<String>,
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
    /// The group's quota split over the schools: principals one per school,
    /// teachers by teachers (when known), the others by enrolment.
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

/// A grade band's or a location's share of enrolment, its target and
/// valid responses so far.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ShareOut {
    /// primary / junior, or urban / town / rural.
    pub key: String,
    /// 小学 / 初中, or 城区 / 镇区 / 乡村.
    pub label: String,
    /// Pupils of the round's schools in this band or location.
    pub enrolment: i64,
    /// Quota: the targets split in proportion to enrolment.
    #[oai(flatten)]
    pub progress: ProgressOut,
}

/// Valid questionnaires ÷ all questionnaires, against the earlier rules' 70%.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ValidShareOut {
    pub valid: u64,
    /// Every response stored, valid or not.
    pub all: u64,
    /// valid ÷ all; absent before the first response.
    pub share: Option<f64>,
    /// 0.7
    pub minimum: f64,
    /// The share is below the minimum.
    pub below: bool,
    pub warning: Option<String>,
}

/// One sampling rule and whether published sources confirm it for the
/// current inspection.
#[derive(Debug, Clone, Object)]
pub struct RuleSourceOut {
    pub rule: String,
    /// confirmed (1.5‰, parents ≥ 50%) or carried_over (from the earlier
    /// 基本均衡 rules).
    pub status: String,
    /// 已确认 / 沿用
    pub status_label: String,
    /// Applied to this plan (the 600 floor only when chosen).
    pub applied: bool,
}

/// The sampling plan of a round and progress toward every quota.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SamplingOut {
    pub round: RoundSummary,
    /// 常住人口 from the county profile; null until it is set.
    pub resident_population: Option<i64>,
    /// 1.5‰ of the resident population, rounded up.
    pub national_minimum: i64,
    /// What the plan asks for: the national minimum, or 600 when the
    /// small-county floor is chosen and raises it.
    pub planned_total: i64,
    /// The county chose the floor of 600 under 400,000 residents.
    pub small_county_floor: bool,
    /// The floor raised the total.
    pub floor_applied: bool,
    /// The plan's rules in words.
    pub rule: String,
    /// Each rule with its source: confirmed for the current inspection, or
    /// carried over from the earlier rules.
    pub rules: Vec<RuleSourceOut>,
    /// Against the planned total.
    pub total: ProgressOut,
    /// Parents' share of valid responses so far (national rule: ≥ 50%).
    pub parent_share: Option<f64>,
    /// Valid ÷ all responses (earlier rules: ≥ 70%).
    pub valid_share: ValidShareOut,
    pub groups: Vec<GroupPlanOut>,
    pub schools: Vec<SchoolPlanOut>,
    pub locations: Vec<LocationPlanOut>,
    /// School-bound groups' targets by grade band, in proportion to enrolment.
    pub bands: Vec<ShareOut>,
    /// Every group's target by 城区 / 镇区 / 乡村, in proportion to enrolment.
    pub location_targets: Vec<ShareOut>,
    /// Caps that could not be applied, and other things to know.
    pub notes: Vec<String>,
    pub warning: Option<String>,
    /// Every source counts toward the plan: responses, valid ones and their
    /// rate by source (phone, paper keyed once, paper keyed twice,
    /// interview), as in the report.
    pub sources: Vec<super::report_types::ModeRateOut>,
}

/// What the plan needs of the county profile.
#[derive(Debug, Clone, Default)]
pub struct CountyFacts {
    pub population: Option<i64>,
    pub deputies: Option<i64>,
    pub cppcc_members: Option<i64>,
    pub small_county_floor: bool,
}

fn rules(facts: &CountyFacts, plan: &sampling::Plan) -> Vec<RuleSourceOut> {
    let r = |rule: &str, confirmed: bool, applied: bool| RuleSourceOut {
        rule: rule.to_string(),
        status: if confirmed {
            "confirmed"
        } else {
            "carried_over"
        }
        .to_string(),
        status_label: if confirmed {
            "已确认（基本均衡规则，现行通知结构相同）"
        } else {
            "沿用基本均衡规则，现行认定未确认"
        }
        .to_string(),
        applied,
    };
    let small = facts.population.is_some_and(|p| p < sampling::SMALL_COUNTY);
    vec![
        r("样本总量不少于常住人口的1.5‰", true, true),
        r("家长不少于样本总量的50%", true, true),
        r(
            "常住人口不足40万的县不少于600份问卷",
            false,
            plan.floor_applied || (facts.small_county_floor && small),
        ),
        r("有效问卷不少于70%", false, true),
        r("学段、城区/镇区/乡村按在校生比例分配", false, true),
    ]
}

fn cap_note(g: RespondentGroup) -> String {
    match g {
        RespondentGroup::Teacher => "学校未填写教师数，未按教师人数设上限".to_string(),
        _ => format!("县情中未填写{}人数，未设上限", g.label_zh()),
    }
}

pub fn sampling_out(
    data: &RoundData,
    facts: &CountyFacts,
    overrides: &Overrides,
    min_n: u64,
) -> SamplingOut {
    let population = facts.population;
    let sizes: Vec<SchoolSize> = data
        .schools
        .iter()
        .map(|s| SchoolSize {
            school_id: s.id,
            enrolment: s.enrolment,
            teachers: s.teachers,
        })
        .collect();
    let limits = Limits {
        caps: sampling::caps(
            &data.detail.groups,
            &sizes,
            facts.deputies,
            facts.cppcc_members,
        ),
        small_county_floor: facts.small_county_floor,
    };
    let plan = sampling::plan(
        population.unwrap_or(0),
        &data.detail.groups,
        &sizes,
        overrides,
        &limits,
    );
    let input = data.input(min_n);
    let counts = input.valid_counts();
    let (valid, all) = input.response_totals();
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
    let mixes: Vec<SchoolMix> = data
        .schools
        .iter()
        .map(|s| SchoolMix {
            school_id: s.id,
            primary: s.primary,
            junior: s.junior,
            location: s.location,
        })
        .collect();
    let school_bound_target: i64 = plan
        .groups
        .iter()
        .filter(|(g, _)| g.is_school_bound())
        .map(|(_, q)| q.target())
        .sum();
    let all_target: i64 = plan.groups.iter().map(|(_, q)| q.target()).sum();
    let mut by_school: BTreeMap<i64, i64> = BTreeMap::new();
    let mut by_location: BTreeMap<Location, i64> = BTreeMap::new();
    for ((school, group, location), n) in &counts {
        if let (Some(s), true) = (school, group.is_school_bound()) {
            *by_school.entry(*s).or_default() += *n as i64;
        }
        if let Some(l) = location {
            *by_location.entry(*l).or_default() += *n as i64;
        }
    }
    let share_out = |key: &str, label: &str, s: (i64, i64, i64)| ShareOut {
        key: key.to_string(),
        label: label.to_string(),
        enrolment: s.0,
        progress: progress(s.2.max(0) as u64, Some(s.1)),
    };
    let bands = sampling_shares::by_band(school_bound_target, &mixes, &by_school)
        .into_iter()
        .map(|b| {
            share_out(
                b.key.code(),
                b.key.label_zh(),
                (b.enrolment, b.target, b.count),
            )
        })
        .collect();
    let location_targets = sampling_shares::by_location(all_target, &mixes, &by_location)
        .into_iter()
        .map(|l| {
            share_out(
                l.key.code(),
                l.key.label_zh(),
                (l.enrolment, l.target, l.count),
            )
        })
        .collect();
    let share = sampling::valid_share(valid, all);
    let below = share.is_some_and(|s| s < sampling::MIN_VALID_SHARE);
    let mut notes: Vec<String> = plan
        .caps
        .iter()
        .filter(|(_, c)| **c == Cap::Unknown)
        .map(|(g, _)| cap_note(*g))
        .collect();
    if population.is_some_and(|p| p < sampling::SMALL_COUNTY) && !facts.small_county_floor {
        notes.push(format!(
            "常住人口不足40万：基本均衡规则曾要求不少于600份问卷（现行认定未确认），可在县情中启用；当前按1.5‰计划{}份",
            plan.planned_total
        ));
    }
    if plan.floor_applied {
        notes.push(format!(
            "已启用小县下限：常住人口不足40万，按基本均衡规则计划600份（1.5‰为{}份）",
            plan.total_minimum
        ));
    }
    if !plan.capped.is_empty() {
        let names: Vec<&str> = plan.capped.iter().map(|g| g.label_zh()).collect();
        notes.push(format!(
            "{}按本县实有人数封顶，差额已平均分给其他对象（家长仍不少于50%）",
            names.join("、")
        ));
    }
    notes.push(
        "九年一贯制等跨学段学校的问卷未区分学段，按其小学、初中在校生比例计入各学段".to_string(),
    );
    SamplingOut {
        round: (&data.detail.round).into(),
        resident_population: population,
        national_minimum: plan.total_minimum,
        planned_total: plan.planned_total,
        small_county_floor: facts.small_county_floor,
        floor_applied: plan.floor_applied,
        rule: format!(
            "样本总量不少于常住人口的1.5‰（{}人 → {}份有效问卷），家长不少于50%，其他对象人数大致相等，\
             但不超过本县实有人数（校长=参评学校数，教师=各校教师数之和，人大代表、政协委员按县情填写），差额分给其他对象；\
             各校配额按在校生数（小学+初中）比例分配（最大余数法），校长每校一名，教师按各校教师数；\
             组织者可按轮次调整配额；进度只计有效问卷。",
            population.unwrap_or(0),
            plan.total_minimum
        ),
        rules: rules(facts, &plan),
        total: progress(total, Some(plan.planned_total)),
        parent_share: (total > 0 && data.detail.groups.contains(&RespondentGroup::Parent))
            .then(|| parents as f64 / total as f64),
        valid_share: ValidShareOut {
            valid,
            all,
            share,
            minimum: sampling::MIN_VALID_SHARE,
            below,
            warning: share.filter(|_| below).map(|s| {
                format!(
                    "有效问卷占比{:.1}%，低于70%：请查看无效原因（作答过快、重复设备等）",
                    s * 100.0
                )
            }),
        },
        groups: plan
            .groups
            .iter()
            .map(|(g, q)| GroupPlanOut {
                group: (*g).into(),
                group_label: g.label_zh().to_string(),
                suggested: q.suggested,
                overridden: q.overridden,
                cap: match plan.caps.get(g) {
                    Some(Cap::Known(c)) => Some(*c),
                    _ => None,
                },
                capped: plan.capped.contains(g),
                cap_note: (plan.caps.get(g) == Some(&Cap::Unknown)).then(|| cap_note(*g)),
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
        bands,
        location_targets,
        notes,
        warning: population
            .is_none()
            .then(|| "尚未填写县常住人口，无法计算最低样本量".to_string()),
        sources: super::report_types::sources_out(data, min_n),
    }
}
