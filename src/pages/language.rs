//! Which language a respondent's page is shown in: the link's `?lang=`, the
//! phone's remembered choice (a cookie), then its `Accept-Language`; only a
//! language the round offers (a complete translation), else Chinese. The
//! fixed texts come with it: built in for Chinese and English, else from the
//! deployment's translation set (Chinese for any text it lacks).

use poem::Request;

pub use crate::domain::page_texts::PageTexts;

use crate::{
    device,
    domain::{
        language::{self, normalise_tag},
        page_texts::built_in,
        tally::PRIMARY_LANGUAGE,
    },
    error::AppError,
    state::AppState,
    store,
};

/// The cookie that remembers the respondent's choice on the phone (a
/// language tag, nothing else).
pub const COOKIE: &str = "renke_lang";
/// A year.
const COOKIE_MAX_AGE: i64 = 365 * 24 * 3600;

/// The page's language and what comes with it.
pub struct PageLanguage {
    /// `zh` or one of the offered languages.
    pub tag: String,
    pub texts: PageTexts,
    /// The languages of the switch: `zh` first, then the offered ones.
    pub choices: Vec<String>,
    /// Remembers an explicit `?lang=` choice on the phone.
    pub set_cookie: Option<String>,
}

impl PageLanguage {
    pub fn chinese() -> Self {
        Self {
            tag: PRIMARY_LANGUAGE.to_string(),
            texts: PageTexts::chinese(),
            choices: Vec::new(),
            set_cookie: None,
        }
    }

    pub fn is_primary(&self) -> bool {
        self.tag == PRIMARY_LANGUAGE
    }
}

/// The `lang` parameter of the request's query, if any.
fn query_lang(req: &Request) -> Option<String> {
    req.uri()
        .query()?
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == "lang")
        .map(|(_, v)| v.replace('+', " "))
}

/// The tags of `Accept-Language`, best first (q=0 dropped).
fn accepted(req: &Request) -> Vec<String> {
    let Some(h) = req
        .headers()
        .get(poem::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Vec::new();
    };
    let mut tags: Vec<(f32, usize, String)> = h
        .split(',')
        .take(16)
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0 && tag != "*").then(|| (q, i, tag.to_string()))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().map(|(_, _, t)| t).collect()
}

/// The offered language a wish names: the same tag, or the same language
/// with a region (`ug-CN` → `ug`, `zh-CN` → `zh`).
fn matching(wish: &str, offered: &[String]) -> Option<String> {
    let tag = normalise_tag(wish).ok()?;
    let lang = tag.split('-').next().unwrap_or_default();
    if tag == PRIMARY_LANGUAGE || (lang == PRIMARY_LANGUAGE && !tag.contains("-Hant")) {
        return Some(PRIMARY_LANGUAGE.to_string());
    }
    if let Some(t) = offered.iter().find(|o| **o == tag) {
        return Some(t.clone());
    }
    // `kk` asks for Kazakh in its usual script; `kk-Arab` is offered
    // separately, so only a tag without a script matches by language.
    offered
        .iter()
        .find(|o| {
            let (ol, rest) = o.split_once('-').unwrap_or((o.as_str(), ""));
            ol == lang
                && (rest.len() == 2 || rest.is_empty())
                && !tag[lang.len()..].contains("-Arab")
        })
        .cloned()
}

/// The fixed texts of a language.
async fn texts_of(state: &AppState, tag: &str) -> Result<PageTexts, AppError> {
    if built_in(tag) {
        return Ok(PageTexts::new(tag, Default::default()));
    }
    Ok(PageTexts::new(
        tag,
        store::page_texts::of_language(&state.db, tag).await?,
    ))
}

/// The page's language for a link whose round offers `offered`.
pub async fn choose(
    state: &AppState,
    req: &Request,
    offered: &[String],
) -> Result<PageLanguage, AppError> {
    if offered.is_empty() {
        return Ok(PageLanguage::chinese());
    }
    let explicit = query_lang(req).and_then(|w| matching(&w, offered));
    let remembered = device::Cookies::of(req)
        .get(COOKIE)
        .and_then(|w| matching(w, offered));
    let tag = explicit
        .clone()
        .or(remembered.clone())
        .or_else(|| accepted(req).iter().find_map(|w| matching(w, offered)))
        .unwrap_or_else(|| PRIMARY_LANGUAGE.to_string());
    let set_cookie = explicit
        .filter(|e| Some(e) != remembered.as_ref())
        .map(|e| device::set_cookie(COOKIE, &e, COOKIE_MAX_AGE, state.settings.secure_cookies));
    let mut choices = vec![PRIMARY_LANGUAGE.to_string()];
    choices.extend(offered.iter().cloned());
    Ok(PageLanguage {
        texts: texts_of(state, &tag).await?,
        tag,
        choices,
        set_cookie,
    })
}

/// The language a plain form was shown in (its `language` field), if the
/// round offers it; else Chinese.
pub async fn of_form(
    state: &AppState,
    said: Option<&str>,
    offered: &[String],
) -> Result<PageLanguage, AppError> {
    let Some(tag) = said.and_then(|w| matching(w, offered)) else {
        return Ok(PageLanguage::chinese());
    };
    let mut choices = vec![PRIMARY_LANGUAGE.to_string()];
    choices.extend(offered.iter().cloned());
    Ok(PageLanguage {
        texts: texts_of(state, &tag).await?,
        tag,
        choices,
        set_cookie: None,
    })
}

/// The fixed texts for a page shown before the link's round is known (an
/// unknown link): the wished language if renke has its texts, else Chinese.
pub async fn for_errors(state: &AppState, req: &Request) -> PageTexts {
    let wishes = query_lang(req)
        .into_iter()
        .chain(device::Cookies::of(req).get(COOKIE).map(str::to_string))
        .chain(accepted(req));
    for w in wishes {
        let Ok(tag) = normalise_tag(&w) else { continue };
        if tag == PRIMARY_LANGUAGE || tag.starts_with("zh-") {
            break;
        }
        if built_in(&tag) {
            return PageTexts::new(&tag, Default::default());
        }
        if let Ok(set) = store::page_texts::of_language(&state.db, &tag).await {
            if !set.is_empty() {
                return PageTexts::new(&tag, set);
            }
        }
    }
    PageTexts::chinese()
}

/// `lang` and `dir` of a page in this language.
pub fn html_attrs(texts: &PageTexts) -> (String, &'static str) {
    let tag = texts.language();
    let lang = if tag == PRIMARY_LANGUAGE {
        "zh-CN".to_string()
    } else {
        tag.to_string()
    };
    (lang, if language::is_rtl(tag) { "rtl" } else { "ltr" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wish_matches_an_offered_language_or_chinese() {
        let offered = vec!["ug".to_string(), "kk-Arab".to_string(), "en".to_string()];
        assert_eq!(matching("ug-CN", &offered).as_deref(), Some("ug"));
        assert_eq!(matching("UG", &offered).as_deref(), Some("ug"));
        assert_eq!(matching("zh-CN", &offered).as_deref(), Some("zh"));
        assert_eq!(matching("kk-arab", &offered).as_deref(), Some("kk-Arab"));
        assert_eq!(
            matching("kk", &offered),
            None,
            "Cyrillic Kazakh is not offered"
        );
        assert_eq!(matching("en-GB", &offered).as_deref(), Some("en"));
        assert_eq!(matching("fr", &offered), None);
        assert_eq!(matching("<script>", &offered), None);
    }
}
