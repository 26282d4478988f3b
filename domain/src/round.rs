//! Survey rounds (测评轮次): purpose, lifecycle, window and the scoring rule.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::group::RespondentGroup;

/// The recognition threshold a county must reach.
pub const THRESHOLD: f64 = 0.85;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// 县级自评
    SelfAssessment,
    /// 州（市）复核
    PrefectureReview,
    /// 省级评估
    Provincial,
    /// 国家认定模拟: a rehearsal of the Ministry's survey, not the survey itself.
    NationalRehearsal,
}

impl Purpose {
    pub const ALL: [Purpose; 4] = [
        Self::SelfAssessment,
        Self::PrefectureReview,
        Self::Provincial,
        Self::NationalRehearsal,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::SelfAssessment => "self_assessment",
            Self::PrefectureReview => "prefecture_review",
            Self::Provincial => "provincial",
            Self::NationalRehearsal => "national_rehearsal",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == c)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::SelfAssessment => "县级自评",
            Self::PrefectureReview => "州（市）复核",
            Self::Provincial => "省级评估",
            Self::NationalRehearsal => "国家认定模拟",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::SelfAssessment => "County self-assessment",
            Self::PrefectureReview => "Prefecture review",
            Self::Provincial => "Provincial assessment",
            Self::NationalRehearsal => "National recognition rehearsal",
        }
    }
    /// What every report and export of a round with this purpose says about
    /// the official result: in the national recognition step the Ministry
    /// runs the survey itself, so only a province's own assessment is an
    /// official result of its own. Chinese, then English.
    pub fn official_note(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::Provincial => None,
            _ => Some((
                "本轮测评结果仅供参考；正式的社会认可度结果以教育部组织的社会认可度调查为准。",
                "This round's result is for reference only; the official social-recognition result comes from the Ministry of Education's survey.",
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Draft,
    Open,
    Closed,
}

impl RoundStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        [Self::Draft, Self::Open, Self::Closed]
            .into_iter()
            .find(|s| s.code() == c)
    }
}

/// What a second response from the same device in the same round and group gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatePolicy {
    /// Refused with a friendly message; nothing stored.
    Refuse,
    /// Stored, flagged `duplicate_device`, excluded from rates.
    Flag,
}

impl DuplicatePolicy {
    pub fn code(self) -> &'static str {
        match self {
            Self::Refuse => "refuse",
            Self::Flag => "flag",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        [Self::Refuse, Self::Flag]
            .into_iter()
            .find(|s| s.code() == c)
    }
}

/// How a rate is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Formula {
    /// Per respondent: recognised answers / scored answers (don't-know excluded);
    /// a group's rate is the mean over its valid responses.
    ShareRecognised,
    /// The mean of option points over scored answers, as a share of full
    /// marks (×20 for points up to 5).
    MeanScoreX20,
    /// Per answer: Σ recognised answers / Σ judged answers over all valid
    /// responses (each answer counts once, so a respondent who judged more
    /// items weighs more).
    AnswerShare,
    /// Per questionnaire: the share of valid responses whose overall
    /// evaluation (总体评价) is recognised, among those that judged it.
    OverallItemShare,
}

impl Formula {
    pub const ALL: [Formula; 4] = [
        Self::ShareRecognised,
        Self::AnswerShare,
        Self::OverallItemShare,
        Self::MeanScoreX20,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::ShareRecognised => "share_recognised",
            Self::MeanScoreX20 => "mean_score_x20",
            Self::AnswerShare => "answer_share",
            Self::OverallItemShare => "overall_item_share",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == c)
    }
    /// Whether the rate averages over answers (tallied per link and item:
    /// the option counts) rather than over respondents (tallied per class
    /// of responses): what a report's rate is computed from.
    pub fn counts_answers(self) -> bool {
        matches!(self, Self::AnswerShare | Self::OverallItemShare)
    }
    /// Whether the rate is a share of recognised answers, so that the
    /// reading of a middle option changes it (a mean score does not).
    pub fn counts_recognised(self) -> bool {
        self != Self::MeanScoreX20
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::ShareRecognised => "按人计认可比例",
            Self::MeanScoreX20 => "平均分折算",
            Self::AnswerShare => "按答案计认可比例",
            Self::OverallItemShare => "总体评价题认可比例",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::ShareRecognised => "Per-respondent share",
            Self::MeanScoreX20 => "Mean score as percent",
            Self::AnswerShare => "Per-answer share",
            Self::OverallItemShare => "Overall-item share",
        }
    }
}

/// The built-in answer scales a round chooses from.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// 满意 / 比较满意 / 一般 / 不满意 / 不了解 (renke's first scale; no
    /// published instrument uses 一般).
    #[default]
    FiveGeneral,
    /// 满意 / 比较满意 / 基本满意 / 不满意 / 不了解 (published instruments).
    FiveBasic,
    /// 满意 / 基本满意 / 不满意 / 不了解 (older instruments, where
    /// "基本满意以上" passed).
    FourBasic,
}

/// Whether the middle option of a scale (一般, 基本满意) counts as recognised.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// Only the options above the middle one are recognised.
    #[default]
    Strict,
    /// The middle option is recognised too.
    Loose,
}

impl Reading {
    pub const ALL: [Reading; 2] = [Self::Strict, Self::Loose];
    pub fn code(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::Loose => "loose",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == c)
    }
}

/// Full marks of rounds made before scales were chosen: points 5/4/3/2, ×20.
pub const LEGACY_FULL_POINTS: u8 = 5;

fn legacy_full_points() -> u8 {
    LEGACY_FULL_POINTS
}

/// The scoring rule of a round, frozen when the round opens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoringRule {
    pub formula: Formula,
    /// Optional weights per group for the overall rate; empty means every
    /// valid response counts once.
    #[serde(default)]
    pub group_weights: BTreeMap<RespondentGroup, f64>,
    /// The answer scale of the round's questionnaires (rounds stored before
    /// scales were chosen used [`Scale::FiveGeneral`]).
    #[serde(default)]
    pub scale: Scale,
    /// Whether the scale's middle option counts as recognised.
    #[serde(default)]
    pub reading: Reading,
    /// Full marks for the mean-score formula: rate = mean points ÷ this, and
    /// the lowest rate is 1 ÷ this. 5 for rounds stored before scales were
    /// chosen (points 5/4/3/2, i.e. ×20).
    #[serde(default = "legacy_full_points")]
    pub full_points: u8,
}

/// The rule of rounds stored before scales were chosen (and what a stored
/// rule without the newer fields reads as): 满意/比较满意/一般/不满意/不了解,
/// 一般 not recognised, points 5/4/3/2 ×20. New rounds take
/// [`ScoringRule::for_scale`].
impl Default for ScoringRule {
    fn default() -> Self {
        Self {
            formula: Formula::ShareRecognised,
            group_weights: BTreeMap::new(),
            scale: Scale::FiveGeneral,
            reading: Reading::Strict,
            full_points: LEGACY_FULL_POINTS,
        }
    }
}

impl ScoringRule {
    pub fn validate(&self, groups: &[RespondentGroup]) -> Result<(), String> {
        for (g, w) in &self.group_weights {
            if !groups.contains(g) {
                return Err(format!("权重中的对象“{}”不在本轮调查对象中", g.label_zh()));
            }
            if !w.is_finite() || *w < 0.0 {
                return Err(format!("“{}”的权重须为非负数", g.label_zh()));
            }
        }
        if !self.group_weights.is_empty() && self.group_weights.values().sum::<f64>() <= 0.0 {
            return Err("权重之和须大于0".to_string());
        }
        Ok(())
    }
}

/// Where a round stands for a respondent at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Still being prepared by the organiser.
    Draft,
    /// Open but its window has not started.
    NotYetOpen {
        opens_at: DateTime<Utc>,
    },
    Accepting,
    Closed,
}

/// Decides whether a round accepts responses now.
pub fn availability(
    status: RoundStatus,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Availability {
    match status {
        RoundStatus::Draft => Availability::Draft,
        RoundStatus::Closed => Availability::Closed,
        RoundStatus::Open if now < opens_at => Availability::NotYetOpen { opens_at },
        RoundStatus::Open if now >= closes_at => Availability::Closed,
        RoundStatus::Open => Availability::Accepting,
    }
}

/// Checks the window of a round.
pub fn validate_window(opens_at: DateTime<Utc>, closes_at: DateTime<Utc>) -> Result<(), String> {
    if closes_at <= opens_at {
        return Err("结束时间须晚于开始时间".to_string());
    }
    if closes_at - opens_at > chrono::Duration::days(366) {
        return Err("调查时间窗口不能超过一年".to_string());
    }
    Ok(())
}

/// A stored round, its codes read into their types.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub id: i64,
    pub name: String,
    pub purpose: Purpose,
    pub status: RoundStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// The rule as stored (frozen at opening).
    pub scoring_rule: ScoringRule,
    pub min_answer_seconds: i32,
    pub duplicate_policy: DuplicatePolicy,
    /// Most answers one device may give on one link, the first included
    /// (a household sharing a phone); 0 or 1: one.
    pub shared_device_limit: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The county whose round this is (required on both databases).
    pub county_id: i64,
    /// The assessment run from above this round is a county's part of;
    /// none for a county's own round.
    pub assessment_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, h, 0, 0).unwrap()
    }

    #[test]
    fn availability_follows_status_and_window() {
        use Availability::*;
        assert_eq!(availability(RoundStatus::Draft, t(8), t(20), t(10)), Draft);
        assert_eq!(
            availability(RoundStatus::Open, t(8), t(20), t(7)),
            NotYetOpen { opens_at: t(8) }
        );
        assert_eq!(
            availability(RoundStatus::Open, t(8), t(20), t(8)),
            Accepting
        );
        assert_eq!(availability(RoundStatus::Open, t(8), t(20), t(20)), Closed);
        assert_eq!(
            availability(RoundStatus::Closed, t(8), t(20), t(10)),
            Closed
        );
    }

    #[test]
    fn weights_must_name_round_groups() {
        let mut rule = ScoringRule::default();
        rule.group_weights.insert(RespondentGroup::Deputy, 1.0);
        assert!(rule.validate(&[RespondentGroup::Parent]).is_err());
        assert!(rule.validate(&[RespondentGroup::Deputy]).is_ok());
        rule.group_weights.insert(RespondentGroup::Deputy, -1.0);
        assert!(rule.validate(&[RespondentGroup::Deputy]).is_err());
    }

    #[test]
    fn window_must_be_ordered() {
        assert!(validate_window(t(10), t(9)).is_err());
        assert!(validate_window(t(9), t(10)).is_ok());
    }
}
