use sea_orm::entity::prelude::*;

/// A school taking part in a round. The other columns are what reports
/// need of the school, copied when the round opens (empty while a draft).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "round_schools")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub school_id: i64,
    pub school_code: Option<String>,
    pub school_name: Option<String>,
    pub school_kind: Option<String>,
    pub location: Option<String>,
    pub primary_students: Option<i32>,
    pub junior_students: Option<i32>,
    pub teachers: Option<i32>,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
