use sea_orm::entity::prelude::*;

/// A device (a keyed hash of its random cookie) that answered a round's
/// group on a link: `link_id` is the school-level link, or 0 for a
/// county-level group (and for marks from before marks were per link: the
/// device answered the group on some link).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "device_link_marks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub respondent_group: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub link_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub device_hash: String,
    /// Answers stored from this device under this mark: 1, more when a
    /// household shares the phone (`rounds.shared_device_limit`).
    pub answers: i32,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
