//! A respondent's answers: checked against the frozen questionnaire, encoded
//! compactly (one character per item, in questionnaire order) and scored.

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

use super::questionnaire::{ItemKind, MAX_TEXT_CHARS, Questionnaire};

/// Whether a stored response counts toward the rates, and if not why.
/// Stored, exported and published as its code (`valid`, `too_fast`,
/// `duplicate_device`); ordered by code, as the strings it replaces were.
#[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    /// Counts.
    Valid,
    /// Answered faster than the round's minimum time.
    TooFast,
    /// From a device that already answered this link (county-level groups:
    /// this group), stored under the round's "flag" policy.
    DuplicateDevice,
}

impl Validity {
    pub const ALL: [Validity; 3] = [Self::Valid, Self::TooFast, Self::DuplicateDevice];
    pub fn code(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::TooFast => "too_fast",
            Self::DuplicateDevice => "duplicate_device",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.code() == c)
    }
    /// The validity as exports and reports name it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Valid => "有效",
            Self::TooFast => "答题过快",
            Self::DuplicateDevice => "同一设备重复提交",
        }
    }
    /// Why a stored response does not count, as the respondent reads it;
    /// `None` when it counts.
    pub fn reason_zh(self) -> Option<&'static str> {
        match self {
            Self::Valid => None,
            Self::TooFast => Some("答题时间过短，低于本次调查要求的最短答题时间"),
            Self::DuplicateDevice => Some("本设备已经提交过这份问卷，再次提交的问卷标记为重复"),
        }
    }
    /// The respondent's receipt message.
    pub fn receipt_zh(self) -> String {
        match self.reason_zh() {
            None => "提交成功，感谢您的参与！".to_string(),
            Some(why) => format!("本次提交已保存，但不计入统计，原因：{why}。"),
        }
    }
}

impl Ord for Validity {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.code().cmp(other.code())
    }
}

impl PartialOrd for Validity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// As the code string it replaces (`"too_fast"`), so that tally keys read
/// the same in logs and in a check's list of differences.
impl std::fmt::Debug for Validity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.code())
    }
}

impl std::fmt::Display for Validity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One answer as the respondent sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct RawAnswer {
    pub item: String,
    pub option: Option<u8>,
    pub text: Option<String>,
}

/// Why a submission's answers are refused; names the item at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    pub item: Option<String>,
    pub message: String,
}

impl AnswerError {
    fn at(item: &str, message: String) -> Self {
        Self {
            item: Some(item.to_string()),
            message,
        }
    }
}

/// The per-response tallies the rates are built from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseScore {
    /// Scored answers that chose a recognised option.
    pub recognised: i32,
    /// Scored answers excluding don't-know.
    pub judged: i32,
    /// Sum of option points over judged answers.
    pub points: i32,
}

/// Answers that passed validation, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedAnswers {
    /// One character per item: `0` unanswered, `1`–`9` the option code,
    /// `t` a text item that was answered.
    pub encoded: String,
    /// Free-text answers by item id.
    pub texts: BTreeMap<String, String>,
    pub score: ResponseScore,
    /// Hash of the answers, to tell an honest retry from a different body
    /// sent under a used client id.
    pub fingerprint: String,
}

/// Checks answers against a questionnaire and encodes them.
pub fn check_answers(
    q: &Questionnaire,
    answers: &[RawAnswer],
) -> Result<CheckedAnswers, AnswerError> {
    let mut by_item: HashMap<&str, &RawAnswer> = HashMap::with_capacity(answers.len());
    for a in answers {
        let Some(item) = q.items.iter().find(|i| i.id == a.item) else {
            return Err(AnswerError::at(
                &a.item,
                format!("问卷中没有题目“{}”", a.item),
            ));
        };
        if by_item.insert(item.id.as_str(), a).is_some() {
            return Err(AnswerError::at(
                &a.item,
                format!("题目“{}”回答了不止一次", a.item),
            ));
        }
    }
    let mut encoded = String::with_capacity(q.items.len());
    let mut texts = BTreeMap::new();
    let mut score = ResponseScore::default();
    for (n, item) in q.items.iter().enumerate() {
        let label = format!("第{}题", n + 1);
        let answer = by_item.get(item.id.as_str());
        match item.kind {
            ItemKind::Text => {
                let text = answer
                    .and_then(|a| a.text.as_deref())
                    .map(str::trim)
                    .filter(|t| !t.is_empty());
                if answer.is_some_and(|a| a.option.is_some()) {
                    return Err(AnswerError::at(
                        &item.id,
                        format!("{label}是文字题，不能选择选项"),
                    ));
                }
                match text {
                    Some(t) if t.chars().count() > MAX_TEXT_CHARS => {
                        return Err(AnswerError::at(
                            &item.id,
                            format!("{label}的文字不能超过{MAX_TEXT_CHARS}字"),
                        ));
                    }
                    Some(t) => {
                        texts.insert(item.id.clone(), t.to_string());
                        encoded.push('t');
                    }
                    None if item.required => {
                        return Err(AnswerError::at(&item.id, format!("{label}还没有填写")));
                    }
                    None => encoded.push('0'),
                }
            }
            ItemKind::Scored | ItemKind::Context => {
                if answer.is_some_and(|a| a.text.is_some()) {
                    return Err(AnswerError::at(
                        &item.id,
                        format!("{label}是选择题，不能填写文字"),
                    ));
                }
                match answer.and_then(|a| a.option) {
                    None if item.required => {
                        return Err(AnswerError::at(&item.id, format!("{label}还没有选择")));
                    }
                    None => encoded.push('0'),
                    Some(code) => {
                        let Some(opt) = item.option(code) else {
                            return Err(AnswerError::at(
                                &item.id,
                                format!("{label}没有编号为{code}的选项"),
                            ));
                        };
                        encoded.push(char::from(b'0' + code));
                        if item.counts() && !opt.dont_know {
                            score.judged += 1;
                            score.recognised += i32::from(opt.recognised);
                            score.points += i32::from(opt.points.unwrap_or(0));
                        }
                    }
                }
            }
        }
    }
    let fingerprint = fingerprint(&encoded, &texts);
    Ok(CheckedAnswers {
        encoded,
        texts,
        score,
        fingerprint,
    })
}

fn fingerprint(encoded: &str, texts: &BTreeMap<String, String>) -> String {
    let mut h = Sha256::new();
    h.update(encoded.as_bytes());
    for (k, v) in texts {
        h.update([0u8]);
        h.update(k.as_bytes());
        h.update([0u8]);
        h.update(v.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

/// Decodes a stored answer string back to option codes per item
/// (`None` for unanswered and text items).
pub fn decode(encoded: &str) -> Vec<Option<u8>> {
    encoded
        .bytes()
        .map(|b| match b {
            b'1'..=b'9' => Some(b - b'0'),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::Item;

    #[test]
    fn validity_travels_and_sorts_as_its_code() {
        for v in Validity::ALL {
            assert_eq!(Validity::from_code(v.code()), Some(v));
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{}\"", v.code()));
            assert_eq!(serde_json::from_str::<Validity>(&json).unwrap(), v);
            assert_eq!(format!("{v:?}"), format!("{:?}", v.code()));
        }
        let mut sorted = Validity::ALL;
        sorted.sort();
        assert_eq!(
            sorted,
            [
                Validity::DuplicateDevice,
                Validity::TooFast,
                Validity::Valid
            ]
        );
        assert_eq!(Validity::from_code("martian"), None);
    }

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

    fn a(item: &str, option: u8) -> RawAnswer {
        RawAnswer {
            item: item.into(),
            option: Some(option),
            text: None,
        }
    }

    #[test]
    fn validity_codes_round_trip_and_only_valid_counts() {
        for v in Validity::ALL {
            assert_eq!(Validity::from_code(v.code()), Some(v));
            assert_eq!(v.reason_zh().is_none(), v == Validity::Valid);
        }
        assert!(
            Validity::TooFast
                .receipt_zh()
                .starts_with("本次提交已保存，但不计入统计，原因：")
        );
        assert_eq!(Validity::from_code("shared"), None);
    }

    #[test]
    fn answers_are_encoded_and_scored_by_hand() {
        // q1 满意 (recognised, 5), q2 一般 (3), q3 不了解 (excluded).
        let c = check_answers(&q(), &[a("c1", 2), a("q1", 1), a("q2", 3), a("q3", 5)]).unwrap();
        assert_eq!(c.encoded, "21350");
        assert_eq!(
            c.score,
            ResponseScore {
                recognised: 1,
                judged: 2,
                points: 8
            }
        );
        assert!(c.texts.is_empty());
        assert_eq!(
            decode(&c.encoded),
            vec![Some(2), Some(1), Some(3), Some(5), None]
        );
    }

    #[test]
    fn texts_are_kept_and_change_the_fingerprint() {
        let base = [a("c1", 1), a("q1", 1), a("q2", 2), a("q3", 4)];
        let plain = check_answers(&q(), &base).unwrap();
        let mut with_text = base.to_vec();
        with_text.push(RawAnswer {
            item: "t1".into(),
            option: None,
            text: Some("  多开展课后服务 ".into()),
        });
        let c = check_answers(&q(), &with_text).unwrap();
        assert_eq!(c.encoded, "1124t");
        assert_eq!(c.texts["t1"], "多开展课后服务");
        assert_ne!(c.fingerprint, plain.fingerprint);
    }

    #[test]
    fn a_missing_required_item_is_named() {
        let e = check_answers(&q(), &[a("c1", 1), a("q1", 1), a("q3", 1)]).unwrap_err();
        assert_eq!(e.item.as_deref(), Some("q2"));
    }

    #[test]
    fn unknown_items_options_and_duplicates_are_refused() {
        let full = [a("c1", 1), a("q1", 1), a("q2", 1), a("q3", 1)];
        let mut x = full.to_vec();
        x.push(a("q9", 1));
        assert_eq!(
            check_answers(&q(), &x).unwrap_err().item.as_deref(),
            Some("q9")
        );
        let mut x = full.to_vec();
        x[1] = a("q1", 6);
        assert!(
            check_answers(&q(), &x)
                .unwrap_err()
                .message
                .contains("编号为6")
        );
        let mut x = full.to_vec();
        x.push(a("q1", 2));
        assert!(
            check_answers(&q(), &x)
                .unwrap_err()
                .message
                .contains("不止一次")
        );
    }

    #[test]
    fn overlong_text_is_refused() {
        let mut x = vec![a("c1", 1), a("q1", 1), a("q2", 1), a("q3", 1)];
        x.push(RawAnswer {
            item: "t1".into(),
            option: None,
            text: Some("字".repeat(MAX_TEXT_CHARS + 1)),
        });
        assert_eq!(
            check_answers(&q(), &x).unwrap_err().item.as_deref(),
            Some("t1")
        );
    }
}

#[cfg(test)]
mod fuzz {
    //! Property tests standing in for a fuzzer: whatever a phone sends, the
    //! check never panics, and what it accepts decodes back to what was sent.
    use super::*;
    use crate::{group::RespondentGroup, templates};
    use proptest::prelude::*;

    fn answer() -> impl Strategy<Value = RawAnswer> {
        (
            prop_oneof![
                Just("q1".to_string()),
                Just("c1".to_string()),
                Just("t1".to_string()),
                "[a-z0-9]{0,4}"
            ],
            proptest::option::of(any::<u8>()),
            proptest::option::of(".{0,40}"),
        )
            .prop_map(|(item, option, text)| RawAnswer { item, option, text })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn arbitrary_answers_never_panic(answers in proptest::collection::vec(answer(), 0..40)) {
            let q = templates::template(RespondentGroup::Parent);
            if let Ok(c) = check_answers(&q, &answers) {
                prop_assert_eq!(c.encoded.chars().count(), q.items.len());
                prop_assert!(c.score.recognised <= c.score.judged);
            }
        }

        #[test]
        fn complete_answers_round_trip(codes in proptest::collection::vec(1u8..=5, 40)) {
            let q = templates::template(RespondentGroup::Student);
            let answers: Vec<RawAnswer> = q
                .items
                .iter()
                .zip(&codes)
                .filter(|(i, _)| !i.options.is_empty())
                .map(|(i, c)| RawAnswer { item: i.id.clone(), option: Some((*c).min(i.options.len() as u8)), text: None })
                .collect();
            let c = check_answers(&q, &answers).expect("complete answers are valid");
            let decoded = decode(&c.encoded);
            for (a, d) in answers.iter().zip(decoded.iter().filter(|d| d.is_some())) {
                prop_assert_eq!(a.option, *d);
            }
        }
    }
}
