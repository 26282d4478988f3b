//! A household sharing one phone: a per-round limit on answers from one
//! device on one link (the first included; 0 or 1: no shared answers), and
//! a flag on responses stored as such (they are valid and counted).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Rounds {
    Table,
    SharedDeviceLimit,
}

#[derive(DeriveIden)]
enum Responses {
    Table,
    RoundId,
    SharedDevice,
    LinkId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Rounds::Table)
                .add_column(integer(Rounds::SharedDeviceLimit).default(2))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Responses::Table)
                .add_column(boolean(Responses::SharedDevice).default(false))
                .to_owned(),
        )
        .await?;
        // Reports and the integrity panel count a round's shared-device
        // answers per link: only those rows are read.
        m.create_index(
            Index::create()
                .name("idx_responses_round_shared")
                .table(Responses::Table)
                .col(Responses::RoundId)
                .col(Responses::SharedDevice)
                .col(Responses::LinkId)
                .to_owned(),
        )
        .await
    }
}
