use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "responses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub client_id: String,
    pub round_id: i64,
    pub link_id: i64,
    pub school_id: Option<i64>,
    pub respondent_group: String,
    pub submitted_at: DateTimeUtc,
    pub duration_ms: i64,
    pub validity: String,
    pub answers: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub texts: Option<String>,
    pub recognised: i32,
    pub judged: i32,
    pub points: i32,
    pub fingerprint: String,
    /// Stored valid as another household member's answer on a phone that
    /// already answered this link (after the respondent confirmed it).
    pub shared_device: bool,
    /// The language the questionnaire was answered in (BCP 47; `zh`).
    pub language: String,
    /// The room session (机房答题) it was answered in, if any: the session,
    /// never the PC.
    pub room_session_id: Option<i64>,
    /// How it was collected: `web`, `paper` or `interview` (`CollectionMode`).
    pub collection_mode: String,
    /// The county the row belongs to (its round's; the distribution column of
    /// docs/scaling.md).
    pub county_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
