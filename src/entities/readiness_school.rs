use sea_orm::entity::prelude::*;

/// One school's readiness facts and facilities for one 学年.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "readiness_schools")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub county_id: i64,
    pub school_id: i64,
    pub school_year: String,
    pub teaching_point: bool,
    pub branch_of: Option<i64>,
    pub senior_students: i32,
    pub teaching_area: f64,
    pub sports_area: f64,
    pub equipment_value: f64,
    pub multimedia_rooms: f64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
