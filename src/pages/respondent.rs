//! The respondent's pages as HTML: the questionnaire, the access-code
//! form, the thank-you page and every refusal. One request, no external
//! hosts: the style and script are inlined.

use std::collections::HashMap;

use super::language::{PageLanguage, html_attrs};
use crate::domain::group::RespondentGroup;
use crate::domain::language::native_name;
use crate::domain::page_texts::{PageTexts, TEXTS};
use crate::domain::questionnaire::{ItemKind, Questionnaire};
use crate::html::esc;

const CSS: &str = include_str!("../../frontend/survey.css");
const JS: &str = include_str!("../../frontend/survey.js");

/// The page's Content-Security-Policy: the inlined script is allowed by its
/// hash, nothing else inline runs, nothing loads from other hosts.
pub fn content_security_policy() -> &'static str {
    use base64::Engine;
    use sha2::Digest;
    static CSP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CSP.get_or_init(|| {
        let hash =
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(JS.as_bytes()));
        format!(
            "default-src 'self'; script-src 'sha256-{hash}'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'"
        )
    })
}

/// Icons as inline SVG: emoji fonts are missing on many cheap phones.
pub const ICON_OK: &str = "<svg class=\"icon\" viewBox=\"0 0 48 48\" aria-hidden=\"true\"><circle cx=\"24\" cy=\"24\" r=\"22\" fill=\"#00b42a\"/><path d=\"M14 25l7 7 13-14\" fill=\"none\" stroke=\"#fff\" stroke-width=\"4\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>";
pub const ICON_STOP: &str = "<svg class=\"icon\" viewBox=\"0 0 48 48\" aria-hidden=\"true\"><circle cx=\"24\" cy=\"24\" r=\"22\" fill=\"#ff7d00\"/><path d=\"M24 12v15\" stroke=\"#fff\" stroke-width=\"4.5\" stroke-linecap=\"round\"/><circle cx=\"24\" cy=\"35\" r=\"2.8\" fill=\"#fff\"/></svg>";
pub const ICON_WAIT: &str = "<svg class=\"icon\" viewBox=\"0 0 48 48\" aria-hidden=\"true\"><circle cx=\"24\" cy=\"24\" r=\"22\" fill=\"#165dff\"/><path d=\"M24 12v13l8 5\" fill=\"none\" stroke=\"#fff\" stroke-width=\"4\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>";

/// The promise shown on every questionnaire, whatever its intro says.
pub const ANONYMITY: &str = "本问卷匿名填写：不记录姓名、电话等个人信息，也不保存您的网络地址。\
答案只用于统计全县的总体情况。";

fn shell(tx: &PageTexts, title: &str, body: &str) -> String {
    shell_with(tx, title, "", body)
}

/// `head` is trusted markup added to the page's head; the page's `lang` and
/// `dir` follow the language of `tx`.
fn shell_with(tx: &PageTexts, title: &str, head: &str, body: &str) -> String {
    let (lang, dir) = html_attrs(tx);
    format!(
        "<!doctype html><html lang=\"{}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"format-detection\" content=\"telephone=no\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{}</title>{head}<style>{CSS}</style></head><body>{body}</body></html>",
        esc(&lang),
        esc(title)
    )
}

/// Who the questionnaire is for: the heading lines.
pub struct Heading<'a> {
    pub round_name: &'a str,
    pub school_name: Option<&'a str>,
    pub group_label: &'a str,
    /// Closing time in Beijing time, e.g. `2026年12月31日 23:59`.
    pub closes_at: String,
}

impl Heading<'_> {
    fn meta(&self) -> String {
        let who = match self.school_name {
            Some(s) => format!("<b>{}</b> · {}", esc(s), esc(self.group_label)),
            None => format!("<b>{}</b>", esc(self.group_label)),
        };
        format!("<p class=\"meta\">{}<br>{who}</p>", esc(self.round_name))
    }
}

/// Everything the questionnaire page shows.
pub struct FormView<'a> {
    pub token: &'a str,
    pub heading: Heading<'a>,
    pub questionnaire: &'a Questionnaire,
    /// A fresh id for this attempt; the script keeps it in the draft.
    pub client_id: &'a str,
    /// When the page was rendered (ms since the epoch): the answer time of
    /// a submission without the script.
    pub started_ms: i64,
    /// Answers to show again after a refused plain-form submission.
    pub answers: &'a HashMap<String, String>,
    /// An error to show, and the item at fault.
    pub error: Option<(Option<&'a str>, &'a str)>,
    /// A note above the items (e.g. this device already answered).
    pub notice: Option<&'a str>,
    /// Another household member answers on a phone that already answered
    /// (confirmed on the page before).
    pub shared_device: bool,
    /// The thank-you card offers a household member's answer on this
    /// phone, in the words of the link's group.
    pub offer_shared: Option<HouseholdWords>,
    /// Shown on a PC of a room session (机房答题): pupils take turns.
    pub kiosk: Option<Kiosk<'a>>,
    /// The page's language, its fixed texts and the language switch.
    pub language: &'a PageLanguage,
}

/// The fixed texts the page's script shows, as JSON for its `data-texts`
/// (none on a Chinese page: the script carries the Chinese).
fn script_texts(tx: &PageTexts) -> String {
    let pairs: serde_json::Map<String, serde_json::Value> = TEXTS
        .iter()
        .filter(|t| t.key.starts_with("form.") || t.key.starts_with("thanks."))
        .map(|t| (t.key.to_string(), serde_json::Value::from(tx.get(t.key))))
        .collect();
    serde_json::Value::Object(pairs).to_string()
}

/// The language switch at the top of a page: 中文 and each offered
/// language, in its own name, linking to the same page in it.
fn switch(token: &str, lang: &PageLanguage) -> String {
    if lang.choices.len() < 2 {
        return String::new();
    }
    let links: String = lang
        .choices
        .iter()
        .map(|t| {
            if *t == lang.tag {
                format!("<b lang=\"{t}\">{}</b>", esc(native_name(t)), t = esc(t))
            } else {
                format!(
                    "<a lang=\"{t}\" href=\"/s/{token}?lang={t}\">{}</a>",
                    esc(native_name(t)),
                    t = esc(t),
                    token = esc(token)
                )
            }
        })
        .collect::<Vec<_>>()
        .join(" · ");
    format!(
        "<nav class=\"langs\" aria-label=\"{}\">{links}</nav>",
        esc(lang.texts.get("form.language"))
    )
}

/// A room session's questionnaire: the session's code (for the next
/// pupil's page) and the signed stamp of when this page was shown.
#[derive(Debug, Clone, Copy)]
pub struct Kiosk<'a> {
    pub code: &'a str,
    pub ticket: &'a str,
}

/// The notice above a room session's questionnaire.
pub const KIOSK_NOTICE: &str = "机房答题：请独立作答，按自己的真实感受选择，不要和同学讨论，也不要看别人的答案。提交后本机不会保留你的任何答案，下一位同学将看到一份空白问卷。";

pub fn questionnaire(v: &FormView) -> String {
    let q = v.questionnaire;
    let tx = &v.language.texts;
    let required = q
        .items
        .iter()
        .filter(|i| i.required || i.kind == ItemKind::Scored)
        .count();
    let mut items = String::new();
    for (n, item) in q.items.iter().enumerate() {
        let n = n + 1;
        let req = item.required || item.kind == ItemKind::Scored;
        let at_fault = v.error.and_then(|(f, _)| f) == Some(item.id.as_str());
        let id = esc(&item.id);
        let prior = v.answers.get(&item.id).map(String::as_str).unwrap_or("");
        items.push_str(&format!(
            "<fieldset class=\"q{}\" id=\"item-{id}\" data-item=\"{id}\" data-n=\"{n}\" data-kind=\"{}\" data-required=\"{}\">\
             <legend><span class=\"n\">{n}.</span>{}{}</legend>",
            if at_fault { " missing" } else { "" },
            if item.kind == ItemKind::Text { "text" } else { "choice" },
            u8::from(req),
            esc(&item.text),
            if req { "<em class=\"req\">*</em>" } else { "" },
        ));
        if item.kind == ItemKind::Text {
            items.push_str(&format!(
                "<textarea name=\"{id}\" maxlength=\"2000\" rows=\"4\" placeholder=\"{}\"{}>{}</textarea>",
                esc(tx.get("form.optional")),
                if req { " required" } else { "" },
                esc(prior)
            ));
        } else {
            for (k, o) in item.options.iter().enumerate() {
                let checked = prior == o.code.to_string();
                items.push_str(&format!(
                    "<label class=\"opt{}\"><input type=\"radio\" name=\"{id}\" value=\"{}\"{}{}><span>{}</span></label>",
                    if checked { " on" } else { "" },
                    o.code,
                    if checked { " checked" } else { "" },
                    if req && k == 0 { " required" } else { "" },
                    esc(&o.label)
                ));
            }
        }
        if at_fault {
            if let Some((_, m)) = v.error {
                items.push_str(&format!("<p class=\"err\">{}</p>", esc(m)));
            }
        }
        items.push_str("</fieldset>");
    }
    let general_error = match v.error {
        Some((None, m)) => esc(m),
        _ => String::new(),
    };
    let mut notice = v
        .notice
        .map(|n| format!("<div class=\"notice warn\">{}</div>", esc(n)))
        .unwrap_or_default();
    let mut kiosk_fields = String::new();
    let mut form_attrs = String::new();
    if let Some(k) = v.kiosk {
        notice.push_str(&format!(
            "<div class=\"notice\" id=\"kiosk\"><b>机房答题</b> {}</div>",
            esc(KIOSK_NOTICE)
        ));
        kiosk_fields = format!(
            "<input type=\"hidden\" name=\"room\" value=\"{}\">\
             <input type=\"hidden\" name=\"room_ticket\" value=\"{}\">",
            esc(k.code),
            esc(k.ticket)
        );
        form_attrs = format!(" data-kiosk=\"1\" data-room=\"{}\"", esc(k.code));
    }
    let thanks = match v.kiosk {
        Some(k) => kiosk_card(None, k.code),
        None => thanks_card(tx, None, v.offer_shared.map(|w| (v.token, w))),
    };
    if !v.language.is_primary() {
        form_attrs.push_str(&format!(" data-texts=\"{}\"", esc(&script_texts(tx))));
        kiosk_fields.push_str(&format!(
            "<input type=\"hidden\" name=\"language\" value=\"{}\">",
            esc(&v.language.tag)
        ));
    }
    let body = format!(
        "<div id=\"form-page\"><header class=\"top\"><div class=\"in\"><div class=\"bar\"><i id=\"bar\"></i></div>\
         <span id=\"count\">{count}</span></div></header><main>{switch}\
         <h1>{title}</h1>{meta}{notice}\
         <div class=\"notice\"><b>{anonymous}</b> {anon}</div><p class=\"intro\">{intro}</p>\
         <form id=\"f\" method=\"post\" action=\"/s/{token}\" data-token=\"{token}\"{form_attrs} autocomplete=\"off\">\
         <input type=\"hidden\" name=\"client_id\" value=\"{client_id}\">\
         <input type=\"hidden\" name=\"started_ms\" value=\"{started}\">{shared}{kiosk_fields}\
         {items}<p id=\"msg\" class=\"msg\" role=\"alert\">{general_error}</p>\
         <button type=\"submit\">{submit}</button></form>\
         <p class=\"foot\">{closes}</p></main></div>\
         <div id=\"thanks\" class=\"hide\"><main>{thanks}</main></div><script>{JS}</script>",
        count = esc(&tx.fill("form.required_count", &[("n", &required.to_string())])),
        switch = switch(v.token, v.language),
        anonymous = esc(tx.get("form.anonymous")),
        submit = esc(tx.get("form.submit")),
        title = esc(&q.title),
        meta = v.heading.meta(),
        anon = esc(tx.get("form.anonymity")),
        intro = esc(&q.intro),
        token = esc(v.token),
        client_id = esc(v.client_id),
        started = v.started_ms,
        shared = if v.shared_device {
            "<input type=\"hidden\" name=\"shared_device\" value=\"1\">"
        } else {
            ""
        },
        closes = esc(&tx.fill("form.closes", &[("time", &v.heading.closes_at)])),
    );
    shell(tx, &q.title, &body)
}

/// How a household sharing one phone is named to the link's group: parents
/// hand the phone to the other parent, pupils to a brother or sister, the
/// other groups to another member of the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HouseholdWords {
    /// Which words: `parent`, `student` or `other` (the keys'
    /// `household.*_<kind>` in `domain::page_texts`).
    kind: &'static str,
}

impl HouseholdWords {
    pub fn of(group: RespondentGroup) -> Self {
        let kind = match group {
            RespondentGroup::Parent => "parent",
            RespondentGroup::Student => "student",
            _ => "other",
        };
        Self { kind }
    }

    fn word<'t>(self, tx: &'t PageTexts, what: &str) -> &'t str {
        tx.get(&format!("household.{what}_{}", self.kind))
    }
    /// The button after a completed answer.
    pub fn offer(self, tx: &PageTexts) -> &str {
        self.word(tx, "offer")
    }
    /// Who answers next, in the confirmation and the notice.
    pub fn who(self, tx: &PageTexts) -> &str {
        self.word(tx, "who")
    }
    /// The confirmation button.
    pub fn confirm(self, tx: &PageTexts) -> &str {
        self.word(tx, "confirm")
    }

    /// The line above the questionnaire while a household member answers.
    pub fn notice(self, tx: &PageTexts) -> String {
        tx.fill("household.notice", &[("who", self.who(tx))])
    }
}

/// The heading of a stored answer that does not count.
pub const NOT_COUNTED: &str = "本次提交已保存，但不计入统计";

/// The offer after a completed answer: the link's token and its group's words.
pub type SharedOffer<'a> = (&'a str, HouseholdWords);

fn shared_offer(tx: &PageTexts, (token, words): SharedOffer<'_>) -> String {
    format!(
        "<p class=\"foot\">{}</p>\
         <a class=\"btn\" id=\"shared-offer\" href=\"/s/{}?shared=1\">{}</a>",
        esc(&tx.fill("household.phone", &[("who", words.who(tx))])),
        esc(token),
        esc(words.offer(tx))
    )
}

/// The thank-you card. `not_counted`: why a stored answer does not count
/// (then the card says so instead of 提交成功); `offer`: the link's token
/// and its group's words when a household member may answer on this phone too. The script fills
/// in the reason from the receipt.
fn thanks_card(
    tx: &PageTexts,
    not_counted: Option<&str>,
    offer: Option<SharedOffer<'_>>,
) -> String {
    let (icon, title, text) = match not_counted {
        None => (
            ICON_OK,
            tx.get("thanks.title"),
            tx.get("thanks.text").to_string(),
        ),
        Some(why) => (
            ICON_STOP,
            tx.get("thanks.not_counted"),
            tx.fill("thanks.reason", &[("reason", why)]),
        ),
    };
    format!(
        "<div class=\"card\">{icon}<h1 id=\"thanks-title\">{}</h1>\
         <p id=\"thanks-text\">{}</p><p>{}</p>{}</div>",
        esc(title),
        esc(&text),
        esc(tx.get("thanks.close")),
        offer.map(|o| shared_offer(tx, o)).unwrap_or_default()
    )
}

/// The thank-you card on a room session's PC: nothing of the pupil's
/// answers, and the way to the next pupil's blank questionnaire.
fn kiosk_card(not_counted: Option<&str>, code: &str) -> String {
    let (icon, title, text) = match not_counted {
        None => (
            ICON_OK,
            "提交成功",
            "谢谢你的参与！你的回答已匿名保存，本机没有留下你的答案。".to_string(),
        ),
        Some(why) => (ICON_STOP, NOT_COUNTED, format!("原因：{why}。")),
    };
    format!(
        "<div class=\"card\">{icon}<h1 id=\"thanks-title\">{title}</h1>\
         <p id=\"thanks-text\">{}</p><p>请把座位让给下一位同学。</p>\
         <a class=\"btn\" id=\"next-pupil\" href=\"/r/{code}\">下一位同学开始答题</a></div>",
        esc(&text),
        code = esc(code)
    )
}

/// After a plain-form submission on a room session's PC.
pub fn kiosk_thanks(not_counted: Option<&str>, code: &str) -> String {
    let title = if not_counted.is_some() {
        NOT_COUNTED
    } else {
        "提交成功"
    };
    shell(
        &PageTexts::chinese(),
        title,
        &format!("<main>{}</main>", kiosk_card(not_counted, code)),
    )
}

/// After a plain-form submission: thanks, or why the stored answer does
/// not count.
pub fn thanks(tx: &PageTexts, not_counted: Option<&str>, offer: Option<SharedOffer<'_>>) -> String {
    let title = if not_counted.is_some() {
        tx.get("thanks.not_counted")
    } else {
        tx.get("thanks.title")
    };
    shell(
        tx,
        title,
        &format!("<main>{}</main>", thanks_card(tx, not_counted, offer)),
    )
}

/// Asks a household member to confirm before answering on a phone that
/// already answered this questionnaire.
pub fn shared_confirm(
    tx: &PageTexts,
    token: &str,
    heading: &Heading,
    allowed: i32,
    words: HouseholdWords,
) -> String {
    let who = format!("<b>{}</b>", esc(words.who(tx)));
    // The confirmation names who answers next in bold: the text is escaped
    // around the placeholder, which then takes the bold name.
    let text = esc(tx.get("household.confirm_text")).replace("{who}", &who);
    shell(
        tx,
        tx.get("household.confirm_title"),
        &format!(
            "<main><h1>{offer}</h1>{meta}<div class=\"card\">{ICON_WAIT}\
             <p>{text}</p><p>{limit}</p>\
             <a class=\"btn\" id=\"shared-confirm\" href=\"/s/{token}?shared=1&amp;confirm=1\">{confirm}</a></div></main>",
            offer = esc(words.offer(tx)),
            limit = esc(&tx.fill("household.confirm_limit", &[("n", &allowed.to_string())])),
            confirm = esc(words.confirm(tx)),
            meta = heading.meta(),
            token = esc(token),
        ),
    )
}

/// A page that says why the questionnaire cannot be answered here and now;
/// `icon` is one of the `ICON_*` drawings.
pub fn message(tx: &PageTexts, icon: &str, title: &str, text: &str, extra_html: &str) -> String {
    shell(
        tx,
        title,
        &format!(
            "<main><div class=\"card\">{icon}<h1>{}</h1><p>{}</p>{extra_html}</div></main>",
            esc(title),
            esc(text)
        ),
    )
}

/// The page for a busy server (429, 503): says when to come back and
/// reloads itself then. The questionnaire's draft stays on the phone and is
/// filled in again when the page comes back.
pub fn busy(tx: &PageTexts, title: &str, text: &str, retry_after_secs: u64) -> String {
    shell_with(
        tx,
        title,
        &format!("<meta http-equiv=\"refresh\" content=\"{retry_after_secs}\">"),
        &format!(
            "<main><div class=\"card\">{ICON_WAIT}<h1>{}</h1><p>{}</p><p>{}</p></div></main>",
            esc(title),
            esc(text),
            esc(&tx.fill("refusal.reload", &[("n", &retry_after_secs.to_string())]))
        ),
    )
}

/// Asks for the one-time access code before the questionnaire.
pub fn code_form(
    tx: &PageTexts,
    token: &str,
    heading: &Heading,
    error: Option<&str>,
    shared: bool,
) -> String {
    // A household member who confirmed stays one after typing the code.
    let shared = if shared {
        "<input type=\"hidden\" name=\"shared\" value=\"1\">"
    } else {
        ""
    };
    let error = error
        .map(|e| format!("<p class=\"err\" role=\"alert\">{}</p>", esc(e)))
        .unwrap_or_default();
    shell(
        tx,
        tx.get("code.title"),
        &format!(
            "<main><h1>{title}</h1>{meta}<div class=\"notice\"><b>{anonymous}</b> {anon}</div>\
             <div class=\"card\"><p>{text}</p>\
             <form method=\"post\" action=\"/s/{token}/code\">\
             <input class=\"code\" name=\"code\" autocomplete=\"off\" autocapitalize=\"characters\" \
             spellcheck=\"false\" maxlength=\"20\" placeholder=\"ABCD-EFGH\" required aria-label=\"{field}\">\
             {shared}{error}<button type=\"submit\">{start}</button></form></div>\
             <p class=\"foot\">{closes}</p></main>",
            title = esc(tx.get("code.title")),
            anonymous = esc(tx.get("form.anonymous")),
            text = esc(tx.get("code.text")),
            field = esc(tx.get("code.field")),
            start = esc(tx.get("code.start")),
            meta = heading.meta(),
            anon = esc(tx.get("form.anonymity")),
            token = esc(token),
            closes = esc(&tx.fill("form.closes", &[("time", &heading.closes_at)])),
        ),
    )
}
