use sea_orm::entity::prelude::*;

/// One school's facts for the computed 政府保障程度 / 教育质量 indicators
/// in one 学年.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "readiness_facts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub county_id: i64,
    pub school_id: i64,
    pub school_year: String,
    pub primary_classes: i32,
    pub junior_classes: i32,
    pub largest_primary_class: i32,
    pub largest_junior_class: i32,
    pub music_rooms: i32,
    pub music_min_area: f64,
    pub art_rooms: i32,
    pub art_min_area: f64,
    pub cohort_entry: i32,
    pub transfers_in: i32,
    pub transfers_out: i32,
    pub grade9_students: i32,
    /// 一年级 … 九年级: students and classes (0: not given).
    pub g1_students: i32,
    pub g1_classes: i32,
    pub g2_students: i32,
    pub g2_classes: i32,
    pub g3_students: i32,
    pub g3_classes: i32,
    pub g4_students: i32,
    pub g4_classes: i32,
    pub g5_students: i32,
    pub g5_classes: i32,
    pub g6_students: i32,
    pub g6_classes: i32,
    pub g7_students: i32,
    pub g7_classes: i32,
    pub g8_students: i32,
    pub g8_classes: i32,
    pub g9_students: i32,
    pub g9_classes: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
