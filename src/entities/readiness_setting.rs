use sea_orm::entity::prelude::*;

/// A county's readiness settings (资源配置 choices); absent: the defaults.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "readiness_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub county_id: i64,
    pub teaching_point_min_students: i32,
    pub weight_primary: f64,
    pub weight_junior: f64,
    pub weight_senior: f64,
    pub near_share: f64,
    pub min_met: i32,
    pub cv_limit_primary: f64,
    pub cv_limit_junior: f64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
