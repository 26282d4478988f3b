//! Questionnaires in the respondent's language: a round's additional
//! languages (BCP 47 tags), the stable keys of every text a translator
//! supplies, a translated questionnaire (option codes never change, so
//! scoring is language-independent), and the all-or-nothing check of a
//! translation file.

use std::collections::{BTreeMap, BTreeSet};

use super::{group::RespondentGroup, questionnaire::Questionnaire};

/// The primary language of every round: the questionnaire as written.
pub const PRIMARY: &str = "zh";

/// Most additional languages a round may have.
pub const MAX_LANGUAGES: usize = 8;

/// Most characters of one translated text.
pub const MAX_TEXT_CHARS: usize = 2000;

/// A language tag checked and written the canonical way (`ug`, `kk-Arab`,
/// `mn-Mong`, `zh-Hant-TW`): a 2–3 letter language, then an optional
/// 4-letter script, then an optional 2-letter or 3-digit region.
pub fn normalise_tag(raw: &str) -> Result<String, String> {
    let bad = || format!("语言代码“{raw}”无效，应为BCP 47格式，如 ug、kk-Arab、mn-Mong");
    let raw = raw.trim();
    let mut parts = raw.split(['-', '_']);
    let lang = parts
        .next()
        .filter(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphabetic()));
    let mut out = lang.ok_or_else(bad)?.to_ascii_lowercase();
    let mut seen_script = false;
    let mut seen_region = false;
    for p in parts {
        if p.len() == 4
            && p.bytes().all(|b| b.is_ascii_alphabetic())
            && !seen_script
            && !seen_region
        {
            out.push('-');
            out.push_str(&p[..1].to_ascii_uppercase());
            out.push_str(&p[1..].to_ascii_lowercase());
            seen_script = true;
        } else if !seen_region
            && ((p.len() == 2 && p.bytes().all(|b| b.is_ascii_alphabetic()))
                || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit())))
        {
            out.push('-');
            out.push_str(&p.to_ascii_uppercase());
            seen_region = true;
        } else {
            return Err(bad());
        }
    }
    Ok(out)
}

/// The script a tag is written in: its explicit script subtag, else the
/// usual one of its language (Uyghur in Arabic script, Kazakh in Cyrillic
/// unless `kk-Arab`, Mongolian in Cyrillic unless `mn-Mong`).
fn script(tag: &str) -> &str {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or_default();
    if let Some(s) = parts.find(|p| p.len() == 4) {
        return s;
    }
    match lang {
        "ug" | "ar" | "fa" | "ur" | "ps" | "sd" | "ckb" | "ks" => "Arab",
        "he" | "yi" => "Hebr",
        "dv" => "Thaa",
        "syr" => "Syrc",
        _ => "",
    }
}

/// Whether text in this language runs right to left.
pub fn is_rtl(tag: &str) -> bool {
    matches!(
        script(tag),
        "Arab" | "Hebr" | "Thaa" | "Syrc" | "Nkoo" | "Adlm" | "Rohg"
    )
}

/// The language's own name where renke knows it, for the respondent's
/// language switch (otherwise the tag itself).
pub fn native_name(tag: &str) -> &str {
    match tag {
        "zh" => "中文",
        "en" => "English",
        "ug" | "ug-Arab" => "ئۇيغۇرچە",
        "kk-Arab" => "قازاقشا",
        "kk" | "kk-Cyrl" => "Қазақша",
        "mn-Mong" => "ᠮᠣᠩᠭᠣᠯ",
        "mn" | "mn-Cyrl" => "Монгол",
        "bo" => "བོད་ཡིག",
        "ko" => "한국어",
        "za" => "Vahcuengh",
        "ii" => "ꆈꌠꉙ",
        _ => tag,
    }
}

/// Every text of a group's questionnaire a translator supplies, with its
/// stable key and the Chinese source, in the questionnaire's order:
/// `parent/title`, `parent/intro`, `parent/q3`, `parent/q3/2` (option 2).
pub fn questionnaire_texts(group: RespondentGroup, q: &Questionnaire) -> Vec<(String, String)> {
    let g = group.code();
    let mut out = vec![(format!("{g}/title"), q.title.clone())];
    if !q.intro.trim().is_empty() {
        out.push((format!("{g}/intro"), q.intro.clone()));
    }
    for item in &q.items {
        out.push((format!("{g}/{}", item.id), item.text.clone()));
        for o in &item.options {
            out.push((format!("{g}/{}/{}", item.id, o.code), o.label.clone()));
        }
    }
    out
}

/// The questionnaire in another language: every text with a translation
/// replaced, the rest (none, once a round is complete) left in Chinese.
/// Ids, codes, scoring and order are the frozen ones.
pub fn translate(
    group: RespondentGroup,
    q: &Questionnaire,
    texts: &BTreeMap<String, String>,
) -> Questionnaire {
    let g = group.code();
    let pick = |key: String, source: &str| texts.get(&key).cloned().unwrap_or(source.to_string());
    let mut out = q.clone();
    out.title = pick(format!("{g}/title"), &q.title);
    if !q.intro.trim().is_empty() {
        out.intro = pick(format!("{g}/intro"), &q.intro);
    }
    for item in &mut out.items {
        item.text = pick(format!("{g}/{}", item.id), &item.text);
        for o in &mut item.options {
            o.label = pick(format!("{g}/{}/{}", item.id, o.code), &o.label);
        }
    }
    out
}

/// A stored translation: the Chinese it was made from, and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    pub source: String,
    pub text: String,
}

/// Translations of a round by (language, key).
pub type Translations = BTreeMap<(String, String), Translated>;

/// How far one language's translation is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completeness {
    pub language: String,
    /// Texts translated from the Chinese the questionnaire has now.
    pub translated: usize,
    pub total: usize,
    /// The keys still without a text, in the questionnaires' order.
    pub missing: Vec<String>,
    /// Keys whose Chinese changed after they were translated.
    pub outdated: Vec<String>,
}

impl Completeness {
    pub fn complete(&self) -> bool {
        self.translated == self.total
    }
}

/// Completeness of each language against the texts the round needs.
pub fn completeness(
    needed: &[(String, String)],
    languages: &[String],
    texts: &Translations,
) -> Vec<Completeness> {
    languages
        .iter()
        .map(|lang| {
            let (mut missing, mut outdated) = (Vec::new(), Vec::new());
            for (k, source) in needed {
                match texts.get(&(lang.clone(), k.clone())) {
                    None => missing.push(k.clone()),
                    Some(t) if t.source != *source => outdated.push(k.clone()),
                    Some(_) => {}
                }
            }
            Completeness {
                language: lang.clone(),
                translated: needed.len() - missing.len() - outdated.len(),
                total: needed.len(),
                missing,
                outdated,
            }
        })
        .collect()
}

/// One language's current texts by key: those translated from the Chinese
/// the questionnaire has now (an outdated text is not shown).
pub fn current_texts(
    needed: &[(String, String)],
    language: &str,
    texts: &Translations,
) -> BTreeMap<String, String> {
    needed
        .iter()
        .filter_map(|(k, source)| {
            let t = texts.get(&(language.to_string(), k.clone()))?;
            (t.source == *source).then(|| (k.clone(), t.text.clone()))
        })
        .collect()
}

/// What a filled translation sheet holds: the languages it has columns
/// for, and every non-empty text by (language, key) with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub languages: Vec<String>,
    pub texts: Translations,
}

/// The header of a translation sheet: the key, the Chinese source, then one
/// column per language.
pub const KEY_HEADER: &str = "键 key";
pub const SOURCE_HEADER: &str = "中文原文 zh";

/// Checks a filled translation sheet (rows of cells, the first the header)
/// against the texts the round needs and its languages: every key of the
/// round present once, no other key, a language column for each language
/// named in the header that the round has, and each text within its
/// length. Returns every text by (language, key), or every problem found
/// (nothing is stored then). An empty cell leaves that text untranslated
/// (completeness shows it), so a translator may deliver in parts. Each text
/// is recorded as translated from the Chinese the round has now.
pub fn read_sheet(
    needed: &[(String, String)],
    languages: &[String],
    rows: &[(usize, Vec<String>)],
) -> Result<Sheet, Vec<String>> {
    let mut errors = Vec::new();
    let mut rows = rows
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = rows.next() else {
        return Err(vec!["文件是空的".to_string()]);
    };
    let key_col = header.iter().position(|h| h.trim() == KEY_HEADER);
    let Some(key_col) = key_col else {
        return Err(vec![format!("表头缺少“{KEY_HEADER}”列")]);
    };
    let mut columns: Vec<(usize, String)> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        if i == key_col || h.is_empty() || h == SOURCE_HEADER {
            continue;
        }
        match normalise_tag(h) {
            Ok(tag) if languages.contains(&tag) => {
                if columns.iter().any(|(_, t)| *t == tag) {
                    errors.push(format!("表头中语言“{tag}”出现了不止一次"));
                } else {
                    columns.push((i, tag));
                }
            }
            Ok(tag) => errors.push(format!("本轮没有语言“{tag}”，请先在轮次中添加该语言")),
            Err(e) => errors.push(format!("表头第{}列：{e}", i + 1)),
        }
    }
    if columns.is_empty() && errors.is_empty() {
        errors.push("表头中没有本轮的任何附加语言列".to_string());
    }
    let wanted: BTreeMap<&str, &str> = needed
        .iter()
        .map(|(k, s)| (k.as_str(), s.as_str()))
        .collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out = BTreeMap::new();
    for (line, cells) in rows {
        let cell = |i: usize| cells.get(i).map(|c| c.trim()).unwrap_or_default();
        let key = cell(key_col);
        if key.is_empty() {
            errors.push(format!("第{line}行：缺少键"));
            continue;
        }
        let Some(source) = wanted.get(key) else {
            errors.push(format!("第{line}行：键“{key}”不是应翻译的文字（多余的键）"));
            continue;
        };
        if !seen.insert(key.to_string()) {
            errors.push(format!("第{line}行：键“{key}”重复"));
            continue;
        }
        for (i, tag) in &columns {
            let text = cell(*i);
            if text.is_empty() {
                continue;
            }
            if text.chars().count() > MAX_TEXT_CHARS {
                errors.push(format!("第{line}行：“{tag}”译文超过{MAX_TEXT_CHARS}字"));
                continue;
            }
            let t = Translated {
                source: source.to_string(),
                text: text.to_string(),
            };
            out.insert((tag.clone(), key.to_string()), t);
        }
    }
    for (k, _) in needed {
        if !seen.contains(k) {
            errors.push(format!("缺少键“{k}”"));
        }
    }
    if errors.is_empty() {
        Ok(Sheet {
            languages: columns.into_iter().map(|(_, t)| t).collect(),
            texts: out,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::template;

    #[test]
    fn tags_are_checked_and_written_canonically() {
        assert_eq!(normalise_tag("UG").unwrap(), "ug");
        assert_eq!(normalise_tag("kk_arab").unwrap(), "kk-Arab");
        assert_eq!(normalise_tag("mn-Mong").unwrap(), "mn-Mong");
        assert_eq!(normalise_tag("zh-hant-tw").unwrap(), "zh-Hant-TW");
        assert_eq!(normalise_tag("es-419").unwrap(), "es-419");
        for bad in [
            "",
            "u",
            "uyghur",
            "ug-",
            "ug-Arab-Arab",
            "ug-TW-Arab",
            "1a",
            "ug-<b>",
        ] {
            assert!(normalise_tag(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn right_to_left_follows_the_script() {
        for rtl in ["ug", "kk-Arab", "ar", "ug-Arab", "fa"] {
            assert!(is_rtl(rtl), "{rtl}");
        }
        for ltr in [
            "zh", "en", "kk", "mn-Mong", "bo", "ko", "ug-Latn", "kk-Cyrl",
        ] {
            assert!(!is_rtl(ltr), "{ltr}");
        }
    }

    #[test]
    fn a_translated_questionnaire_keeps_codes_and_scoring() {
        let q = template(RespondentGroup::Parent);
        let needed = questionnaire_texts(RespondentGroup::Parent, &q);
        assert_eq!(needed[0].0, "parent/title");
        let first = &q.items[0];
        let key = format!("parent/{}", first.id);
        let option_key = format!("parent/{}/{}", first.id, first.options[0].code);
        assert!(needed.iter().any(|(k, s)| *k == key && *s == first.text));
        let texts = BTreeMap::from([(key, "سوئال".to_string()), (option_key, "رازى".to_string())]);
        let t = translate(RespondentGroup::Parent, &q, &texts);
        assert_eq!(t.items[0].text, "سوئال");
        assert_eq!(t.items[0].options[0].label, "رازى");
        // Untranslated texts stay Chinese; everything else is unchanged.
        assert_eq!(t.items[1].text, q.items[1].text);
        let strip = |q: &Questionnaire| {
            q.items
                .iter()
                .map(|i| {
                    let o: Vec<_> = i
                        .options
                        .iter()
                        .map(|o| (o.code, o.recognised, o.dont_know, o.points))
                        .collect();
                    (i.id.clone(), i.kind, i.required, i.diagnostic, i.overall, o)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&t), strip(&q));
    }

    fn sheet(rows: &[&[&str]]) -> Vec<(usize, Vec<String>)> {
        rows.iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r.iter().map(|c| c.to_string()).collect()))
            .collect()
    }

    #[test]
    fn a_sheet_is_read_whole_or_refused_naming_every_problem() {
        let needed = vec![
            ("parent/title".to_string(), "家长问卷".to_string()),
            ("parent/q1".to_string(), "题一".to_string()),
        ];
        let langs = vec!["ug".to_string(), "en".to_string()];
        let good = sheet(&[
            &[KEY_HEADER, SOURCE_HEADER, "ug", "EN"],
            &["parent/title", "家长问卷", "ئاتا-ئانىلار", "Parents"],
            &["parent/q1", "题一", "", "Item one"],
        ]);
        let sheet_read = read_sheet(&needed, &langs, &good).unwrap();
        assert_eq!(sheet_read.languages, ["ug", "en"]);
        let mut t = sheet_read.texts;
        assert_eq!(t.len(), 3);
        assert_eq!(
            t[&("en".to_string(), "parent/q1".to_string())].text,
            "Item one"
        );
        let c = completeness(&needed, &langs, &t);
        assert_eq!(
            (c[0].translated, c[0].missing.clone()),
            (1, vec!["parent/q1".to_string()])
        );
        assert!(c[1].complete());
        // The Chinese of q1 changes after translation: outdated, not shown.
        let changed = vec![
            needed[0].clone(),
            ("parent/q1".to_string(), "新题一".to_string()),
        ];
        let c = completeness(&changed, &langs, &t);
        assert_eq!(c[1].outdated, ["parent/q1"]);
        assert!(!c[1].complete());
        assert_eq!(current_texts(&changed, "en", &t).len(), 1);
        t.clear();
        assert!(completeness(&needed, &langs, &t)[0].missing.len() == 2);

        let bad = sheet(&[
            &[KEY_HEADER, SOURCE_HEADER, "ug", "fr"],
            &["parent/title", "家长问卷", "x", ""],
            &["parent/title", "家长问卷", "x", ""],
            &["parent/q9", "?", "x", ""],
        ]);
        let e = read_sheet(&needed, &langs, &bad).unwrap_err();
        assert!(e.iter().any(|m| m.contains("“fr”")), "{e:?}");
        assert!(
            e.iter().any(|m| m.contains("第3行") && m.contains("重复")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.contains("parent/q9") && m.contains("多余")),
            "{e:?}"
        );
        assert!(e.iter().any(|m| m.contains("缺少键“parent/q1”")), "{e:?}");
        assert!(read_sheet(&needed, &langs, &sheet(&[&["a", "b"]])).is_err());
    }
}
