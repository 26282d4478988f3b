//! Accounts and roles, managed by admins.

use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};

use super::{ApiTags, types::RoleDto};
use crate::error::{AdminList, Answer, BodyCreateUnique, BodyUpdate, PathWrite};
use crate::{
    app::{self, Actor, accounts::AccountChange},
    auth::{Auth, Role},
    domain::account::Account,
    state::AppState,
};

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AccountOut {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: RoleDto,
    pub disabled: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The node of the region tree the account belongs to: it reads the
    /// counties beneath, and changes its own county's data when it is a
    /// county's node.
    pub region_id: Option<i64>,
}

impl From<Account> for AccountOut {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            username: a.username,
            display_name: a.display_name,
            role: a.role.into(),
            disabled: a.disabled,
            created_at: a.created_at,
            region_id: a.region_id,
        }
    }
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AccountCreateIn {
    pub username: String,
    #[oai(default)]
    pub display_name: String,
    pub role: RoleDto,
    /// Leave out to generate one; it is returned once.
    pub password: Option<String>,
    /// The account's node of the region tree; leave out for the tree's
    /// first node (a single county's).
    pub region_id: Option<i64>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AccountCreated {
    pub account: AccountOut,
    /// The initial password, shown once.
    pub password: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AccountUpdateIn {
    pub display_name: Option<String>,
    pub role: Option<RoleDto>,
    pub disabled: Option<bool>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PasswordReset {
    /// The new password, shown once. Every session of the account is revoked.
    pub password: String,
}

pub struct AccountsApi;

#[OpenApi(prefix_path = "/accounts", tag = "ApiTags::Accounts")]
impl AccountsApi {
    /// List the accounts the caller manages: every account (admin), or the
    /// accounts at nodes beneath a prefecture's or province's organiser.
    #[oai(path = "/", method = "get", operation_id = "list_accounts")]
    async fn list_accounts(
        &self,
        state: Data<&AppState>,
        auth: Auth,
    ) -> Answer<Json<Vec<AccountOut>>, AdminList> {
        let who = auth.require(Role::Organiser)?;
        let list = app::accounts::list(state.app(), Actor::user(who)).await?;
        Ok(Json(list.into_iter().map(Into::into).collect()))
    }

    /// Create an account (admin; or an organiser of a prefecture or
    /// province, at a node beneath its own and with any role but admin).
    #[oai(path = "/", method = "post", operation_id = "create_account")]
    async fn create_account(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<AccountCreateIn>,
    ) -> Answer<Json<AccountCreated>, BodyCreateUnique> {
        let who = auth.require(Role::Organiser)?;
        let (a, password) = app::accounts::create(
            state.app(),
            Actor::user(who),
            body.region_id,
            body.username.trim(),
            &body.display_name,
            body.role.into(),
            body.password.clone(),
        )
        .await?;
        Ok(Json(AccountCreated {
            account: a.into(),
            password,
        }))
    }

    /// Change an account's name, role or disabled flag (admin, or an
    /// organiser above a county for the accounts beneath it). Disabling
    /// revokes its sessions. The last enabled admin cannot be demoted or disabled.
    #[oai(path = "/:id", method = "patch", operation_id = "update_account")]
    async fn update_account(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<AccountUpdateIn>,
    ) -> Answer<Json<AccountOut>, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        let change = AccountChange {
            display_name: body.display_name.clone(),
            role: body.role.map(Into::into),
            disabled: body.disabled,
        };
        let updated = app::accounts::update(state.app(), Actor::user(who), id.0, change).await?;
        Ok(Json(updated.into()))
    }

    /// Set a new random password for an account (admin, or an organiser
    /// above a county for the accounts beneath it).
    #[oai(
        path = "/:id/reset-password",
        method = "post",
        operation_id = "reset_password"
    )]
    async fn reset_password(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<PasswordReset>, PathWrite> {
        let who = auth.require(Role::Organiser)?;
        let password = app::accounts::reset_password(state.app(), Actor::user(who), id.0).await?;
        Ok(Json(PasswordReset { password }))
    }
}
