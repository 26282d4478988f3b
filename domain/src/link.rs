//! Survey links: one per (round, school, group) for school-bound groups and
//! one per (round, group) for county-level groups, each with a random token.

use chrono::{DateTime, Utc};

use super::group::RespondentGroup;

/// A stored link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub id: i64,
    pub round_id: i64,
    /// None for a county-level group's link.
    pub school_id: Option<i64>,
    /// None: a group code this build does not know (a newer build's); each
    /// reader decides what such a link reads as, as it did with the code.
    pub group: Option<RespondentGroup>,
    /// The random token of the link's address (`/s/{token}`).
    pub token: String,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    /// The county the link belongs to (its round's).
    pub county_id: i64,
}
