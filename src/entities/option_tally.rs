use sea_orm::entity::prelude::*;

/// Answers of one link with one validity to one item: how many chose option 1…9.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "option_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub link_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub validity: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_index: i32,
    pub n1: i64,
    pub n2: i64,
    pub n3: i64,
    pub n4: i64,
    pub n5: i64,
    pub n6: i64,
    pub n7: i64,
    pub n8: i64,
    pub n9: i64,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
