use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "county")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub name: String,
    pub admin_code: String,
    pub resident_population: i64,
    /// 人大代表 in the county; null when not entered (no cap on the plan).
    pub deputies: Option<i32>,
    /// 政协委员 in the county; null when not entered.
    pub cppcc_members: Option<i32>,
    /// Apply the older floor of 600 questionnaires under 400,000 residents.
    pub small_county_floor: bool,
    pub updated_at: DateTimeUtc,
    /// False until the profile is entered (the row exists from the start).
    pub profile_set: bool,
    /// The county-level node of the region tree this county is.
    pub region_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
