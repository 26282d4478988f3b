//! Assessments run from above (#18): a province or prefecture organiser
//! creates one assessment over a set of counties beneath its node. Each
//! county's part is an ordinary round (county-scoped, with its own links,
//! responses and tallies) that names its assessment in
//! `rounds.assessment_id`; a county's own rounds leave it empty.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Assessments {
    Table,
    Id,
    RegionId,
    Name,
    Purpose,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Assessments::Table)
                .col(big_pk_auto(Assessments::Id))
                .col(big_integer(Assessments::RegionId))
                .col(string_len(Assessments::Name, 200))
                .col(string_len(Assessments::Purpose, 32))
                .col(big_integer_null(Assessments::CreatedBy))
                .col(timestamp_with_time_zone(Assessments::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_assessments_region")
                        .from(Assessments::Table, Assessments::RegionId)
                        .to(Regions::Table, Regions::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_assessments_created_by")
                        .from(Assessments::Table, Assessments::CreatedBy)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_assessments_region_id")
                .table(Assessments::Table)
                .col(Assessments::RegionId)
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        // SQLite adds a column with a foreign key only with a NULL default.
        db.execute_unprepared(
            "ALTER TABLE rounds ADD COLUMN assessment_id BIGINT NULL REFERENCES assessments(id)",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX ix_rounds_assessment_id ON rounds (assessment_id)")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX ix_rounds_assessment_id")
            .await?;
        db.execute_unprepared("ALTER TABLE rounds DROP COLUMN assessment_id")
            .await?;
        m.drop_table(Table::drop().table(Assessments::Table).to_owned())
            .await?;
        Ok(())
    }
}
