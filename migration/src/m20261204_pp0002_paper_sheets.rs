//! Paper questionnaires keyed by data-entry clerks (录入员):
//! - `paper_sheets`: one row per sheet serial in a round (unique), with the
//!   marks of its first and, under double entry, second entry, the marks
//!   that counted, its state and the client id of the response it became
//!   (null until it counts). Never a name: a serial, a link and marks.
//! - `paper_settings`: per round, whether sheets are keyed twice.
//! - `paper_clerks`: which rounds a clerk account may key.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PaperSheets {
    Table,
    Id,
    RoundId,
    LinkId,
    Serial,
    Status,
    FirstMarks,
    FirstBy,
    SecondMarks,
    SecondBy,
    FinalMarks,
    ResolvedBy,
    ResponseClientId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PaperSettings {
    Table,
    RoundId,
    DoubleEntry,
}

#[derive(DeriveIden)]
enum PaperClerks {
    Table,
    AccountId,
    RoundId,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Links {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PaperSheets::Table)
                .col(big_integer(PaperSheets::Id).auto_increment().primary_key())
                .col(big_integer(PaperSheets::RoundId))
                .col(big_integer(PaperSheets::LinkId))
                .col(string_len(PaperSheets::Serial, 32))
                .col(string_len(PaperSheets::Status, 16))
                .col(string_len(PaperSheets::FirstMarks, 200))
                .col(big_integer_null(PaperSheets::FirstBy))
                .col(string_len_null(PaperSheets::SecondMarks, 200))
                .col(big_integer_null(PaperSheets::SecondBy))
                .col(string_len_null(PaperSheets::FinalMarks, 200))
                .col(big_integer_null(PaperSheets::ResolvedBy))
                .col(string_len_null(PaperSheets::ResponseClientId, 64))
                .col(timestamp_with_time_zone(PaperSheets::CreatedAt))
                .col(timestamp_with_time_zone(PaperSheets::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_paper_sheets_round",
                    (PaperSheets::Table, PaperSheets::RoundId),
                    (Rounds::Table, Rounds::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_paper_sheets_link",
                    (PaperSheets::Table, PaperSheets::LinkId),
                    (Links::Table, Links::Id),
                ))
                .to_owned(),
        )
        .await?;
        // A serial is entered once per round: the writer claims it in the
        // transaction that stores the sheet's response.
        m.create_index(
            Index::create()
                .name("idx_paper_sheets_round_serial")
                .table(PaperSheets::Table)
                .col(PaperSheets::RoundId)
                .col(PaperSheets::Serial)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PaperSettings::Table)
                .col(big_integer(PaperSettings::RoundId).primary_key())
                .col(boolean(PaperSettings::DoubleEntry).default(false))
                .foreign_key(&mut fk(
                    "fk_paper_settings_round",
                    (PaperSettings::Table, PaperSettings::RoundId),
                    (Rounds::Table, Rounds::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PaperClerks::Table)
                .col(big_integer(PaperClerks::AccountId))
                .col(big_integer(PaperClerks::RoundId))
                .primary_key(
                    Index::create()
                        .col(PaperClerks::AccountId)
                        .col(PaperClerks::RoundId),
                )
                .foreign_key(&mut fk(
                    "fk_paper_clerks_account",
                    (PaperClerks::Table, PaperClerks::AccountId),
                    (Accounts::Table, Accounts::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_paper_clerks_round",
                    (PaperClerks::Table, PaperClerks::RoundId),
                    (Rounds::Table, Rounds::Id),
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            PaperClerks::Table.into_iden(),
            PaperSettings::Table.into_iden(),
            PaperSheets::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
