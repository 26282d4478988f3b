//! Middle-option answers per response class (`response_tallies.sum_middle`):
//! how far a class's recognised answers move when the scale's middle option
//! (一般 / 基本满意) is read the other way, so the report's sensitivity table
//! comes from the tallies instead of every response. Rows stored before it
//! hold NULL ("not kept"): their rounds' tables are still computed from the
//! responses until the round's tallies are rebuilt. Adding to a NULL sum
//! keeps it NULL, so a half-kept class never passes for a kept one.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResponseTallies {
    Table,
    SumMiddle,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ResponseTallies::Table)
                .add_column(
                    ColumnDef::new(ResponseTallies::SumMiddle)
                        .big_integer()
                        .null(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ResponseTallies::Table)
                .drop_column(ResponseTallies::SumMiddle)
                .to_owned(),
        )
        .await
    }
}
