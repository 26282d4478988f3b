//! The respondent's side: the deployment secret for keyed hashes, device
//! marks for duplicate control, and one-time access codes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeploymentSecrets {
    Table,
    Name,
    Value,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DeviceMarks {
    Table,
    RoundId,
    RespondentGroup,
    DeviceHash,
}

#[derive(DeriveIden)]
enum AccessCodes {
    Table,
    Id,
    LinkId,
    CodeHash,
    Used,
    CreatedAt,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Generated once when RENKE_SECRET is not set, so that every instance
        // sharing the database computes the same keyed hashes.
        m.create_table(
            Table::create()
                .table(DeploymentSecrets::Table)
                .col(string_len(DeploymentSecrets::Name, 32).primary_key())
                .col(string_len(DeploymentSecrets::Value, 128))
                .col(timestamp_with_time_zone(DeploymentSecrets::CreatedAt))
                .to_owned(),
        )
        .await?;

        // A device that has answered a round's group: only a keyed hash of
        // its random cookie, never anything about the person or address.
        m.create_table(
            Table::create()
                .table(DeviceMarks::Table)
                .col(big_integer(DeviceMarks::RoundId))
                .col(string_len(DeviceMarks::RespondentGroup, 16))
                .col(string_len(DeviceMarks::DeviceHash, 64))
                .primary_key(
                    Index::create()
                        .col(DeviceMarks::RoundId)
                        .col(DeviceMarks::RespondentGroup)
                        .col(DeviceMarks::DeviceHash),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_device_marks_round")
                        .from(DeviceMarks::Table, DeviceMarks::RoundId)
                        .to(Rounds::Table, Rounds::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        // One-time access codes, stored hashed. `used` carries no time and no
        // response id, so a code handed to a named person cannot be tied to
        // an answer.
        m.create_table(
            Table::create()
                .table(AccessCodes::Table)
                .col(big_pk_auto(AccessCodes::Id))
                .col(big_integer(AccessCodes::LinkId))
                .col(string_len(AccessCodes::CodeHash, 64))
                .col(boolean(AccessCodes::Used).default(false))
                .col(timestamp_with_time_zone(AccessCodes::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_access_codes_link")
                        .from(AccessCodes::Table, AccessCodes::LinkId)
                        .to(Links::Table, Links::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_access_codes_link_hash")
                .table(AccessCodes::Table)
                .col(AccessCodes::LinkId)
                .col(AccessCodes::CodeHash)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
