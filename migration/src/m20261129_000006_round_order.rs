//! Reading a round's responses in the order they were stored: the
//! recomputation of tallies and the exports read a round's responses by id,
//! which then touches each page of the table once (per link, as before, a
//! large round's rows are scattered over the whole table).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Responses {
    Table,
    RoundId,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_responses_round_id")
                .table(Responses::Table)
                .col(Responses::RoundId)
                .col(Responses::Id)
                .to_owned(),
        )
        .await
    }
}
