//! What can go wrong (`AppError`) and how the API says it (`ApiError`):
//! always `{"code", "message"}` with the right status; internals only in logs.

use poem_openapi::{ApiResponse, Object, payload::Json};

pub use crate::domain::error_code::ErrorCode;

/// A failure, named by what it means rather than where it happened.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is well-formed but its content breaks a rule (422).
    #[error("{message}")]
    Validation {
        message: String,
        /// The field or item at fault, when there is one.
        field: Option<String>,
        /// Every problem found, for forms and imports.
        details: Vec<String>,
    },
    /// The request itself could not be read (400).
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the state of a resource (409).
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    #[error("请先登录")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The body is not of a type the operation accepts (415), e.g. an
    /// evidence file whose bytes are no PDF, image or workbook.
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("请求过于频繁，请稍后再试")]
    RateLimited { retry_after_secs: u64 },
    /// The database cannot be reached or written right now (503).
    #[error("服务暂时不可用，请稍后再试")]
    Unavailable(String),
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("unexpected: {0}")]
    Unexpected(String),
}

impl AppError {
    pub fn validation(message: impl Into<String>) -> Self {
        Self::Validation {
            message: message.into(),
            field: None,
            details: vec![],
        }
    }
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            message: message.into(),
            field: Some(field.into()),
            details: vec![],
        }
    }
    pub fn with_details(message: impl Into<String>, details: Vec<String>) -> Self {
        Self::Validation {
            message: message.into(),
            field: None,
            details,
        }
    }
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }
}

/// Mirrors [`ErrorCode`] in the spec, so that clients see the closed list.
macro_rules! error_code_dto {
    ($($v:ident),* $(,)?) => {
        /// A stable machine-readable code; match on it, not on the message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum)]
        #[oai(rename = "ErrorCode", rename_all = "snake_case")]
        pub enum ErrorCodeDto { $($v),* }
        impl From<ErrorCode> for ErrorCodeDto {
            fn from(c: ErrorCode) -> Self { match c { $(ErrorCode::$v => Self::$v),* } }
        }
        impl From<ErrorCodeDto> for ErrorCode {
            fn from(c: ErrorCodeDto) -> Self { match c { $(ErrorCodeDto::$v => Self::$v),* } }
        }
    };
}

error_code_dto!(
    BadRequest,
    Unauthorized,
    InvalidCredentials,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    AccessCodeUsed,
    ClientIdReused,
    DuplicateDevice,
    LastAdmin,
    LinkDisabled,
    RegionCodeTaken,
    RoundAlreadyOpen,
    RoundClosed,
    RoundFrozen,
    RoundNotOpen,
    RoundWindowPassed,
    RoomSessionEnded,
    RoundWithoutSchools,
    SchoolCodeTaken,
    SchoolInUse,
    SheetSerialUsed,
    SheetEntryState,
    UsernameTaken,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    RateLimited,
    Internal,
    Unavailable,
    Error,
);

/// The body of every error answer.
#[derive(Debug, Clone, Object)]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `validation_failed`.
    pub code: ErrorCodeDto,
    /// A human-readable message, in Chinese.
    pub message: String,
    /// The field or questionnaire item at fault, if any.
    #[oai(skip_serializing_if_is_none)]
    pub field: Option<String>,
    /// Every problem found (e.g. one per bad import row).
    #[oai(default, skip_serializing_if_is_empty)]
    pub details: Vec<String>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            field: None,
            details: vec![],
        }
    }

    /// The code as a domain value.
    pub fn code(&self) -> ErrorCode {
        self.code.into()
    }
}

/// Error answers shared by every operation.
#[derive(Debug, ApiResponse)]
#[oai(bad_request_handler = "bad_request_handler")]
pub enum ApiError {
    /// The request could not be read (malformed JSON, wrong types).
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Not logged in, or the session expired.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// Logged in, but this role may not do this.
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// No such resource.
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// The resource's state does not allow this (frozen round, closed window, reused id).
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// The body is larger than allowed.
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// The body's Content-Type is not the one this operation takes.
    #[oai(status = 415)]
    UnsupportedMediaType(Json<ErrorBody>),
    /// The content breaks a rule; `field` and `details` say where.
    #[oai(status = 422)]
    Unprocessable(Json<ErrorBody>),
    /// Too many requests; retry after `Retry-After` seconds.
    #[oai(status = 429)]
    TooManyRequests(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
    /// Something failed inside renke; details are in the server log.
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// The database is unavailable; retry after `Retry-After` seconds.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
}

/// Turns poem-openapi's own parse failures into our error body.
pub fn bad_request_handler(err: poem::Error) -> ApiError {
    let status = err.status();
    if status == poem::http::StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge(Json(ErrorBody::new(
            ErrorCode::PayloadTooLarge,
            "请求体过大",
        )));
    }
    ApiError::BadRequest(Json(ErrorBody::new(
        ErrorCode::BadRequest,
        format!("请求格式错误：{err}"),
    )))
}

fn is_unavailable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::DbErr::*;
    match err {
        ConnectionAcquire(_) | Conn(_) => true,
        other => {
            let text = other.to_string().to_lowercase();
            [
                "database is locked",
                "readonly",
                "read-only",
                "disk is full",
                "disk i/o",
                "connection refused",
                "pool timed out",
                "broken pipe",
                "connection reset",
                "terminating connection",
                "no space",
            ]
            .iter()
            .any(|p| text.contains(p))
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Validation {
                message,
                field,
                details,
            } => ApiError::Unprocessable(Json(ErrorBody {
                code: ErrorCode::ValidationFailed.into(),
                message,
                field,
                details,
            })),
            AppError::BadRequest(m) => {
                ApiError::BadRequest(Json(ErrorBody::new(ErrorCode::BadRequest, m)))
            }
            AppError::NotFound(m) => {
                ApiError::NotFound(Json(ErrorBody::new(ErrorCode::NotFound, m)))
            }
            AppError::Conflict { code, message } => {
                ApiError::Conflict(Json(ErrorBody::new(code, message)))
            }
            AppError::Unauthorized => {
                ApiError::Unauthorized(Json(ErrorBody::new(ErrorCode::Unauthorized, "请先登录")))
            }
            AppError::Forbidden(m) => {
                ApiError::Forbidden(Json(ErrorBody::new(ErrorCode::Forbidden, m)))
            }
            AppError::PayloadTooLarge(m) => {
                ApiError::PayloadTooLarge(Json(ErrorBody::new(ErrorCode::PayloadTooLarge, m)))
            }
            AppError::UnsupportedMediaType(m) => ApiError::UnsupportedMediaType(Json(
                ErrorBody::new(ErrorCode::UnsupportedMediaType, m),
            )),
            AppError::RateLimited { retry_after_secs } => ApiError::TooManyRequests(
                Json(ErrorBody::new(
                    ErrorCode::RateLimited,
                    "请求过于频繁，请稍后再试",
                )),
                retry_after_secs,
            ),
            AppError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                unavailable()
            }
            AppError::Db(err) if is_unavailable(&err) => {
                tracing::warn!(error = %err, "database unavailable");
                unavailable()
            }
            AppError::Db(err) => {
                tracing::error!(error = %err, "database error");
                internal()
            }
            AppError::Unexpected(detail) => {
                tracing::error!(%detail, "unexpected error");
                internal()
            }
        }
    }
}

fn unavailable() -> ApiError {
    ApiError::Unavailable(
        Json(ErrorBody::new(
            ErrorCode::Unavailable,
            "服务暂时不可用，请稍后再试",
        )),
        5,
    )
}

fn internal() -> ApiError {
    ApiError::Internal(Json(ErrorBody::new(
        ErrorCode::Internal,
        "服务器内部错误，请稍后再试",
    )))
}

/// Result of an API operation.
pub type ApiResult<T> = Result<T, ApiError>;

/// The error statuses one operation can answer with.
pub trait Statuses: Send + Sync + 'static {
    const LIST: &'static [u16];
}

/// [`ApiError`] as one operation documents it: the same answers, but the
/// spec lists only the statuses of `S`, so that the generated client knows
/// what can really happen.
pub struct Failure<S: Statuses>(pub ApiError, std::marker::PhantomData<S>);

/// Result of an API operation that documents its own error statuses.
pub type Answer<T, S> = Result<T, Failure<S>>;

impl ApiError {
    /// The HTTP status this answer carries.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Unauthorized(_) => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::PayloadTooLarge(_) => 413,
            Self::UnsupportedMediaType(_) => 415,
            Self::Unprocessable(_) => 422,
            Self::TooManyRequests(..) => 429,
            Self::Internal(_) => 500,
            Self::Unavailable(..) => 503,
        }
    }
}

impl<S: Statuses> From<ApiError> for Failure<S> {
    fn from(e: ApiError) -> Self {
        // Debug builds (every test) fail loudly when an operation answers
        // with a status its spec does not list.
        debug_assert!(
            S::LIST.contains(&e.status()),
            "status {} is not documented for this operation ({})",
            e.status(),
            std::any::type_name::<S>()
        );
        Self(e, std::marker::PhantomData)
    }
}

impl<S: Statuses> From<AppError> for Failure<S> {
    fn from(e: AppError) -> Self {
        ApiError::from(e).into()
    }
}

impl<S: Statuses> From<Failure<S>> for poem::Error {
    fn from(f: Failure<S>) -> Self {
        f.0.into()
    }
}

impl<S: Statuses> poem_openapi::ApiResponse for Failure<S> {
    fn meta() -> poem_openapi::registry::MetaResponses {
        let mut meta = ApiError::meta();
        meta.responses
            .retain(|r| r.status.is_some_and(|s| S::LIST.contains(&s)));
        meta
    }

    fn register(registry: &mut poem_openapi::registry::Registry) {
        ApiError::register(registry);
    }
}

/// Declares named sets of error statuses.
macro_rules! statuses {
    ($($(#[$m:meta])* $name:ident = [$($s:literal),* $(,)?];)*) => {
        $(
            $(#[$m])*
            pub struct $name;
            impl Statuses for $name {
                const LIST: &'static [u16] = &[$($s),*];
            }
        )*
    };
}

statuses! {
    /// The questionnaire behind a link: unknown (404), not answerable now
    /// (409), too many requests (429), database trouble (500, 503).
    PublicRead = [404, 409, 429, 500, 503];
    /// A submission: everything a body can be refused for, and the above.
    PublicWrite = [400, 404, 409, 413, 415, 422, 429, 500, 503];
    /// Logging in: a bad body, wrong credentials, the login throttle.
    LoginStatuses = [400, 401, 413, 415, 429, 500, 503];
    /// A logged-in write without a body: not logged in, a cross-site
    /// request with the session cookie (403).
    SessionWrite = [401, 403, 500, 503];
    /// A logged-in read of one's own account (404 if it vanished meanwhile).
    SessionRead = [401, 404, 500, 503];
    /// A logged-in write of one's own account with a body.
    SessionBodyWrite = [400, 401, 403, 404, 413, 415, 422, 500, 503];
    /// A list a reviewer may read (403: a data-entry clerk, who reads no
    /// results; reads pass the same-origin check).
    ReviewerList = [401, 403, 500, 503];
    /// A reviewer's read of one thing named in the path (400: a path that
    /// does not parse; 404: no such thing).
    ReviewerRead = [400, 401, 403, 404, 500, 503];
    /// A reviewer's read of something that is there by construction once
    /// the path parses.
    ReviewerParsed = [400, 401, 403, 500, 503];
    /// A reviewer's read of a singleton that may not be set yet.
    ReviewerFind = [401, 403, 404, 500, 503];
    /// A read for a round's clerks (录入员) and organisers: 403 for other
    /// accounts and unassigned clerks, 404 for an unknown round.
    ClerkRead = [400, 401, 403, 404, 500, 503];
    /// An admin's list (403 for other roles).
    AdminList = [401, 403, 500, 503];
    /// An admin's list with query parameters.
    AdminQuery = [400, 401, 403, 500, 503];
    /// A write without a body on something named in the path.
    PathWrite = [400, 401, 403, 404, 500, 503];
    /// As [`PathWrite`], with a path segment that may break a rule (422:
    /// a 学年 that is not "2025-2026").
    ReadinessPathWrite = [400, 401, 403, 404, 422, 500, 503];
    /// As [`PathWrite`], refused by the thing's state (409).
    PathStateWrite = [400, 401, 403, 404, 409, 500, 503];
    /// A write without a body on something named in the path, refused by
    /// its state (409) or a rule (422: an invalid questionnaire, a count).
    PathRuleWrite = [400, 401, 403, 404, 409, 422, 500, 503];
    /// A reviewer's read whose query parameters may break a rule (422).
    ReviewerQuery = [400, 401, 403, 404, 422, 500, 503];
    /// A change from a body to something named in the path, checked
    /// against rules (422) but not refused by its state.
    BodyEdit = [400, 401, 403, 404, 413, 415, 422, 500, 503];
    /// A new thing from a body: rules (422), no path.
    BodyCreate = [400, 401, 403, 413, 415, 422, 500, 503];
    /// A new thing from a body that may clash with another (409).
    BodyCreateUnique = [400, 401, 403, 409, 413, 415, 422, 500, 503];
    /// A change from a body to something named in the path, which its
    /// state or another thing may refuse (409).
    BodyUpdate = [400, 401, 403, 404, 409, 413, 415, 422, 500, 503];
    /// A change from a body that only switches a flag (no rules, no state).
    BodyToggle = [400, 401, 403, 404, 413, 415, 500, 503];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_lists_only_its_own_error_statuses() {
        use poem_openapi::ApiResponse;
        let listed: Vec<u16> = Failure::<ReviewerRead>::meta()
            .responses
            .iter()
            .filter_map(|r| r.status)
            .collect();
        assert_eq!(listed, [400, 401, 403, 404, 500, 503]);
        assert_eq!(ApiError::meta().responses.len(), 11);
    }

    #[test]
    #[should_panic(expected = "status 409 is not documented")]
    fn an_undocumented_status_fails_loudly_in_debug_builds() {
        let _: Failure<ReviewerRead> =
            AppError::conflict(ErrorCode::RoundFrozen, "测评轮次已开启").into();
    }
}
