//! What a report needs of each school, kept with the round when it opens:
//! a school renamed, moved or re-imported later leaves the results of
//! rounds already opened as they were. Rounds opened before this migration
//! take the schools as they are now (the best record there is).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RoundSchools {
    Table,
    SchoolCode,
    SchoolName,
    SchoolKind,
    Location,
    PrimaryStudents,
    JuniorStudents,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use RoundSchools as R;
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for col in [
            string_len_null(R::SchoolCode, 32),
            string_len_null(R::SchoolName, 200),
            string_len_null(R::SchoolKind, 32),
            string_len_null(R::Location, 32),
            integer_null(R::PrimaryStudents),
            integer_null(R::JuniorStudents),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(R::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.get_connection()
            .execute_unprepared(&format!(
                "UPDATE round_schools SET {} \
                 WHERE round_id IN (SELECT id FROM rounds WHERE status <> 'draft')",
                SNAPSHOT_SET
            ))
            .await?;
        Ok(())
    }
}

/// The assignment that copies each school's row into the snapshot columns
/// (the same as the one run when a round opens).
const SNAPSHOT_SET: &str = "\
    school_code = (SELECT code FROM schools WHERE schools.id = round_schools.school_id), \
    school_name = (SELECT name FROM schools WHERE schools.id = round_schools.school_id), \
    school_kind = (SELECT kind FROM schools WHERE schools.id = round_schools.school_id), \
    location = (SELECT location FROM schools WHERE schools.id = round_schools.school_id), \
    primary_students = (SELECT primary_students FROM schools WHERE schools.id = round_schools.school_id), \
    junior_students = (SELECT junior_students FROM schools WHERE schools.id = round_schools.school_id)";
