//! How a response was collected (web, paper, interview), and the rules of a
//! keyed paper sheet: its marks, what a blank or a multiple mark counts as,
//! and where two entries of one sheet disagree.

use super::{
    questionnaire::{ItemKind, Questionnaire},
    round::{Formula, ScoringRule},
    scoring::{Estimate, Scorer, Sums},
    submission::{AnswerError, CheckedAnswers, RawAnswer, check_answers},
};

/// Where a response came from. Stored on every response as its code;
/// reports and exports break counts and rates down by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CollectionMode {
    /// Answered on the respondent page (QR code or link).
    Web,
    /// A paper questionnaire keyed in by a data-entry clerk.
    Paper,
    /// An on-site interview recorded by an inspector.
    Interview,
}

impl CollectionMode {
    pub const ALL: [CollectionMode; 3] = [Self::Web, Self::Paper, Self::Interview];
    pub fn code(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Paper => "paper",
            Self::Interview => "interview",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == c)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Web => "网上填写",
            Self::Paper => "纸质问卷",
            Self::Interview => "现场访谈",
        }
    }
}

/// A blank item on a sheet, as keyed: `0`.
pub const BLANK: char = '0';
/// An item marked more than once, as keyed: `x`.
pub const MULTIPLE: char = 'x';

/// What the marks of one sheet came to.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedSheet {
    /// The answers as any response stores them: blank and multiply-marked
    /// items are unanswered (`0`) and not scored.
    pub answers: CheckedAnswers,
    /// Choice items left blank.
    pub blank: u32,
    /// Choice items marked more than once (invalid answers).
    pub multiple: u32,
}

/// Reads a sheet's marks: one character per item of the questionnaire, in
/// order — `1`–`9` the option code, `0` blank, `x` several options marked.
/// Text items are not keyed (`0`). The rule: a blank item is unanswered and a
/// multiply-marked item is an invalid answer; neither is scored, and the
/// sheet counts on its other items (paper cannot enforce required items).
pub fn read_marks(q: &Questionnaire, marks: &str) -> Result<KeyedSheet, AnswerError> {
    let marks: Vec<char> = marks.trim().chars().collect();
    if marks.len() != q.items.len() {
        return Err(AnswerError {
            item: None,
            message: format!(
                "本问卷共{}题，录入了{}个标记，请逐题录入（空白按0，多选按x）",
                q.items.len(),
                marks.len()
            ),
        });
    }
    let (mut blank, mut multiple) = (0, 0);
    let mut raw = Vec::new();
    for (n, (item, mark)) in q.items.iter().zip(marks).enumerate() {
        let at = |message: String| AnswerError {
            item: Some(item.id.clone()),
            message,
        };
        match (item.kind, mark.to_ascii_lowercase()) {
            (ItemKind::Text, BLANK) => {}
            (ItemKind::Text, _) => {
                return Err(at(format!("第{}题是文字题，纸质录入时按0跳过", n + 1)));
            }
            (_, BLANK) => blank += 1,
            (_, MULTIPLE) => multiple += 1,
            (_, c @ '1'..='9') => {
                let code = c as u8 - b'0';
                if item.option(code).is_none() {
                    return Err(at(format!("第{}题没有编号为{code}的选项", n + 1)));
                }
                raw.push(RawAnswer {
                    item: item.id.clone(),
                    option: Some(code),
                    text: None,
                });
            }
            (_, c) => {
                return Err(at(format!(
                    "第{}题的标记“{c}”无法识别：选项按编号，空白按0，多选按x",
                    n + 1
                )));
            }
        }
    }
    let mut relaxed = q.clone();
    for item in &mut relaxed.items {
        item.required = false;
    }
    let answers = check_answers(&relaxed, &raw)?;
    Ok(KeyedSheet {
        answers,
        blank,
        multiple,
    })
}

/// Normalises keyed marks for storing and comparing (lower case, trimmed).
pub fn normalise_marks(marks: &str) -> String {
    marks.trim().to_ascii_lowercase()
}

/// The items (ids, with both marks) where two entries of a sheet differ.
pub fn mismatches(q: &Questionnaire, first: &str, second: &str) -> Vec<(String, char, char)> {
    q.items
        .iter()
        .zip(first.chars().zip(second.chars()))
        .filter(|(_, (a, b))| a != b)
        .map(|(item, (a, b))| (item.id.clone(), a, b))
        .collect()
}

/// A sheet serial as printed: trimmed, upper case, 1–32 letters, digits or
/// dashes (full-width characters as typed by some input methods folded).
pub fn normalise_serial(serial: &str) -> Option<String> {
    let s: String = serial
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect::<String>()
        .to_ascii_uppercase();
    let ok = !s.is_empty()
        && s.chars().count() <= 32
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then_some(s)
}

/// Responses of one collection mode with one validity and one number of
/// judged answers, and the integer sums over them (one row of a grouped
/// query over the round's responses).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModeClass {
    pub mode: CollectionMode,
    pub valid: bool,
    pub judged: i64,
    pub responses: i64,
    pub recognised: i64,
    pub points: i64,
    pub points_sq: i64,
}

/// One mode's counts and its rate.
#[derive(Debug, Clone, PartialEq)]
pub struct ModeRate {
    pub mode: CollectionMode,
    pub responses: u64,
    pub valid: u64,
    pub estimate: Estimate,
}

/// The formula a rate by mode uses: the round's when it is per respondent
/// (share of recognised answers, mean score), else the share of recognised
/// answers. Rates by mode are unweighted: they compare sources, they do not
/// replace the county rate.
pub fn mode_formula(rule: &ScoringRule) -> Formula {
    match rule.formula {
        Formula::MeanScoreX20 => Formula::MeanScoreX20,
        _ => Formula::ShareRecognised,
    }
}

/// Counts and rates per collection mode, every mode listed (web first).
pub fn rates_by_mode(rule: &ScoringRule, min_n: u64, classes: &[ModeClass]) -> Vec<ModeRate> {
    let scorer = Scorer {
        formula: mode_formula(rule),
        ..Scorer::of(rule, min_n)
    };
    CollectionMode::ALL
        .into_iter()
        .map(|mode| {
            let mut sums = Sums::default();
            let (mut responses, mut valid) = (0u64, 0u64);
            for c in classes.iter().filter(|c| c.mode == mode) {
                let n = u64::try_from(c.responses).unwrap_or(0);
                responses += n;
                if c.valid {
                    valid += n;
                    sums.add_class(c.judged, c.responses, c.recognised, c.points, c.points_sq);
                }
            }
            ModeRate {
                mode,
                responses,
                valid,
                estimate: scorer.estimate(&sums),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::Item;

    fn q() -> Questionnaire {
        Questionnaire {
            title: "测试".into(),
            intro: String::new(),
            items: vec![
                Item::context("c1", "学段", &["小学", "初中"]),
                Item::scored("q1", "公平", "一"),
                Item::scored("q2", "减负", "二"),
                Item::scored("q3", "质量", "三"),
                Item::comment("t1", "意见"),
            ],
        }
    }

    #[test]
    fn modes_travel_as_codes() {
        for m in CollectionMode::ALL {
            assert_eq!(CollectionMode::from_code(m.code()), Some(m));
        }
        assert_eq!(CollectionMode::from_code("fax"), None);
    }

    #[test]
    fn blank_and_multiple_marks_are_not_scored() {
        // 满意 (recognised), blank, multiple: one judged answer.
        let s = read_marks(&q(), "110X0").unwrap();
        assert_eq!((s.blank, s.multiple), (1, 1));
        assert_eq!(s.answers.encoded, "11000");
        assert_eq!(s.answers.score.judged, 1);
        assert_eq!(s.answers.score.recognised, 1);
        // 不满意 on all three.
        let s = read_marks(&q(), "24440").unwrap();
        assert_eq!((s.answers.score.judged, s.answers.score.recognised), (3, 0));
    }

    #[test]
    fn wrong_marks_name_the_item() {
        assert!(read_marks(&q(), "1111").unwrap_err().item.is_none());
        assert_eq!(
            read_marks(&q(), "17110").unwrap_err().item.as_deref(),
            Some("q1")
        );
        assert_eq!(
            read_marks(&q(), "1111?").unwrap_err().item.as_deref(),
            Some("t1")
        );
        assert_eq!(
            read_marks(&q(), "1a110").unwrap_err().item.as_deref(),
            Some("q1")
        );
    }

    #[test]
    fn mismatches_list_the_differing_items() {
        assert_eq!(
            mismatches(&q(), "11230", "11240"),
            vec![("q3".to_string(), '3', '4')]
        );
        assert!(mismatches(&q(), "11230", "11230").is_empty());
    }

    #[test]
    fn rates_by_mode_average_each_respondent_once() {
        let rule = ScoringRule::default();
        let class = |mode, valid, judged, responses, recognised| ModeClass {
            mode,
            valid,
            judged,
            responses,
            recognised,
            points: 0,
            points_sq: 0,
        };
        // Paper: two sheets judging 4 items, 3 and 4 recognised → (0.75 + 1) / 2;
        // a third judging 2, 1 recognised → (0.75 + 1 + 0.5) / 3 = 0.75.
        let rates = rates_by_mode(
            &rule,
            30,
            &[
                class(CollectionMode::Paper, true, 4, 2, 7),
                class(CollectionMode::Paper, true, 2, 1, 1),
                class(CollectionMode::Paper, false, 4, 5, 0),
                class(CollectionMode::Web, true, 3, 1, 3),
            ],
        );
        assert_eq!(rates.len(), 3);
        let paper = &rates[1];
        assert_eq!((paper.responses, paper.valid), (8, 3));
        assert!((paper.estimate.rate.unwrap() - 0.75).abs() < 1e-12);
        assert_eq!(rates[0].estimate.rate, Some(1.0));
        assert_eq!((rates[2].responses, rates[2].estimate.rate), (0, None));
    }

    #[test]
    fn serials_are_folded_and_bounded() {
        assert_eq!(normalise_serial(" a-０１２ ").as_deref(), Some("A-012"));
        assert_eq!(normalise_serial(""), None);
        assert_eq!(normalise_serial("a b"), None);
        assert_eq!(normalise_serial(&"1".repeat(33)), None);
    }
}
