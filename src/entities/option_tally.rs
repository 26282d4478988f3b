use sea_orm::entity::prelude::*;

/// Answers of one link with one validity that chose an option of an item.
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
    #[sea_orm(primary_key, auto_increment = false)]
    pub option_code: i32,
    pub answers: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
