//! Device marks per link: a parent answers once for each child's school.
//! The marks move to a new table, `device_link_marks`, with `link_id` in
//! its key (SQLite cannot change a primary key in place) and an `answers`
//! count for a household sharing one phone; the old table is dropped (not
//! renamed over: a rename raced SQLite's schema cache on pooled
//! connections). County-level groups keep `link_id = 0`: one answer per device per
//! group. Marks copied from before get `link_id = 0` too and keep their
//! meaning: the device answered that round's group (on some link).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeviceMarks {
    Table,
    RoundId,
    RespondentGroup,
    LinkId,
    DeviceHash,
    Answers,
}

#[derive(DeriveIden)]
enum DeviceLinkMarks {
    Table,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DeviceLinkMarks::Table)
                .col(big_integer(DeviceMarks::RoundId))
                .col(string_len(DeviceMarks::RespondentGroup, 16))
                .col(big_integer(DeviceMarks::LinkId).default(0))
                .col(string_len(DeviceMarks::DeviceHash, 64))
                .col(integer(DeviceMarks::Answers).default(1))
                .primary_key(
                    Index::create()
                        .col(DeviceMarks::RoundId)
                        .col(DeviceMarks::RespondentGroup)
                        .col(DeviceMarks::LinkId)
                        .col(DeviceMarks::DeviceHash),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_device_link_marks_round")
                        .from(DeviceLinkMarks::Table, DeviceMarks::RoundId)
                        .to(Rounds::Table, Rounds::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        let copy = Query::insert()
            .into_table(DeviceLinkMarks::Table)
            .columns([
                DeviceMarks::RoundId,
                DeviceMarks::RespondentGroup,
                DeviceMarks::LinkId,
                DeviceMarks::DeviceHash,
                DeviceMarks::Answers,
            ])
            .select_from(
                Query::select()
                    .column(DeviceMarks::RoundId)
                    .column(DeviceMarks::RespondentGroup)
                    .expr(Expr::val(0i64))
                    .column(DeviceMarks::DeviceHash)
                    .expr(Expr::val(1i32))
                    .from(DeviceMarks::Table)
                    .to_owned(),
            )
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        m.exec_stmt(copy).await?;
        m.drop_table(Table::drop().table(DeviceMarks::Table).to_owned())
            .await
    }
}
