//! HTTP answers of the respondent pages: HTML that no cache keeps, cookies,
//! and the Chinese page for every error.

use poem::{
    Response,
    http::{StatusCode, header},
};

use super::{
    language::PageTexts,
    respondent::{self, Heading, ICON_OK, ICON_STOP, ICON_WAIT},
};
use crate::error::ErrorCode;
use crate::{
    error::{ApiError, AppError},
    store::links::LinkContext,
    survey,
};

/// An HTML answer that no cache keeps (each render carries a fresh client id).
pub fn html(status: StatusCode, body: String) -> Response {
    Response::builder()
        .status(status)
        .content_type("text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .header("Referrer-Policy", "no-referrer")
        .header(
            "Content-Security-Policy",
            respondent::content_security_policy(),
        )
        .body(body)
}

/// The Chinese page for an error, with the status the API would give.
pub fn error_page(err: AppError) -> Response {
    error_page_in(&PageTexts::chinese(), err)
}

/// The page for an error in the respondent's language (`tx`), with the
/// status the API would give. Titles, and the texts of refusals that need
/// no detail, come from the fixed texts; other messages stay as the server
/// wrote them.
pub fn error_page_in(tx: &PageTexts, err: AppError) -> Response {
    let (status, body, retry) = match ApiError::from(err) {
        ApiError::BadRequest(b) => (StatusCode::BAD_REQUEST, b.0, None),
        ApiError::Unauthorized(b) => (StatusCode::UNAUTHORIZED, b.0, None),
        ApiError::Forbidden(b) => (StatusCode::FORBIDDEN, b.0, None),
        ApiError::NotFound(b) => (StatusCode::NOT_FOUND, b.0, None),
        ApiError::Conflict(b) => (StatusCode::CONFLICT, b.0, None),
        ApiError::PayloadTooLarge(b) => (StatusCode::PAYLOAD_TOO_LARGE, b.0, None),
        ApiError::UnsupportedMediaType(b) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, b.0, None),
        ApiError::Unprocessable(b) => (StatusCode::UNPROCESSABLE_ENTITY, b.0, None),
        ApiError::TooManyRequests(b, r) => (StatusCode::TOO_MANY_REQUESTS, b.0, Some(r)),
        ApiError::Internal(b) => (StatusCode::INTERNAL_SERVER_ERROR, b.0, None),
        ApiError::Unavailable(b, r) => (StatusCode::SERVICE_UNAVAILABLE, b.0, Some(r)),
    };
    let chinese = tx.language() == "zh";
    let (icon, title, text) = match body.code() {
        ErrorCode::NotFound => (
            ICON_STOP,
            "refusal.not_found",
            Some("refusal.not_found_text"),
        ),
        ErrorCode::LinkDisabled => (ICON_STOP, "refusal.disabled", Some("refusal.disabled_text")),
        ErrorCode::RoundNotOpen => (ICON_WAIT, "refusal.not_open", None),
        ErrorCode::RoundClosed => (ICON_STOP, "refusal.closed", Some("refusal.closed_text")),
        ErrorCode::DuplicateDevice => (ICON_OK, "already.title", None),
        ErrorCode::RateLimited => (ICON_WAIT, "refusal.rate_limited", None),
        ErrorCode::Unavailable | ErrorCode::Internal => (ICON_WAIT, "refusal.busy", None),
        _ => (ICON_STOP, "refusal.cannot_submit", None),
    };
    let title = match body.code() {
        // Room sessions' pages are Chinese (schools' computer rooms).
        ErrorCode::RoomSessionEnded => "本场机房答题已经结束",
        _ => tx.get(title),
    };
    let message = match text {
        // The server's message may name an item or a time: Chinese pages
        // keep it; others say what the fixed text says.
        Some(key) if !chinese => tx.get(key).to_string(),
        _ => body.message.clone(),
    };
    let page = match retry {
        Some(secs) if status == StatusCode::TOO_MANY_REQUESTS => respondent::busy(
            tx,
            title,
            &tx.fill("refusal.rate_limited_text", &[("n", &secs.to_string())]),
            secs,
        ),
        Some(secs) => respondent::busy(
            tx,
            title,
            &tx.fill("refusal.busy_text", &[("n", &secs.to_string())]),
            secs,
        ),
        None => respondent::message(tx, icon, title, &message, ""),
    };
    let mut resp = html(status, page);
    if let Some(secs) = retry {
        if let Ok(v) = secs.to_string().parse() {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    resp
}

/// The heading lines of a link's pages.
pub fn heading(ctx: &LinkContext) -> Heading<'_> {
    Heading {
        round_name: &ctx.round.name,
        school_name: ctx.school.as_ref().map(|s| s.name.as_str()),
        group_label: ctx.group.label_zh(),
        closes_at: survey::beijing(ctx.round.closes_at),
    }
}

/// Adds a `Set-Cookie` header, if there is one to set.
pub fn with_cookie(mut resp: Response, set_cookie: Option<String>) -> Response {
    if let Some(v) = set_cookie.and_then(|c| c.parse().ok()) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}
