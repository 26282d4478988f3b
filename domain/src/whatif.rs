//! The same valid responses under another rule: every formula and both
//! readings of a middle option, from the raw answers in one pass. The
//! what-if recomputation and the report's sensitivity table both come from
//! [`WhatIf`]; the round itself never changes.

use std::collections::BTreeMap;

use super::{
    group::RespondentGroup,
    questionnaire::{ItemKind, Questionnaire},
    round::{Formula, Reading, ScoringRule},
    scoring::{Estimate, Precision, Scorer, Sums, Verdict},
    submission::Validity,
    tally::{ClassSums, Tallies, VALID},
};

/// A formula read one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Variant {
    pub formula: Formula,
    /// For the mean score, the round's reading (points do not depend on it).
    pub reading: Reading,
}

/// What one answer adds: whether it is judged (not don't-know), recognised
/// under each reading (index 0 strict, 1 loose), and its points.
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    judged: bool,
    recognised: [bool; 2],
    points: i64,
}

/// Per item position: counted toward the rates, the overall item, or
/// neither; and the cell of each option code.
#[derive(Debug, Clone)]
struct Row {
    counts: bool,
    overall: bool,
    cells: [Cell; 10],
}

fn ri(r: Reading) -> usize {
    match r {
        Reading::Strict => 0,
        Reading::Loose => 1,
    }
}

/// Integer sums of one group's valid responses under both readings.
#[derive(Debug, Clone, Default)]
struct GroupSums {
    /// Per reading, per number of counted judged answers: responses and
    /// sums of recognised answers, points and points².
    classes: [BTreeMap<i32, ClassSums>; 2],
    /// Per reading: (judged answers, recognised answers).
    answers: [(i64, i64); 2],
    /// Per reading: (responses that judged the overall item, recognised).
    overall: [(i64, i64); 2],
}

/// One line of the sensitivity table, or a what-if result.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub variant: Variant,
    /// The round's own rule.
    pub headline: bool,
    pub estimate: Estimate,
    pub verdict: Verdict,
    pub precision: Precision,
    /// Chinese then English, e.g. 按人计认可比例，“基本满意”计入认可.
    pub label: (String, String),
    /// Why there is no rate, if there is none for a reason of the rule.
    pub note: Option<(String, String)>,
}

/// Folds valid responses and evaluates any variant of the round's rule.
#[derive(Debug, Clone)]
pub struct WhatIf<'a> {
    rule: &'a ScoringRule,
    groups: &'a [RespondentGroup],
    min_n: u64,
    rows: BTreeMap<RespondentGroup, Vec<Row>>,
    sums: BTreeMap<RespondentGroup, GroupSums>,
    has_middle: bool,
    has_overall: bool,
}

impl<'a> WhatIf<'a> {
    pub fn new(
        rule: &'a ScoringRule,
        groups: &'a [RespondentGroup],
        questionnaires: &BTreeMap<RespondentGroup, Questionnaire>,
        min_n: u64,
    ) -> Self {
        let mut rows = BTreeMap::new();
        for (g, q) in questionnaires {
            let r: Vec<Row> = q
                .items
                .iter()
                .map(|item| {
                    let mut cells = [Cell::default(); 10];
                    if item.counts() || (item.overall && item.kind == ItemKind::Scored) {
                        for o in item.options.iter().filter(|o| !o.dont_know && o.code <= 9) {
                            cells[usize::from(o.code)] = Cell {
                                judged: true,
                                recognised: [
                                    rule.recognised_under(o, Reading::Strict),
                                    rule.recognised_under(o, Reading::Loose),
                                ],
                                points: i64::from(o.points.unwrap_or(0)),
                            };
                        }
                    }
                    Row {
                        counts: item.counts(),
                        overall: item.overall,
                        cells,
                    }
                })
                .collect();
            rows.insert(*g, r);
        }
        Self {
            rule,
            groups,
            min_n,
            rows,
            sums: BTreeMap::new(),
            has_middle: questionnaires.values().any(|q| rule.has_middle(q)),
            has_overall: questionnaires.values().any(|q| q.overall_item().is_some()),
        }
    }

    /// Whether some questionnaire of the round has an overall item.
    pub fn has_overall(&self) -> bool {
        self.has_overall
    }

    /// Adds one valid response of `group` (its stored answer string).
    pub fn add(&mut self, group: RespondentGroup, answers: &str) {
        let Some(rows) = self.rows.get(&group) else {
            return;
        };
        let sums = self.sums.entry(group).or_default();
        for r in [0, 1] {
            let (mut judged, mut rec, mut points, mut o_judged, mut o_rec) =
                (0i32, 0i64, 0i64, 0, 0);
            for (row, b) in rows.iter().zip(answers.as_bytes()) {
                let cell = match b {
                    b'1'..=b'9' => row.cells[usize::from(b - b'0')],
                    _ => continue,
                };
                if !cell.judged {
                    continue;
                }
                if row.counts {
                    judged += 1;
                    rec += i64::from(cell.recognised[r]);
                    points += cell.points;
                } else if row.overall {
                    o_judged += 1;
                    o_rec += i64::from(cell.recognised[r]);
                }
            }
            if judged > 0 {
                let c = sums.classes[r].entry(judged).or_default();
                c.responses += 1;
                c.recognised += rec;
                c.points += points;
                c.points_sq += points * points;
                sums.answers[r].0 += i64::from(judged);
                sums.answers[r].1 += rec;
            }
            sums.overall[r].0 += o_judged;
            sums.overall[r].1 += o_rec;
        }
    }

    /// Adds a round's valid responses from its tallies (`group_of` names
    /// each link's group): the same as adding each response, without
    /// reading them. `false`, adding nothing, when some valid class's
    /// middle-option count is not kept (tallies older than it): the caller
    /// then adds the responses one by one.
    pub fn add_tallies(
        &mut self,
        tallies: &Tallies,
        group_of: impl Fn(i64) -> Option<RespondentGroup>,
    ) -> bool {
        let valid = |v: Validity| v == VALID;
        if tallies
            .classes
            .iter()
            .any(|(k, c)| valid(k.validity) && k.judged > 0 && c.middle.is_none())
        {
            return false;
        }
        for (k, c) in &tallies.classes {
            if let (true, Some(g), Some(middle)) =
                (valid(k.validity), group_of(k.link_id), c.middle)
            {
                self.add_class(g, k.judged, c, middle);
            }
        }
        for (k, counts) in &tallies.options {
            if let (true, Some(g), Ok(item)) = (
                valid(k.validity),
                group_of(k.link_id),
                usize::try_from(k.item),
            ) {
                self.add_option_counts(g, item, counts);
            }
        }
        true
    }

    /// Adds a tallied class of `group`'s valid responses: `judged` counted
    /// answers each, with its sums under the round's reading and the number
    /// of middle-option answers (the same as adding each response).
    pub fn add_class(&mut self, group: RespondentGroup, judged: i32, c: &ClassSums, middle: i64) {
        if judged <= 0 || !self.rows.contains_key(&group) {
            return;
        }
        let (strict, loose) = match self.rule.reading {
            Reading::Strict => (c.recognised, c.recognised + middle),
            Reading::Loose => (c.recognised - middle, c.recognised),
        };
        let sums = self.sums.entry(group).or_default();
        for (r, recognised) in [(0, strict), (1, loose)] {
            let s = sums.classes[r].entry(judged).or_default();
            s.responses += c.responses;
            s.recognised += recognised;
            s.points += c.points;
            s.points_sq += c.points_sq;
            sums.answers[r].0 += i64::from(judged) * c.responses;
            sums.answers[r].1 += recognised;
        }
    }

    /// Adds how many of `group`'s valid responses chose each option (index
    /// 0 is option 1) of the item at `item`; only the overall item is read
    /// this way (counted items come from [`WhatIf::add_class`]).
    pub fn add_option_counts(&mut self, group: RespondentGroup, item: usize, counts: &[i64; 9]) {
        let Some(row) = self.rows.get(&group).and_then(|rows| rows.get(item)) else {
            return;
        };
        if row.counts || !row.overall {
            return;
        }
        let sums = self.sums.entry(group).or_default();
        for (i, n) in counts.iter().enumerate() {
            let cell = row.cells[i + 1];
            if !cell.judged {
                continue;
            }
            for r in [0, 1] {
                sums.overall[r].0 += n;
                sums.overall[r].1 += n * i64::from(cell.recognised[r]);
            }
        }
    }

    /// A group's sums under a variant, as the scorer takes them.
    fn group_sums(&self, g: RespondentGroup, v: Variant) -> Sums {
        let mut s = Sums::default();
        let Some(gs) = self.sums.get(&g) else {
            return s;
        };
        let r = ri(match v.formula {
            Formula::MeanScoreX20 => self.rule.reading,
            _ => v.reading,
        });
        match v.formula {
            Formula::ShareRecognised | Formula::MeanScoreX20 => {
                for (j, c) in &gs.classes[r] {
                    s.add_class(
                        i64::from(*j),
                        c.responses,
                        c.recognised,
                        c.points,
                        c.points_sq,
                    );
                }
            }
            Formula::AnswerShare => s.add_class(1, gs.answers[r].0, gs.answers[r].1, 0, 0),
            Formula::OverallItemShare => s.add_class(1, gs.overall[r].0, gs.overall[r].1, 0, 0),
        }
        s
    }

    /// The county rate under a variant, with the round's group weights.
    pub fn evaluate(&self, v: Variant) -> Outcome {
        let scorer = Scorer {
            formula: v.formula,
            ..Scorer::of(self.rule, self.min_n)
        };
        let weights = &self.rule.group_weights;
        let parts: Vec<(f64, Sums)> = self
            .groups
            .iter()
            .map(|g| {
                let w = if weights.is_empty() {
                    1.0
                } else {
                    weights.get(g).copied().unwrap_or(0.0)
                };
                (w, self.group_sums(*g, v))
            })
            .collect();
        let (estimate, more_needed) = if weights.is_empty() {
            let mut all = Sums::default();
            parts.iter().for_each(|(_, s)| all.merge(s));
            (scorer.estimate(&all), scorer.more_needed(&[(1.0, all)]))
        } else {
            (scorer.weighted(&parts), scorer.more_needed(&parts))
        };
        let note = (v.formula == Formula::OverallItemShare && !self.has_overall).then(|| {
            (
                "本轮问卷没有总体评价题，无法按此公式计算".to_string(),
                "The round's questionnaires have no overall-evaluation item".to_string(),
            )
        });
        Outcome {
            variant: v,
            headline: v.formula == self.rule.formula
                && (v.reading == self.rule.reading || !v.formula.counts_recognised()),
            verdict: Verdict::of(&estimate),
            precision: Precision::of(&estimate, more_needed),
            estimate,
            label: self.label(v),
            note,
        }
    }

    /// Every formula, under both readings where the scale has a middle
    /// option and the formula counts recognised answers; the round's own
    /// rule first.
    pub fn variants(&self) -> Vec<Variant> {
        let other = match self.rule.reading {
            Reading::Strict => Reading::Loose,
            Reading::Loose => Reading::Strict,
        };
        let mut out = Vec::new();
        for f in Formula::ALL {
            out.push(Variant {
                formula: f,
                reading: self.rule.reading,
            });
            if f.counts_recognised() && self.has_middle {
                out.push(Variant {
                    formula: f,
                    reading: other,
                });
            }
        }
        out.sort_by_key(|v| v.formula != self.rule.formula || v.reading != self.rule.reading);
        out
    }

    /// The sensitivity table: [`WhatIf::variants`], each evaluated.
    pub fn sensitivity(&self) -> Vec<Outcome> {
        self.variants()
            .into_iter()
            .map(|v| self.evaluate(v))
            .collect()
    }

    /// A variant in words, e.g. 按人计认可比例（“基本满意”计入认可）.
    pub fn label(&self, v: Variant) -> (String, String) {
        let middle = self.rule.scale.middle();
        if !v.formula.counts_recognised() || !self.has_middle {
            return (
                v.formula.label_zh().to_string(),
                v.formula.label_en().to_string(),
            );
        }
        let (zh, en) = match v.reading {
            Reading::Loose => ("计入认可", "counted as recognised"),
            Reading::Strict => ("不计入认可", "not counted as recognised"),
        };
        (
            format!("{}（“{middle}”{zh}）", v.formula.label_zh()),
            format!("{} ({middle} {en})", v.formula.label_en()),
        )
    }
}

/// "若“基本满意”计入认可：91.3%" for an outcome that differs from the
/// round's rule by the reading only; `None` otherwise.
pub fn reading_sentence(rule: &ScoringRule, o: &Outcome) -> Option<String> {
    if o.variant.formula != rule.formula || o.variant.reading == rule.reading {
        return None;
    }
    let rate = o.estimate.rate?;
    let middle = rule.scale.middle();
    let verb = match o.variant.reading {
        Reading::Loose => "计入认可",
        Reading::Strict => "不计入认可",
    };
    Some(format!("若“{middle}”{verb}：{:.1}%", rate * 100.0))
}

#[cfg(test)]
#[path = "whatif_tests.rs"]
mod tests;
