//! The report of a round as the API shows it, converted from the domain.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};

use super::{
    paper::SheetCountsOut,
    report_areas::{AreaItemsOut, areas_out, section},
    rounds::{RoundSummary, ScoringRuleDto},
    types::{FormulaDto, GroupDto, LocationDto, PurposeDto, ReadingDto},
};
use crate::{
    domain::{
        area::Section,
        collection::rates_by_mode,
        group::RespondentGroup,
        report::{ItemRate, Report, SchoolInfo},
        round::{Formula, Purpose, Round, ScoringRule},
        scoring::{Estimate, Verdict},
        sources::rates_by_source,
        submission::Validity,
        whatif::{Outcome, reading_sentence},
    },
    export::cells::reason_label,
    store::reports::RoundData,
};

impl From<&Round> for RoundSummary {
    fn from(r: &Round) -> Self {
        Self {
            id: r.id,
            name: r.name.clone(),
            purpose: r.purpose.into(),
            status: r.status.into(),
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            county_id: r.county_id,
            assessment_id: r.assessment_id,
        }
    }
}

/// A rate with its sample size and 95% interval.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RateOut {
    /// The rate, 0–1 (0.85 = 85%); null when no valid response counts.
    pub rate: Option<f64>,
    /// Valid responses behind the rate (for an item: its answers other than 不了解).
    pub n: u64,
    /// Lower bound of the 95% interval.
    pub low: Option<f64>,
    /// Upper bound of the 95% interval.
    pub high: Option<f64>,
    /// n is below the report's minimum: do not read the rate on its own.
    pub small_n: bool,
}

impl From<&Estimate> for RateOut {
    fn from(e: &Estimate) -> Self {
        Self {
            rate: e.rate,
            n: e.n,
            low: e.low,
            high: e.high,
            small_n: e.small_n,
        }
    }
}

/// The official reading, by the rate itself: pass 达标 (the rate reaches
/// 85%), fail 未达标 (below), no_data. The 95% interval is a precision note
/// beside it (`precision_note`, `more_responses_needed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum VerdictDto {
    Pass,
    Fail,
    NoData,
}

impl From<Verdict> for VerdictDto {
    fn from(v: Verdict) -> Self {
        match v {
            Verdict::Pass => Self::Pass,
            Verdict::Fail => Self::Fail,
            Verdict::NoData => Self::NoData,
        }
    }
}

/// The rule a report applies, as data and in words.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ReportRuleOut {
    /// Formula, group weights, threshold.
    pub scoring_rule: ScoringRuleDto,
    /// Rates from fewer valid responses than this are marked small_n.
    pub min_n: u64,
    /// `normal_mean` (mean score) or `wilson` (the shares of recognised answers).
    pub interval: String,
    pub confidence: f64,
    /// Which options count as recognised or don't-know is listed per item in `items`.
    pub description: String,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TotalsOut {
    pub responses: u64,
    pub valid: u64,
    pub invalid: u64,
    /// Valid responses that answered every scored item 不了解 (no rate).
    pub unscored: u64,
    /// Valid responses from a shared household phone (counted; shown apart).
    pub shared_device: u64,
    /// Responses from a device that had already answered (not counted;
    /// part of `invalid`).
    pub duplicate_device: u64,
}

/// The county's overall rate, judged against 85%.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OverallOut {
    #[oai(flatten)]
    pub rate: RateOut,
    pub verdict: VerdictDto,
    /// 达标 / 未达标 / 暂无有效问卷
    pub verdict_label: String,
    pub verdict_label_en: String,
    /// The rate itself reaches 85% (the official reading: the same as `verdict`).
    pub meets_threshold: Option<bool>,
    /// The whole 95% interval lies on the verdict's side of 85%.
    pub interval_clear: bool,
    /// The precision note under the verdict, e.g. "按95%置信区间仍可能低于85%；…".
    pub precision_note: Option<String>,
    pub precision_note_en: Option<String>,
    /// How many more valid responses, at the current rate, would put the
    /// whole 95% interval on one side of 85% (0 when it already is; absent
    /// when no number would: a rate of exactly 85%, or too little spread data).
    pub more_responses_needed: Option<u64>,
    /// What the overall rate leaves out, if anything.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct GroupRateOut {
    pub group: GroupDto,
    pub group_label: String,
    /// The group's weight in the overall rate, when the rule sets weights.
    pub weight: Option<f64>,
    #[oai(flatten)]
    pub rate: RateOut,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SchoolRateOut {
    pub school_id: i64,
    pub school_code: String,
    pub school_name: String,
    pub location: LocationDto,
    #[oai(flatten)]
    pub rate: RateOut,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SchoolGroupRateOut {
    pub school_id: i64,
    pub school_name: String,
    pub group: GroupDto,
    pub group_label: String,
    #[oai(flatten)]
    pub rate: RateOut,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LocationRateOut {
    pub location: LocationDto,
    /// 城区 / 镇区 / 乡村
    pub location_label: String,
    #[oai(flatten)]
    pub rate: RateOut,
}

/// Valid responses answered in one language under the round's rule.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LanguageRateOut {
    /// BCP 47 tag; `zh` for the questionnaire as written.
    pub language: String,
    /// The language's own name (中文, ئۇيغۇرچە, …).
    pub language_label: String,
    #[oai(flatten)]
    pub rate: RateOut,
}

/// n and rate by the language respondents answered in (every language
/// counts in the one rate above); present when the round has additional
/// languages.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LanguagesOut {
    pub rates: Vec<LanguageRateOut>,
    /// How the breakdown reads the rule differently, if it does.
    pub note: Option<String>,
    pub note_en: Option<String>,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OptionCountOut {
    pub code: u8,
    pub label: String,
    pub recognised: bool,
    pub dont_know: bool,
    pub points: Option<u8>,
    /// Valid answers that chose this option.
    pub count: i64,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ItemRateOut {
    pub group: GroupDto,
    pub group_label: String,
    pub item_id: String,
    /// 1-based position in the questionnaire.
    pub position: u32,
    pub text: String,
    pub topic: Option<String>,
    /// The content area the item is grouped under: one of the inspection's
    /// named areas (older short topic names resolved, e.g. 减负 →
    /// 减轻过重课业负担); absent when the topic names none or the item is
    /// diagnostic (see `areas`).
    pub area: Option<String>,
    /// Shown with its own rate, left out of the recognition rate.
    pub diagnostic: bool,
    /// The overall evaluation (总体评价): read by the overall-item formula only.
    pub overall: bool,
    #[oai(flatten)]
    pub rate: RateOut,
    pub options: Vec<OptionCountOut>,
}

/// The same valid responses under one formula and reading of the middle
/// option: a row of the sensitivity table, or a what-if result.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SensitivityRowOut {
    pub formula: FormulaDto,
    /// For mean_score_x20 the round's own (points do not depend on it).
    pub reading: ReadingDto,
    /// The round's own rule: the headline of the report.
    pub headline: bool,
    /// e.g. 按人计认可比例（“基本满意”计入认可）
    pub label: String,
    pub label_en: String,
    #[oai(flatten)]
    pub rate: RateOut,
    pub verdict: VerdictDto,
    pub verdict_label: String,
    pub verdict_label_en: String,
    /// Rows that differ from the round's rule by the reading only, e.g.
    /// 若“基本满意”计入认可：91.3%.
    pub sentence: Option<String>,
    pub precision_note: Option<String>,
    pub precision_note_en: Option<String>,
    pub more_responses_needed: Option<u64>,
    /// Why there is no rate for a reason of the rule (e.g. no overall item).
    pub note: Option<String>,
    pub note_en: Option<String>,
}

pub fn sensitivity_row(rule: &ScoringRule, o: &Outcome) -> SensitivityRowOut {
    SensitivityRowOut {
        formula: o.variant.formula.into(),
        reading: o.variant.reading.into(),
        headline: o.headline,
        label: o.label.0.clone(),
        label_en: o.label.1.clone(),
        rate: (&o.estimate).into(),
        verdict: o.verdict.into(),
        verdict_label: o.verdict.label_zh().to_string(),
        verdict_label_en: o.verdict.label_en().to_string(),
        sentence: reading_sentence(rule, o),
        precision_note: o.precision.note.as_ref().map(|n| n.0.clone()),
        precision_note_en: o.precision.note.as_ref().map(|n| n.1.clone()),
        more_responses_needed: o.precision.more_needed,
        note: o.note.as_ref().map(|n| n.0.clone()),
        note_en: o.note.as_ref().map(|n| n.1.clone()),
    }
}

/// Invalid responses of one school (none: county level) and group, by reason.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct InvalidOut {
    pub school_id: Option<i64>,
    pub school_name: Option<String>,
    pub group: GroupDto,
    pub group_label: String,
    /// e.g. too_fast, duplicate_device
    pub reason: String,
    pub reason_label: String,
    pub count: u64,
}

/// How a mode of collection (web, paper, interview) contributes: its
/// responses, valid ones and their rate. All modes count in the county rate.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ModeRateOut {
    /// `web`, `paper` or `interview` (in `sources`: `web`, `paper_single`,
    /// `paper_double`, `interview`).
    pub mode: String,
    /// 网上填写 / 纸质问卷 / 现场访谈 (in `sources`: 手机扫码填写 …)
    pub mode_label: String,
    pub responses: u64,
    pub valid: u64,
    /// The mode's valid responses, unweighted, by the share of recognised
    /// answers (or the mean score when the round uses it).
    #[oai(flatten)]
    pub rate: RateOut,
}

/// What the round is for, and where the official result comes from.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PurposeOut {
    pub purpose: PurposeDto,
    /// 县级自评 / 州（市）复核 / 省级评估 / 国家认定模拟
    pub label: String,
    pub label_en: String,
    /// For every purpose but 省级评估: the official result comes from the
    /// Ministry's survey, not from this round.
    pub official_note: Option<String>,
    pub official_note_en: Option<String>,
}

impl From<Purpose> for PurposeOut {
    fn from(p: Purpose) -> Self {
        let note = p.official_note();
        Self {
            purpose: p.into(),
            label: p.label_zh().to_string(),
            label_en: p.label_en().to_string(),
            official_note: note.map(|n| n.0.to_string()),
            official_note_en: note.map(|n| n.1.to_string()),
        }
    }
}

/// The report of a round: every rate with n, 95% interval and small-sample
/// marker, the verdict, and the rule used.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RoundReportOut {
    pub round: RoundSummary,
    /// The round's purpose, stated on every report and export.
    pub purpose: PurposeOut,
    pub generated_at: DateTime<Utc>,
    pub rule: ReportRuleOut,
    pub totals: TotalsOut,
    pub overall: OverallOut,
    pub groups: Vec<GroupRateOut>,
    pub schools: Vec<SchoolRateOut>,
    pub school_groups: Vec<SchoolGroupRateOut>,
    pub locations: Vec<LocationRateOut>,
    pub items: Vec<ItemRateOut>,
    /// `items` grouped by content area, in the inspection's order, then
    /// 其他 and 诊断题.
    pub areas: Vec<AreaItemsOut>,
    pub invalid: Vec<InvalidOut>,
    /// Responses and rates by how they were collected (web, paper,
    /// interview); every mode is listed.
    pub modes: Vec<ModeRateOut>,
    /// The same by source: `web` (phone), `paper_single`, `paper_double`
    /// (sheets keyed twice, counted once agreed or resolved) and
    /// `interview`; every source is listed and all count in the county rate.
    pub sources: Vec<ModeRateOut>,
    /// Paper sheets keyed: double-entered, mismatch rate, unresolved.
    pub paper_sheets: SheetCountsOut,
    /// The same valid responses under every formula and, where the scale
    /// has a middle option, both readings of it; the round's rule first
    /// (`headline`). Computed from the raw responses; the headline above is
    /// computed from the stored tallies and equals the first row.
    pub sensitivity: Vec<SensitivityRowOut>,
    /// By language, when the round has additional languages or responses in one.
    pub languages: Option<LanguagesOut>,
    /// Computer-room sessions (机房答题) and their answers, when the round
    /// has any; how each compares with its school and the county is in the
    /// integrity panel.
    pub room_sessions: Option<RoomCountsOut>,
}

/// The answers of a round's computer-room sessions.
#[derive(Debug, Clone, Object)]
pub struct RoomCountsOut {
    pub sessions: u64,
    /// Answers stored in a session, and those that count.
    pub answers: u64,
    pub valid: u64,
    /// Each session, in the order they were opened.
    pub per_session: Vec<RoomCountOut>,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RoomCountOut {
    pub id: i64,
    pub link_id: i64,
    pub school_id: Option<i64>,
    pub school_name: Option<String>,
    pub group: GroupDto,
    pub group_label: String,
    pub opened_at: DateTime<Utc>,
    pub answers: u64,
    pub valid: u64,
}

/// The room sessions part of the report (none when the round has none).
pub fn room_counts_out(data: &RoundData) -> Option<RoomCountsOut> {
    if data.rooms.is_empty() {
        return None;
    }
    let per_session: Vec<RoomCountOut> = data
        .rooms
        .iter()
        .filter_map(|(s, c)| {
            let link = data.links.iter().find(|l| l.id == s.link_id)?;
            let (group, group_label) = group_fields(link.group);
            Some(RoomCountOut {
                id: s.id,
                link_id: s.link_id,
                school_id: link.school_id,
                school_name: data.school(link.school_id).map(|x| x.name.clone()),
                group,
                group_label,
                opened_at: s.opened_at,
                answers: c.answers,
                valid: c.valid,
            })
        })
        .collect();
    Some(RoomCountsOut {
        sessions: per_session.len() as u64,
        answers: per_session.iter().map(|s| s.answers).sum(),
        valid: per_session.iter().map(|s| s.valid).sum(),
        per_session,
    })
}

/// The by-language breakdown, when there is more than Chinese.
pub fn languages_out(data: &RoundData, min_n: u64) -> Option<LanguagesOut> {
    if data.languages.is_empty() && data.tallies.languages.is_empty() {
        return None;
    }
    let b = crate::domain::report_languages::by_language(&data.input(min_n), &data.languages);
    Some(LanguagesOut {
        rates: b
            .rates
            .iter()
            .map(|l| LanguageRateOut {
                language_label: crate::domain::language::native_name(&l.language).to_string(),
                language: l.language.clone(),
                rate: (&l.estimate).into(),
            })
            .collect(),
        note: b.note.as_ref().map(|n| n.0.clone()),
        note_en: b.note.map(|n| n.1),
    })
}

fn group_fields(g: RespondentGroup) -> (GroupDto, String) {
    (g.into(), g.label_zh().to_string())
}

fn item_out(i: &ItemRate) -> ItemRateOut {
    let (group, group_label) = group_fields(i.group);
    ItemRateOut {
        group,
        group_label,
        item_id: i.item.id.clone(),
        position: i.index as u32 + 1,
        text: i.item.text.clone(),
        topic: i.item.topic.clone(),
        area: match section(i) {
            Section::Area(a) => Some(a.label_zh().to_string()),
            _ => None,
        },
        diagnostic: i.item.diagnostic,
        overall: i.item.overall,
        rate: (&i.estimate).into(),
        options: i
            .item
            .options
            .iter()
            .zip(&i.counts)
            .map(|(o, n)| OptionCountOut {
                code: o.code,
                label: o.label.clone(),
                recognised: o.recognised,
                dont_know: o.dont_know,
                points: o.points,
                count: *n,
            })
            .collect(),
    }
}

pub fn rule_out(data: &RoundData, words: &str, min_n: u64) -> ReportRuleOut {
    ReportRuleOut {
        scoring_rule: data.rule.clone().into(),
        min_n,
        interval: match data.rule.formula {
            Formula::MeanScoreX20 => "normal_mean",
            _ => "wilson",
        }
        .to_string(),
        confidence: 0.95,
        description: words.to_string(),
    }
}

fn school_name(s: Option<&SchoolInfo>) -> String {
    s.map(|s| s.name.clone()).unwrap_or_default()
}

pub fn report_out(
    data: &RoundData,
    r: &Report,
    sensitivity: &[Outcome],
    min_n: u64,
) -> RoundReportOut {
    RoundReportOut {
        languages: languages_out(data, min_n),
        sensitivity: sensitivity
            .iter()
            .map(|o| sensitivity_row(&data.rule, o))
            .collect(),
        round: (&data.detail.round).into(),
        purpose: data.detail.round.purpose.into(),
        generated_at: Utc::now(),
        rule: rule_out(data, &r.rule_words, min_n),
        totals: TotalsOut {
            responses: r.totals.responses,
            valid: r.totals.valid,
            invalid: r.totals.invalid,
            unscored: r.totals.unscored,
            shared_device: data.shared.values().sum(),
            duplicate_device: r
                .invalid
                .iter()
                .filter(|i| i.reason == Validity::DuplicateDevice.code())
                .map(|i| i.count)
                .sum(),
        },
        overall: OverallOut {
            rate: (&r.overall).into(),
            verdict: r.verdict.into(),
            verdict_label: r.verdict.label_zh().to_string(),
            verdict_label_en: r.verdict.label_en().to_string(),
            interval_clear: r.precision.clear,
            precision_note: r.precision.note.as_ref().map(|n| n.0.clone()),
            precision_note_en: r.precision.note.as_ref().map(|n| n.1.clone()),
            more_responses_needed: r.precision.more_needed,
            meets_threshold: r.overall.rate.map(|x| x >= crate::domain::round::THRESHOLD),
            note: r.overall_note.clone(),
        },
        groups: r
            .groups
            .iter()
            .map(|(g, w, e)| {
                let (group, group_label) = group_fields(*g);
                GroupRateOut {
                    group,
                    group_label,
                    weight: *w,
                    rate: e.into(),
                }
            })
            .collect(),
        schools: r
            .schools
            .iter()
            .map(|(s, e)| SchoolRateOut {
                school_id: s.id,
                school_code: s.code.clone(),
                school_name: s.name.clone(),
                location: s.location.into(),
                rate: e.into(),
            })
            .collect(),
        school_groups: r
            .school_groups
            .iter()
            .map(|(s, g, e)| {
                let (group, group_label) = group_fields(*g);
                let school_name = school_name(data.school(Some(*s)));
                SchoolGroupRateOut {
                    school_id: *s,
                    school_name,
                    group,
                    group_label,
                    rate: e.into(),
                }
            })
            .collect(),
        locations: r
            .locations
            .iter()
            .map(|(l, e)| LocationRateOut {
                location: (*l).into(),
                location_label: l.label_zh().to_string(),
                rate: e.into(),
            })
            .collect(),
        items: r.items.iter().map(item_out).collect(),
        areas: areas_out(&r.items),
        paper_sheets: SheetCountsOut::of(&data.sheets),
        room_sessions: room_counts_out(data),
        modes: rates_by_mode(&data.rule, min_n, &data.modes)
            .iter()
            .map(|m| ModeRateOut {
                mode: m.mode.code().to_string(),
                mode_label: m.mode.label_zh().to_string(),
                responses: m.responses,
                valid: m.valid,
                rate: (&m.estimate).into(),
            })
            .collect(),
        sources: sources_out(data, min_n),
        invalid: r
            .invalid
            .iter()
            .map(|i| {
                let (group, group_label) = group_fields(i.group);
                InvalidOut {
                    school_id: i.school_id,
                    school_name: data.school(i.school_id).map(|s| s.name.clone()),
                    group,
                    group_label,
                    reason: i.reason.clone(),
                    reason_label: reason_label(&i.reason).to_string(),
                    count: i.count,
                }
            })
            .collect(),
    }
}

/// Responses and rates by source (phone, paper keyed once or twice,
/// interview): the report's and the monitor's.
pub fn sources_out(data: &RoundData, min_n: u64) -> Vec<ModeRateOut> {
    rates_by_source(&data.rule, min_n, &data.modes, &data.paper_double)
        .iter()
        .map(|s| ModeRateOut {
            mode: s.source.code().to_string(),
            mode_label: s.source.label_zh().to_string(),
            responses: s.rate.responses,
            valid: s.rate.valid,
            rate: (&s.rate.estimate).into(),
        })
        .collect()
}
