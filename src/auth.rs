//! The security schemes of the API (a bearer token for API clients, a
//! cookie for the web console). Roles, passwords and tokens live in
//! `credentials` (re-exported here).

use poem::{IntoResponse, Request};
use poem_openapi::{
    SecurityScheme,
    auth::{ApiKey, Bearer},
};

pub use crate::credentials::{
    CurrentUser, Role, dummy_hash, hash_password, hash_password_async, random_password,
    random_token, token_hash, verify_password, verify_password_async,
};
use crate::{error::ApiError, error::AppError, state::AppState, store};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "renke_session";

async fn check_token(req: &Request, token: &str) -> poem::Result<CurrentUser> {
    let state = req.data::<AppState>().ok_or_else(|| {
        poem::Error::from_string(
            "state missing",
            poem::http::StatusCode::INTERNAL_SERVER_ERROR,
        )
    })?;
    match store::sessions::find_user(&state.db, &token_hash(token)).await {
        Ok(Some(user)) => Ok(user),
        Ok(None) => Err(as_poem(AppError::Unauthorized)),
        Err(e) => Err(as_poem(e)),
    }
}

fn as_poem(e: AppError) -> poem::Error {
    poem::Error::from_response(ApiError::from(e).into_response())
}

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<CurrentUser> {
    check_token(req, &bearer.token).await
}

async fn check_cookie(req: &Request, key: ApiKey) -> poem::Result<CurrentUser> {
    // A browser sends the cookie with cross-site requests too: writes must
    // come from our own pages.
    if !crate::security::same_origin(req) {
        return Err(as_poem(AppError::Forbidden(
            "跨站请求被拒绝：请从本系统页面操作".to_string(),
        )));
    }
    check_token(req, &key.key).await
}

/// A bearer token from `POST /api/auth/login`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "check_bearer")]
pub struct BearerAuth(CurrentUser);

/// The session cookie set by `POST /api/auth/login`.
#[derive(SecurityScheme)]
#[oai(
    ty = "api_key",
    key_name = "renke_session",
    key_in = "cookie",
    checker = "check_cookie"
)]
pub struct CookieAuth(CurrentUser);

/// Either way of proving a login.
#[derive(SecurityScheme)]
pub enum Auth {
    Bearer(BearerAuth),
    Cookie(CookieAuth),
}

impl Auth {
    pub fn user(&self) -> &CurrentUser {
        match self {
            Auth::Bearer(BearerAuth(u)) | Auth::Cookie(CookieAuth(u)) => u,
        }
    }
    /// The user, if they have at least `role`.
    pub fn require(&self, role: Role) -> Result<&CurrentUser, AppError> {
        let u = self.user();
        u.require(role)?;
        Ok(u)
    }
}
