//! A counter per cache that several renke instances share: a committed
//! change to what the respondent's side keeps in memory (a round, a link,
//! its access codes, a school) adds one to its row in the same
//! transaction, and every instance reads the row once a second and forgets
//! its copies when the number moved. One row, `links`, for now.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CacheGenerations {
    Table,
    Name,
    Generation,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CacheGenerations::Table)
                .col(string_len(CacheGenerations::Name, 32).primary_key())
                .col(big_integer(CacheGenerations::Generation).default(0))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO cache_generations (name, generation) VALUES ('links', 0)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CacheGenerations::Table).to_owned())
            .await
    }
}
