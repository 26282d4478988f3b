use sea_orm::entity::prelude::*;

/// One translated text of a round's questionnaires.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "round_translations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag: String,
    /// Stable key, e.g. `parent/q3/2` (see `domain::language`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub text_key: String,
    /// The Chinese text it was translated from.
    #[sea_orm(column_type = "Text")]
    pub source: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
