//! Logging in and out. A refused login changes nothing and is noted
//! best-effort by the handler (`store::audit::record`); a session that is
//! created or revoked is recorded with its audit entry.

use super::{Actor, Change, Ctx};
use crate::{
    credentials::CurrentUser,
    domain::account::Account,
    error::AppError,
    store::{self, sessions::NewSession},
};

/// Opens a session for an account whose password was checked.
pub async fn login(ctx: Ctx<'_>, account: &Account, hours: i64) -> Result<NewSession, AppError> {
    let change = Change::begin(ctx, Actor::named(&account.username)).await?;
    let session = store::sessions::create(change.db(), account.id, hours).await?;
    change
        .commit("login", format!("account:{}", account.id), "")
        .await?;
    Ok(session)
}

/// Revokes the session of this request.
pub async fn logout(ctx: Ctx<'_>, user: &CurrentUser) -> Result<(), AppError> {
    let change = Change::begin(ctx, Actor::user(user)).await?;
    store::sessions::revoke(change.db(), &user.session_hash).await?;
    change
        .commit("logout", format!("account:{}", user.id), "")
        .await
}
