//! Questionnaires in the respondent's language: a round's additional
//! languages (BCP 47 tags, in the order the respondent's switch shows them)
//! and the translated texts by stable key, each with the Chinese source it
//! was translated from (so a text changed afterwards shows as outdated).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RoundLanguages {
    Table,
    RoundId,
    Tag,
    Position,
}

#[derive(DeriveIden)]
enum RoundTranslations {
    Table,
    RoundId,
    Tag,
    TextKey,
    Source,
    Text,
}

fn to_round(name: &str, from: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from_col(from)
        .to(Rounds::Table, Rounds::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RoundLanguages::Table)
                .col(big_integer(RoundLanguages::RoundId))
                .col(string_len(RoundLanguages::Tag, 35))
                .col(integer(RoundLanguages::Position))
                .primary_key(
                    Index::create()
                        .col(RoundLanguages::RoundId)
                        .col(RoundLanguages::Tag),
                )
                .foreign_key(&mut to_round(
                    "fk_round_languages_round",
                    RoundLanguages::RoundId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RoundTranslations::Table)
                .col(big_integer(RoundTranslations::RoundId))
                .col(string_len(RoundTranslations::Tag, 35))
                .col(string_len(RoundTranslations::TextKey, 120))
                .col(text(RoundTranslations::Source))
                .col(text(RoundTranslations::Text))
                .primary_key(
                    Index::create()
                        .col(RoundTranslations::RoundId)
                        .col(RoundTranslations::Tag)
                        .col(RoundTranslations::TextKey),
                )
                .foreign_key(&mut to_round(
                    "fk_round_translations_round",
                    RoundTranslations::RoundId,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RoundTranslations::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(RoundLanguages::Table).to_owned())
            .await
    }
}
