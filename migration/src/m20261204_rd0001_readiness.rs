//! Inspection readiness, 资源配置: the county's readiness settings, and per
//! school and 学年 (school year, "2025-2026") the school-level facts and
//! facilities (`readiness_schools`) and each 学段's students and teachers
//! (`readiness_stages`, with the facility split when the county entered it).
//! Every row carries county_id; a school's rows go when the school goes.

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
enum ReadinessSettings {
    Table,
    CountyId,
    TeachingPointMinStudents,
    WeightPrimary,
    WeightJunior,
    WeightSenior,
    NearShare,
    MinMet,
    CvLimitPrimary,
    CvLimitJunior,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReadinessSchools {
    Table,
    Id,
    CountyId,
    SchoolId,
    SchoolYear,
    TeachingPoint,
    BranchOf,
    SeniorStudents,
    TeachingArea,
    SportsArea,
    EquipmentValue,
    MultimediaRooms,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReadinessStages {
    Table,
    Id,
    CountyId,
    SchoolId,
    SchoolYear,
    Stage,
    Students,
    QualifiedTeachers,
    BackboneTeachers,
    SportsArtsTeachers,
    TeachingArea,
    SportsArea,
    EquipmentValue,
    MultimediaRooms,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReadinessSettings::Table)
                .col(big_integer(ReadinessSettings::CountyId).primary_key())
                .col(integer(ReadinessSettings::TeachingPointMinStudents))
                .col(double(ReadinessSettings::WeightPrimary))
                .col(double(ReadinessSettings::WeightJunior))
                .col(double(ReadinessSettings::WeightSenior))
                .col(double(ReadinessSettings::NearShare))
                .col(integer(ReadinessSettings::MinMet))
                .col(double(ReadinessSettings::CvLimitPrimary))
                .col(double(ReadinessSettings::CvLimitJunior))
                .col(timestamp_with_time_zone(ReadinessSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_readiness_settings_county",
                    (ReadinessSettings::Table, ReadinessSettings::CountyId),
                    (County::Table, County::Id),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReadinessSchools::Table)
                .col(big_pk_auto(ReadinessSchools::Id))
                .col(big_integer(ReadinessSchools::CountyId))
                .col(big_integer(ReadinessSchools::SchoolId))
                .col(string_len(ReadinessSchools::SchoolYear, 9))
                .col(boolean(ReadinessSchools::TeachingPoint).default(false))
                .col(big_integer_null(ReadinessSchools::BranchOf))
                .col(integer(ReadinessSchools::SeniorStudents).default(0))
                .col(double(ReadinessSchools::TeachingArea))
                .col(double(ReadinessSchools::SportsArea))
                .col(double(ReadinessSchools::EquipmentValue))
                .col(double(ReadinessSchools::MultimediaRooms))
                .col(timestamp_with_time_zone(ReadinessSchools::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_readiness_schools_county",
                    (ReadinessSchools::Table, ReadinessSchools::CountyId),
                    (County::Table, County::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_readiness_schools_school",
                    (ReadinessSchools::Table, ReadinessSchools::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_readiness_schools_branch_of",
                    (ReadinessSchools::Table, ReadinessSchools::BranchOf),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_readiness_schools_county_year_school")
                .table(ReadinessSchools::Table)
                .col(ReadinessSchools::CountyId)
                .col(ReadinessSchools::SchoolYear)
                .col(ReadinessSchools::SchoolId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReadinessStages::Table)
                .col(big_pk_auto(ReadinessStages::Id))
                .col(big_integer(ReadinessStages::CountyId))
                .col(big_integer(ReadinessStages::SchoolId))
                .col(string_len(ReadinessStages::SchoolYear, 9))
                .col(string_len(ReadinessStages::Stage, 16))
                .col(integer(ReadinessStages::Students))
                .col(integer(ReadinessStages::QualifiedTeachers))
                .col(integer(ReadinessStages::BackboneTeachers))
                .col(integer(ReadinessStages::SportsArtsTeachers))
                .col(double_null(ReadinessStages::TeachingArea))
                .col(double_null(ReadinessStages::SportsArea))
                .col(double_null(ReadinessStages::EquipmentValue))
                .col(double_null(ReadinessStages::MultimediaRooms))
                .foreign_key(&mut fk(
                    "fk_readiness_stages_county",
                    (ReadinessStages::Table, ReadinessStages::CountyId),
                    (County::Table, County::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_readiness_stages_school",
                    (ReadinessStages::Table, ReadinessStages::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_readiness_stages_county_year_school_stage")
                .table(ReadinessStages::Table)
                .col(ReadinessStages::CountyId)
                .col(ReadinessStages::SchoolYear)
                .col(ReadinessStages::SchoolId)
                .col(ReadinessStages::Stage)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ReadinessStages::Table.into_iden(),
            ReadinessSchools::Table.into_iden(),
            ReadinessSettings::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
