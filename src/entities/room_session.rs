use sea_orm::entity::prelude::*;

/// A room session (机房答题): PCs that joined it answer a link's
/// questionnaire one pupil after another until `expires_at` (plus the grace
/// for answers started before it).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "room_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    pub link_id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub opened_by: Option<i64>,
    pub opened_by_name: String,
    pub opened_at: DateTimeUtc,
    /// Closing a session early moves this to the moment it was closed.
    pub expires_at: DateTimeUtc,
    pub grace_minutes: i32,
    pub closed_at: Option<DateTimeUtc>,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
