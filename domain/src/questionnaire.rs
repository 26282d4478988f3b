//! Questionnaires: items, options, which options count as recognised, and
//! the rules a questionnaire must satisfy before a round may use it.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Most items a questionnaire may hold.
pub const MAX_ITEMS: usize = 60;
/// Most options one choice item may hold (answers are stored one digit per item).
pub const MAX_OPTIONS: usize = 9;
/// Longest free-text answer, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;

/// What an item is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Counts toward the recognition rate.
    Scored,
    /// A choice that describes the respondent (grade band, 城区/镇区/乡村); not scored.
    Context,
    /// Free text; not scored.
    Text,
}

/// One option of a choice item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// 1-based position; what a submission sends.
    pub code: u8,
    pub label: String,
    /// Counts as recognising the work (满意, 比较满意).
    #[serde(default)]
    pub recognised: bool,
    /// "Don't know": left out of the denominator.
    #[serde(default)]
    pub dont_know: bool,
    /// Points for the mean-score formula (1–5); none for don't-know.
    #[serde(default)]
    pub points: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Stable identifier within the questionnaire, e.g. `q1`.
    pub id: String,
    pub kind: ItemKind,
    pub text: String,
    /// The topic the item probes (e.g. 教育公平), for per-topic diagnosis.
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default)]
    pub options: Vec<ChoiceOption>,
    /// Shown in the report with its own rate, left out of the recognition
    /// rate (every formula).
    #[serde(default)]
    pub diagnostic: bool,
    /// The overall evaluation (总体评价): the one item the overall-item
    /// formula reads; left out of the other formulas, so that a summary
    /// judgement is not counted twice.
    #[serde(default)]
    pub overall: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Questionnaire {
    pub title: String,
    /// Shown above the items: purpose and the anonymity promise.
    pub intro: String,
    pub items: Vec<Item>,
}

/// The built-in 5-option scale: 满意 / 比较满意 / 一般 / 不满意 / 不了解.
pub fn satisfaction_scale() -> Vec<ChoiceOption> {
    let o = |code, label: &str, recognised, dont_know, points| ChoiceOption {
        code,
        label: label.to_string(),
        recognised,
        dont_know,
        points,
    };
    vec![
        o(1, "满意", true, false, Some(5)),
        o(2, "比较满意", true, false, Some(4)),
        o(3, "一般", false, false, Some(3)),
        o(4, "不满意", false, false, Some(2)),
        o(5, "不了解", false, true, None),
    ]
}

/// Plain choice options with no scoring meaning (for context items).
pub fn plain_options(labels: &[&str]) -> Vec<ChoiceOption> {
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| ChoiceOption {
            code: (i + 1) as u8,
            label: l.to_string(),
            recognised: false,
            dont_know: false,
            points: None,
        })
        .collect()
}

impl Item {
    pub fn scored(id: &str, topic: &str, text: &str) -> Self {
        Item {
            id: id.to_string(),
            kind: ItemKind::Scored,
            text: text.to_string(),
            topic: Some(topic.to_string()),
            required: true,
            options: satisfaction_scale(),
            diagnostic: false,
            overall: false,
        }
    }
    pub fn context(id: &str, text: &str, labels: &[&str]) -> Self {
        Item {
            id: id.to_string(),
            kind: ItemKind::Context,
            text: text.to_string(),
            topic: None,
            required: true,
            options: plain_options(labels),
            diagnostic: false,
            overall: false,
        }
    }
    pub fn comment(id: &str, text: &str) -> Self {
        Item {
            id: id.to_string(),
            kind: ItemKind::Text,
            text: text.to_string(),
            topic: None,
            required: false,
            options: vec![],
            diagnostic: false,
            overall: false,
        }
    }
    /// Whether the item counts toward the per-respondent, per-answer and
    /// mean-score rates: scored, neither diagnostic nor the overall item.
    pub fn counts(&self) -> bool {
        self.kind == ItemKind::Scored && !self.diagnostic && !self.overall
    }
    pub fn option(&self, code: u8) -> Option<&ChoiceOption> {
        self.options.iter().find(|o| o.code == code)
    }
}

impl Questionnaire {
    pub fn scored_items(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.kind == ItemKind::Scored)
    }

    /// The overall-evaluation item and its position, if there is one.
    pub fn overall_item(&self) -> Option<(usize, &Item)> {
        self.items.iter().enumerate().find(|(_, i)| i.overall)
    }

    /// Checks the structure; returns every problem found, in Chinese.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        if self.title.trim().is_empty() {
            errors.push("问卷标题不能为空".to_string());
        }
        if self.items.is_empty() || self.items.len() > MAX_ITEMS {
            errors.push(format!("问卷须有1到{MAX_ITEMS}道题"));
        }
        let mut ids = HashSet::new();
        for (n, item) in self.items.iter().enumerate() {
            let at = format!("第{}题（{}）", n + 1, item.id);
            let id_ok = !item.id.is_empty()
                && item.id.len() <= 32
                && item
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !id_ok {
                errors.push(format!("{at}：题目编号只能由1到32个字母、数字、-或_组成"));
            }
            if !ids.insert(item.id.as_str()) {
                errors.push(format!("{at}：题目编号重复"));
            }
            if item.text.trim().is_empty() {
                errors.push(format!("{at}：题干不能为空"));
            }
            if (item.overall || item.diagnostic) && item.kind != ItemKind::Scored {
                errors.push(format!("{at}：只有计分题可以标为总体评价题或诊断题"));
            }
            if item.overall && item.diagnostic {
                errors.push(format!("{at}：总体评价题不能同时是诊断题"));
            }
            match item.kind {
                ItemKind::Text => {
                    if !item.options.is_empty() {
                        errors.push(format!("{at}：文字题不能有选项"));
                    }
                }
                ItemKind::Scored | ItemKind::Context => {
                    let n = item.options.len();
                    if !(2..=MAX_OPTIONS).contains(&n) {
                        errors.push(format!("{at}：选择题须有2到{MAX_OPTIONS}个选项"));
                    }
                    for (i, o) in item.options.iter().enumerate() {
                        if o.code as usize != i + 1 {
                            errors.push(format!("{at}：选项编码须依次为1、2、3……"));
                            break;
                        }
                    }
                    if item.options.iter().any(|o| o.label.trim().is_empty()) {
                        errors.push(format!("{at}：选项文字不能为空"));
                    }
                    if item
                        .options
                        .iter()
                        .any(|o| o.points.is_some_and(|p| !(1..=5).contains(&p)))
                    {
                        errors.push(format!("{at}：选项分值须在1到5之间"));
                    }
                    if item.kind == ItemKind::Scored {
                        let rec = item.options.iter().filter(|o| o.recognised).count();
                        let dk = item.options.iter().filter(|o| o.dont_know).count();
                        let judged = item.options.iter().filter(|o| !o.dont_know).count();
                        if rec == 0 || rec == judged {
                            errors.push(format!(
                                "{at}：计分题须至少有一个“认可”选项和一个“不认可”选项"
                            ));
                        }
                        if dk > 1 {
                            errors.push(format!("{at}：最多一个“不了解”选项"));
                        }
                        if item.options.iter().any(|o| o.recognised && o.dont_know) {
                            errors.push(format!("{at}：“不了解”选项不能同时计为认可"));
                        }
                        if item
                            .options
                            .iter()
                            .any(|o| !o.dont_know && o.points.is_none())
                        {
                            errors.push(format!("{at}：计分题的每个评价选项都须有分值"));
                        }
                    }
                }
            }
        }
        if !self.items.iter().any(Item::counts) {
            errors.push("问卷须至少有一道计入认可率的计分题（诊断题和总体评价题除外）".to_string());
        }
        if self.items.iter().filter(|i| i.overall).count() > 1 {
            errors.push("问卷最多有一道总体评价题".to_string());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Questionnaire {
        Questionnaire {
            title: "家长问卷".into(),
            intro: "匿名".into(),
            items: vec![
                Item::context("c1", "您居住在", &["城区", "镇区", "乡村"]),
                Item::scored("q1", "教育公平", "您对学校落实教育公平政策是否满意？"),
                Item::comment("t1", "其他意见"),
            ],
        }
    }

    #[test]
    fn a_sound_questionnaire_validates() {
        assert_eq!(sample().validate(), Ok(()));
    }

    #[test]
    fn structural_problems_are_listed() {
        let mut q = sample();
        q.items[1]
            .options
            .iter_mut()
            .for_each(|o| o.recognised = false);
        q.items.push(Item::comment("t1", "重复"));
        let errs = q.validate().unwrap_err();
        assert!(errs.iter().any(|e| e.contains("认可")), "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("重复")), "{errs:?}");
    }

    #[test]
    fn no_scored_item_is_refused() {
        let mut q = sample();
        q.items.remove(1);
        assert!(q.validate().is_err());
    }

    #[test]
    fn diagnostic_and_overall_marks_are_checked() {
        let mut q = sample();
        q.items[1].diagnostic = true;
        let errs = q.validate().unwrap_err();
        assert!(errs.iter().any(|e| e.contains("诊断题")), "{errs:?}");
        q.items[1].diagnostic = false;
        q.items[0].overall = true;
        assert!(
            q.validate().is_err(),
            "a context item cannot be the overall one"
        );
        q.items[0].overall = false;
        let mut second = q.items[1].clone();
        second.id = "q2".into();
        second.text = "第二题？".into();
        second.overall = true;
        let mut third = second.clone();
        third.id = "q3".into();
        q.items.push(second);
        assert_eq!(q.validate(), Ok(()));
        assert_eq!(q.overall_item().map(|(i, _)| i), Some(3));
        q.items.push(third);
        assert!(q.validate().unwrap_err().iter().any(|e| e.contains("最多")));
        // Marks default to off in stored questionnaires that predate them.
        let old: Item = serde_json::from_str(r#"{"id":"q1","kind":"scored","text":"x"}"#).unwrap();
        assert!(!old.diagnostic && !old.overall);
    }

    #[test]
    fn json_round_trip_keeps_everything() {
        let q = sample();
        let text = serde_json::to_string(&q).unwrap();
        let back: Questionnaire = serde_json::from_str(&text).unwrap();
        assert_eq!(q, back);
    }
}
