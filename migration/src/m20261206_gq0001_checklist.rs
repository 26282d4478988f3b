//! Inspection readiness, 政府保障程度 and 教育质量: per county and 学年 the
//! per-school facts renke computes four indicators from
//! (`readiness_facts`: classes, largest class, special classrooms, the
//! junior cohort), the checklist entries (`readiness_checks`: values,
//! yes/no of a veto item, status, responsible unit, note), the evidence
//! files stored with them (`readiness_evidence`, the bytes in the row), and
//! the survey round whose rate is the year's 社会认可度
//! (`readiness_years`). Every row carries county_id.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum County {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReadinessFacts {
    Table,
    Id,
    CountyId,
    SchoolId,
    SchoolYear,
    PrimaryClasses,
    JuniorClasses,
    LargestPrimaryClass,
    LargestJuniorClass,
    MusicRooms,
    MusicMinArea,
    ArtRooms,
    ArtMinArea,
    CohortEntry,
    TransfersIn,
    TransfersOut,
    Grade9Students,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReadinessChecks {
    Table,
    Id,
    CountyId,
    SchoolYear,
    Item,
    Value1,
    Value2,
    Occurred,
    Status,
    Unit,
    Note,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReadinessEvidence {
    Table,
    Id,
    CountyId,
    SchoolYear,
    Item,
    FileName,
    ContentType,
    Size,
    Data,
    UploadedAt,
}

#[derive(DeriveIden)]
enum ReadinessYears {
    Table,
    Id,
    CountyId,
    SchoolYear,
    SurveyRoundId,
    UpdatedAt,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn county_fk(name: &str, table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    fk(
        name,
        (table, col),
        (County::Table, County::Id),
        ForeignKeyAction::Restrict,
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ReadinessFacts as F;
        m.create_table(
            Table::create()
                .table(F::Table)
                .col(big_pk_auto(F::Id))
                .col(big_integer(F::CountyId))
                .col(big_integer(F::SchoolId))
                .col(string_len(F::SchoolYear, 9))
                .col(integer(F::PrimaryClasses).default(0))
                .col(integer(F::JuniorClasses).default(0))
                .col(integer(F::LargestPrimaryClass).default(0))
                .col(integer(F::LargestJuniorClass).default(0))
                .col(integer(F::MusicRooms).default(0))
                .col(double(F::MusicMinArea).default(0.0))
                .col(integer(F::ArtRooms).default(0))
                .col(double(F::ArtMinArea).default(0.0))
                .col(integer(F::CohortEntry).default(0))
                .col(integer(F::TransfersIn).default(0))
                .col(integer(F::TransfersOut).default(0))
                .col(integer(F::Grade9Students).default(0))
                .col(timestamp_with_time_zone(F::UpdatedAt))
                .foreign_key(&mut county_fk(
                    "fk_readiness_facts_county",
                    F::Table,
                    F::CountyId,
                ))
                .foreign_key(&mut fk(
                    "fk_readiness_facts_school",
                    (F::Table, F::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_readiness_facts_county_year_school")
                .table(F::Table)
                .col(F::CountyId)
                .col(F::SchoolYear)
                .col(F::SchoolId)
                .unique()
                .to_owned(),
        )
        .await?;

        use ReadinessChecks as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(big_pk_auto(C::Id))
                .col(big_integer(C::CountyId))
                .col(string_len(C::SchoolYear, 9))
                .col(string_len(C::Item, 8))
                .col(double_null(C::Value1))
                .col(double_null(C::Value2))
                .col(boolean_null(C::Occurred))
                .col(string_len_null(C::Status, 16))
                .col(string_len_null(C::Unit, 200))
                .col(text_null(C::Note))
                .col(timestamp_with_time_zone(C::UpdatedAt))
                .foreign_key(&mut county_fk(
                    "fk_readiness_checks_county",
                    C::Table,
                    C::CountyId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_readiness_checks_county_year_item")
                .table(C::Table)
                .col(C::CountyId)
                .col(C::SchoolYear)
                .col(C::Item)
                .unique()
                .to_owned(),
        )
        .await?;

        use ReadinessEvidence as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(big_pk_auto(E::Id))
                .col(big_integer(E::CountyId))
                .col(string_len(E::SchoolYear, 9))
                .col(string_len(E::Item, 8))
                .col(string_len(E::FileName, 200))
                .col(string_len(E::ContentType, 100))
                .col(big_integer(E::Size))
                .col(blob(E::Data))
                .col(timestamp_with_time_zone(E::UploadedAt))
                .foreign_key(&mut county_fk(
                    "fk_readiness_evidence_county",
                    E::Table,
                    E::CountyId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_readiness_evidence_county_year_item")
                .table(E::Table)
                .col(E::CountyId)
                .col(E::SchoolYear)
                .col(E::Item)
                .to_owned(),
        )
        .await?;

        use ReadinessYears as Y;
        m.create_table(
            Table::create()
                .table(Y::Table)
                .col(big_pk_auto(Y::Id))
                .col(big_integer(Y::CountyId))
                .col(string_len(Y::SchoolYear, 9))
                .col(big_integer_null(Y::SurveyRoundId))
                .col(timestamp_with_time_zone(Y::UpdatedAt))
                .foreign_key(&mut county_fk(
                    "fk_readiness_years_county",
                    Y::Table,
                    Y::CountyId,
                ))
                .foreign_key(&mut fk(
                    "fk_readiness_years_round",
                    (Y::Table, Y::SurveyRoundId),
                    (Rounds::Table, Rounds::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_readiness_years_county_year")
                .table(Y::Table)
                .col(Y::CountyId)
                .col(Y::SchoolYear)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ReadinessYears::Table.into_iden(),
            ReadinessEvidence::Table.into_iden(),
            ReadinessChecks::Table.into_iden(),
            ReadinessFacts::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
