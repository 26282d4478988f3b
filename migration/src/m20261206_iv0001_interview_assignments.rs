//! On-site interviews (访谈员, issue #20): `interview_assignments` says which
//! links of a round an interviewer account may record interviews for, one
//! row per (round, account, link), carrying the round's county. An answer
//! an interviewer uploads never names the interviewer: this table and the
//! audit log (who uploaded how many) are the only traces of who did what.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InterviewAssignments {
    Table,
    Id,
    CountyId,
    RoundId,
    AccountId,
    LinkId,
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
    column: InterviewAssignments,
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(InterviewAssignments::Table, column)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(InterviewAssignments::Table)
                .col(
                    big_integer(InterviewAssignments::Id)
                        .auto_increment()
                        .primary_key(),
                )
                .col(big_integer(InterviewAssignments::CountyId))
                .col(big_integer(InterviewAssignments::RoundId))
                .col(big_integer(InterviewAssignments::AccountId))
                .col(big_integer(InterviewAssignments::LinkId))
                .col(timestamp_with_time_zone(InterviewAssignments::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_interview_assignments_county",
                    InterviewAssignments::CountyId,
                    (County::Table, County::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_interview_assignments_round",
                    InterviewAssignments::RoundId,
                    (Rounds::Table, Rounds::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_interview_assignments_account",
                    InterviewAssignments::AccountId,
                    (Accounts::Table, Accounts::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_interview_assignments_link",
                    InterviewAssignments::LinkId,
                    (Links::Table, Links::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_interview_assignments_unique")
                .table(InterviewAssignments::Table)
                .col(InterviewAssignments::AccountId)
                .col(InterviewAssignments::RoundId)
                .col(InterviewAssignments::LinkId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_interview_assignments_round")
                .table(InterviewAssignments::Table)
                .col(InterviewAssignments::RoundId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(InterviewAssignments::Table).to_owned())
            .await
    }
}
