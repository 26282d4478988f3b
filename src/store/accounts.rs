//! Accounts: creation, lookup, role and password changes.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::error::ErrorCode;
use crate::{
    credentials::{Role, hash_password_async},
    domain::account::Account,
    entities::account,
    error::AppError,
};

impl From<account::Model> for Account {
    /// A role code this build does not know (a newer build's) reads as
    /// reviewer, as the console has always shown it; such an account cannot
    /// log in (`store::sessions` refuses its sessions).
    fn from(a: account::Model) -> Self {
        Self {
            id: a.id,
            role: Role::from_code(&a.role).unwrap_or(Role::Reviewer),
            username: a.username,
            display_name: a.display_name,
            disabled: a.disabled,
            created_at: a.created_at,
            updated_at: a.updated_at,
            region_id: a.region_id,
        }
    }
}

/// An account with its password hash: what the login reads.
pub struct LoginAccount {
    pub account: Account,
    pub password_hash: String,
}

/// The hash stays out of logs.
impl std::fmt::Debug for LoginAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginAccount")
            .field("account", &self.account)
            .field("password_hash", &"[redacted]")
            .finish()
    }
}

pub fn validate_username(username: &str) -> Result<(), AppError> {
    let ok = (2..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid_field(
            "username",
            "用户名须为2到64个字母、数字、点、横线或下划线",
        ))
    }
}

pub fn validate_password(password: &str) -> Result<(), AppError> {
    if password.chars().count() < 8 || password.len() > 256 {
        return Err(AppError::invalid_field(
            "password",
            "密码长度须为8到256个字符",
        ));
    }
    Ok(())
}

pub async fn create(
    db: &impl ConnectionTrait,
    username: &str,
    display_name: &str,
    role: Role,
    password: &str,
) -> Result<Account, AppError> {
    validate_username(username)?;
    validate_password(password)?;
    let password_hash = hash_password_async(password).await?;
    create_hashed(db, username, display_name, role, password_hash).await
}

/// Inserts an account whose password was validated and hashed beforehand
/// (hashing takes a while: not inside a transaction holding a lock).
pub async fn create_hashed(
    db: &impl ConnectionTrait,
    username: &str,
    display_name: &str,
    role: Role,
    password_hash: String,
) -> Result<Account, AppError> {
    create_hashed_at(db, None, username, display_name, role, password_hash).await
}

/// As [`create_hashed`], at a node of the region tree (none: the tree's
/// first node, which is the county of a single-county deployment).
pub async fn create_hashed_at(
    db: &impl ConnectionTrait,
    node: Option<i64>,
    username: &str,
    display_name: &str,
    role: Role,
    password_hash: String,
) -> Result<Account, AppError> {
    validate_username(username)?;
    let node = match node {
        Some(n) => n,
        None => super::regions::first(db).await?,
    };
    if find_by_username(db, username).await?.is_some() {
        return Err(AppError::conflict(
            ErrorCode::UsernameTaken,
            format!("用户名“{username}”已被使用"),
        ));
    }
    let now = Utc::now();
    let display = display_name.trim();
    Ok(account::ActiveModel {
        username: Set(username.to_string()),
        display_name: Set(if display.is_empty() {
            username.to_string()
        } else {
            display.chars().take(100).collect()
        }),
        role: Set(role.code().to_string()),
        password_hash: Set(password_hash),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        region_id: Set(Some(node)),
        ..Default::default()
    }
    .insert(db)
    .await?
    .into())
}

async fn row_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<account::Model>, AppError> {
    Ok(account::Entity::find()
        .filter(account::Column::Username.eq(username))
        .one(db)
        .await?)
}

pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<Account>, AppError> {
    Ok(row_by_username(db, username).await?.map(Into::into))
}

/// The account named `username` with its password hash, for the login.
pub async fn find_for_login(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<LoginAccount>, AppError> {
    Ok(row_by_username(db, username).await?.map(|a| LoginAccount {
        password_hash: a.password_hash.clone(),
        account: a.into(),
    }))
}

async fn row(db: &impl ConnectionTrait, id: i64) -> Result<account::Model, AppError> {
    account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("账号不存在"))
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Account, AppError> {
    Ok(row(db, id).await?.into())
}

/// The password hash of account `id` (checking one's current password).
pub async fn password_hash(db: &impl ConnectionTrait, id: i64) -> Result<String, AppError> {
    Ok(row(db, id).await?.password_hash)
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Account>, AppError> {
    Ok(account::Entity::find()
        .order_by_asc(account::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    Ok(account::Entity::find().count(db).await?)
}

/// Number of enabled admins other than `except`.
pub async fn other_active_admins(db: &impl ConnectionTrait, except: i64) -> Result<u64, AppError> {
    Ok(account::Entity::find()
        .filter(account::Column::Role.eq(Role::Admin.code()))
        .filter(account::Column::Disabled.eq(false))
        .filter(account::Column::Id.ne(except))
        .count(db)
        .await?)
}

pub async fn set_password(
    db: &impl ConnectionTrait,
    id: i64,
    password: &str,
) -> Result<(), AppError> {
    validate_password(password)?;
    row(db, id).await?;
    let hash = hash_password_async(password).await?;
    set_password_hash(db, id, hash).await
}

/// Stores a password hashed beforehand (see [`create_hashed`]).
pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    id: i64,
    password_hash: String,
) -> Result<(), AppError> {
    let mut a: account::ActiveModel = row(db, id).await?.into();
    a.password_hash = Set(password_hash);
    a.updated_at = Set(Utc::now());
    a.update(db).await?;
    Ok(())
}

pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    display_name: Option<String>,
    role: Option<Role>,
    disabled: Option<bool>,
) -> Result<Account, AppError> {
    let mut a: account::ActiveModel = row(db, id).await?.into();
    if let Some(d) = display_name {
        let d = d.trim();
        if d.is_empty() {
            return Err(AppError::invalid_field("display_name", "姓名不能为空"));
        }
        a.display_name = Set(d.chars().take(100).collect());
    }
    if let Some(r) = role {
        a.role = Set(r.code().to_string());
    }
    if let Some(d) = disabled {
        a.disabled = Set(d);
    }
    a.updated_at = Set(Utc::now());
    Ok(a.update(db).await?.into())
}
