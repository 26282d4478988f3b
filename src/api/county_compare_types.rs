//! The DTOs of the counties' comparison beneath a region node (across the
//! counties' own rounds), shared by its JSON and its workbook.

use poem_openapi::Object;

use super::{
    assessment_types::{CountyPartOut, SchoolBelowOut},
    report_types::{RateOut, VerdictDto},
    rounds::RoundSummary,
    sampling_types::ProgressOut,
    types::PurposeDto,
};
use crate::domain::scoring::Verdict;

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CountyRowOut {
    /// 1 = weakest; counties without data come last.
    pub rank: u32,
    pub county_id: i64,
    /// The county's name (its node's name until the profile is entered).
    pub name: String,
    /// 行政区划代码 of its node.
    pub code: Option<String>,
    /// The round compared; absent when the county has none that opened.
    pub round: Option<RoundSummary>,
    /// The county's overall rate with n, 95% interval and small-n mark
    /// (its round's own report).
    pub overall: RateOut,
    /// 达标 / 未达标 by the rate itself (no_data without a round).
    pub verdict: VerdictDto,
    pub verdict_label: String,
    /// The report's precision note, when the sample is small or the
    /// interval reaches across 85%.
    pub precision_note: Option<String>,
    /// Every stored response and the valid ones.
    pub responses: u64,
    pub valid: u64,
    /// Schools in the round's report.
    pub schools: u32,
    /// How many of them are below the threshold.
    pub schools_below: u32,
    /// Those schools, weakest first.
    pub weak_schools: Vec<SchoolBelowOut>,
    /// Valid responses against the county's sampling plan (absent without a round).
    pub progress: Option<ProgressOut>,
    /// Parents' share of the valid responses.
    pub parent_share: Option<f64>,
}

impl From<CountyPartOut> for CountyRowOut {
    fn from(p: CountyPartOut) -> Self {
        Self {
            rank: p.rank,
            county_id: p.county_id,
            name: p.county_name,
            code: p.code,
            round: Some(p.round),
            overall: p.overall,
            verdict: p.verdict,
            verdict_label: p.verdict_label,
            precision_note: p.precision_note,
            responses: p.responses,
            valid: p.valid,
            schools: p.schools,
            schools_below: p.schools_below.len() as u32,
            weak_schools: p.schools_below,
            progress: Some(p.progress),
            parent_share: p.parent_share,
        }
    }
}

/// The counties beneath the node taken together (no pooled rate: the
/// counties' own rounds may ask different questions under different rules).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OwnRoundsSummaryOut {
    /// Counties compared, with a round, and passing (达标).
    pub counties: u32,
    pub counties_with_data: u32,
    pub counties_pass: u32,
    /// Schools in the compared rounds, and those below the threshold.
    pub schools: u32,
    pub schools_below: u32,
    /// Valid responses of the compared rounds against the sum of their plans.
    pub progress: ProgressOut,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CountyComparisonOut {
    /// The node compared beneath, and its name.
    pub region_id: i64,
    pub region_name: String,
    /// The kind of round compared, when one was asked for.
    pub purpose: Option<PurposeDto>,
    /// What is compared and how (Chinese).
    pub method: String,
    pub threshold: f64,
    pub summary: OwnRoundsSummaryOut,
    /// Weakest first (lowest rate; counties without data last).
    pub counties: Vec<CountyRowOut>,
}

/// The row of a county without an opened round.
pub fn no_round(rank: u32, county_id: i64, name: String, code: Option<String>) -> CountyRowOut {
    CountyRowOut {
        rank,
        county_id,
        name,
        code,
        round: None,
        overall: RateOut {
            rate: None,
            n: 0,
            low: None,
            high: None,
            small_n: true,
        },
        verdict: Verdict::NoData.into(),
        verdict_label: Verdict::NoData.label_zh().to_string(),
        precision_note: None,
        responses: 0,
        valid: 0,
        schools: 0,
        schools_below: 0,
        weak_schools: Vec::new(),
        progress: None,
        parent_share: None,
    }
}
