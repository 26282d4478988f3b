//! The respondent's pages as HTML: the questionnaire, the access-code
//! form, the thank-you page and every refusal. One request, no external
//! hosts: the style and script are inlined.

use std::collections::HashMap;

use crate::domain::group::RespondentGroup;
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

fn shell(title: &str, body: &str) -> String {
    shell_with(title, "", body)
}

/// `head` is trusted markup added to the page's head.
fn shell_with(title: &str, head: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"format-detection\" content=\"telephone=no\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{}</title>{head}<style>{CSS}</style></head><body>{body}</body></html>",
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
                "<textarea name=\"{id}\" maxlength=\"2000\" rows=\"4\" placeholder=\"选填\"{}>{}</textarea>",
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
        None => thanks_card(None, v.offer_shared.map(|w| (v.token, w))),
    };
    let body = format!(
        "<div id=\"form-page\"><header class=\"top\"><div class=\"in\"><div class=\"bar\"><i id=\"bar\"></i></div>\
         <span id=\"count\">共{required}道必答题</span></div></header><main>\
         <h1>{title}</h1>{meta}{notice}\
         <div class=\"notice\"><b>匿名调查</b> {anon}</div><p class=\"intro\">{intro}</p>\
         <form id=\"f\" method=\"post\" action=\"/s/{token}\" data-token=\"{token}\"{form_attrs} autocomplete=\"off\">\
         <input type=\"hidden\" name=\"client_id\" value=\"{client_id}\">\
         <input type=\"hidden\" name=\"started_ms\" value=\"{started}\">{shared}{kiosk_fields}\
         {items}<p id=\"msg\" class=\"msg\" role=\"alert\">{general_error}</p>\
         <button type=\"submit\">提交问卷</button></form>\
         <p class=\"foot\">截止时间：{closes}（北京时间）</p></main></div>\
         <div id=\"thanks\" class=\"hide\"><main>{thanks}</main></div><script>{JS}</script>",
        title = esc(&q.title),
        meta = v.heading.meta(),
        anon = esc(ANONYMITY),
        intro = esc(&q.intro),
        token = esc(v.token),
        client_id = esc(v.client_id),
        started = v.started_ms,
        shared = if v.shared_device {
            "<input type=\"hidden\" name=\"shared_device\" value=\"1\">"
        } else {
            ""
        },
        closes = esc(&v.heading.closes_at),
    );
    shell(&q.title, &body)
}

/// How a household sharing one phone is named to the link's group: parents
/// hand the phone to the other parent, pupils to a brother or sister, the
/// other groups to another member of the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HouseholdWords {
    /// The button after a completed answer.
    pub offer: &'static str,
    /// Who answers next, in the confirmation and the notice.
    pub who: &'static str,
    /// The confirmation button.
    pub confirm: &'static str,
}

impl HouseholdWords {
    pub fn of(group: RespondentGroup) -> Self {
        match group {
            RespondentGroup::Parent => Self {
                offer: "家里另一位家长（或另一个孩子的家长）也要填写",
                who: "家里另一位家长（或另一个孩子的家长）",
                confirm: "确认，由另一位家长填写",
            },
            RespondentGroup::Student => Self {
                offer: "家里另一个孩子（兄弟姐妹）也要填写",
                who: "家里另一个孩子（兄弟姐妹）",
                confirm: "确认，由另一个孩子填写",
            },
            _ => Self {
                offer: "家里另一位家庭成员也要填写",
                who: "家里另一位家庭成员",
                confirm: "确认，由另一位家庭成员填写",
            },
        }
    }

    /// The line above the questionnaire while a household member answers.
    pub fn notice(self) -> String {
        format!(
            "您正在以{}的身份填写：本份答卷计入统计，并标记为“同一设备的家庭成员”。",
            self.who
        )
    }
}

/// The heading of a stored answer that does not count.
pub const NOT_COUNTED: &str = "本次提交已保存，但不计入统计";

/// The offer after a completed answer: the link's token and its group's words.
pub type SharedOffer<'a> = (&'a str, HouseholdWords);

fn shared_offer((token, words): SharedOffer<'_>) -> String {
    format!(
        "<p class=\"foot\">同一部手机可以由{}使用：</p>\
         <a class=\"btn\" id=\"shared-offer\" href=\"/s/{}?shared=1\">{}</a>",
        esc(words.who),
        esc(token),
        esc(words.offer)
    )
}

/// The thank-you card. `not_counted`: why a stored answer does not count
/// (then the card says so instead of 提交成功); `offer`: the link's token
/// and its group's words when a household member may answer on this phone too. The script fills
/// in the reason from the receipt.
fn thanks_card(not_counted: Option<&str>, offer: Option<SharedOffer<'_>>) -> String {
    let (icon, title, text) = match not_counted {
        None => (
            ICON_OK,
            "提交成功",
            "感谢您的参与！您的回答已匿名保存。".to_string(),
        ),
        Some(why) => (ICON_STOP, NOT_COUNTED, format!("原因：{why}。")),
    };
    format!(
        "<div class=\"card\">{icon}<h1 id=\"thanks-title\">{title}</h1>\
         <p id=\"thanks-text\">{}</p><p>现在可以关闭本页面。</p>{}</div>",
        esc(&text),
        offer.map(shared_offer).unwrap_or_default()
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
        title,
        &format!("<main>{}</main>", kiosk_card(not_counted, code)),
    )
}

/// After a plain-form submission: thanks, or why the stored answer does
/// not count.
pub fn thanks(not_counted: Option<&str>, offer: Option<SharedOffer<'_>>) -> String {
    let title = if not_counted.is_some() {
        NOT_COUNTED
    } else {
        "提交成功"
    };
    shell(
        title,
        &format!("<main>{}</main>", thanks_card(not_counted, offer)),
    )
}

/// Asks a household member to confirm before answering on a phone that
/// already answered this questionnaire.
pub fn shared_confirm(
    token: &str,
    heading: &Heading,
    allowed: i32,
    words: HouseholdWords,
) -> String {
    shell(
        "请确认",
        &format!(
            "<main><h1>{offer}</h1>{meta}<div class=\"card\">{ICON_WAIT}\
             <p>这部手机已经提交过这份问卷。请确认：接下来由<b>{who}</b>\
             按自己的看法填写，而不是同一个人再填一次。</p>\
             <p>同一部手机最多可为这份问卷提交{allowed}份答卷，这样的答卷会计入统计，并标记为“同一设备的家庭成员”。</p>\
             <a class=\"btn\" id=\"shared-confirm\" href=\"/s/{token}?shared=1&amp;confirm=1\">{confirm}</a></div></main>",
            offer = esc(words.offer),
            who = esc(words.who),
            confirm = esc(words.confirm),
            meta = heading.meta(),
            token = esc(token),
        ),
    )
}

/// A page that says why the questionnaire cannot be answered here and now;
/// `icon` is one of the `ICON_*` drawings.
pub fn message(icon: &str, title: &str, text: &str, extra_html: &str) -> String {
    shell(
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
pub fn busy(title: &str, text: &str, retry_after_secs: u64) -> String {
    shell_with(
        title,
        &format!("<meta http-equiv=\"refresh\" content=\"{retry_after_secs}\">"),
        &format!(
            "<main><div class=\"card\">{ICON_WAIT}<h1>{}</h1><p>{}</p>\
             <p>本页将在{retry_after_secs}秒后自动刷新，您已填写的答案仍保存在本机，不必重新填写。</p></div></main>",
            esc(title),
            esc(text)
        ),
    )
}

/// Asks for the one-time access code before the questionnaire.
pub fn code_form(token: &str, heading: &Heading, error: Option<&str>, shared: bool) -> String {
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
        "请输入访问码",
        &format!(
            "<main><h1>请输入访问码</h1>{meta}<div class=\"notice\"><b>匿名调查</b> {anon}</div>\
             <div class=\"card\"><p>本问卷凭访问码填写。请输入您收到的纸条上的8位访问码（不区分大小写）。</p>\
             <form method=\"post\" action=\"/s/{token}/code\">\
             <input class=\"code\" name=\"code\" autocomplete=\"off\" autocapitalize=\"characters\" \
             spellcheck=\"false\" maxlength=\"20\" placeholder=\"ABCD-EFGH\" required aria-label=\"访问码\">\
             {shared}{error}<button type=\"submit\">开始答题</button></form></div>\
             <p class=\"foot\">截止时间：{closes}（北京时间）</p></main>",
            meta = heading.meta(),
            anon = esc(ANONYMITY),
            token = esc(token),
            closes = esc(&heading.closes_at),
        ),
    )
}
