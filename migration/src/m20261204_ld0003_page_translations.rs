//! The deployment's translation set of the respondent pages' fixed texts
//! (buttons, notices, refusal pages) for languages beyond the built-in
//! Chinese and English: a county adds a language without a code change.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PageTranslations {
    Table,
    Tag,
    TextKey,
    Text,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PageTranslations::Table)
                .col(string_len(PageTranslations::Tag, 35))
                .col(string_len(PageTranslations::TextKey, 80))
                .col(text(PageTranslations::Text))
                .primary_key(
                    Index::create()
                        .col(PageTranslations::Tag)
                        .col(PageTranslations::TextKey),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PageTranslations::Table).to_owned())
            .await
    }
}
