use sea_orm::entity::prelude::*;

/// A paper sheet keyed by a clerk (see migration pp0002).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "paper_sheets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    pub link_id: i64,
    pub serial: String,
    /// `single`, `awaiting_second`, `matched`, `mismatch`, `resolved`.
    pub status: String,
    pub first_marks: String,
    pub first_by: Option<i64>,
    pub second_marks: Option<String>,
    pub second_by: Option<i64>,
    pub final_marks: Option<String>,
    pub resolved_by: Option<i64>,
    /// The response it became; null until it counts.
    pub response_client_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
