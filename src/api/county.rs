//! The county profile.

use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};

use super::ApiTags;
use crate::error::{Answer, BodyEdit, ReviewerQuery};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::county::County,
    error::AppError,
    state::AppState,
    store,
};

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CountyDto {
    /// e.g. 奇台县
    pub name: String,
    /// 行政区划代码, 6 or 12 digits.
    pub admin_code: String,
    /// 常住人口, used for the sampling plan.
    pub resident_population: i64,
    /// 人大代表 in the county: caps the deputies' target. Absent: not
    /// entered, no cap (the plan says so).
    pub deputies: Option<i64>,
    /// 政协委员 in the county: caps the CPPCC members' target.
    pub cppcc_members: Option<i64>,
    /// Plan at least 600 questionnaires when the county has under 400,000
    /// residents (the earlier 基本均衡 rule; not confirmed for the current
    /// inspection). Off unless chosen.
    #[oai(default)]
    pub small_county_floor: bool,
}

impl From<County> for CountyDto {
    fn from(c: County) -> Self {
        Self {
            name: c.name,
            admin_code: c.admin_code,
            resident_population: c.resident_population,
            deputies: c.deputies.map(i64::from),
            cppcc_members: c.cppcc_members.map(i64::from),
            small_county_floor: c.small_county_floor,
        }
    }
}

pub struct CountyApi;

#[OpenApi(prefix_path = "/county", tag = "ApiTags::County")]
impl CountyApi {
    /// The county profile (404 until it is set): the account's county, or
    /// `county_id` when it sees several.
    #[oai(path = "/", method = "get", operation_id = "get_county")]
    async fn get_county(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<CountyDto>, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        let c = store::county::get(&state.db, county)
            .await?
            .ok_or_else(|| AppError::not_found("尚未填写县情信息"))?;
        Ok(Json(c.into()))
    }

    /// Set the county profile (organiser): name, code, population, and the
    /// numbers the sampling plan caps by.
    #[oai(path = "/", method = "put", operation_id = "put_county")]
    async fn put_county(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        county_id: Query<Option<i64>>,
        body: Json<CountyDto>,
    ) -> Answer<Json<CountyDto>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        let c = app::schools::put_county(
            state.app(),
            Actor::user(who),
            county,
            &body.name,
            &body.admin_code,
            body.resident_population,
            store::county::SamplingFacts {
                deputies: body.deputies,
                cppcc_members: body.cppcc_members,
                small_county_floor: body.small_county_floor,
            },
        )
        .await?;
        Ok(Json(c.into()))
    }
}
