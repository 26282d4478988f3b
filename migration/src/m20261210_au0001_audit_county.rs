//! The county on audit entries about a county's rows (#18,
//! docs/scaling.md gap 3): an entry whose target is a round, a school or a
//! county (`round:7/link:3`, `school:12`, `county:2`, `schools:county:2`;
//! the first county's `schools` and `county`) carries that
//! county, so a distributed deployment can keep a county's entries with
//! its other rows and read them on one shard. Entries about the tree,
//! accounts and assessments run from above stay without one
//! (deployment-wide). Existing entries are filled from their targets; a
//! target whose row is gone keeps none. No entry's text changes. (The
//! target is read here, not with renke's own reader: a migration stays as
//! it ran.)

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use std::collections::BTreeMap;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The table a target's first part names, and how its county is found.
fn county_lookup(kind: &str) -> Option<&'static str> {
    match kind {
        "round" => Some("SELECT county_id FROM rounds WHERE id = "),
        "school" => Some("SELECT county_id FROM schools WHERE id = "),
        "county" => Some("SELECT id FROM county WHERE id = "),
        _ => None,
    }
}

/// `round:7/link:3` → (`round`, 7).
fn first_part(target: &str) -> Option<(&str, i64)> {
    let head = target.split('/').next()?;
    if let Some((_, county)) = head.rsplit_once(":county:") {
        return Some(("county", county.parse().ok()?));
    }
    let (kind, id) = head.split_once(':')?;
    Some((kind, id.parse().ok()?))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = m.get_database_backend();
        // No foreign key: the log is a record, and must not stop a county
        // from being removed from the tree.
        db.execute_unprepared("ALTER TABLE audit_log ADD COLUMN county_id BIGINT NULL")
            .await?;
        db.execute_unprepared("CREATE INDEX ix_audit_log_county_id ON audit_log (county_id, id)")
            .await?;
        // Entries grouped by the row their target names: one UPDATE per
        // row, whatever the number of entries about it.
        let mut by_row: BTreeMap<(&'static str, i64), Vec<i64>> = BTreeMap::new();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, target FROM audit_log \
                 WHERE target LIKE 'round:%' OR target LIKE 'school:%' OR target LIKE '%county:%'",
            ))
            .await?;
        for row in rows {
            let id: i64 = row.try_get_by_index(0)?;
            let target: String = row.try_get_by_index(1)?;
            if let Some((kind, key)) = first_part(&target)
                && let Some(lookup) = county_lookup(kind)
            {
                by_row.entry((lookup, key)).or_default().push(id);
            }
        }
        for ((lookup, key), ids) in by_row {
            for chunk in ids.chunks(500) {
                let list = chunk
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                db.execute_unprepared(&format!(
                    "UPDATE audit_log SET county_id = ({lookup}{key}) WHERE id IN ({list})"
                ))
                .await?;
            }
        }
        // A county-wide change of the first county was logged without it
        // (`schools`, `county`: a single-county log reads as it always
        // did); the first county is row 1, whose node the regions
        // migration made.
        db.execute_unprepared(
            "UPDATE audit_log SET county_id = 1 WHERE target IN ('schools', 'county') \
             AND EXISTS (SELECT 1 FROM county WHERE id = 1)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX ix_audit_log_county_id")
            .await?;
        db.execute_unprepared("ALTER TABLE audit_log DROP COLUMN county_id")
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_their_row() {
        assert_eq!(first_part("round:7/link:3"), Some(("round", 7)));
        assert_eq!(first_part("school:12"), Some(("school", 12)));
        assert_eq!(first_part("county:2"), Some(("county", 2)));
        assert_eq!(first_part("schools:county:4"), Some(("county", 4)));
        assert_eq!(first_part("round:x"), None);
        assert_eq!(first_part("schools.import"), None);
        assert!(county_lookup("account").is_none());
        assert!(county_lookup("region").is_none());
    }
}
