//! Reports and raw responses as files (reviewers and organisers): the
//! report as XLSX and CSV, raw responses as CSV and XLSX, streamed.

use poem::{Body, web::Data};
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Path, Query},
    payload::{Attachment, AttachmentType},
};

use super::{
    ApiTags, integrity_types::integrity_out, report_sheets::sheets, report_types::report_out,
    types::GroupDto,
};
use crate::error::{Answer, ReviewerQuery, ReviewerRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::{group::RespondentGroup, integrity::BurstRule},
    error::AppError,
    export::{
        report_files::{self, Sheet},
        responses, responses_xlsx,
    },
    state::AppState,
    store::reports as data,
};

#[derive(ApiResponse)]
pub enum CsvFile {
    /// CSV, UTF-8 with BOM (opens in Excel on Chinese Windows).
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Ok(Attachment<Body>),
}

#[derive(ApiResponse)]
pub enum XlsxFile {
    /// An Excel workbook.
    #[oai(
        status = 200,
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )]
    Ok(Attachment<Body>),
}

fn download(body: Body, name: String) -> Attachment<Body> {
    Attachment::new(body)
        .attachment_type(AttachmentType::Attachment)
        .filename(name)
}

/// The report of a round with its integrity panel, rendered by `render`.
async fn report_file<E: std::fmt::Display>(
    state: &AppState,
    id: i64,
    render: fn(&[Sheet]) -> Result<Vec<u8>, E>,
) -> Result<Body, AppError> {
    let min_n = state.settings.report_min_n;
    let d = data::load(&state.db, id).await?;
    let rule = BurstRule::default();
    let _permit = state.heavy.permit().await?;
    let found = data::integrity(&state.db, &d, rule).await?;
    let clerks = crate::store::paper_keyed::by_clerk(
        &state.db,
        &crate::store::scope::Rounds::one(&d.detail.round),
    )
    .await?;
    let sensitivity = crate::store::whatif::fold(&state.db, &d, min_n)
        .await?
        .sensitivity();
    let report = report_out(&d, &d.report(min_n), &sensitivity, min_n);
    let integrity = integrity_out(&d, &found, &clerks, rule, min_n);
    render(&sheets(&report, &integrity))
        .map(Body::from)
        .map_err(|e| AppError::Unexpected(format!("report file: {e}")))
}

/// Exports are for reviewers and organisers, and each is audit-logged.
async fn begin_export(
    state: &AppState,
    auth: &Auth,
    round_id: i64,
    file: &str,
) -> Result<(), AppError> {
    let who = auth.require(Role::Reviewer)?;
    app::exports::record(state.app(), Actor::user(who), round_id, file).await
}

pub struct ExportsApi;

#[OpenApi(tag = "ApiTags::Exports")]
impl ExportsApi {
    /// The report as an Excel workbook (reviewer). Sheets: 汇总 (verdict and
    /// rule), 各类对象, 各学校, 学校×对象, 城乡, 各题目, 无效问卷, 数据质量.
    #[oai(
        path = "/rounds/:id/exports/report.xlsx",
        method = "get",
        operation_id = "export_report_xlsx"
    )]
    async fn export_report_xlsx(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<XlsxFile, ReviewerRead> {
        begin_export(&state, &auth, id.0, "report.xlsx").await?;
        let body = report_file(&state, id.0, report_files::xlsx).await?;
        let name = format!("renke-round-{}-report.xlsx", id.0);
        Ok(XlsxFile::Ok(download(body, name)))
    }

    /// The report as one CSV (reviewer), UTF-8 with BOM: the workbook's
    /// sheets one after another, each under its title.
    #[oai(
        path = "/rounds/:id/exports/report.csv",
        method = "get",
        operation_id = "export_report_csv"
    )]
    async fn export_report_csv(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<CsvFile, ReviewerRead> {
        begin_export(&state, &auth, id.0, "report.csv").await?;
        let body = report_file(&state, id.0, report_files::csv).await?;
        let name = format!("renke-round-{}-report.csv", id.0);
        Ok(CsvFile::Ok(download(body, name)))
    }

    /// Raw responses as CSV (reviewer), UTF-8 with BOM, streamed: one row per
    /// response, one column per item holding the option code and label
    /// (e.g. `1 满意`). With `group`, only that group, and item columns carry
    /// the item text.
    #[oai(
        path = "/rounds/:id/exports/responses.csv",
        method = "get",
        operation_id = "export_responses_csv"
    )]
    async fn export_responses_csv(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        group: Query<Option<GroupDto>>,
    ) -> Answer<CsvFile, ReviewerQuery> {
        begin_export(&state, &auth, id.0, "responses.csv").await?;
        let d = data::load(&state.db, id.0).await?;
        let group = group.0.map(RespondentGroup::from);
        if let Some(g) = group.filter(|g| !d.detail.groups.contains(g)) {
            return Err(AppError::invalid_field(
                "group",
                format!("本轮没有“{}”调查对象", g.label_zh()),
            )
            .into());
        }
        let body = responses::csv_body(state.db.clone(), responses::Layout::new(&d), group);
        Ok(CsvFile::Ok(download(
            body,
            format!("renke-round-{}-responses.csv", id.0),
        )))
    }

    /// Raw responses as an Excel workbook (reviewer), one sheet per group,
    /// one row per response, one column per item (code and label). Written
    /// with constant memory and streamed.
    #[oai(
        path = "/rounds/:id/exports/responses.xlsx",
        method = "get",
        operation_id = "export_responses_xlsx"
    )]
    async fn export_responses_xlsx(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<XlsxFile, ReviewerRead> {
        begin_export(&state, &auth, id.0, "responses.xlsx").await?;
        let d = data::load(&state.db, id.0).await?;
        let body = responses_xlsx::xlsx_body(state.db.clone(), responses::Layout::new(&d));
        Ok(XlsxFile::Ok(download(
            body,
            format!("renke-round-{}-responses.xlsx", id.0),
        )))
    }
}
