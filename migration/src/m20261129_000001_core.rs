//! The core schema: accounts and sessions, the county, schools, rounds with
//! their questionnaires, schools and links, and responses.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Username,
    DisplayName,
    Role,
    PasswordHash,
    Disabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    AccountId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum County {
    Table,
    Id,
    Name,
    AdminCode,
    ResidentPopulation,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
    Code,
    Name,
    Kind,
    Location,
    PrimaryStudents,
    JuniorStudents,
    Teachers,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
    Name,
    Purpose,
    Status,
    OpensAt,
    ClosesAt,
    ScoringRule,
    MinAnswerSeconds,
    DuplicatePolicy,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    OpenedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum RoundQuestionnaires {
    Table,
    RoundId,
    RespondentGroup,
    Content,
}

#[derive(DeriveIden)]
enum RoundSchools {
    Table,
    RoundId,
    SchoolId,
}

#[derive(DeriveIden)]
enum Links {
    Table,
    Id,
    RoundId,
    SchoolId,
    RespondentGroup,
    Token,
    Enabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Responses {
    Table,
    Id,
    ClientId,
    RoundId,
    LinkId,
    SchoolId,
    RespondentGroup,
    SubmittedAt,
    DurationMs,
    Validity,
    Answers,
    Texts,
    Recognised,
    Judged,
    Points,
    Fingerprint,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Accounts::Table)
                .col(big_pk_auto(Accounts::Id))
                .col(string_len_uniq(Accounts::Username, 64))
                .col(string_len(Accounts::DisplayName, 100))
                .col(string_len(Accounts::Role, 16))
                .col(string(Accounts::PasswordHash))
                .col(boolean(Accounts::Disabled).default(false))
                .col(timestamp_with_time_zone(Accounts::CreatedAt))
                .col(timestamp_with_time_zone(Accounts::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(big_pk_auto(Sessions::Id))
                .col(big_integer(Sessions::AccountId))
                .col(string_len_uniq(Sessions::TokenHash, 64))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                .foreign_key(
                    &mut fk(
                        "fk_sessions_account",
                        (Sessions::Table, Sessions::AccountId),
                        (Accounts::Table, Accounts::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade)
                    .to_owned(),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(County::Table)
                .col(big_integer(County::Id).primary_key())
                .col(string_len(County::Name, 100))
                .col(string_len(County::AdminCode, 12))
                .col(big_integer(County::ResidentPopulation))
                .col(timestamp_with_time_zone(County::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Schools::Table)
                .col(big_pk_auto(Schools::Id))
                .col(string_len_uniq(Schools::Code, 10))
                .col(string_len(Schools::Name, 200))
                .col(string_len(Schools::Kind, 16))
                .col(string_len(Schools::Location, 8))
                .col(integer(Schools::PrimaryStudents))
                .col(integer(Schools::JuniorStudents))
                .col(integer(Schools::Teachers))
                .col(timestamp_with_time_zone(Schools::CreatedAt))
                .col(timestamp_with_time_zone(Schools::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Rounds::Table)
                .col(big_pk_auto(Rounds::Id))
                .col(string_len(Rounds::Name, 200))
                .col(string_len(Rounds::Purpose, 32))
                .col(string_len(Rounds::Status, 16))
                .col(timestamp_with_time_zone(Rounds::OpensAt))
                .col(timestamp_with_time_zone(Rounds::ClosesAt))
                .col(text(Rounds::ScoringRule))
                .col(integer(Rounds::MinAnswerSeconds))
                .col(string_len(Rounds::DuplicatePolicy, 16))
                .col(big_integer_null(Rounds::CreatedBy))
                .col(timestamp_with_time_zone(Rounds::CreatedAt))
                .col(timestamp_with_time_zone(Rounds::UpdatedAt))
                .col(timestamp_with_time_zone_null(Rounds::OpenedAt))
                .col(timestamp_with_time_zone_null(Rounds::ClosedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RoundQuestionnaires::Table)
                .col(big_integer(RoundQuestionnaires::RoundId))
                .col(string_len(RoundQuestionnaires::RespondentGroup, 16))
                .col(text(RoundQuestionnaires::Content))
                .primary_key(
                    Index::create()
                        .col(RoundQuestionnaires::RoundId)
                        .col(RoundQuestionnaires::RespondentGroup),
                )
                .foreign_key(&mut fk(
                    "fk_round_questionnaires_round",
                    (RoundQuestionnaires::Table, RoundQuestionnaires::RoundId),
                    (Rounds::Table, Rounds::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RoundSchools::Table)
                .col(big_integer(RoundSchools::RoundId))
                .col(big_integer(RoundSchools::SchoolId))
                .primary_key(
                    Index::create()
                        .col(RoundSchools::RoundId)
                        .col(RoundSchools::SchoolId),
                )
                .foreign_key(&mut fk(
                    "fk_round_schools_round",
                    (RoundSchools::Table, RoundSchools::RoundId),
                    (Rounds::Table, Rounds::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_round_schools_school",
                    (RoundSchools::Table, RoundSchools::SchoolId),
                    (Schools::Table, Schools::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Links::Table)
                .col(big_pk_auto(Links::Id))
                .col(big_integer(Links::RoundId))
                .col(big_integer_null(Links::SchoolId))
                .col(string_len(Links::RespondentGroup, 16))
                .col(string_len_uniq(Links::Token, 64))
                .col(boolean(Links::Enabled).default(true))
                .col(timestamp_with_time_zone(Links::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_links_round",
                    (Links::Table, Links::RoundId),
                    (Rounds::Table, Rounds::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_links_school",
                    (Links::Table, Links::SchoolId),
                    (Schools::Table, Schools::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_links_round")
                .table(Links::Table)
                .col(Links::RoundId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Responses::Table)
                .col(big_pk_auto(Responses::Id))
                .col(string_len_uniq(Responses::ClientId, 36))
                .col(big_integer(Responses::RoundId))
                .col(big_integer(Responses::LinkId))
                .col(big_integer_null(Responses::SchoolId))
                .col(string_len(Responses::RespondentGroup, 16))
                .col(timestamp_with_time_zone(Responses::SubmittedAt))
                .col(big_integer(Responses::DurationMs))
                .col(string_len(Responses::Validity, 32))
                .col(string_len(Responses::Answers, 64))
                .col(text_null(Responses::Texts))
                .col(integer(Responses::Recognised))
                .col(integer(Responses::Judged))
                .col(integer(Responses::Points))
                .col(string_len(Responses::Fingerprint, 32))
                .foreign_key(&mut fk(
                    "fk_responses_link",
                    (Responses::Table, Responses::LinkId),
                    (Links::Table, Links::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_responses_round")
                .table(Responses::Table)
                .col(Responses::RoundId)
                .col(Responses::RespondentGroup)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
