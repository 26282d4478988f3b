use sea_orm::entity::prelude::*;

/// Responses of one link collected one way (`web`, `paper`, `interview`)
/// with one validity and one number of judged answers: the report's
/// breakdown by collection mode without reading the responses.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mode_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub link_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub collection_mode: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub validity: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub judged: i32,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
    pub responses: i64,
    pub sum_recognised: i64,
    pub sum_points: i64,
    pub sum_points_sq: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
