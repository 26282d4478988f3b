//! The security schemes of the API (a bearer token for API clients, a
//! cookie for the web console). Roles, passwords and tokens live in
//! `credentials` (re-exported here).

use poem::{IntoResponse, Request};
use poem_openapi::{
    SecurityScheme,
    auth::{ApiKey, Bearer},
};

pub use crate::credentials::{
    CurrentUser, Denial, Role, dummy_hash, hash_password, hash_password_async, random_password,
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
    let user = match store::sessions::find_user(&state.db, &token_hash(token)).await {
        Ok(Some(user)) => user,
        Ok(None) => return Err(as_poem(AppError::Unauthorized)),
        Err(e) => return Err(as_poem(e)),
    };
    let mut user = user;
    // An error here would make poem-openapi try the next scheme and answer
    // 401: the verdict travels with the user to `require`.
    user.denial = in_scope(req, &state.db, &user).await.map_err(as_poem)?;
    Ok(user)
}

/// The county scope of every operation that names a round or a school in
/// its path, checked here once for all of them: another county's id
/// answers 404 (as a missing one would); a county the account reads but
/// may not change answers 403 to a write.
async fn in_scope(
    req: &Request,
    db: &sea_orm::DatabaseConnection,
    user: &CurrentUser,
) -> Result<Option<Denial>, AppError> {
    let Some(target) = store::scope::Target::of_path(req.uri().path()) else {
        return Ok(None);
    };
    let county = match store::scope::visible(db, &user.scope, target).await {
        Ok(c) => c,
        Err(AppError::NotFound(m)) => return Ok(Some(Denial::NotFound(m))),
        Err(e) => return Err(e),
    };
    let reads = matches!(
        *req.method(),
        poem::http::Method::GET | poem::http::Method::HEAD
    );
    // A county's part of an assessment run from above is changed from
    // above: by accounts at or above the assessment's node, read by the
    // county and everyone between.
    if let store::scope::Target::Round(round) = target
        && let Some(a) = store::assessments::of_round(db, round).await?
    {
        let nodes = store::scope::nodes(db).await?;
        let admin = user.role == Role::Admin;
        if crate::domain::assessment::may_change_part(&nodes, user.node, admin, a.region_id) {
            return Ok(None);
        }
        let by = store::regions::get(db, a.region_id).await?.name;
        return Ok(Some(Denial::ReadOnly {
            message: format!(
                "本轮是{by}组织的评估“{}”中本县的部分，只能由{by}的组织者修改；本账号可以查看进度、报告，下载二维码和海报等发放材料",
                a.name
            ),
            write_method: !reads,
        }));
    }
    if !user.write_scope().contains(county) {
        return Ok(Some(Denial::ReadOnly {
            message: "州市、省级账号只能查看该县的数据，由县级账号修改".to_string(),
            write_method: !reads,
        }));
    }
    Ok(None)
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
