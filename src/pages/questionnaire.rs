//! `/s/<token>`: the questionnaire a QR code opens. Works without
//! JavaScript (a plain form post to the same URL, checked like the API);
//! with it, the page keeps a draft and submits through the public API.

use chrono::Utc;
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Form, Path},
};
use std::collections::HashMap;

use super::{
    access_code::code_state,
    language::{self, PageTexts},
    reply::{error_page, error_page_in, heading, html, with_cookie},
    respondent::{self, FormView, HouseholdWords},
};
use crate::error::ErrorCode;
use crate::{
    device,
    domain::{
        client_id::ClientId, questionnaire::ItemKind, round::DuplicatePolicy, submission::RawAnswer,
    },
    error::AppError,
    state::AppState,
    store::{self, access_codes, links::LinkContext},
    survey::{self, ResponseInput},
    writer::Outcome,
};

#[handler]
pub async fn show(req: &Request, Path(token): Path<String>, state: Data<&AppState>) -> Response {
    match show_page(&state, req, &token).await {
        Ok(r) => r,
        Err(e) => error_page_in(&language::for_errors(&state, req).await, e),
    }
}

async fn show_page(state: &AppState, req: &Request, token: &str) -> Result<Response, AppError> {
    let open = survey::open_link(state, token).await?;
    let ctx = open.ctx();
    let head = heading(ctx);
    let lang = language::choose(state, req, &open.link.offered).await?;
    let tx = &lang.texts;
    let (device_id, mut set_device) = device_of(state, req, ctx.round.id);
    let set_lang = lang.set_cookie.clone();
    let mut notice = None;
    let answered = match set_device {
        Some(_) => None,
        None => {
            store::devices::answers(
                &state.db,
                &ctx.round,
                ctx.group,
                ctx.link.school_id,
                ctx.link.id,
                &device::hash(&state.keyed, ctx.round.id, &device_id),
            )
            .await?
        }
    };
    let query = req.uri().query().unwrap_or_default();
    let asked = |p: &str| query.split('&').any(|q| q == p);
    let limit = ctx.round.shared_device_limit;
    let offer = household_offer(ctx);
    let mut shared_device = false;
    if let Some(answers) = answered {
        let policy = ctx.round.duplicate_policy;
        let may_share = offer.is_some() && answers < limit;
        if may_share && asked("shared=1") {
            if !asked("confirm=1") {
                let words = HouseholdWords::of(ctx.group);
                let page = respondent::shared_confirm(tx, token, &head, limit, words);
                return Ok(with_cookie(html(StatusCode::OK, page), set_lang));
            }
            shared_device = true;
            notice = Some(HouseholdWords::of(ctx.group).notice(tx));
        } else {
            match policy {
                DuplicatePolicy::Refuse => {
                    let page = answered_page(tx, token, policy, offer.filter(|_| may_share));
                    return Ok(with_cookie(page, set_lang));
                }
                DuplicatePolicy::Flag if !asked("again=1") => {
                    let page = answered_page(tx, token, policy, offer.filter(|_| may_share));
                    return Ok(with_cookie(page, set_lang));
                }
                DuplicatePolicy::Flag => {
                    notice = Some(tx.get("form.device_answered").to_string());
                }
            }
        }
    }
    if open.link.codes_required {
        match code_state(state, req, ctx).await? {
            Some(access_codes::CodeState::Unused) => {}
            held => {
                let error =
                    (held == Some(access_codes::CodeState::Used)).then(|| tx.get("code.used"));
                let page = respondent::code_form(tx, token, &head, error, shared_device);
                let resp = with_cookie(html(StatusCode::OK, page), set_device);
                return Ok(with_cookie(resp, set_lang));
            }
        }
    }
    let client_id = uuid::Uuid::new_v4().to_string();
    let questionnaire = survey::questionnaire_in(state, &open, &lang.tag).await?;
    let page = respondent::questionnaire(&FormView {
        token,
        heading: head,
        questionnaire: &questionnaire,
        client_id: &client_id,
        started_ms: Utc::now().timestamp_millis(),
        answers: &HashMap::new(),
        error: None,
        notice: notice.as_deref(),
        shared_device,
        offer_shared: offer,
        kiosk: None,
        language: &lang,
    });
    let resp = with_cookie(html(StatusCode::OK, page), set_device.take());
    Ok(with_cookie(resp, set_lang))
}

/// The room session a plain form was shown in (its code and stamp).
fn kiosk_of(fields: &HashMap<String, String>) -> Option<respondent::Kiosk<'_>> {
    Some(respondent::Kiosk {
        code: fields.get("room").filter(|c| !c.is_empty())?,
        ticket: fields.get("room_ticket").filter(|t| !t.is_empty())?,
    })
}

/// Whether a household may answer on one phone in this round (the round
/// allows more than one answer per phone), in the words of the link's group.
fn household_offer(ctx: &LinkContext) -> Option<HouseholdWords> {
    (ctx.round.shared_device_limit > 1).then(|| HouseholdWords::of(ctx.group))
}

/// The round's device id from its cookie, or a new one with the
/// `Set-Cookie` that gives it to the phone.
fn device_of(state: &AppState, req: &Request, round_id: i64) -> (String, Option<String>) {
    let cookie = device::device_cookie(round_id);
    if let Some(id) = device::Cookies::of(req).get(&cookie) {
        return (id.to_string(), None);
    }
    let id = device::new_id();
    let secure = state.settings.secure_cookies;
    let set = device::set_cookie(&cookie, &id, device::MAX_AGE_SECS, secure);
    (id, Some(set))
}

/// A device that answered is told so. While the round's limit allows, it
/// is offered a household member's answer on this phone (counted); a
/// flagging round also lets it answer again knowingly (not counted); a
/// refusing round answers 409.
fn answered_page(
    tx: &PageTexts,
    token: &str,
    policy: DuplicatePolicy,
    offer: Option<HouseholdWords>,
) -> Response {
    use crate::html::esc;
    let token = esc(token);
    let mut more = String::new();
    if let Some(words) = offer {
        more.push_str(&format!(
            "<a class=\"btn\" id=\"shared-offer\" href=\"/s/{token}?shared=1\">{}</a>",
            esc(words.offer(tx))
        ));
    }
    let status = match policy {
        DuplicatePolicy::Refuse => StatusCode::CONFLICT,
        DuplicatePolicy::Flag => {
            more.push_str(&format!(
                "<p>{}</p><a class=\"btn\" href=\"/s/{token}?again=1\">{}</a>",
                esc(tx.get("already.again_note")),
                esc(tx.get("already.again"))
            ));
            StatusCode::OK
        }
    };
    let page = respondent::message(
        tx,
        respondent::ICON_OK,
        tx.get("already.title"),
        tx.get("already.text"),
        &more,
    );
    html(status, page)
}

/// The plain form post of the questionnaire (no JavaScript).
#[handler]
pub async fn submit(
    req: &Request,
    Path(token): Path<String>,
    state: Data<&AppState>,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    let Ok(Form(fields)) = form else {
        return error_page(AppError::BadRequest("表单格式错误".into()));
    };
    let fields: HashMap<String, String> = fields.into_iter().collect();
    match submit_form(&state, req, &token, &fields).await {
        Ok(r) => r,
        Err(e) => error_page(e),
    }
}

async fn submit_form(
    state: &AppState,
    req: &Request,
    token: &str,
    fields: &HashMap<String, String>,
) -> Result<Response, AppError> {
    let open = survey::open_link(state, token).await?;
    let ctx = open.ctx();
    let lang = language::of_form(
        state,
        fields.get("language").map(String::as_str),
        &open.link.offered,
    )
    .await?;
    let tx = &lang.texts;
    let answers = open
        .questionnaire
        .items
        .iter()
        .filter_map(|item| {
            let value = fields
                .get(&item.id)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())?;
            Some(RawAnswer {
                item: item.id.clone(),
                option: (item.kind != ItemKind::Text).then(|| value.parse().unwrap_or(0)),
                text: (item.kind == ItemKind::Text).then(|| value.to_string()),
            })
        })
        .collect();
    let client_id = fields
        .get("client_id")
        .and_then(|c| ClientId::parse(c).ok())
        .unwrap_or_else(|| uuid::Uuid::new_v4().into());
    let started_ms = fields
        .get("started_ms")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| Utc::now().timestamp_millis());
    let code_cookie = device::code_cookie(ctx.link.id);
    let input = ResponseInput {
        client_id: client_id.clone(),
        answers,
        duration_ms: Utc::now().timestamp_millis() - started_ms,
        cookies: device::Cookies::of(req),
        access_code: fields.get("access_code").cloned(),
        shared_device: fields.get("shared_device").is_some_and(|v| v == "1"),
        language: fields.get("language").cloned(),
        room_ticket: fields.get("room_ticket").cloned(),
    };
    match survey::submit(state, token, input).await {
        Ok(outcome) => {
            let (status, receipt) = match outcome {
                Outcome::Created(r) => (StatusCode::CREATED, Some(r)),
                Outcome::Replayed(r) => (StatusCode::OK, Some(r)),
                _ => (StatusCode::OK, None),
            };
            let why = receipt.and_then(|r| r.validity.reason_zh());
            let clear = device::set_cookie(&code_cookie, "", 0, state.settings.secure_cookies);
            if let Some(k) = kiosk_of(fields) {
                // The room's PC: thanks, and the next pupil's questionnaire.
                return Ok(with_cookie(
                    html(status, respondent::kiosk_thanks(why, k.code)),
                    Some(clear),
                ));
            }
            let offer = household_offer(ctx).map(|w| (token, w));
            Ok(with_cookie(
                html(status, respondent::thanks(tx, why, offer)),
                Some(clear),
            ))
        }
        Err(AppError::Validation { field, message, .. })
            if field.as_deref() != Some("access_code") =>
        {
            let head = heading(ctx);
            let client_id = client_id.to_string();
            let questionnaire = survey::questionnaire_in(state, &open, &lang.tag).await?;
            let page = respondent::questionnaire(&FormView {
                token,
                heading: head,
                questionnaire: &questionnaire,
                client_id: &client_id,
                started_ms,
                answers: fields,
                error: Some((field.as_deref(), &message)),
                notice: None,
                shared_device: fields.get("shared_device").is_some_and(|v| v == "1"),
                offer_shared: household_offer(ctx),
                kiosk: kiosk_of(fields),
                language: &lang,
            });
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e @ AppError::Validation { .. })
        | Err(
            e @ AppError::Conflict {
                code: ErrorCode::AccessCodeUsed,
                ..
            },
        ) => {
            let head = heading(ctx);
            let status = if matches!(e, AppError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok(html(
                status,
                respondent::code_form(
                    tx,
                    token,
                    &head,
                    Some(&e.to_string()),
                    fields.get("shared_device").is_some_and(|v| v == "1"),
                ),
            ))
        }
        Err(AppError::RateLimited { retry_after_secs }) => {
            // The page without script keeps the answers: shown again with
            // when to press the button once more.
            let client_id = client_id.to_string();
            let message = tx.fill("form.busy_form", &[("n", &retry_after_secs.to_string())]);
            let questionnaire = survey::questionnaire_in(state, &open, &lang.tag).await?;
            let page = respondent::questionnaire(&FormView {
                token,
                heading: heading(ctx),
                questionnaire: &questionnaire,
                client_id: &client_id,
                started_ms,
                answers: fields,
                error: Some((None, &message)),
                notice: None,
                shared_device: fields.get("shared_device").is_some_and(|v| v == "1"),
                offer_shared: household_offer(ctx),
                kiosk: kiosk_of(fields),
                language: &lang,
            });
            let mut resp = html(StatusCode::TOO_MANY_REQUESTS, page);
            if let Ok(v) = retry_after_secs.to_string().parse() {
                resp.headers_mut()
                    .insert(poem::http::header::RETRY_AFTER, v);
            }
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}
