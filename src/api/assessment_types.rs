//! The DTOs of assessments run from above and their county comparison.

use chrono::{DateTime, Utc};
use poem_openapi::Object;

use super::{
    report_types::{RateOut, VerdictDto},
    rounds::{RoundIn, RoundSummary},
    sampling_types::ProgressOut,
    types::PurposeDto,
};

/// A new assessment over chosen counties: the settings every county's
/// part shares (as a round's), the counties, and the node that runs it.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AssessmentIn {
    /// Name, purpose, window, groups and rule of every part (`school_ids`
    /// is ignored: each part takes every school of its county).
    #[oai(flatten)]
    pub round: RoundIn,
    /// The counties taking part (county ids), each beneath the node.
    pub county_ids: Vec<i64>,
    /// The province or prefecture node running it; default the account's
    /// own node.
    pub region_id: Option<i64>,
}

/// One county's part of an assessment.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AssessmentPartOut {
    pub county_id: i64,
    /// The county's name (its node's name until the profile is entered).
    pub county_name: String,
    /// 行政区划代码 of the county's node.
    pub code: Option<String>,
    /// The county's round (its links, monitor and report are the round's).
    pub round: RoundSummary,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AssessmentOut {
    pub id: i64,
    pub name: String,
    pub purpose: PurposeDto,
    /// The node running it, and its name.
    pub region_id: i64,
    pub region_name: String,
    pub created_at: DateTime<Utc>,
    /// Whether this account may change the parts (an organiser at or
    /// above the node, or an admin); county accounts read their part only.
    pub editable: bool,
    /// The parts this account reads (a county account: its own).
    pub parts: Vec<AssessmentPartOut>,
}

/// A school of a county below the threshold.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SchoolBelowOut {
    pub school_id: i64,
    pub code: String,
    pub name: String,
    pub rate: RateOut,
}

/// One county's row of the comparison: the figures of its own report.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CountyPartOut {
    /// 1 = the weakest county.
    pub rank: u32,
    pub county_id: i64,
    pub county_name: String,
    pub code: Option<String>,
    pub round: RoundSummary,
    /// The county's overall rate (its report's), with n, interval, small-n.
    pub overall: RateOut,
    /// 达标 / 未达标 by the rate itself; no_data without valid responses.
    pub verdict: VerdictDto,
    pub verdict_label: String,
    /// The interval as a precision note under the verdict (Chinese).
    pub precision_note: Option<String>,
    /// All responses and the valid ones.
    pub responses: u64,
    pub valid: u64,
    /// Schools taking part, and those below 85%, weakest first.
    pub schools: u32,
    pub schools_below: Vec<SchoolBelowOut>,
    /// Valid responses against the county's sampling plan (its planned total).
    pub progress: ProgressOut,
    /// Parents' share of valid responses (national rule ≥ 50%).
    pub parent_share: Option<f64>,
}

/// The counties taken together.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RegionSummaryOut {
    /// Computed from every shown county's valid responses together under
    /// the round's rule (each respondent once), not the mean of county rates.
    pub overall: RateOut,
    pub verdict: VerdictDto,
    pub verdict_label: String,
    pub responses: u64,
    pub valid: u64,
    pub counties: u32,
    /// Counties whose own rate reaches 85%.
    pub counties_pass: u32,
    pub schools: u32,
    pub schools_below: u32,
    /// Valid responses against the sum of the counties' planned totals.
    pub progress: ProgressOut,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AssessmentComparisonOut {
    pub assessment: AssessmentOut,
    /// The rule every part uses, in words (the summary uses it too).
    pub rule: String,
    /// How the region's summary is computed, in words.
    pub summary_method: String,
    pub threshold: f64,
    pub summary: RegionSummaryOut,
    /// Weakest first (lowest rate; counties without valid responses last).
    pub counties: Vec<CountyPartOut>,
}
