//! Login sessions: created at login, found by token hash, revoked at logout.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, sea_query::Expr,
};

use crate::{
    credentials::{CurrentUser, Role, random_token, token_hash},
    entities::{account, session},
    error::AppError,
};

/// A new session; the plain token is returned once and stored only hashed.
pub struct NewSession {
    pub token: String,
    pub expires_at: chrono::DateTime<Utc>,
}

pub async fn create(
    db: &impl ConnectionTrait,
    account_id: i64,
    hours: i64,
) -> Result<NewSession, AppError> {
    let token = random_token(32);
    let now = Utc::now();
    let expires_at = now + Duration::hours(hours.max(1));
    session::ActiveModel {
        account_id: Set(account_id),
        token_hash: Set(token_hash(&token)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(NewSession { token, expires_at })
}

/// The account behind a live session, if any.
pub async fn find_user(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<CurrentUser>, AppError> {
    let now = Utc::now();
    let Some(s) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(a) = account::Entity::find_by_id(s.account_id).one(db).await? else {
        return Ok(None);
    };
    if a.disabled {
        return Ok(None);
    }
    let Some(role) = Role::from_code(&a.role) else {
        return Ok(None);
    };
    let standing = super::scope::standing(db, a.region_id, role == Role::Admin).await?;
    Ok(Some(CurrentUser {
        id: a.id,
        username: a.username,
        role,
        session_hash: hash.to_string(),
        node: standing.node,
        level: standing.level,
        scope: standing.scope,
        denial: None,
    }))
}

pub async fn revoke(db: &impl ConnectionTrait, hash: &str) -> Result<(), AppError> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(session::Column::TokenHash.eq(hash))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn revoke_all(db: &impl ConnectionTrait, account_id: i64) -> Result<(), AppError> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// When a live session ends.
pub async fn expires_at(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<chrono::DateTime<Utc>>, AppError> {
    Ok(session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash))
        .one(db)
        .await?
        .map(|s| s.expires_at))
}
