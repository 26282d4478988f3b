use sea_orm::entity::prelude::*;

/// An organiser's quota override: for a group (school_id 0) or a school and group.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sampling_quotas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub respondent_group: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub school_id: i64,
    pub quota: i32,
    pub updated_at: DateTimeUtc,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
