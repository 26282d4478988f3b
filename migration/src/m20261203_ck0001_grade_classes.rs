//! Per-grade students and classes of a school's facts
//! (`readiness_facts.g1_students` … `g9_classes`, 一年级 … 九年级), so that
//! the class-size indicator (小学 ≤ 45, 初中 ≤ 50) is computed from each
//! grade's average class size. Every column defaults to 0 ("not given"):
//! facts stored before keep their meaning, judged by the 学段 totals and
//! the entered largest class as before.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReadinessFacts {
    Table,
}

fn columns() -> Vec<String> {
    (1..=9)
        .flat_map(|g| [format!("g{g}_students"), format!("g{g}_classes")])
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for c in columns() {
            m.alter_table(
                Table::alter()
                    .table(ReadinessFacts::Table)
                    .add_column(
                        ColumnDef::new(Alias::new(c))
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in columns() {
            m.alter_table(
                Table::alter()
                    .table(ReadinessFacts::Table)
                    .drop_column(Alias::new(c))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
