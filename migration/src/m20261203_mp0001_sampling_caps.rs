//! What the sampling plan needs to cap group targets at the people a county
//! has: the number of people's congress deputies and CPPCC members in the
//! county profile (null: not entered, no cap), the optional floor of 600
//! questionnaires for counties under 400,000 residents (off unless chosen),
//! and each school's teachers kept with the round when it opens. Rounds
//! opened before this migration take the teachers as they are now (the best
//! record there is). No rate depends on any of these columns.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum County {
    Table,
    Deputies,
    CppccMembers,
    SmallCountyFloor,
}

#[derive(DeriveIden)]
enum RoundSchools {
    Table,
    Teachers,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for col in [
            integer_null(County::Deputies),
            integer_null(County::CppccMembers),
            boolean(County::SmallCountyFloor).default(false).to_owned(),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(County::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(RoundSchools::Table)
                .add_column(integer_null(RoundSchools::Teachers))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE round_schools SET teachers = \
                 (SELECT teachers FROM schools WHERE schools.id = round_schools.school_id) \
                 WHERE round_id IN (SELECT id FROM rounds WHERE status <> 'draft')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(RoundSchools::Table)
                .drop_column(RoundSchools::Teachers)
                .to_owned(),
        )
        .await?;
        for col in [
            County::Deputies,
            County::CppccMembers,
            County::SmallCountyFloor,
        ] {
            m.alter_table(
                Table::alter()
                    .table(County::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
