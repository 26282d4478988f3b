//! `/s/<token>/code`: the one-time access code a respondent types before a
//! questionnaire that needs one.

use poem::{
    Body, Request, Response, handler,
    http::{StatusCode, header},
    web::{Data, Form, Path},
};
use std::collections::HashMap;

use super::{
    language,
    reply::{error_page_in, heading, html, with_cookie},
    respondent,
};
use crate::{
    device, error::AppError, state::AppState, store::access_codes, store::links::LinkContext,
    survey,
};

/// What the access-code cookie holds, and whether it still admits.
pub async fn code_state(
    state: &AppState,
    req: &Request,
    ctx: &LinkContext,
) -> Result<Option<access_codes::CodeState>, AppError> {
    let cookies = device::Cookies::of(req);
    let Some(code) = cookies.get(&device::code_cookie(ctx.link.id)) else {
        return Ok(None);
    };
    // A code held in the cookie is an attempt like one typed in the form:
    // guesses through the cookie share the link's budget.
    state.limiter.check_link(ctx.link.id)?;
    let hash = access_codes::hash(&state.keyed, ctx.link.id, &access_codes::normalise(code));
    Ok(Some(
        access_codes::state(&state.db, ctx.link.id, &hash).await?,
    ))
}

/// The access code a respondent typed: remembered in a cookie when it
/// admits, then on to the questionnaire.
#[handler]
pub async fn enter_code(
    req: &Request,
    Path(token): Path<String>,
    state: Data<&AppState>,
    form: poem::Result<Form<HashMap<String, String>>>,
) -> Response {
    let fields = form.ok().map(|Form(f)| f).unwrap_or_default();
    let typed = fields.get("code").cloned().unwrap_or_default();
    // A household member who confirmed on this phone goes on as one.
    let shared = fields.get("shared").is_some_and(|v| v == "1");
    match check_code(&state, req, &token, &typed, shared).await {
        Ok(r) => r,
        Err(e) => error_page_in(&language::for_errors(&state, req).await, e),
    }
}

async fn check_code(
    state: &AppState,
    req: &Request,
    token: &str,
    typed: &str,
    shared: bool,
) -> Result<Response, AppError> {
    let open = survey::open_link(state, token).await?;
    let ctx = open.ctx();
    // The form shows in the page's language (the phone's remembered choice).
    let lang = language::choose(state, req, &open.link.offered).await?;
    let tx = &lang.texts;
    // Every attempt counts against the link, whatever it turns out to be.
    state.limiter.check_link(ctx.link.id)?;
    let code = access_codes::normalise(typed);
    let hash = access_codes::hash(&state.keyed, ctx.link.id, &code);
    let (status, error) = match access_codes::state(&state.db, ctx.link.id, &hash).await? {
        access_codes::CodeState::Unused => {
            let cookie = device::set_cookie(
                &device::code_cookie(ctx.link.id),
                &code,
                device::CODE_MAX_AGE_SECS,
                state.settings.secure_cookies,
            );
            let resp = Response::builder()
                .status(StatusCode::SEE_OTHER)
                .header(header::LOCATION, questionnaire_url(token, shared))
                .header(header::CACHE_CONTROL, "no-store")
                .body(Body::empty());
            return Ok(with_cookie(resp, Some(cookie)));
        }
        access_codes::CodeState::Used => (StatusCode::CONFLICT, tx.get("code.used")),
        access_codes::CodeState::Unknown if code.is_empty() => {
            (StatusCode::UNPROCESSABLE_ENTITY, tx.get("code.title"))
        }
        access_codes::CodeState::Unknown => {
            (StatusCode::UNPROCESSABLE_ENTITY, tx.get("code.wrong"))
        }
    };
    let head = heading(ctx);
    Ok(html(
        status,
        respondent::code_form(tx, token, &head, Some(error), shared),
    ))
}

/// Where an admitted code leads: the questionnaire, as a confirmed
/// household member when the code was typed as one.
fn questionnaire_url(token: &str, shared: bool) -> String {
    if shared {
        format!("/s/{token}?shared=1&confirm=1")
    } else {
        format!("/s/{token}")
    }
}
