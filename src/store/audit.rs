//! The audit log: who did what, when. Never respondents' answers.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::{credentials::CurrentUser, entities::audit_entry, error::AppError};

/// Records an action. A failure to write the log is logged, not returned:
/// the action itself already happened.
pub async fn record(
    db: &impl ConnectionTrait,
    who: Option<&CurrentUser>,
    username: &str,
    action: &str,
    target: impl Into<String>,
    detail: impl Into<String>,
) {
    let entry = audit_entry::ActiveModel {
        at: Set(Utc::now()),
        account_id: Set(who.map(|u| u.id)),
        username: Set(who
            .map(|u| u.username.clone())
            .unwrap_or_else(|| truncate(username, 64))),
        action: Set(action.to_string()),
        target: Set(truncate(&target.into(), 200)),
        detail: Set(truncate(&detail.into(), 4000)),
        ..Default::default()
    };
    if let Err(e) = entry.insert(db).await {
        tracing::error!(error = %e, action, "could not write the audit log");
    }
}

/// Shorthand for an action by a logged-in user.
pub async fn by(
    db: &impl ConnectionTrait,
    who: &CurrentUser,
    action: &str,
    target: impl Into<String>,
    detail: impl Into<String>,
) {
    record(db, Some(who), &who.username, action, target, detail).await
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Newest first; `before` pages back by id.
pub async fn list(
    db: &impl ConnectionTrait,
    before: Option<i64>,
    limit: u64,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<audit_entry::Model>, AppError> {
    let mut q = audit_entry::Entity::find().order_by_desc(audit_entry::Column::Id);
    if let Some(b) = before {
        q = q.filter(audit_entry::Column::Id.lt(b));
    }
    if let Some(s) = since {
        q = q.filter(audit_entry::Column::At.gte(s));
    }
    Ok(q.limit(limit.clamp(1, 500)).all(db).await?)
}
