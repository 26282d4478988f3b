//! The audit log as it is read back: who did what, when.

use chrono::{DateTime, Utc};

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The acting account; none for the command line and refused logins.
    pub account_id: Option<i64>,
    pub username: String,
    /// e.g. `login`, `round.open`, `schools.import`
    pub action: String,
    /// What was acted on, e.g. `round:3`
    pub target: String,
    pub detail: String,
}
