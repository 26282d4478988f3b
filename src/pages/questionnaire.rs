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
    reply::{error_page, heading, html, with_cookie},
    respondent::{self, FormView, HouseholdWords},
};
use crate::error::ErrorCode;
use crate::{
    device,
    domain::{questionnaire::ItemKind, round::DuplicatePolicy, submission::RawAnswer},
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
        Err(e) => error_page(e),
    }
}

async fn show_page(state: &AppState, req: &Request, token: &str) -> Result<Response, AppError> {
    let open = survey::open_link(state, token).await?;
    let ctx = open.ctx();
    let head = heading(ctx);
    let (device_id, set_device) = device_of(state, req, ctx.round.id);
    let mut notice = None;
    let answered = match set_device {
        Some(_) => None,
        None => {
            store::devices::answers(
                &state.db,
                ctx.round.id,
                ctx.group.code(),
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
        let policy = DuplicatePolicy::from_code(&ctx.round.duplicate_policy)
            .unwrap_or(DuplicatePolicy::Flag);
        let may_share = offer.is_some() && answers < limit;
        if may_share && asked("shared=1") {
            if !asked("confirm=1") {
                let words = HouseholdWords::of(ctx.group);
                let page = respondent::shared_confirm(token, &head, limit, words);
                return Ok(html(StatusCode::OK, page));
            }
            shared_device = true;
            notice = Some(HouseholdWords::of(ctx.group).notice());
        } else {
            match policy {
                DuplicatePolicy::Refuse => {
                    return Ok(answered_page(token, policy, offer.filter(|_| may_share)));
                }
                DuplicatePolicy::Flag if !asked("again=1") => {
                    return Ok(answered_page(token, policy, offer.filter(|_| may_share)));
                }
                DuplicatePolicy::Flag => {
                    notice = Some(
                        "本设备已经提交过这份问卷；再次提交的问卷会被标记为重复，不计入统计。"
                            .to_string(),
                    );
                }
            }
        }
    }
    if open.link.codes_required {
        match code_state(state, req, ctx).await? {
            Some(access_codes::CodeState::Unused) => {}
            held => {
                let error = (held == Some(access_codes::CodeState::Used))
                    .then_some("该访问码已经使用过，每个访问码只能提交一份问卷");
                let page = respondent::code_form(token, &head, error, shared_device);
                return Ok(with_cookie(html(StatusCode::OK, page), set_device));
            }
        }
    }
    let client_id = uuid::Uuid::new_v4().to_string();
    let page = respondent::questionnaire(&FormView {
        token,
        heading: head,
        questionnaire: &open.questionnaire,
        client_id: &client_id,
        started_ms: Utc::now().timestamp_millis(),
        answers: &HashMap::new(),
        error: None,
        notice: notice.as_deref(),
        shared_device,
        offer_shared: offer,
        kiosk: None,
    });
    Ok(with_cookie(html(StatusCode::OK, page), set_device))
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
fn answered_page(token: &str, policy: DuplicatePolicy, offer: Option<HouseholdWords>) -> Response {
    let token = crate::html::esc(token);
    let mut more = String::new();
    if let Some(words) = offer {
        more.push_str(&format!(
            "<a class=\"btn\" id=\"shared-offer\" href=\"/s/{token}?shared=1\">{}</a>",
            crate::html::esc(words.offer)
        ));
    }
    let status = match policy {
        DuplicatePolicy::Refuse => StatusCode::CONFLICT,
        DuplicatePolicy::Flag => {
            more.push_str(&format!(
                "<p>如确需本人再填一份，请点击下方按钮；同一设备再次提交的问卷会被标记为重复，不计入统计。</p>\
                 <a class=\"btn\" href=\"/s/{token}?again=1\">再填一份</a>"
            ));
            StatusCode::OK
        }
    };
    let page = respondent::message(
        respondent::ICON_OK,
        "您已经提交过了",
        "本设备已经提交过这份问卷，感谢您的参与！",
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
        .and_then(|c| uuid::Uuid::parse_str(c).ok())
        .unwrap_or_else(uuid::Uuid::new_v4);
    let started_ms = fields
        .get("started_ms")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| Utc::now().timestamp_millis());
    let code_cookie = device::code_cookie(ctx.link.id);
    let input = ResponseInput {
        client_id,
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
                html(status, respondent::thanks(why, offer)),
                Some(clear),
            ))
        }
        Err(AppError::Validation { field, message, .. })
            if field.as_deref() != Some("access_code") =>
        {
            let head = heading(ctx);
            let client_id = client_id.to_string();
            let page = respondent::questionnaire(&FormView {
                token,
                heading: head,
                questionnaire: &open.questionnaire,
                client_id: &client_id,
                started_ms,
                answers: fields,
                error: Some((field.as_deref(), &message)),
                notice: None,
                shared_device: fields.get("shared_device").is_some_and(|v| v == "1"),
                offer_shared: household_offer(ctx),
                kiosk: kiosk_of(fields),
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
            let message = format!(
                "现在提交的人较多，请在{retry_after_secs}秒后再次点击“提交问卷”。您填写的答案已保留。"
            );
            let page = respondent::questionnaire(&FormView {
                token,
                heading: heading(ctx),
                questionnaire: &open.questionnaire,
                client_id: &client_id,
                started_ms,
                answers: fields,
                error: Some((None, &message)),
                notice: None,
                shared_device: fields.get("shared_device").is_some_and(|v| v == "1"),
                offer_shared: household_offer(ctx),
                kiosk: kiosk_of(fields),
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
