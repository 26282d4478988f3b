//! A school's and a round's county required on SQLite too (#18,
//! docs/scaling.md gap 4). PostgreSQL has made both columns `NOT NULL`
//! since the regions migration; SQLite cannot change a column's
//! nullability without rebuilding the table (and every table whose
//! foreign keys point at it), so there two triggers per table refuse a row
//! without its county, on insert and on update, as a `NOT NULL` would.
//! Rows stored before the regions migration were given county 1 by it;
//! any still without one get county 1 here as well (the database's one
//! county then), so no stored result changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["schools", "rounds"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DbBackend::Sqlite {
            return Ok(());
        }
        let db = m.get_connection();
        for table in TABLES {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET county_id = 1 WHERE county_id IS NULL"
            ))
            .await?;
            for (event, when) in [("INSERT", "INSERT"), ("UPDATE", "UPDATE OF county_id")] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_county_required_{} BEFORE {when} ON {table} \
                     FOR EACH ROW WHEN NEW.county_id IS NULL \
                     BEGIN SELECT RAISE(ABORT, 'NOT NULL constraint failed: {table}.county_id'); END",
                    event.to_lowercase()
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DbBackend::Sqlite {
            return Ok(());
        }
        let db = m.get_connection();
        for table in TABLES {
            for event in ["insert", "update"] {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {table}_county_required_{event}"
                ))
                .await?;
            }
        }
        Ok(())
    }
}
