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
    /// The county whose rows the entry is about; none for the tree,
    /// accounts and other deployment-wide entries.
    pub county_id: Option<i64>,
}

/// The county-held row an entry's target names first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetRow {
    Round(i64),
    School(i64),
    County(i64),
}

/// `round:7/link:3` → a round, `school:12` → a school, `county:2` and
/// `schools:county:2` → a county; anything else (`account:5`, `region:3`,
/// `login`) names no county's row.
pub fn target_row(target: &str) -> Option<TargetRow> {
    let head = target.split('/').next()?;
    if let Some((_, county)) = head.rsplit_once(":county:") {
        return county.parse().ok().map(TargetRow::County);
    }
    let (kind, id) = head.split_once(':')?;
    let id = id.parse().ok()?;
    match kind {
        "round" => Some(TargetRow::Round(id)),
        "school" => Some(TargetRow::School(id)),
        "county" => Some(TargetRow::County(id)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_the_row_whose_county_they_carry() {
        assert_eq!(target_row("round:7/link:3"), Some(TargetRow::Round(7)));
        assert_eq!(
            target_row("round:7/link:3/room:9"),
            Some(TargetRow::Round(7))
        );
        assert_eq!(target_row("school:12"), Some(TargetRow::School(12)));
        assert_eq!(target_row("county:2"), Some(TargetRow::County(2)));
        assert_eq!(target_row("schools:county:4"), Some(TargetRow::County(4)));
        for none in [
            "account:5",
            "region:3",
            "assessment:1",
            "login",
            "schools",
            "round:x",
        ] {
            assert_eq!(target_row(none), None, "{none}");
        }
    }
}
