use sea_orm::entity::prelude::*;

/// A county's entry for one checklist item in one 学年.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "readiness_checks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub county_id: i64,
    pub school_year: String,
    pub item: String,
    pub value1: Option<f64>,
    pub value2: Option<f64>,
    pub occurred: Option<bool>,
    pub status: Option<String>,
    pub unit: Option<String>,
    pub note: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
