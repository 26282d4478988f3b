//! `/r/<code>`: a PC of the computer room that joined a room session
//! (机房答题) shows the session link's questionnaire in kiosk mode. The page
//! sets no device cookie (and clears the round's), keeps no draft, and after
//! each submission offers the next pupil a blank questionnaire; each
//! answer carries the session's signed stamp instead of a device mark.

use chrono::Utc;
use poem::{
    Request, Response, handler,
    http::{StatusCode, header},
    web::{Data, Path},
};
use std::collections::HashMap;

use super::{
    language::{PageLanguage, PageTexts},
    reply::{error_page, heading, html, with_cookie},
    respondent::{self, FormView, Kiosk},
};
use crate::error::ErrorCode;
use crate::{device, error::AppError, state::AppState, store, survey};

/// The digits of a typed code (spaces and dashes people add are ignored).
pub fn normalise(code: &str) -> String {
    code.chars().filter(char::is_ascii_digit).take(16).collect()
}

/// `/r`: the form to type the code shown on the projector.
#[handler]
pub async fn join(req: &Request) -> Response {
    let typed = req
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|p| p.strip_prefix("code="))
        .map(normalise)
        .filter(|c| !c.is_empty());
    if let Some(code) = typed {
        return Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, format!("/r/{code}"))
            .finish();
    }
    html(
        StatusCode::OK,
        respondent::message(
            &PageTexts::chinese(),
            respondent::ICON_WAIT,
            "机房答题",
            "请输入老师投影在屏幕上的8位答题码。",
            "<form method=\"get\" action=\"/r\"><input class=\"code\" name=\"code\" \
             inputmode=\"numeric\" autocomplete=\"off\" maxlength=\"20\" placeholder=\"1234 5678\" \
             required aria-label=\"答题码\"><button type=\"submit\">开始答题</button></form>",
        ),
    )
}

#[handler]
pub async fn show(Path(code): Path<String>, state: Data<&AppState>) -> Response {
    match show_page(&state, &code).await {
        Ok(r) => r,
        Err(e) => error_page(e),
    }
}

async fn show_page(state: &AppState, code: &str) -> Result<Response, AppError> {
    let code = normalise(code);
    let unknown = || AppError::not_found("答题码不存在，请核对老师投影在屏幕上的8位数字");
    if code.is_empty() {
        return Err(unknown());
    }
    let session = store::rooms::by_code(&state.db, &code)
        .await?
        .ok_or_else(unknown)?;
    let now = Utc::now();
    if !survey::room_window(&session).accepts_new(now) {
        return Err(AppError::conflict(
            ErrorCode::RoomSessionEnded,
            format!(
                "本场机房答题已于{}（北京时间）结束。如需继续，请老师重新开启机房答题。",
                survey::beijing(session.expires_at)
            ),
        ));
    }
    let link = store::links::get(&state.db, &session.round(), session.link_id).await?;
    let open = survey::open_link(state, &link.token).await?;
    let ctx = open.ctx();
    let client_id = uuid::Uuid::new_v4().to_string();
    let ticket = survey::room_ticket(state, session.id, now);
    let page = respondent::questionnaire(&FormView {
        token: &link.token,
        heading: heading(ctx),
        questionnaire: &open.questionnaire,
        client_id: &client_id,
        started_ms: now.timestamp_millis(),
        answers: &HashMap::new(),
        error: None,
        notice: None,
        shared_device: false,
        offer_shared: None,
        kiosk: Some(Kiosk {
            code: &code,
            ticket: &ticket,
        }),
        // Computer rooms answer in Chinese.
        language: &PageLanguage::chinese(),
    });
    // The PC is nobody's device: whatever device id an earlier visit left
    // for this round goes.
    let clear = device::set_cookie(
        &device::device_cookie(session.round_id),
        "",
        0,
        state.settings.secure_cookies,
    );
    Ok(with_cookie(html(StatusCode::OK, page), Some(clear)))
}
