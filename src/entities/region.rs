use sea_orm::entity::prelude::*;

/// A node of the region tree (省, 州市, 县区).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// National division code (6 digits); null for the node of a county
    /// whose profile has no code yet.
    #[sea_orm(unique)]
    pub code: Option<String>,
    pub name: String,
    /// province, prefecture or county.
    pub level: String,
    pub parent_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
