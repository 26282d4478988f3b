//! Room sessions (机房答题): an organiser opens a session for one link of a
//! round; PCs that join it answer in kiosk mode, one pupil after another.
//! Keyed by round and link (never by a PC); each response answered in a
//! session records it in `responses.room_session_id`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RoomSessions {
    Table,
    Id,
    RoundId,
    LinkId,
    Code,
    OpenedBy,
    OpenedByName,
    OpenedAt,
    ExpiresAt,
    GraceMinutes,
    ClosedAt,
}

#[derive(DeriveIden)]
enum Responses {
    Table,
    RoomSessionId,
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
        m.create_table(
            Table::create()
                .table(RoomSessions::Table)
                .col(big_pk_auto(RoomSessions::Id))
                .col(big_integer(RoomSessions::RoundId))
                .col(big_integer(RoomSessions::LinkId))
                .col(string_len_uniq(RoomSessions::Code, 16))
                .col(big_integer_null(RoomSessions::OpenedBy))
                .col(string_len(RoomSessions::OpenedByName, 64))
                .col(timestamp_with_time_zone(RoomSessions::OpenedAt))
                .col(timestamp_with_time_zone(RoomSessions::ExpiresAt))
                .col(integer(RoomSessions::GraceMinutes))
                .col(timestamp_with_time_zone_null(RoomSessions::ClosedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_room_sessions_round")
                        .from(RoomSessions::Table, RoomSessions::RoundId)
                        .to(Rounds::Table, Rounds::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_room_sessions_link")
                        .from(RoomSessions::Table, RoomSessions::LinkId)
                        .to(Links::Table, Links::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_room_sessions_round_link")
                .table(RoomSessions::Table)
                .col(RoomSessions::RoundId)
                .col(RoomSessions::LinkId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Responses::Table)
                .add_column(big_integer_null(Responses::RoomSessionId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_responses_room_session")
                .table(Responses::Table)
                .col(Responses::RoomSessionId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_responses_room_session")
                .table(Responses::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Responses::Table)
                .drop_column(Responses::RoomSessionId)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(RoomSessions::Table).to_owned())
            .await
    }
}
