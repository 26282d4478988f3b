use sea_orm::entity::prelude::*;

/// A round's paper-entry settings (see migration pp0002).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "paper_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    pub double_entry: bool,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
