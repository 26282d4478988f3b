//! School liaisons (学校联络员, issue #22): `liaison_assignments` says which
//! schools of a round a liaison account may run computer-room sessions for,
//! one row per (round, account, school), carrying the round's county. The
//! liaison reads no results: only its schools' links, its sessions and
//! their answer counts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LiaisonAssignments {
    Table,
    Id,
    CountyId,
    RoundId,
    AccountId,
    SchoolId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum County {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Schools {
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
    column: LiaisonAssignments,
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(LiaisonAssignments::Table, column)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LiaisonAssignments::Table)
                .col(
                    big_integer(LiaisonAssignments::Id)
                        .auto_increment()
                        .primary_key(),
                )
                .col(big_integer(LiaisonAssignments::CountyId))
                .col(big_integer(LiaisonAssignments::RoundId))
                .col(big_integer(LiaisonAssignments::AccountId))
                .col(big_integer(LiaisonAssignments::SchoolId))
                .col(timestamp_with_time_zone(LiaisonAssignments::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_liaison_assignments_county",
                    LiaisonAssignments::CountyId,
                    (County::Table, County::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_liaison_assignments_round",
                    LiaisonAssignments::RoundId,
                    (Rounds::Table, Rounds::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_liaison_assignments_account",
                    LiaisonAssignments::AccountId,
                    (Accounts::Table, Accounts::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_liaison_assignments_school",
                    LiaisonAssignments::SchoolId,
                    (Schools::Table, Schools::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_liaison_assignments_unique")
                .table(LiaisonAssignments::Table)
                .col(LiaisonAssignments::AccountId)
                .col(LiaisonAssignments::RoundId)
                .col(LiaisonAssignments::SchoolId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_liaison_assignments_round")
                .table(LiaisonAssignments::Table)
                .col(LiaisonAssignments::RoundId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LiaisonAssignments::Table).to_owned())
            .await
    }
}
