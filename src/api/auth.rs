//! Login, logout, the current account and changing one's own password.

use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use super::{ApiTags, accounts::AccountOut, types::Done};
use crate::error::ErrorCode;
use crate::{
    app::{self, Actor},
    auth::{self, Auth, SESSION_COOKIE},
    error::{Answer, AppError, LoginStatuses, SessionBodyWrite, SessionRead, SessionWrite},
    ratelimit,
    state::AppState,
    store,
};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LoginIn {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LoginOut {
    /// Bearer token for API clients (`Authorization: Bearer …`). The same
    /// session is also set as an HttpOnly cookie for the web console.
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub account: AccountOut,
}

#[derive(ApiResponse)]
pub enum LoginResponse {
    /// Logged in.
    #[oai(status = 200)]
    Ok(Json<LoginOut>, #[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
pub enum LogoutResponse {
    /// The session is revoked and the cookie cleared.
    #[oai(status = 200)]
    Ok(Json<Done>, #[oai(header = "Set-Cookie")] String),
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PasswordChangeIn {
    pub current_password: String,
    pub new_password: String,
}

pub struct AuthApi;

fn cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    )
}

#[OpenApi(prefix_path = "/auth", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Log in with username and password.
    ///
    /// Returns a bearer token and sets the session cookie. A wrong username
    /// or password gets 401 with the same message either way.
    #[oai(path = "/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        body: Json<LoginIn>,
    ) -> Answer<LoginResponse, LoginStatuses> {
        let username = body.username.trim();
        // The same rule as the respondents' limits: the trusted proxy
        // header when configured, IPv6 per /64 (kept in memory only).
        let address =
            ratelimit::client_network(req, state.settings.trusted_proxy_header.as_deref());
        if let Some(retry_after_secs) = state.login_throttle.locked_for(username, address) {
            // Once per account and window: a flood of throttled attempts
            // must not become a flood of writes competing with submissions.
            if state.throttle_notes.first_in_window(username) {
                store::audit::record(
                    &state.db,
                    None,
                    username,
                    "login.throttled",
                    format!("account:{username}"),
                    "",
                )
                .await;
            }
            return Err(AppError::RateLimited { retry_after_secs }.into());
        }
        let found = store::accounts::find_for_login(&state.db, username).await?;
        let hash = found
            .as_ref()
            .map(|a| a.password_hash.as_str())
            .unwrap_or(auth::dummy_hash());
        let password_ok = auth::verify_password_async(&body.password, hash).await?;
        let account = match found {
            Some(a) if password_ok && !a.account.disabled => a.account,
            _ => {
                state.login_throttle.failed(username, address);
                store::audit::record(
                    &state.db,
                    None,
                    username,
                    "login.failed",
                    format!("account:{username}"),
                    "",
                )
                .await;
                return Err(crate::error::ApiError::Unauthorized(Json(
                    crate::error::ErrorBody::new(ErrorCode::InvalidCredentials, "用户名或密码错误"),
                ))
                .into());
            }
        };
        state.login_throttle.succeeded(username);
        let session =
            app::sessions::login(state.app(), &account, state.settings.session_hours).await?;
        let max_age = state.settings.session_hours * 3600;
        let set_cookie = cookie(&state, &session.token, max_age);
        Ok(LoginResponse::Ok(
            Json(LoginOut {
                token: session.token,
                expires_at: session.expires_at,
                account: account.into(),
            }),
            set_cookie,
        ))
    }

    /// Log out: revoke this session.
    #[oai(path = "/logout", method = "post", operation_id = "logout")]
    async fn logout(
        &self,
        state: Data<&AppState>,
        auth: Auth,
    ) -> Answer<LogoutResponse, SessionWrite> {
        app::sessions::logout(state.app(), auth.user()).await?;
        Ok(LogoutResponse::Ok(
            Json(Done { ok: true }),
            cookie(&state, "", 0),
        ))
    }

    /// The logged-in account.
    #[oai(path = "/me", method = "get", operation_id = "me")]
    async fn me(
        &self,
        state: Data<&AppState>,
        auth: Auth,
    ) -> Answer<Json<AccountOut>, SessionRead> {
        Ok(Json(
            store::accounts::get(&state.db, auth.user().id)
                .await?
                .into(),
        ))
    }

    /// Change one's own password; other sessions are revoked.
    #[oai(path = "/password", method = "post", operation_id = "change_password")]
    async fn change_password(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<PasswordChangeIn>,
    ) -> Answer<Json<Done>, SessionBodyWrite> {
        let user = auth.user();
        let hash = store::accounts::password_hash(&state.db, user.id).await?;
        if !auth::verify_password_async(&body.current_password, &hash).await? {
            return Err(AppError::invalid_field("current_password", "当前密码不正确").into());
        }
        app::accounts::change_own_password(
            state.app(),
            Actor::user(user),
            user.id,
            &body.new_password,
        )
        .await?;
        Ok(Json(Done { ok: true }))
    }
}
