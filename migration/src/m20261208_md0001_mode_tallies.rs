//! Tallies by collection mode: class sums per link, mode (`web`, `paper`,
//! `interview`), validity and judged answers, kept by the submission writer
//! so that the report's breakdown by mode reads no response (before this,
//! every report load grouped all of a round's responses). Filled here from
//! the responses already stored, in the one statement that defines them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ModeTallies {
    Table,
    RoundId,
    LinkId,
    CollectionMode,
    Validity,
    Judged,
    CountyId,
    Responses,
    SumRecognised,
    SumPoints,
    SumPointsSq,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ModeTallies::Table)
                .col(big_integer(ModeTallies::RoundId))
                .col(big_integer(ModeTallies::LinkId))
                .col(string_len(ModeTallies::CollectionMode, 16))
                .col(string_len(ModeTallies::Validity, 32))
                .col(integer(ModeTallies::Judged))
                .col(big_integer(ModeTallies::CountyId))
                .col(big_integer(ModeTallies::Responses))
                .col(big_integer(ModeTallies::SumRecognised))
                .col(big_integer(ModeTallies::SumPoints))
                .col(big_integer(ModeTallies::SumPointsSq))
                .primary_key(
                    Index::create()
                        .col(ModeTallies::RoundId)
                        .col(ModeTallies::LinkId)
                        .col(ModeTallies::CollectionMode)
                        .col(ModeTallies::Validity)
                        .col(ModeTallies::Judged),
                )
                .to_owned(),
        )
        .await?;
        // Every stored response, counted as the writer would have; the
        // county is its round's.
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO mode_tallies (round_id, link_id, collection_mode, validity, judged, \
                   county_id, responses, sum_recognised, sum_points, sum_points_sq) \
                 SELECT r.round_id, r.link_id, r.collection_mode, r.validity, r.judged, \
                   MAX(ro.county_id), COUNT(*), SUM(r.recognised), SUM(r.points), \
                   SUM(CAST(r.points AS BIGINT) * r.points) \
                 FROM responses r JOIN rounds ro ON ro.id = r.round_id \
                 GROUP BY r.round_id, r.link_id, r.collection_mode, r.validity, r.judged",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ModeTallies::Table).to_owned())
            .await
    }
}
