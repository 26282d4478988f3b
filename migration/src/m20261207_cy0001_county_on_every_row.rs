//! The county on every tenant row (#18, docs/scaling.md): the tables that
//! reached their county only through their round (or their link) carry it
//! themselves, so that a distributed PostgreSQL can place every row of one
//! county on one shard by `county_id` and route a county's queries there.
//!
//! Each column is filled from the row's round (access codes: from their
//! link) and, on PostgreSQL, made required; SQLite adds a column with a
//! foreign key only as nullable, and renke fills it on every insert all the
//! same (reading a row without it fails, so a forgotten insert is caught by
//! the tests on both databases). No stored value changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables that reach their county through `rounds` by `round_id`.
const THROUGH_ROUND: [&str; 16] = [
    "links",
    "responses",
    "response_tallies",
    "option_tallies",
    "language_tallies",
    "timeline_tallies",
    "device_link_marks",
    "room_sessions",
    "paper_sheets",
    "paper_settings",
    "paper_clerks",
    "round_questionnaires",
    "round_schools",
    "round_languages",
    "round_translations",
    "sampling_quotas",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let pg = m.get_database_backend() == sea_orm::DbBackend::Postgres;
        let tables = THROUGH_ROUND
            .iter()
            .map(|t| (*t, "rounds", "round_id"))
            .chain([("access_codes", "links", "link_id")]);
        for (table, parent, key) in tables {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD COLUMN county_id BIGINT NULL REFERENCES county(id)"
            ))
            .await?;
            // PostgreSQL joins (one pass over a large table); SQLite looks
            // the parent up by its primary key per row.
            let fill = if pg {
                format!(
                    "UPDATE {table} SET county_id = p.county_id FROM {parent} p WHERE p.id = {table}.{key}"
                )
            } else {
                format!(
                    "UPDATE {table} SET county_id = (SELECT p.county_id FROM {parent} p WHERE p.id = {table}.{key})"
                )
            };
            db.execute_unprepared(&fill).await?;
            if pg {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ALTER COLUMN county_id SET NOT NULL"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for table in THROUGH_ROUND.iter().chain(["access_codes"].iter()) {
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN county_id"))
                .await?;
        }
        Ok(())
    }
}
