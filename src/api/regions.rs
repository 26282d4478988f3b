//! The region tree (省 → 州市 → 县区) of a deployment that holds several
//! counties: read by every account (the nodes it stands at or above),
//! changed by admins.

use poem::web::Data;
use poem_openapi::{
    Enum, Object, OpenApi,
    param::Path,
    payload::{Binary, Json},
};

use super::ApiTags;
use crate::error::{Answer, BodyCreateUnique, BodyUpdate, ReviewerList};
use crate::import::ImportErrors;
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::region::{self, DivisionCode, Level},
    error::AppError,
    state::AppState,
    store::{self, regions::RegionDraft},
};

/// A node's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "RegionLevel", rename_all = "snake_case")]
pub enum LevelDto {
    /// 省
    Province,
    /// 州市
    Prefecture,
    /// 县区
    County,
}

impl From<Level> for LevelDto {
    fn from(l: Level) -> Self {
        match l {
            Level::Province => Self::Province,
            Level::Prefecture => Self::Prefecture,
            Level::County => Self::County,
        }
    }
}

impl From<LevelDto> for Level {
    fn from(l: LevelDto) -> Self {
        match l {
            LevelDto::Province => Self::Province,
            LevelDto::Prefecture => Self::Prefecture,
            LevelDto::County => Self::County,
        }
    }
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RegionOut {
    pub id: i64,
    /// 行政区划代码 (6 digits); absent for a county whose code was never entered.
    pub code: Option<String>,
    pub name: String,
    pub level: LevelDto,
    pub parent_id: Option<i64>,
    /// The county this county-level node carries (its schools, rounds).
    pub county_id: Option<i64>,
}

impl From<store::regions::RegionRow> for RegionOut {
    fn from(r: store::regions::RegionRow) -> Self {
        Self {
            id: r.node.id,
            code: r.node.code,
            name: r.node.name,
            level: r.node.level.into(),
            parent_id: r.node.parent_id,
            county_id: r.county_id,
        }
    }
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RegionIn {
    /// 行政区划代码, 6 digits.
    pub code: String,
    pub name: String,
    /// Ignored when changing a node (its level stays).
    pub level: LevelDto,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone, Object)]
pub struct RegionImportOut {
    pub created: u32,
    pub updated: u32,
}

fn draft(body: &RegionIn) -> Result<RegionDraft, AppError> {
    Ok(RegionDraft {
        code: DivisionCode::parse(&body.code).map_err(|m| AppError::invalid_field("code", m))?,
        name: region::parse_name(&body.name).map_err(|m| AppError::invalid_field("name", m))?,
        level: body.level.into(),
        parent_id: body.parent_id,
    })
}

pub struct RegionsApi;

#[OpenApi(prefix_path = "/regions", tag = "ApiTags::Regions")]
impl RegionsApi {
    /// The nodes the account stands at and beneath (admins: the whole
    /// tree), by id. A single-county deployment has one node, its county.
    #[oai(path = "/", method = "get", operation_id = "list_regions")]
    async fn list_regions(
        &self,
        state: Data<&AppState>,
        auth: Auth,
    ) -> Answer<Json<Vec<RegionOut>>, ReviewerList> {
        let who = auth.require(Role::Reviewer)?;
        let rows = store::regions::list(&state.db).await?;
        let shown: Vec<i64> = if who.role == Role::Admin {
            rows.iter().map(|r| r.node.id).collect()
        } else {
            region::beneath(&store::regions::nodes(&state.db).await?, who.node)
        };
        Ok(Json(
            rows.into_iter()
                .filter(|r| shown.contains(&r.node.id))
                .map(Into::into)
                .collect(),
        ))
    }

    /// Add a node (admin). A county-level node gets its county (schools,
    /// rounds and profile live there), its profile still to be entered.
    #[oai(path = "/", method = "post", operation_id = "create_region")]
    async fn create_region(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<RegionIn>,
    ) -> Answer<Json<RegionOut>, BodyCreateUnique> {
        let who = auth.require(Role::Admin)?;
        let n = app::regions::create(state.app(), Actor::user(who), &draft(&body)?).await?;
        let row = store::regions::list(&state.db)
            .await?
            .into_iter()
            .find(|r| r.node.id == n.id)
            .ok_or_else(|| AppError::Unexpected("created region vanished".into()))?;
        Ok(Json(row.into()))
    }

    /// Rename a node, change its code or move it under another parent
    /// (admin). A node cannot move beneath itself.
    #[oai(path = "/:id", method = "put", operation_id = "update_region")]
    async fn update_region(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<RegionIn>,
    ) -> Answer<Json<RegionOut>, BodyUpdate> {
        let who = auth.require(Role::Admin)?;
        let d = draft(&body)?;
        app::regions::update(
            state.app(),
            Actor::user(who),
            id.0,
            d.code,
            d.name,
            d.parent_id,
        )
        .await?;
        let row = store::regions::list(&state.db)
            .await?
            .into_iter()
            .find(|r| r.node.id == id.0)
            .ok_or_else(|| AppError::not_found("地区不存在"))?;
        Ok(Json(row.into()))
    }

    /// Import division codes (admin): rows of `代码,名称,上级代码` (CSV in
    /// UTF-8 or GB18030, or the first sheet of an XLSX; optional header). The level follows from the code
    /// (`xx0000` 省, `xxxx00` 州市, else 县区). Codes already in the tree
    /// are renamed and moved. All or nothing: any bad row and 422 names
    /// every bad line.
    #[oai(path = "/import", method = "post", operation_id = "import_regions")]
    async fn import_regions(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Binary<Vec<u8>>,
    ) -> Answer<Json<RegionImportOut>, BodyCreateUnique> {
        let who = auth.require(Role::Admin)?;
        let table = crate::import::read_table(&body.0).map_err(|ImportErrors(errs)| {
            AppError::with_details(
                format!("导入失败：{}处错误，未保存任何数据", errs.len()),
                errs,
            )
        })?;
        let known = store::regions::known_codes(&state.db).await?;
        let rows = region::parse_import_rows(table, &known).map_err(|errs| {
            AppError::with_details(
                format!("导入失败：{}处错误，未保存任何数据", errs.len()),
                errs.iter()
                    .map(|e| format!("第{}行：{}", e.line, e.message))
                    .collect(),
            )
        })?;
        let outcome = app::regions::import(state.app(), Actor::user(who), &rows).await?;
        Ok(Json(RegionImportOut {
            created: outcome.created,
            updated: outcome.updated,
        }))
    }
}
