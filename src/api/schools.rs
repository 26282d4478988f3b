//! Schools: list, create, update, delete, and the all-or-nothing import.

use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::{Attachment, AttachmentType, Binary, Json},
};

use super::{
    ApiTags,
    types::{Done, LocationDto, SchoolKindDto},
};
use crate::error::{Answer, BodyEdit, BodyUpdate, PathStateWrite, ReviewerList, ReviewerRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::school::{Location, School, SchoolInput, SchoolKind},
    error::AppError,
    import::{ImportErrors, TEMPLATE_HEADER, parse_schools},
    state::AppState,
    store,
};

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SchoolOut {
    pub id: i64,
    /// 学校标识码 (10 digits)
    pub code: String,
    pub name: String,
    pub kind: SchoolKindDto,
    pub location: LocationDto,
    pub primary_students: i32,
    pub junior_students: i32,
    pub teachers: i32,
    /// The county the school belongs to.
    pub county_id: i64,
}

impl From<School> for SchoolOut {
    fn from(s: School) -> Self {
        Self {
            id: s.id,
            code: s.code,
            name: s.name,
            kind: s.kind.into(),
            location: s.location.into(),
            primary_students: s.primary_students,
            junior_students: s.junior_students,
            teachers: s.teachers,
            county_id: s.county_id,
        }
    }
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SchoolIn {
    pub code: String,
    pub name: String,
    pub kind: SchoolKindDto,
    pub location: LocationDto,
    #[oai(default)]
    pub primary_students: i32,
    #[oai(default)]
    pub junior_students: i32,
    #[oai(default)]
    pub teachers: i32,
}

impl SchoolIn {
    fn draft(&self) -> Result<crate::domain::school::SchoolDraft, AppError> {
        SchoolInput {
            code: self.code.clone(),
            name: self.name.clone(),
            kind: SchoolKind::from(self.kind).code().to_string(),
            location: Location::from(self.location).code().to_string(),
            primary_students: self.primary_students.to_string(),
            junior_students: self.junior_students.to_string(),
            teachers: self.teachers.to_string(),
        }
        .validate()
        .map_err(|errs| AppError::with_details(errs.join("；"), errs))
    }
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ImportOut {
    pub created: u32,
    pub updated: u32,
}

#[derive(ApiResponse)]
pub enum TemplateResponse {
    /// The CSV template (UTF-8 with BOM, opens in Excel).
    #[oai(status = 200)]
    Ok(Attachment<Vec<u8>>),
}

pub struct SchoolsApi;

#[OpenApi(prefix_path = "/schools", tag = "ApiTags::Schools")]
impl SchoolsApi {
    /// List the schools of every county the account sees (or of
    /// `county_id` only; 404 for a county out of reach), ordered by code.
    #[oai(path = "/", method = "get", operation_id = "list_schools")]
    async fn list_schools(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<Vec<SchoolOut>>, ReviewerRead> {
        let who = auth.require(Role::Reviewer)?;
        let scope = store::scope::narrow(&state.db, &who.scope, county_id.0).await?;
        let list = store::schools::list(&state.db, &scope).await?;
        Ok(Json(list.into_iter().map(Into::into).collect()))
    }

    /// Add a school (organiser) to the account's county, or to `county_id`
    /// when the account manages several.
    #[oai(path = "/", method = "post", operation_id = "create_school")]
    async fn create_school(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        county_id: Query<Option<i64>>,
        body: Json<SchoolIn>,
    ) -> Answer<Json<SchoolOut>, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        let s = app::schools::create(state.app(), Actor::user(who), county, &body.draft()?).await?;
        Ok(Json(s.into()))
    }

    /// One school.
    #[oai(path = "/:id", method = "get", operation_id = "get_school")]
    async fn get_school(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<SchoolOut>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        Ok(Json(store::schools::get(&state.db, id.0).await?.into()))
    }

    /// Change a school (organiser).
    #[oai(path = "/:id", method = "put", operation_id = "update_school")]
    async fn update_school(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<SchoolIn>,
    ) -> Answer<Json<SchoolOut>, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        let s = app::schools::update(state.app(), Actor::user(who), id.0, &body.draft()?).await?;
        Ok(Json(s.into()))
    }

    /// Delete a school that has not taken part in any round (organiser).
    #[oai(path = "/:id", method = "delete", operation_id = "delete_school")]
    async fn delete_school(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<Done>, PathStateWrite> {
        let who = auth.require(Role::Organiser)?;
        app::schools::delete(state.app(), Actor::user(who), id.0).await?;
        Ok(Json(Done { ok: true }))
    }

    /// Import schools into the account's county (or `county_id`) from a CSV (UTF-8, UTF-8 with BOM, or GB18030) or XLSX
    /// file sent as the request body (organiser).
    ///
    /// Columns: 学校标识码, 学校名称, 学校类型, 所在地, 小学在校生数,
    /// 初中在校生数, 教师数. Existing schools (same code) are updated. If any
    /// row is bad, nothing is stored and 422 lists every bad row with its line.
    #[oai(path = "/import", method = "post", operation_id = "import_schools")]
    async fn import_schools(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        county_id: Query<Option<i64>>,
        body: Binary<Vec<u8>>,
    ) -> Answer<Json<ImportOut>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        let drafts = parse_schools(&body.0).map_err(|ImportErrors(errs)| {
            AppError::with_details(
                format!("导入失败：{}处错误，未保存任何数据", errs.len()),
                errs,
            )
        })?;
        let outcome = app::schools::import(state.app(), Actor::user(who), county, &drafts).await?;
        Ok(Json(ImportOut {
            created: outcome.created,
            updated: outcome.updated,
        }))
    }

    /// The CSV import template.
    #[oai(
        path = "/import-template",
        method = "get",
        operation_id = "school_import_template"
    )]
    async fn import_template(&self, auth: Auth) -> Answer<TemplateResponse, ReviewerList> {
        auth.require(Role::Reviewer)?;
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(TEMPLATE_HEADER.as_bytes());
        bytes.extend_from_slice("\r\n2165000001,示例县第一小学,小学,城区,1200,0,80\r\n".as_bytes());
        Ok(TemplateResponse::Ok(
            Attachment::new(bytes)
                .attachment_type(AttachmentType::Attachment)
                .filename("学校导入模板.csv"),
        ))
    }
}
