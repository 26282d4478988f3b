use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rounds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub purpose: String,
    pub status: String,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub scoring_rule: String,
    pub min_answer_seconds: i32,
    pub duplicate_policy: String,
    /// Most answers one device may give on one link, the first included
    /// (a household sharing a phone); 0 or 1: one.
    pub shared_device_limit: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub opened_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    /// The county whose round this is.
    pub county_id: i64,
    /// The assessment run from above this round is a county's part of;
    /// none for a county's own round.
    pub assessment_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
