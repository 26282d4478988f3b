use sea_orm::entity::prelude::*;

/// An additional language of a round (the primary one, 汉语, is implied).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "round_languages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    /// BCP 47 tag, canonical (`ug`, `kk-Arab`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag: String,
    pub position: i32,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
