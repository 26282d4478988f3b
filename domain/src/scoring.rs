//! Recognition rates: the two formulas, their 95% intervals, group weights,
//! the verdict against 85%, and the rule stated in words.
//!
//! Rates are built from [`Sums`], exact integer tallies divided once, so a
//! rate computed from stored aggregates equals one computed response by
//! response (up to floating-point rounding).

use super::{
    questionnaire::Questionnaire,
    round::{Formula, Reading, ScoringRule, THRESHOLD},
    submission::ResponseScore,
};

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;
/// Below this many responses a rate carries a "small sample" marker.
pub const DEFAULT_MIN_N: u64 = 30;

/// What a rate is averaged over: per respondent (or per answer, for items).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sums {
    /// Units counted: responses with at least one judged answer (for an
    /// item, answers other than don't-know).
    pub n: u64,
    /// Σ recognised/judged over the units.
    pub share: f64,
    /// Σ mean points over the units.
    pub score: f64,
    /// Σ (mean points)² over the units.
    pub score_sq: f64,
}

impl Sums {
    /// Adds `responses` responses that each judged `judged` answers, with
    /// the integer sums of their recognised answers, points and points².
    /// Responses that judged nothing have no rate and are skipped.
    pub fn add_class(
        &mut self,
        judged: i64,
        responses: i64,
        recognised: i64,
        points: i64,
        points_sq: i64,
    ) {
        if judged <= 0 || responses <= 0 {
            return;
        }
        let j = judged as f64;
        self.n += responses as u64;
        self.share += recognised as f64 / j;
        self.score += points as f64 / j;
        self.score_sq += points_sq as f64 / (j * j);
    }

    /// Adds `count` answers to one item, each recognised or not, with `points`.
    pub fn add_answers(&mut self, count: i64, recognised: bool, points: u8) {
        self.add_class(
            1,
            count,
            if recognised { count } else { 0 },
            count * i64::from(points),
            count * i64::from(points) * i64::from(points),
        );
    }

    pub fn merge(&mut self, other: &Sums) {
        self.n += other.n;
        self.share += other.share;
        self.score += other.score;
        self.score_sq += other.score_sq;
    }
}

/// A rate with its sample size and 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// 0–1; `None` when nothing counts.
    pub rate: Option<f64>,
    pub n: u64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// n is below the minimum: the rate is shown but should not be read alone.
    pub small_n: bool,
}

/// The county's standing against the 85% threshold, read as the inspection
/// reads it: by the rate itself. The interval is a precision note beside it
/// ([`Precision`]), not part of the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The rate reaches 85%.
    Pass,
    /// The rate is below 85%.
    Fail,
    /// No valid response yet.
    NoData,
}

impl Verdict {
    pub fn of(e: &Estimate) -> Self {
        match e.rate {
            Some(r) if r >= THRESHOLD => Self::Pass,
            Some(_) => Self::Fail,
            None => Self::NoData,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::NoData => "no_data",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Pass => "达标",
            Self::Fail => "未达标",
            Self::NoData => "暂无有效问卷",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Pass => "Meets 85%",
            Self::Fail => "Below 85%",
            Self::NoData => "No valid response yet",
        }
    }
}

/// How precise the verdict is: whether the 95% interval lies wholly on the
/// verdict's side of 85%, and if not, how many more valid responses would
/// make it do so if the rate stayed where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precision {
    /// The whole interval is on the verdict's side of 85%.
    pub clear: bool,
    /// More valid (scored) responses needed at the current rate; `Some(0)`
    /// when already clear, `None` when no number of responses would do
    /// (a rate of exactly 85%, too few responses to estimate a spread, or
    /// more than [`MORE_NEEDED_CAP`] needed).
    pub more_needed: Option<u64>,
    /// Chinese, then English; `None` when there is no rate.
    pub note: Option<(String, String)>,
}

/// Beyond this many responses in all, "how many more" is not worth stating.
pub const MORE_NEEDED_CAP: u64 = 10_000_000;

impl Precision {
    pub fn of(e: &Estimate, more_needed: Option<u64>) -> Self {
        let (Some(rate), Some(low), Some(high)) = (e.rate, e.low, e.high) else {
            return Self {
                clear: false,
                more_needed: None,
                note: None,
            };
        };
        let above = rate >= THRESHOLD;
        let clear = if above {
            low > THRESHOLD
        } else {
            high < THRESHOLD
        };
        let note = match (clear, above, more_needed) {
            (true, true, _) => (
                "按95%置信区间，认可率也高于85%。".to_string(),
                "The whole 95% interval is above 85%.".to_string(),
            ),
            (true, false, _) => (
                "按95%置信区间，认可率也低于85%。".to_string(),
                "The whole 95% interval is below 85%.".to_string(),
            ),
            (false, true, Some(m)) => (
                format!(
                    "按95%置信区间仍可能低于85%；若认可率保持不变，再收集{m}份有效问卷可使区间整体高于85%。"
                ),
                format!(
                    "By the 95% interval the rate may still be below 85%; at the current rate, {m} more valid responses would put the whole interval above 85%."
                ),
            ),
            (false, false, Some(m)) => (
                format!(
                    "按95%置信区间仍可能达到85%；若认可率保持不变，再收集{m}份有效问卷可使区间整体低于85%。"
                ),
                format!(
                    "By the 95% interval the rate may still reach 85%; at the current rate, {m} more valid responses would put the whole interval below 85%."
                ),
            ),
            (false, true, None) => (
                "按95%置信区间仍可能低于85%。".to_string(),
                "By the 95% interval the rate may still be below 85%.".to_string(),
            ),
            (false, false, None) => (
                "按95%置信区间仍可能达到85%。".to_string(),
                "By the 95% interval the rate may still reach 85%.".to_string(),
            ),
        };
        Self {
            clear,
            more_needed,
            note: Some(note),
        }
    }
}

/// The Wilson score interval for a proportion `p` observed over `n` units.
pub fn wilson(p: f64, n: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).max(0.0).sqrt();
    ((center - half).max(0.0), (center + half).min(1.0))
}

/// Computes rates under one formula, marking samples below `min_n`.
#[derive(Debug, Clone, Copy)]
pub struct Scorer {
    pub formula: Formula,
    pub min_n: u64,
    /// Full marks of the mean-score formula (the rule's `full_points`): the
    /// rate is mean points ÷ this, between 1 ÷ this and 1.
    pub full_points: u8,
}

impl Scorer {
    /// The scorer of a rule, with a small-sample marker below `min_n`.
    pub fn of(rule: &ScoringRule, min_n: u64) -> Self {
        Self {
            formula: rule.formula,
            min_n,
            full_points: rule.full_points,
        }
    }

    fn full(&self) -> f64 {
        f64::from(self.full_points.max(1))
    }

    /// Lowest and highest mean-score rate: points 1 to full marks.
    fn score_range(&self) -> (f64, f64) {
        (1.0 / self.full(), 1.0)
    }

    /// The normal interval mean ± z·se, clipped to the mean-score range.
    fn normal(&self, mean: f64, se: Option<f64>) -> (f64, f64) {
        let range = self.score_range();
        match se {
            Some(se) => (
                (mean - Z95 * se).max(range.0),
                (mean + Z95 * se).min(range.1),
            ),
            None => range,
        }
    }

    /// Standard error of a mean-score rate (points ÷ full marks), if n ≥ 2.
    fn score_se(&self, s: &Sums) -> Option<f64> {
        if s.n < 2 {
            return None;
        }
        let n = s.n as f64;
        let mean = s.score / n;
        let var = ((s.score_sq - n * mean * mean) / (n - 1.0)).max(0.0);
        Some((var / n).sqrt() / self.full())
    }

    fn finish(&self, rate: f64, n: u64, (low, high): (f64, f64)) -> Estimate {
        Estimate {
            rate: Some(rate),
            n,
            low: Some(low.min(rate)),
            high: Some(high.max(rate)),
            small_n: n < self.min_n,
        }
    }

    fn empty(&self) -> Estimate {
        Estimate {
            rate: None,
            n: 0,
            low: None,
            high: None,
            small_n: self.min_n > 0,
        }
    }

    /// The plain rate: the mean over units, each counted once.
    pub fn estimate(&self, s: &Sums) -> Estimate {
        if s.n == 0 {
            return self.empty();
        }
        let n = s.n as f64;
        match self.formula {
            Formula::MeanScoreX20 => {
                let r = s.score / n / self.full();
                self.finish(r, s.n, self.normal(r, self.score_se(s)))
            }
            _ => {
                let p = s.share / n;
                self.finish(p, s.n, wilson(p, n))
            }
        }
    }

    /// Σ wᵍ·rateᵍ / Σ wᵍ over the parts with responses and a positive weight.
    /// The interval uses Kish's effective sample size (Σw)²/Σ(w²/nᵍ) for the
    /// Wilson interval, or the combined standard error for mean scores.
    pub fn weighted(&self, parts: &[(f64, Sums)]) -> Estimate {
        let used: Vec<&(f64, Sums)> = parts.iter().filter(|(w, s)| *w > 0.0 && s.n > 0).collect();
        let total_w: f64 = used.iter().map(|(w, _)| w).sum();
        if used.is_empty() || total_w <= 0.0 {
            return self.empty();
        }
        let n: u64 = used.iter().map(|(_, s)| s.n).sum();
        let rate = used
            .iter()
            .map(|(w, s)| w * self.estimate(s).rate.unwrap_or(0.0))
            .sum::<f64>()
            / total_w;
        match self.formula {
            Formula::MeanScoreX20 => {
                let var: Option<f64> = used
                    .iter()
                    .map(|(w, s)| self.score_se(s).map(|se| (w / total_w).powi(2) * se * se))
                    .sum();
                self.finish(rate, n, self.normal(rate, var.map(f64::sqrt)))
            }
            _ => {
                let n_eff =
                    total_w * total_w / used.iter().map(|(w, s)| w * w / s.n as f64).sum::<f64>();
                self.finish(rate, n, wilson(rate, n_eff))
            }
        }
    }
}

impl Scorer {
    /// How many more valid responses, at the current rate and spread, would
    /// put the whole 95% interval of the (weighted) rate of `parts` on one
    /// side of 85%. Every part grows in proportion: the interval of `N`
    /// responses in all is that of the current ones with the sample size
    /// (Wilson: the effective n; mean score: 1/variance) times N/n.
    /// Use `[(1.0, sums)]` for an unweighted rate.
    pub fn more_needed(&self, parts: &[(f64, Sums)]) -> Option<u64> {
        let used: Vec<&(f64, Sums)> = parts.iter().filter(|(w, s)| *w > 0.0 && s.n > 0).collect();
        let total_w: f64 = used.iter().map(|(w, _)| w).sum();
        let n: u64 = used.iter().map(|(_, s)| s.n).sum();
        if n == 0 || total_w <= 0.0 {
            return None;
        }
        let rate = self.weighted(parts).rate?;
        if rate == THRESHOLD {
            return None;
        }
        let above = rate > THRESHOLD;
        let interval: Box<dyn Fn(f64) -> (f64, f64)> = match self.formula {
            Formula::MeanScoreX20 => {
                let var: f64 = used
                    .iter()
                    .map(|(w, s)| self.score_se(s).map(|se| (w / total_w).powi(2) * se * se))
                    .sum::<Option<f64>>()?;
                let me = *self;
                Box::new(move |k| me.normal(rate, Some((var / k).sqrt())))
            }
            _ => {
                let n_eff =
                    total_w * total_w / used.iter().map(|(w, s)| w * w / s.n as f64).sum::<f64>();
                Box::new(move |k| wilson(rate, n_eff * k))
            }
        };
        let clear = |total: u64| {
            let (low, high) = interval(total as f64 / n as f64);
            if above {
                low.min(rate) > THRESHOLD
            } else {
                high.max(rate) < THRESHOLD
            }
        };
        if clear(n) {
            return Some(0);
        }
        // The smallest total that clears: double until one does, then bisect.
        let (mut lo, mut hi) = (n, n.saturating_mul(2));
        while !clear(hi) {
            if hi > MORE_NEEDED_CAP {
                return None;
            }
            lo = hi;
            hi = hi.saturating_mul(2);
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if clear(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        // Doubling may overshoot the cap before it clears: past the cap
        // is "not within reach", as the doc says.
        (hi <= MORE_NEEDED_CAP).then(|| hi - n)
    }
}

/// The interval method in words.
pub fn interval_words(formula: Formula) -> &'static str {
    match formula {
        Formula::ShareRecognised => {
            "95%置信区间采用Wilson区间（按受访者人数计；加权时按有效样本量(Σw)²/Σ(w²/n)计）"
        }
        Formula::MeanScoreX20 => {
            "95%置信区间采用正态近似区间：平均分 ± 1.96 × 标准误（按受访者计）"
        }
        Formula::AnswerShare => {
            "95%置信区间采用Wilson区间（按答案数计；同一人的答案并不独立，区间偏窄，仅供参考）"
        }
        Formula::OverallItemShare => {
            "95%置信区间采用Wilson区间（按回答了总体评价题的有效问卷数计）"
        }
    }
}

/// The mean-score formula in words for the rule's full marks.
fn mean_score_words(full_points: u8) -> String {
    let full = full_points.max(1);
    let factor = if 100 % u32::from(full) == 0 {
        format!("{}", 100 / u32::from(full))
    } else {
        format!("100/{full}")
    };
    format!(
        "认可率 = 每位有效受访者计分题平均分（1–{full}分，“不了解”不计）的平均值 ÷ {full} （即 × {factor}，范围{:.1}%–100%）",
        100.0 / f64::from(full)
    )
}

/// Which options of the scale count as recognised, in words.
pub fn reading_words(rule: &ScoringRule) -> String {
    let scale = rule.scale;
    let middle = scale.middle();
    let labels = scale.labels();
    let judged = &labels[..labels.len() - 1];
    let counted: Vec<&str> = judged
        .iter()
        .copied()
        .take_while(|l| *l != middle)
        .chain((rule.reading == Reading::Loose).then_some(middle))
        .collect();
    format!(
        "量表：{}；计为认可：{}（“{middle}”{}）；“不了解”不计入分母",
        scale.label_zh(),
        counted.join("、"),
        match rule.reading {
            Reading::Strict => "不计入认可，从严",
            Reading::Loose => "计入认可，从宽",
        }
    )
}

/// The rule in words: formula, weights, threshold.
pub fn describe_rule(rule: &ScoringRule) -> String {
    let formula = match rule.formula {
        Formula::ShareRecognised => {
            "认可率 = 每位有效受访者“认可”答案数 ÷ 计分答案数（“不了解”不计入分母）的平均值，每人计一次".to_string()
        }
        Formula::MeanScoreX20 => mean_score_words(rule.full_points),
        Formula::AnswerShare => {
            "认可率 = 全部有效问卷的“认可”答案总数 ÷ 计分答案总数（“不了解”不计入分母），每个答案计一次".to_string()
        }
        Formula::OverallItemShare => {
            "认可率 = 总体评价题选择“认可”选项的有效问卷数 ÷ 回答了总体评价题（“不了解”除外）的有效问卷数".to_string()
        }
    };
    let weights = if rule.group_weights.is_empty() {
        "全县总体认可率按全部有效问卷计算，每人计一次".to_string()
    } else {
        let parts: Vec<String> = rule
            .group_weights
            .iter()
            .map(|(g, w)| format!("{}×{w}", g.label_zh()))
            .collect();
        format!(
            "全县总体认可率为各类对象认可率的加权平均 Σwᵍ·认可率ᵍ/Σwᵍ（{}）",
            parts.join("，")
        )
    };
    format!(
        "{formula}；{}；诊断题单列、不计入认可率；总体评价题只用于“总体评价题认可比例”；{weights}；达标线{:.0}%；无效问卷不计入。",
        reading_words(rule),
        THRESHOLD * 100.0
    )
}

/// The rule and the reporting conventions in words, so a reader can
/// recompute every number of a report.
pub fn describe_reporting(rule: &ScoringRule, min_n: u64) -> String {
    format!(
        "{}学校、对象、地区和题目的认可率按有效问卷计算，不加权；题目认可率 = 该题“认可”答案数 ÷ 该题计分答案数；\
         全部选择“不了解”的问卷不计入认可率；无效问卷单独按原因统计；{}；\
         样本少于{min_n}份时标注“样本不足”；认可率本身达到85%为达标，否则为未达标（与督导评估的读法一致）；\
         95%置信区间作为精度说明，区间包含85%时给出按当前认可率还需的有效问卷数。",
        describe_rule(rule),
        interval_words(rule.formula),
    )
}

/// What each answer adds to a response's score, per item position and
/// option code: scoring a stored answer string is then one pass over it.
#[derive(Debug, Clone)]
pub struct ScoreTable {
    cells: Vec<[ResponseScore; 10]>,
}

impl ScoreTable {
    pub fn new(q: &Questionnaire) -> Self {
        let cells = q
            .items
            .iter()
            .map(|item| {
                let mut row = [ResponseScore::default(); 10];
                if item.counts() {
                    for o in item.options.iter().filter(|o| !o.dont_know && o.code <= 9) {
                        row[usize::from(o.code)] = ResponseScore {
                            recognised: i32::from(o.recognised),
                            judged: 1,
                            points: i32::from(o.points.unwrap_or(0)),
                        };
                    }
                }
                row
            })
            .collect();
        Self { cells }
    }

    /// Scores a stored answer string as `check_answers` did at submission.
    pub fn score(&self, encoded: &str) -> ResponseScore {
        let mut s = ResponseScore::default();
        for (row, b) in self.cells.iter().zip(encoded.as_bytes()) {
            if let b'1'..=b'9' = b {
                let add = row[usize::from(b - b'0')];
                s.recognised += add.recognised;
                s.judged += add.judged;
                s.points += add.points;
            }
        }
        s
    }
}

/// Scores one stored answer string against its questionnaire.
pub fn score_of(q: &Questionnaire, encoded: &str) -> ResponseScore {
    ScoreTable::new(q).score(encoded)
}

#[cfg(test)]
#[path = "scoring_tests.rs"]
mod tests;
