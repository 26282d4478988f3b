//! Inspection readiness (迎检准备), 资源配置: settings, each school's figures
//! per 学年 (list, edit, import, template), the evaluation and the what-if.

use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Path, Query},
    payload::{Attachment, AttachmentType, Binary, Json},
};

use super::{
    ApiTags,
    readiness_report::{ReadinessReportDto, ReadinessWhatIfIn, ReadinessWhatIfOut, what_if},
    readiness_types::{ReadinessEntryDto, ReadinessFiguresDto, ReadinessSettingsDto},
    schools::ImportOut,
    types::Done,
};
use crate::error::{Answer, BodyEdit, ReadinessPathWrite, ReviewerList, ReviewerQuery};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::readiness::Settings,
    domain::readiness_input::{ReadinessFigures, SchoolYear},
    error::AppError,
    import::{ImportErrors, readiness as import},
    state::AppState,
    store,
};

fn year(text: &str) -> Result<SchoolYear, AppError> {
    SchoolYear::parse(text).map_err(|e| AppError::invalid_field("year", e))
}

#[derive(ApiResponse)]
pub enum ReadinessTemplate {
    /// The CSV template (UTF-8 with BOM, opens in Excel), Chinese headers.
    #[oai(status = 200)]
    Ok(Attachment<Vec<u8>>),
}

#[derive(ApiResponse)]
pub enum ReadinessWorkbook {
    /// The XLSX workbook: 汇总 (with the four first-level indicators), one
    /// sheet per 学段 (基本值 / 达标值 / 实际值 / 是否达标 per school and
    /// indicator), 差异系数, 政府保障程度, 教育质量, 否决事项.
    #[oai(status = 200)]
    Ok(Attachment<Vec<u8>>),
}

pub struct ReadinessApi;

#[OpenApi(prefix_path = "/readiness", tag = "ApiTags::Readiness")]
impl ReadinessApi {
    /// The county's 资源配置 settings (the inspection's usual values until
    /// it sets its own).
    #[oai(
        path = "/settings",
        method = "get",
        operation_id = "get_readiness_settings"
    )]
    async fn get_settings(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<ReadinessSettingsDto>, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        Ok(Json(
            app::readiness::settings(&state.db, county).await?.into(),
        ))
    }

    /// Set the county's 资源配置 settings (organiser). 404 until the county
    /// profile is set; 422 names a value out of range.
    #[oai(
        path = "/settings",
        method = "put",
        operation_id = "put_readiness_settings"
    )]
    async fn put_settings(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        county_id: Query<Option<i64>>,
        body: Json<ReadinessSettingsDto>,
    ) -> Answer<Json<ReadinessSettingsDto>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        let s = Settings::from(&body.0);
        app::readiness::put_settings(state.app(), Actor::user(who), county, &s).await?;
        Ok(Json(s.into()))
    }

    /// The 学年 with figures, newest first.
    #[oai(path = "/years", method = "get", operation_id = "list_readiness_years")]
    async fn list_years(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<Vec<String>>, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        Ok(Json(app::readiness::years(&state.db, county).await?))
    }

    /// Every school's figures for a 学年 (e.g. 2025-2026), by school code.
    #[oai(
        path = "/years/:year/entries",
        method = "get",
        operation_id = "list_readiness_entries"
    )]
    async fn list_entries(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<Vec<ReadinessEntryDto>>, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        let list = app::readiness::entries(&state.db, county, &self::year(&year.0)?).await?;
        Ok(Json(list.iter().map(Into::into).collect()))
    }

    /// Enter or replace one school's figures for a 学年 (organiser). 404:
    /// no such school or no county profile; 422 lists every problem.
    #[oai(
        path = "/years/:year/entries/:school_id",
        method = "put",
        operation_id = "put_readiness_entry"
    )]
    async fn put_entry(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        school_id: Path<i64>,
        county_id: Query<Option<i64>>,
        body: Json<ReadinessFiguresDto>,
    ) -> Answer<Json<Done>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        let y = self::year(&year.0)?;
        let f = ReadinessFigures::from(&body.0);
        app::readiness::put_entry(state.app(), Actor::user(who), county, &y, school_id.0, &f)
            .await?;
        Ok(Json(Done { ok: true }))
    }

    /// Remove one school's figures for a 学年 (organiser).
    #[oai(
        path = "/years/:year/entries/:school_id",
        method = "delete",
        operation_id = "delete_readiness_entry"
    )]
    async fn delete_entry(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        school_id: Path<i64>,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<Done>, ReadinessPathWrite> {
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        let y = self::year(&year.0)?;
        app::readiness::remove_entry(state.app(), Actor::user(who), county, &y, school_id.0)
            .await?;
        Ok(Json(Done { ok: true }))
    }

    /// Import a 学年's figures from a CSV (UTF-8, UTF-8 with BOM, or
    /// GB18030) or XLSX file sent as the request body (organiser): one row
    /// per school, columns as in the template. Schools in the file get
    /// their figures replaced; if any row is bad, nothing is stored and 422
    /// lists every bad row with its line.
    #[oai(
        path = "/years/:year/import",
        method = "post",
        operation_id = "import_readiness_entries"
    )]
    async fn import_entries(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        county_id: Query<Option<i64>>,
        body: Binary<Vec<u8>>,
    ) -> Answer<Json<ImportOut>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        let y = self::year(&year.0)?;
        let parsed = import::parse(&body.0).map_err(|ImportErrors(errs)| {
            AppError::with_details(
                format!("导入失败：{}处错误，未保存任何数据", errs.len()),
                errs,
            )
        })?;
        let outcome =
            app::readiness::import(state.app(), Actor::user(who), county, &y, parsed).await?;
        Ok(Json(ImportOut {
            created: outcome.created,
            updated: outcome.updated,
        }))
    }

    /// The CSV import template with Chinese headers and an example row.
    #[oai(
        path = "/import-template",
        method = "get",
        operation_id = "readiness_import_template"
    )]
    async fn import_template(&self, auth: Auth) -> Answer<ReadinessTemplate, ReviewerList> {
        auth.require(Role::Reviewer)?;
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(import::template_header().as_bytes());
        bytes.extend_from_slice(
            "\r\n2165000001,示例县第一小学,否,,1200,60,14,12,0,0,0,0,0,6000,10000,2600000,30\r\n"
                .as_bytes(),
        );
        Ok(ReadinessTemplate::Ok(
            Attachment::new(bytes)
                .attachment_type(AttachmentType::Attachment)
                .filename("资源配置导入模板.csv"),
        ))
    }

    /// 资源配置 for a 学年: per 学段 the 7 × schools matrix (value, standard,
    /// met / ≥85% / failing, what each came from), the student-weighted CV
    /// of each indicator against its limit, the schools that must improve
    /// and by how much, in Chinese.
    #[oai(
        path = "/years/:year/evaluation",
        method = "get",
        operation_id = "get_readiness_evaluation"
    )]
    async fn get_evaluation(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<ReadinessReportDto>, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        let e = app::readiness::evaluation(&state.db, county, self::year(&year.0)?).await?;
        Ok(Json((&e).into()))
    }

    /// What if one school's figures were different: the CVs and met counts
    /// before and after, and the whole evaluation after. Stores nothing, so
    /// reviewers may ask too.
    #[oai(
        path = "/years/:year/what-if",
        method = "post",
        operation_id = "readiness_what_if"
    )]
    async fn what_if(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        county_id: Query<Option<i64>>,
        body: Json<ReadinessWhatIfIn>,
    ) -> Answer<Json<ReadinessWhatIfOut>, BodyEdit> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        let f = ReadinessFigures::from(&body.figures);
        let (before, after) =
            app::readiness::what_if(&state.db, county, self::year(&year.0)?, body.school_id, &f)
                .await?;
        Ok(Json(what_if(&before, &after)))
    }

    /// The 学年's readiness as an XLSX workbook laid out like the county
    /// reports: 汇总 (the four first-level indicators, the 社会认可度
    /// line), 资源配置 per 学段 (基本值 / 达标值 / 实际值 / 是否达标) and
    /// 差异系数, then 政府保障程度 and 教育质量 (indicator, 标准, 县域实际值,
    /// 计算依据, 责任单位, 状态, 证据文件数, 备注) and 否决事项. 404 until the
    /// county profile is set.
    #[oai(
        path = "/years/:year/workbook.xlsx",
        method = "get",
        operation_id = "export_readiness_xlsx"
    )]
    async fn export_workbook(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        county_id: Query<Option<i64>>,
    ) -> Answer<ReadinessWorkbook, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        let y = self::year(&year.0)?;
        let name = format!("迎检准备-{}.xlsx", y.as_str());
        let o = app::checklist::overview(&state.db, county, y, state.settings.report_min_n).await?;
        let bytes = crate::export::readiness::readiness_workbook(&o)
            .map_err(|err| AppError::Unexpected(format!("readiness workbook: {err}")))?;
        Ok(ReadinessWorkbook::Ok(
            Attachment::new(bytes)
                .attachment_type(AttachmentType::Attachment)
                .filename(name),
        ))
    }
}
