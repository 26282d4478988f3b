//! HTTP answers of the respondent pages: HTML that no cache keeps, cookies,
//! and the Chinese page for every error.

use poem::{
    Response,
    http::{StatusCode, header},
};

use super::respondent::{self, Heading, ICON_OK, ICON_STOP, ICON_WAIT};
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
    let (icon, title) = match body.code() {
        ErrorCode::NotFound => (ICON_STOP, "找不到这份问卷"),
        ErrorCode::LinkDisabled => (ICON_STOP, "问卷链接已停用"),
        ErrorCode::RoundNotOpen => (ICON_WAIT, "调查尚未开始"),
        ErrorCode::RoundClosed => (ICON_STOP, "调查已经结束"),
        ErrorCode::RoomSessionEnded => (ICON_STOP, "本场机房答题已经结束"),
        ErrorCode::DuplicateDevice => (ICON_OK, "您已经提交过了"),
        ErrorCode::RateLimited => (ICON_WAIT, "访问过于频繁"),
        ErrorCode::Unavailable | ErrorCode::Internal => (ICON_WAIT, "系统繁忙"),
        _ => (ICON_STOP, "无法提交"),
    };
    let page = match retry {
        Some(secs) if status == StatusCode::TOO_MANY_REQUESTS => respondent::busy(
            title,
            &format!("访问过于频繁，现在填写的人较多。请在{secs}秒后再试。"),
            secs,
        ),
        Some(secs) => respondent::busy(title, &format!("系统繁忙，请在{secs}秒后再试。"), secs),
        None => respondent::message(icon, title, &body.message, ""),
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
