//! Aggregates the report reads instead of scanning responses, kept up to date
//! by the submission writer inside its transaction; organisers' quota
//! overrides for the sampling plan; and an index for reading a round's
//! responses link by link (exports, recomputation, integrity scan).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Per (round, link, validity, place, judged): how many responses, and the
/// exact integer sums the two formulas need.
#[derive(DeriveIden)]
enum ResponseTallies {
    Table,
    RoundId,
    LinkId,
    Validity,
    /// The respondent's answered location for county-level groups
    /// (`urban`/`town`/`rural`), `''` when not asked.
    Place,
    /// Scored answers excluding don't-know.
    Judged,
    Responses,
    SumRecognised,
    SumPoints,
    SumPointsSq,
}

/// Per (round, link, validity, item): how many answers chose option 1…9.
#[derive(DeriveIden)]
enum OptionTallies {
    Table,
    RoundId,
    LinkId,
    Validity,
    ItemIndex,
    N1,
    N2,
    N3,
    N4,
    N5,
    N6,
    N7,
    N8,
    N9,
}

/// An organiser's quota for a group (school_id 0: the group's county-wide
/// total) or for a school and group.
#[derive(DeriveIden)]
enum SamplingQuotas {
    Table,
    RoundId,
    RespondentGroup,
    SchoolId,
    Quota,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Responses {
    Table,
    Id,
    RoundId,
    LinkId,
}

fn round_fk(name: &str, table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(Rounds::Table, Rounds::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ResponseTallies as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(big_integer(R::RoundId))
                .col(big_integer(R::LinkId))
                .col(string_len(R::Validity, 32))
                .col(string_len(R::Place, 8))
                .col(integer(R::Judged))
                .col(big_integer(R::Responses))
                .col(big_integer(R::SumRecognised))
                .col(big_integer(R::SumPoints))
                .col(big_integer(R::SumPointsSq))
                .primary_key(
                    Index::create()
                        .col(R::RoundId)
                        .col(R::LinkId)
                        .col(R::Validity)
                        .col(R::Place)
                        .col(R::Judged),
                )
                .foreign_key(&mut round_fk(
                    "fk_response_tallies_round",
                    R::Table,
                    R::RoundId,
                ))
                .to_owned(),
        )
        .await?;

        use OptionTallies as O;
        m.create_table(
            Table::create()
                .table(O::Table)
                .col(big_integer(O::RoundId))
                .col(big_integer(O::LinkId))
                .col(string_len(O::Validity, 32))
                .col(integer(O::ItemIndex))
                .col(big_integer(O::N1))
                .col(big_integer(O::N2))
                .col(big_integer(O::N3))
                .col(big_integer(O::N4))
                .col(big_integer(O::N5))
                .col(big_integer(O::N6))
                .col(big_integer(O::N7))
                .col(big_integer(O::N8))
                .col(big_integer(O::N9))
                .primary_key(
                    Index::create()
                        .col(O::RoundId)
                        .col(O::LinkId)
                        .col(O::Validity)
                        .col(O::ItemIndex),
                )
                .foreign_key(&mut round_fk(
                    "fk_option_tallies_round",
                    O::Table,
                    O::RoundId,
                ))
                .to_owned(),
        )
        .await?;

        use SamplingQuotas as Q;
        m.create_table(
            Table::create()
                .table(Q::Table)
                .col(big_integer(Q::RoundId))
                .col(string_len(Q::RespondentGroup, 16))
                .col(big_integer(Q::SchoolId))
                .col(integer(Q::Quota))
                .col(timestamp_with_time_zone(Q::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(Q::RoundId)
                        .col(Q::RespondentGroup)
                        .col(Q::SchoolId),
                )
                .foreign_key(&mut round_fk(
                    "fk_sampling_quotas_round",
                    Q::Table,
                    Q::RoundId,
                ))
                .to_owned(),
        )
        .await?;

        // Exports, recomputation and the integrity scan read a round's
        // responses link by link in id order, without sorting.
        m.create_index(
            Index::create()
                .name("idx_responses_round_link")
                .table(Responses::Table)
                .col(Responses::RoundId)
                .col(Responses::LinkId)
                .col(Responses::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
