use sea_orm::entity::prelude::*;

/// One 学段 of a school for one 学年: students, teachers, and the
/// facility split when the county entered it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "readiness_stages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub county_id: i64,
    pub school_id: i64,
    pub school_year: String,
    /// primary / junior
    pub stage: String,
    pub students: i32,
    pub qualified_teachers: i32,
    pub backbone_teachers: i32,
    pub sports_arts_teachers: i32,
    pub teaching_area: Option<f64>,
    pub sports_area: Option<f64>,
    pub equipment_value: Option<f64>,
    pub multimedia_rooms: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
