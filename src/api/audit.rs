//! The audit log, readable by admins.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};

use super::ApiTags;
use crate::error::{AdminQuery, Answer};
use crate::{
    auth::{Auth, Role},
    domain::audit::AuditEntry,
    state::AppState,
    store,
};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AuditEntryOut {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub account_id: Option<i64>,
    pub username: String,
    /// e.g. `login`, `round.open`, `schools.import`
    pub action: String,
    /// What was acted on, e.g. `round:3`
    pub target: String,
    pub detail: String,
    /// The county whose rows the entry is about (a round, a school, a
    /// county's settings); absent for deployment-wide entries (the tree,
    /// accounts, logins).
    pub county_id: Option<i64>,
}

impl From<AuditEntry> for AuditEntryOut {
    fn from(e: AuditEntry) -> Self {
        Self {
            id: e.id,
            at: e.at,
            account_id: e.account_id,
            username: e.username,
            action: e.action,
            target: e.target,
            detail: e.detail,
            county_id: e.county_id,
        }
    }
}

pub struct AuditApi;

#[OpenApi(prefix_path = "/audit", tag = "ApiTags::Audit")]
impl AuditApi {
    /// Audit log entries, newest first (admin). Page back with `before`
    /// (the smallest id seen); `county_id`: only the entries about that
    /// county's rounds, schools and settings.
    #[oai(path = "/", method = "get", operation_id = "list_audit")]
    async fn list_audit(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        before: Query<Option<i64>>,
        limit: Query<Option<u64>>,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<Vec<AuditEntryOut>>, AdminQuery> {
        auth.require(Role::Admin)?;
        let rows = store::audit::list(
            &state.db,
            before.0,
            limit.0.unwrap_or(100),
            None,
            county_id.0,
        )
        .await?;
        Ok(Json(rows.into_iter().map(Into::into).collect()))
    }
}
