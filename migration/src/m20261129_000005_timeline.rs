//! Responses over time, for the live monitor: per (round, link, validity)
//! how many responses were committed in each 10-minute interval. Kept by the
//! submission writer in its transaction, like the other tallies, so the
//! monitor never scans responses.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TimelineTallies {
    Table,
    RoundId,
    LinkId,
    Validity,
    /// Start of the 10-minute interval, in seconds since 1970-01-01 UTC.
    BucketStart,
    Responses,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use TimelineTallies as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(big_integer(T::RoundId))
                .col(big_integer(T::LinkId))
                .col(string_len(T::Validity, 32))
                .col(big_integer(T::BucketStart))
                .col(big_integer(T::Responses))
                .primary_key(
                    Index::create()
                        .col(T::RoundId)
                        .col(T::LinkId)
                        .col(T::Validity)
                        .col(T::BucketStart),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_timeline_tallies_round")
                        .from(T::Table, T::RoundId)
                        .to(Rounds::Table, Rounds::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Responses stored before this table existed are counted now.
        let bucket = match m.get_database_backend() {
            sea_orm_migration::sea_orm::DbBackend::Postgres => {
                "(floor(extract(epoch FROM submitted_at) / 600) * 600)::bigint"
            }
            _ => "(CAST(strftime('%s', submitted_at) AS INTEGER) / 600) * 600",
        };
        m.get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO timeline_tallies (round_id, link_id, validity, bucket_start, responses) \
                 SELECT round_id, link_id, validity, {bucket}, COUNT(*) FROM responses \
                 GROUP BY round_id, link_id, validity, {bucket}"
            ))
            .await?;
        Ok(())
    }
}
