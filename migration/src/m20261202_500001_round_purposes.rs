//! Round purposes follow the inspection's steps (issue 16): the purpose
//! `national` (国家督导评估) suggested renke computes the official result,
//! which in the national recognition step comes from the Ministry's own
//! survey. It becomes `national_rehearsal` (国家认定模拟). Only the code
//! changes: no rule, answer or tally is touched, so every rate stays as it was.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Purpose,
}

fn rename(from: &str, to: &str) -> UpdateStatement {
    Query::update()
        .table(Rounds::Table)
        .value(Rounds::Purpose, to)
        .and_where(Expr::col(Rounds::Purpose).eq(from))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(rename("national", "national_rehearsal")).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(rename("national_rehearsal", "national")).await
    }
}
