use sea_orm::entity::prelude::*;

/// Responses of one link with one validity, place and number of judged
/// answers, with exact integer sums (see `domain::tally`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "response_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub link_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub validity: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub place: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub judged: i32,
    pub responses: i64,
    pub sum_recognised: i64,
    pub sum_points: i64,
    pub sum_points_sq: i64,
    /// Counted answers that chose the scale's middle option; null when not
    /// kept (tallies written before it was).
    pub sum_middle: Option<i64>,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
