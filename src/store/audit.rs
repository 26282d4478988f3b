//! The audit log: who did what, when. Never respondents' answers.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::{
    credentials::CurrentUser,
    domain::audit::{AuditEntry, TargetRow, target_row},
    entities::audit_entry,
    error::AppError,
    store::scope::{Target, county_of},
};

impl From<audit_entry::Model> for AuditEntry {
    fn from(e: audit_entry::Model) -> Self {
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

/// The county of the row an entry's target names (`round:7/…`,
/// `school:12`, `county:2`), as it stands when the entry is written; none
/// for deployment-wide targets and for a row already gone.
pub async fn county_of_target(
    db: &impl ConnectionTrait,
    target: &str,
) -> Result<Option<i64>, AppError> {
    Ok(match target_row(target) {
        Some(TargetRow::Round(id)) => county_of(db, Target::Round(id)).await?,
        Some(TargetRow::School(id)) => county_of(db, Target::School(id)).await?,
        Some(TargetRow::County(id)) => Some(id),
        None => None,
    })
}

/// Writes an entry; fails when it cannot. Use-cases call this inside the
/// transaction of the change it records (see `app::Change`). `county`:
/// the county the entry is about, when the caller knows it better than
/// the target says (a row deleted by the change); otherwise the target's.
pub async fn insert(
    db: &impl ConnectionTrait,
    account_id: Option<i64>,
    username: &str,
    action: &str,
    target: &str,
    detail: &str,
    county: Option<i64>,
) -> Result<(), AppError> {
    let county = match county {
        Some(c) => Some(c),
        None => county_of_target(db, target).await?,
    };
    audit_entry::ActiveModel {
        county_id: Set(county),
        at: Set(Utc::now()),
        account_id: Set(account_id),
        username: Set(truncate(username, 64)),
        action: Set(action.to_string()),
        target: Set(truncate(target, 200)),
        detail: Set(truncate(detail, 4000)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records an event that changes nothing (a refused login). A failure to
/// write the log is logged, not returned: the answer must not depend on it.
pub async fn record(
    db: &impl ConnectionTrait,
    who: Option<&CurrentUser>,
    username: &str,
    action: &str,
    target: impl Into<String>,
    detail: impl Into<String>,
) {
    let name = who.map(|u| u.username.as_str()).unwrap_or(username);
    let (target, detail) = (target.into(), detail.into());
    if let Err(e) = insert(db, who.map(|u| u.id), name, action, &target, &detail, None).await {
        tracing::error!(error = %e, action, "could not write the audit log");
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Newest first; `before` pages back by id; `county`: only the entries
/// about that county's rows.
pub async fn list(
    db: &impl ConnectionTrait,
    before: Option<i64>,
    limit: u64,
    since: Option<DateTime<Utc>>,
    county: Option<i64>,
) -> Result<Vec<AuditEntry>, AppError> {
    let mut q = audit_entry::Entity::find().order_by_desc(audit_entry::Column::Id);
    if let Some(c) = county {
        q = q.filter(audit_entry::Column::CountyId.eq(c));
    }
    if let Some(b) = before {
        q = q.filter(audit_entry::Column::Id.lt(b));
    }
    if let Some(s) = since {
        q = q.filter(audit_entry::Column::At.gte(s));
    }
    Ok(q.limit(limit.clamp(1, 500))
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}
