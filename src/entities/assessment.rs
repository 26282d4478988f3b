use sea_orm::entity::prelude::*;

/// An assessment run from above (省级评估, 州市复核): one round per county,
/// each naming it in `rounds.assessment_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The node (province or prefecture) that runs it.
    pub region_id: i64,
    pub name: String,
    /// The rounds' purpose code (provincial, prefectural …).
    pub purpose: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
