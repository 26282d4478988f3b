//! One deployment for a prefecture or a province (#18): a tree of regions
//! (省 → 州市 → 县区, national 6-digit division codes), each county row
//! under a county-level node, and the county on every tenant row that is
//! not reached through another: schools and rounds (links, responses,
//! tallies and quotas hang off a round), and the node an account belongs to.
//!
//! An existing database becomes a tree of one node holding its one county
//! (id 1); every school, round and account is put there. No stored result
//! changes. A database without a county profile yet gets the county row
//! all the same, marked `profile_set = false` (the API still answers
//! "尚未填写县情信息"), so that the foreign keys have their target.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
    Code,
    Name,
    Level,
    ParentId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum County {
    Table,
    ProfileSet,
}

/// (table, column, referenced table): the columns added with a foreign key.
const KEYS: [(&str, &str, &str); 4] = [
    ("county", "region_id", "regions"),
    ("schools", "county_id", "county"),
    ("rounds", "county_id", "county"),
    ("accounts", "region_id", "regions"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Regions::Table)
                .col(big_pk_auto(Regions::Id))
                .col(string_len_null(Regions::Code, 6).unique_key())
                .col(string_len(Regions::Name, 100))
                .col(string_len(Regions::Level, 16))
                .col(big_integer_null(Regions::ParentId))
                .col(timestamp_with_time_zone(Regions::CreatedAt))
                .col(timestamp_with_time_zone(Regions::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_regions_parent")
                        .from(Regions::Table, Regions::ParentId)
                        .to(Regions::Table, Regions::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_regions_parent")
                .table(Regions::Table)
                .col(Regions::ParentId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(County::Table)
                .add_column(boolean(County::ProfileSet).default(true))
                .to_owned(),
        )
        .await?;

        let db = m.get_connection();
        let pg = m.get_database_backend() == sea_orm::DbBackend::Postgres;
        let now = if pg { "now()" } else { "CURRENT_TIMESTAMP" };
        // A row without a population was never entered (an entered profile
        // has at least 1): another migration may have made it for its keys.
        db.execute_unprepared(&format!(
            "UPDATE county SET profile_set = {} WHERE resident_population < 1",
            if pg { "false" } else { "0" }
        ))
        .await?;
        // The one county's node: its name and code when the profile is set
        // (a 12-digit code keeps its first six digits: the county's own).
        db.execute_unprepared(&format!(
            "INSERT INTO regions (id, code, name, level, parent_id, created_at, updated_at) \
             SELECT 1, \
               (SELECT substr(admin_code, 1, 6) FROM county WHERE id = 1 AND length(admin_code) >= 6 AND resident_population >= 1), \
               COALESCE((SELECT name FROM county WHERE id = 1 AND resident_population >= 1), '本县'), \
               'county', NULL, {now}, {now}"
        ))
        .await?;
        if pg {
            db.execute_unprepared(
                "SELECT setval(pg_get_serial_sequence('regions', 'id'), (SELECT MAX(id) FROM regions))",
            )
            .await?;
        }
        db.execute_unprepared(&format!(
            "INSERT INTO county (id, name, admin_code, resident_population, small_county_floor, \
               profile_set, updated_at) \
             SELECT 1, '', '', 0, {f}, {f}, {now} WHERE NOT EXISTS (SELECT 1 FROM county WHERE id = 1)",
            f = if pg { "false" } else { "0" },
        ))
        .await?;
        for (table, column, target) in KEYS {
            // SQLite adds a column with a foreign key only with a NULL
            // default: fill it, then (PostgreSQL) make it required.
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD COLUMN {column} BIGINT NULL REFERENCES {target}(id)"
            ))
            .await?;
            db.execute_unprepared(&format!("UPDATE {table} SET {column} = 1"))
                .await?;
            if pg {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL"
                ))
                .await?;
            }
            db.execute_unprepared(&format!(
                "CREATE INDEX ix_{table}_{column} ON {table} ({column})"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (table, column, _) in KEYS.iter().rev() {
            db.execute_unprepared(&format!("DROP INDEX ix_{table}_{column}"))
                .await?;
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN {column}"))
                .await?;
        }
        // Only the county a single-county database had can go back; an
        // empty row 1 stays (other tables' keys may point at it) and reads
        // as unset again when this migration runs next.
        db.execute_unprepared("DELETE FROM county WHERE id <> 1")
            .await?;
        m.alter_table(
            Table::alter()
                .table(County::Table)
                .drop_column(County::ProfileSet)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Regions::Table).to_owned())
            .await?;
        Ok(())
    }
}
