//! The language a response was answered in (`zh` for every earlier one),
//! and its tallies: class sums per language for the responses answered in
//! an additional language, so the report gives n and rate by language
//! without reading the responses (Chinese is the rest).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Responses {
    Table,
    Language,
}

#[derive(DeriveIden)]
enum LanguageTallies {
    Table,
    RoundId,
    LinkId,
    Validity,
    Language,
    Judged,
    Responses,
    SumRecognised,
    SumPoints,
    SumPointsSq,
    SumMiddle,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Responses::Table)
                .add_column(string_len(Responses::Language, 35).default("zh"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LanguageTallies::Table)
                .col(big_integer(LanguageTallies::RoundId))
                .col(big_integer(LanguageTallies::LinkId))
                .col(string_len(LanguageTallies::Validity, 32))
                .col(string_len(LanguageTallies::Language, 35))
                .col(integer(LanguageTallies::Judged))
                .col(big_integer(LanguageTallies::Responses))
                .col(big_integer(LanguageTallies::SumRecognised))
                .col(big_integer(LanguageTallies::SumPoints))
                .col(big_integer(LanguageTallies::SumPointsSq))
                .col(big_integer(LanguageTallies::SumMiddle))
                .primary_key(
                    Index::create()
                        .col(LanguageTallies::RoundId)
                        .col(LanguageTallies::LinkId)
                        .col(LanguageTallies::Validity)
                        .col(LanguageTallies::Language)
                        .col(LanguageTallies::Judged),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LanguageTallies::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Responses::Table)
                .drop_column(Responses::Language)
                .to_owned(),
        )
        .await
    }
}
