//! The fixed texts of the respondent's pages (buttons, notices, refusal
//! pages, the thank-you card, the access-code form, the script's messages),
//! each under a stable key, in Chinese and English. Other languages come
//! from the deployment's translation set (a workbook an admin imports), so a
//! county adds a language without a code change. `{name}` marks a value the
//! page fills in.

use std::collections::BTreeMap;

/// One fixed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageText {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn t(key: &'static str, zh: &'static str, en: &'static str) -> PageText {
    PageText { key, zh, en }
}

/// Every fixed text, in the order the translation workbook lists them.
pub const TEXTS: &[PageText] = &[
    t(
        "form.required_count",
        "共{n}道必答题",
        "{n} required questions",
    ),
    t(
        "form.answered",
        "已答 {done}/{total}",
        "{done}/{total} answered",
    ),
    t("form.anonymous", "匿名调查", "Anonymous survey"),
    t(
        "form.anonymity",
        "本问卷匿名填写：不记录姓名、电话等个人信息，也不保存您的网络地址。答案只用于统计全县的总体情况。",
        "This questionnaire is anonymous: no name, phone number or other personal details are recorded, and your network address is not kept. Answers are only used for county-wide statistics.",
    ),
    t("form.submit", "提交问卷", "Submit"),
    t("form.optional", "选填", "Optional"),
    t(
        "form.closes",
        "截止时间：{time}（北京时间）",
        "Closes: {time} (Beijing time)",
    ),
    t("form.language", "语言", "Language"),
    t(
        "form.missing",
        "第{n}题还没有作答",
        "Question {n} has no answer yet",
    ),
    t("form.sending", "正在提交…", "Submitting…"),
    t("form.resend", "重新提交", "Submit again"),
    t("form.auto_resend", "{n}秒后自动提交", "Submitting in {n} s"),
    t(
        "form.busy_wait",
        "现在提交的人较多，系统将在{n}秒后自动重新提交，请不要关闭本页面。您的答案已保存在本机。",
        "Many people are submitting now. This page will submit again in {n} seconds; please keep it open. Your answers are saved on this phone.",
    ),
    t(
        "form.network_failed",
        "网络不稳定，提交没有成功。您的答案已保存在本机，请稍后点击“重新提交”。",
        "The network is unstable and the answers were not submitted. They are saved on this phone; please tap \"Submit again\" in a moment.",
    ),
    t(
        "form.failed",
        "提交失败，请稍后重试",
        "Submitting failed; please try again later",
    ),
    t(
        "form.busy_form",
        "现在提交的人较多，请在{n}秒后再次点击“提交问卷”。您填写的答案已保留。",
        "Many people are submitting now. Please tap \"Submit\" again in {n} seconds. Your answers are kept.",
    ),
    t(
        "form.device_answered",
        "本设备已经提交过这份问卷；再次提交的问卷会被标记为重复，不计入统计。",
        "This device has already submitted this questionnaire; another submission is marked as a duplicate and not counted.",
    ),
    t("thanks.title", "提交成功", "Submitted"),
    t(
        "thanks.text",
        "感谢您的参与！您的回答已匿名保存。",
        "Thank you! Your answers were saved anonymously.",
    ),
    t(
        "thanks.close",
        "现在可以关闭本页面。",
        "You may close this page now.",
    ),
    t(
        "thanks.not_counted",
        "本次提交已保存，但不计入统计",
        "Saved, but not counted",
    ),
    t("thanks.reason", "原因：{reason}。", "Reason: {reason}."),
    t(
        "already.title",
        "您已经提交过了",
        "You have already submitted",
    ),
    t(
        "already.text",
        "本设备已经提交过这份问卷，感谢您的参与！",
        "This device has already submitted this questionnaire. Thank you!",
    ),
    t(
        "already.again_note",
        "如确需本人再填一份，请点击下方按钮；同一设备再次提交的问卷会被标记为重复，不计入统计。",
        "If you really need to answer again yourself, tap below; another answer from the same device is marked as a duplicate and not counted.",
    ),
    t("already.again", "再填一份", "Answer again"),
    t(
        "household.offer_parent",
        "家里另一位家长（或另一个孩子的家长）也要填写",
        "Another parent in the family will answer too",
    ),
    t(
        "household.who_parent",
        "家里另一位家长（或另一个孩子的家长）",
        "another parent in the family",
    ),
    t(
        "household.confirm_parent",
        "确认，由另一位家长填写",
        "Yes, another parent answers",
    ),
    t(
        "household.offer_student",
        "家里另一个孩子（兄弟姐妹）也要填写",
        "A brother or sister will answer too",
    ),
    t(
        "household.who_student",
        "家里另一个孩子（兄弟姐妹）",
        "a brother or sister",
    ),
    t(
        "household.confirm_student",
        "确认，由另一个孩子填写",
        "Yes, another child answers",
    ),
    t(
        "household.offer_other",
        "家里另一位家庭成员也要填写",
        "Another family member will answer too",
    ),
    t(
        "household.who_other",
        "家里另一位家庭成员",
        "another family member",
    ),
    t(
        "household.confirm_other",
        "确认，由另一位家庭成员填写",
        "Yes, another family member answers",
    ),
    t(
        "household.notice",
        "您正在以{who}的身份填写：本份答卷计入统计，并标记为“同一设备的家庭成员”。",
        "You are answering as {who}: this answer counts and is marked as \"family member on the same device\".",
    ),
    t(
        "household.phone",
        "同一部手机可以由{who}使用：",
        "This phone may also be used by {who}:",
    ),
    t("household.confirm_title", "请确认", "Please confirm"),
    t(
        "household.confirm_text",
        "这部手机已经提交过这份问卷。请确认：接下来由{who}按自己的看法填写，而不是同一个人再填一次。",
        "This phone has already submitted this questionnaire. Please confirm that {who} answers next with their own views, not the same person again.",
    ),
    t(
        "household.confirm_limit",
        "同一部手机最多可为这份问卷提交{n}份答卷，这样的答卷会计入统计，并标记为“同一设备的家庭成员”。",
        "One phone may submit at most {n} answers to this questionnaire; they count and are marked as \"family member on the same device\".",
    ),
    t("code.title", "请输入访问码", "Enter your access code"),
    t(
        "code.text",
        "本问卷凭访问码填写。请输入您收到的纸条上的8位访问码（不区分大小写）。",
        "This questionnaire needs an access code. Enter the 8-character code on the slip you received (not case-sensitive).",
    ),
    t("code.field", "访问码", "Access code"),
    t("code.start", "开始答题", "Start"),
    t(
        "code.used",
        "该访问码已经使用过，每个访问码只能提交一份问卷",
        "This access code has been used; each code submits one questionnaire",
    ),
    t(
        "code.wrong",
        "访问码不正确，请核对纸条上的8位访问码后重新输入",
        "The access code is wrong; check the 8 characters on the slip and try again",
    ),
    t(
        "code.needed",
        "本问卷需要访问码，请先输入访问码",
        "This questionnaire needs an access code; please enter it first",
    ),
    t(
        "refusal.not_found",
        "找不到这份问卷",
        "Questionnaire not found",
    ),
    t(
        "refusal.not_found_text",
        "调查链接不存在，请检查二维码或链接是否完整",
        "This survey link does not exist; check that the QR code or link is complete",
    ),
    t(
        "refusal.disabled",
        "问卷链接已停用",
        "This link is switched off",
    ),
    t(
        "refusal.disabled_text",
        "该调查链接已停用，请联系学校或教育局获取新的链接",
        "This survey link is switched off; ask the school or the education bureau for a new one",
    ),
    t(
        "refusal.not_open",
        "调查尚未开始",
        "The survey has not started",
    ),
    t(
        "refusal.not_open_text",
        "调查尚未开始，将于{time}（北京时间）开始",
        "The survey starts at {time} (Beijing time)",
    ),
    t("refusal.closed", "调查已经结束", "The survey has ended"),
    t(
        "refusal.closed_text",
        "本次调查已经结束，感谢您的关注",
        "This survey has ended. Thank you for your interest",
    ),
    t("refusal.rate_limited", "访问过于频繁", "Too many requests"),
    t(
        "refusal.rate_limited_text",
        "访问过于频繁，现在填写的人较多。请在{n}秒后再试。",
        "Too many requests: many people are answering now. Please try again in {n} seconds.",
    ),
    t("refusal.busy", "系统繁忙", "The system is busy"),
    t(
        "refusal.busy_text",
        "系统繁忙，请在{n}秒后再试。",
        "The system is busy; please try again in {n} seconds.",
    ),
    t(
        "refusal.reload",
        "本页将在{n}秒后自动刷新，您已填写的答案仍保存在本机，不必重新填写。",
        "This page reloads in {n} seconds. Your answers stay saved on this phone; no need to answer again.",
    ),
    t("refusal.cannot_submit", "无法提交", "Cannot submit"),
];

/// The built-in text of a key in Chinese.
pub fn zh(key: &str) -> &'static str {
    TEXTS.iter().find(|t| t.key == key).map_or("", |t| t.zh)
}

/// Whether a language's fixed texts ship with renke (Chinese, English).
pub fn built_in(tag: &str) -> bool {
    tag == "zh" || tag == "en" || tag.starts_with("zh-") || tag.starts_with("en-")
}

/// The fixed texts of one language: built in for Chinese and English,
/// else from the deployment's set; a key the set lacks falls back to the
/// Chinese (never a blank on the page).
#[derive(Debug, Clone)]
pub struct PageTexts {
    language: String,
    set: BTreeMap<String, String>,
}

impl PageTexts {
    pub fn new(language: &str, deployment_set: BTreeMap<String, String>) -> Self {
        Self {
            language: language.to_string(),
            set: deployment_set,
        }
    }

    pub fn chinese() -> Self {
        Self::new("zh", BTreeMap::new())
    }

    pub fn language(&self) -> &str {
        &self.language
    }

    /// The text of a key in this language.
    pub fn get(&self, key: &str) -> &str {
        let Some(builtin) = TEXTS.iter().find(|t| t.key == key) else {
            return "";
        };
        if self.language == "en" || self.language.starts_with("en-") {
            return builtin.en;
        }
        if built_in(&self.language) {
            return builtin.zh;
        }
        self.set
            .get(key)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or(builtin.zh)
    }

    /// The text with its `{name}` values filled in.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.get(key), values)
    }
}

/// Replaces each `{name}` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The `{name}` placeholders of a text, sorted.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A translated fixed text must keep the Chinese text's placeholders (a
/// missing `{n}` would show no number, an unknown one a brace).
pub fn check_translation(key: &str, text: &str) -> Result<(), String> {
    let want = placeholders(zh(key));
    let got = placeholders(text);
    if want == got {
        Ok(())
    } else {
        Err(format!(
            "“{key}”的译文须含占位符 {}（现为 {}）",
            show(&want),
            show(&got)
        ))
    }
}

fn show(names: &[String]) -> String {
    if names.is_empty() {
        "（无）".to_string()
    } else {
        names
            .iter()
            .map(|n| format!("{{{n}}}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The header of the workbook's English column: a reference for the
/// translator, not imported (English ships with renke).
pub const ENGLISH_HEADER: &str = "英文参考 English";

/// Every fixed text with its key and Chinese source, for the workbook.
pub fn needed() -> Vec<(String, String)> {
    TEXTS
        .iter()
        .map(|t| (t.key.to_string(), t.zh.to_string()))
        .collect()
}

/// What an imported workbook holds: the languages it has columns for and
/// their texts by (language, key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetSheet {
    pub languages: Vec<String>,
    pub texts: BTreeMap<(String, String), String>,
}

/// Reads a filled workbook of fixed texts: every key once and no other,
/// language columns with valid tags (not the built-in Chinese or English),
/// each text keeping its Chinese placeholders. All or every problem.
pub fn read_set_sheet(rows: &[(usize, Vec<String>)]) -> Result<SetSheet, Vec<String>> {
    use super::language::{KEY_HEADER, SOURCE_HEADER, normalise_tag, read_sheet};
    let Some((_, header)) = rows
        .iter()
        .find(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
    else {
        return Err(vec!["文件是空的".to_string()]);
    };
    let mut errors = Vec::new();
    let mut languages = Vec::new();
    // Columns not read: the English reference, and a built-in language
    // (refused, named once here).
    let mut skipped = Vec::new();
    for (i, h) in header.iter().map(|h| h.trim()).enumerate() {
        if h == ENGLISH_HEADER {
            skipped.push(i);
        }
        if h.is_empty() || h == KEY_HEADER || h == SOURCE_HEADER || h == ENGLISH_HEADER {
            continue;
        }
        match normalise_tag(h) {
            Ok(tag) if built_in(&tag) => {
                errors.push(format!(
                    "语言“{tag}”的固定文字随系统提供，不能导入；请删除该列"
                ));
                skipped.push(i);
            }
            Ok(tag) => languages.push(tag),
            // read_sheet names the column.
            Err(_) => {}
        }
    }
    let rows: Vec<(usize, Vec<String>)> = rows
        .iter()
        .map(|(n, cells)| {
            let cells = cells
                .iter()
                .enumerate()
                .filter(|(i, _)| !skipped.contains(i))
                .map(|(_, c)| c.clone())
                .collect();
            (*n, cells)
        })
        .collect();
    let sheet = match read_sheet(&needed(), &languages, &rows) {
        Ok(s) => Some(s),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let mut texts = BTreeMap::new();
    if let Some(sheet) = sheet {
        for ((tag, key), t) in sheet.texts {
            match check_translation(&key, &t.text) {
                Ok(()) => {
                    texts.insert((tag, key), t.text);
                }
                Err(e) => errors.push(format!("{tag}：{e}")),
            }
        }
    }
    if errors.is_empty() {
        Ok(SetSheet { languages, texts })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_keep_the_placeholders() {
        let mut keys: Vec<&str> = TEXTS.iter().map(|t| t.key).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate keys");
        for t in TEXTS {
            assert!(!t.zh.is_empty() && !t.en.is_empty(), "{}", t.key);
            assert_eq!(placeholders(t.zh), placeholders(t.en), "{}", t.key);
            check_translation(t.key, t.en).unwrap();
        }
    }

    #[test]
    fn a_language_falls_back_per_text_to_chinese() {
        assert_eq!(
            PageTexts::new("en", BTreeMap::new()).get("form.submit"),
            "Submit"
        );
        assert_eq!(PageTexts::chinese().get("form.submit"), "提交问卷");
        let ug = PageTexts::new(
            "ug",
            BTreeMap::from([("form.submit".to_string(), "يوللاش".to_string())]),
        );
        assert_eq!(ug.get("form.submit"), "يوللاش");
        assert_eq!(ug.get("thanks.title"), "提交成功");
        assert_eq!(
            ug.fill("form.required_count", &[("n", "15")]),
            "共15道必答题"
        );
        assert_eq!(ug.get("no.such.key"), "");
    }

    #[test]
    fn a_set_sheet_is_read_whole_with_placeholders_kept() {
        use crate::language::{KEY_HEADER, SOURCE_HEADER};
        let header: Vec<String> = [KEY_HEADER, SOURCE_HEADER, ENGLISH_HEADER, "UG"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut rows = vec![(1, header)];
        for (i, t) in TEXTS.iter().enumerate() {
            rows.push((
                i + 2,
                vec![
                    t.key.into(),
                    t.zh.into(),
                    t.en.into(),
                    format!("ئۇ {}", t.zh),
                ],
            ));
        }
        let s = read_set_sheet(&rows).unwrap();
        assert_eq!(s.languages, ["ug"]);
        assert_eq!(s.texts.len(), TEXTS.len());
        // A placeholder lost, an English column named as a language.
        let mut bad = rows.clone();
        bad[1].1[3] = "ئۇ".into();
        bad[0].1.push("en".into());
        let e = read_set_sheet(&bad).unwrap_err();
        assert!(
            e.iter()
                .any(|m| m.contains(TEXTS[0].key) && m.contains("{n}")),
            "{e:?}"
        );
        assert!(e.iter().any(|m| m.contains("“en”")), "{e:?}");
    }

    #[test]
    fn placeholders_are_checked() {
        assert_eq!(placeholders("{n}秒后{n}，{who}"), ["n", "who"]);
        assert!(check_translation("form.auto_resend", "{n} s").is_ok());
        assert!(check_translation("form.auto_resend", "soon").is_err());
        assert!(check_translation("form.submit", "Go {n}").is_err());
    }
}
