//! How each response was collected: `web` (the respondent page, every
//! response stored before this), `paper` (a sheet keyed by a clerk) or
//! `interview`. Reports and exports break counts and rates down by it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Responses {
    Table,
    CollectionMode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Responses::Table)
                .add_column(string_len(Responses::CollectionMode, 16).default("web"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Responses::Table)
                .drop_column(Responses::CollectionMode)
                .to_owned(),
        )
        .await
    }
}
