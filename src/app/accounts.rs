//! Accounts: created, changed, given a new password (by an admin or on the
//! server's command line), or changing their own password.

use super::{Actor, Change, Ctx};
use crate::error::ErrorCode;
use crate::{
    credentials::{Role, hash_password_async, random_password},
    domain::{
        account::Account,
        region::{self, Level},
    },
    error::AppError,
    store::{self, accounts},
};

/// Whose accounts an actor manages: an admin (and the command line) every
/// account; an organiser at a prefecture's or province's node the accounts
/// at nodes strictly beneath it, with any role but admin; anyone else none.
#[derive(Debug, Clone)]
pub enum Reach {
    All,
    Beneath(Vec<i64>),
}

impl Reach {
    /// The actor's reach; 403 for an account that manages no accounts.
    pub async fn of(ctx: Ctx<'_>, actor: Actor<'_>) -> Result<Self, AppError> {
        let Some(u) = actor.account else {
            return Ok(Self::All);
        };
        if u.role == Role::Admin {
            return Ok(Self::All);
        }
        if u.role != Role::Organiser || u.level == Level::County {
            return Err(AppError::Forbidden(format!(
                "需要“{}”权限，或为州（市）、省级的组织者，当前账号为“{}”",
                Role::Admin.label_zh(),
                u.role.label_zh()
            )));
        }
        let nodes = store::scope::nodes(ctx.db).await?;
        let mut below = region::beneath(&nodes, u.node);
        below.retain(|n| *n != u.node);
        Ok(Self::Beneath(below))
    }

    /// Whether an account at `node` is managed.
    pub fn holds(&self, node: Option<i64>) -> bool {
        match self {
            Self::All => true,
            Self::Beneath(below) => node.is_some_and(|n| below.contains(&n)),
        }
    }

    /// Whether this account is managed: at a node held, and (below an
    /// admin) not an admin, wherever the admin's account sits.
    fn manages(&self, a: &Account) -> bool {
        self.holds(a.region_id) && (matches!(self, Self::All) || a.role != Role::Admin)
    }

    /// 403 unless the actor may give `role`.
    fn may_grant(&self, role: Role) -> Result<(), AppError> {
        match self {
            Self::Beneath(_) if role == Role::Admin => Err(AppError::Forbidden(
                "只有系统管理员可以创建系统管理员账号或授予该权限".into(),
            )),
            _ => Ok(()),
        }
    }

    /// The account `id` if managed; 404 otherwise (as for a missing one:
    /// no existence oracle).
    async fn account(&self, ctx: Ctx<'_>, id: i64) -> Result<Account, AppError> {
        let a = accounts::get(ctx.db, id).await?;
        if self.manages(&a) {
            Ok(a)
        } else {
            Err(AppError::not_found("账号不存在"))
        }
    }
}

/// The accounts the actor manages.
pub async fn list(ctx: Ctx<'_>, actor: Actor<'_>) -> Result<Vec<Account>, AppError> {
    let reach = Reach::of(ctx, actor).await?;
    let mut all = accounts::list(ctx.db).await?;
    all.retain(|a| reach.manages(a));
    Ok(all)
}

/// Creates an account; `password` None generates one. Returns the account
/// and its initial password (shown once).
pub async fn create(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    node: Option<i64>,
    username: &str,
    display_name: &str,
    role: Role,
    password: Option<String>,
) -> Result<(Account, String), AppError> {
    let reach = Reach::of(ctx, actor).await?;
    reach.may_grant(role)?;
    if !matches!(reach, Reach::All) && !reach.holds(node) {
        return Err(AppError::invalid_field(
            "region_id",
            "请选择本级以下的地区（州市、县）",
        ));
    }
    let password = password.unwrap_or_else(random_password);
    accounts::validate_username(username)?;
    accounts::validate_password(&password)?;
    let hash = hash_password_async(&password).await?;
    let change = Change::begin(ctx, actor).await?;
    if let Some(n) = node {
        store::regions::get(change.db(), n)
            .await
            .map_err(|_| AppError::invalid_field("region_id", "地区不存在"))?;
    }
    let a =
        accounts::create_hashed_at(change.db(), node, username, display_name, role, hash).await?;
    let (target, detail) = (
        format!("account:{}", a.id),
        format!("{} ({})", a.username, a.role.code()),
    );
    change.commit("account.create", target, detail).await?;
    Ok((a, password))
}

/// What an admin may change about an account.
pub struct AccountChange {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// Changes an account's name, role or disabled flag. Disabling it or
/// changing its role revokes its sessions; the last enabled admin cannot be
/// demoted or disabled.
pub async fn update(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    id: i64,
    c: AccountChange,
) -> Result<Account, AppError> {
    let reach = Reach::of(ctx, actor).await?;
    reach.account(ctx, id).await?;
    if let Some(r) = c.role {
        reach.may_grant(r)?;
    }
    let change = Change::begin(ctx, actor).await?;
    let db = change.db();
    let current = accounts::get(db, id).await?;
    let loses_admin = current.role == Role::Admin
        && (c.role.is_some_and(|r| r != Role::Admin) || c.disabled == Some(true));
    if loses_admin && accounts::other_active_admins(db, id).await? == 0 {
        return Err(AppError::conflict(
            ErrorCode::LastAdmin,
            "这是唯一的系统管理员，不能降级或停用",
        ));
    }
    let revoke = c.disabled == Some(true) || c.role.is_some();
    let updated = accounts::update(db, id, c.display_name, c.role, c.disabled).await?;
    if revoke {
        store::sessions::revoke_all(db, id).await?;
    }
    let detail = format!("role={} disabled={}", updated.role.code(), updated.disabled);
    change
        .commit("account.update", format!("account:{id}"), detail)
        .await?;
    Ok(updated)
}

/// Gives an account a new random password and revokes its sessions;
/// returns the password (shown once).
pub async fn reset_password(ctx: Ctx<'_>, actor: Actor<'_>, id: i64) -> Result<String, AppError> {
    Reach::of(ctx, actor).await?.account(ctx, id).await?;
    let password = random_password();
    let hash = hash_password_async(&password).await?;
    let change = Change::begin(ctx, actor).await?;
    accounts::set_password_hash(change.db(), id, hash).await?;
    store::sessions::revoke_all(change.db(), id).await?;
    change
        .commit("account.reset_password", format!("account:{id}"), "")
        .await?;
    Ok(password)
}

/// An account sets its own new password (the current one was checked);
/// its other sessions are revoked.
pub async fn change_own_password(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    id: i64,
    new_password: &str,
) -> Result<(), AppError> {
    accounts::validate_password(new_password)?;
    let hash = hash_password_async(new_password).await?;
    let change = Change::begin(ctx, actor).await?;
    accounts::set_password_hash(change.db(), id, hash).await?;
    store::sessions::revoke_all(change.db(), id).await?;
    change
        .commit("password.change", format!("account:{id}"), "")
        .await
}
