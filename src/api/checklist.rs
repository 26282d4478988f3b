//! Inspection readiness, 政府保障程度 and 教育质量: the checklist with its
//! evidence files, the schools' facts renke computes four indicators from
//! (edit, import, template), the survey round of the 社会认可度 line, the
//! overview of the four first-level indicators and its printable A4 page.
//! Every operation acts on the account's county (`county_id` when it sees
//! several).

use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Path, Query},
    payload::{Attachment, AttachmentType, Binary, Html, Json},
};

use super::{
    ApiTags,
    checklist_types::{
        CheckIn, CheckLineOut, ChecklistOut, EvidenceOut, OverviewOut, SchoolFactsDto,
        SchoolFactsEntryOut, SurveyRoundIn,
    },
    readiness_change_types::ReadinessChangeOut,
    schools::ImportOut,
    types::Done,
};
use crate::error::{Answer, BodyEdit, ReadinessPathWrite, ReviewerList, ReviewerQuery};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::checklist::Entered,
    domain::readiness_input::SchoolYear,
    error::AppError,
    import::{ImportErrors, checklist as import},
    pages::readiness_summary,
    state::AppState,
    store,
};

fn year(text: &str) -> Result<SchoolYear, AppError> {
    SchoolYear::parse(text).map_err(|e| AppError::invalid_field("year", e))
}

#[derive(ApiResponse)]
pub enum FactsTemplate {
    /// The CSV template (UTF-8 with BOM, opens in Excel), Chinese headers.
    #[oai(status = 200)]
    Ok(Attachment<Vec<u8>>),
}

#[derive(ApiResponse)]
pub enum EvidenceFile {
    /// The evidence file as uploaded, under its stored name.
    #[oai(status = 200)]
    Ok(Attachment<Vec<u8>>),
}

pub struct ChecklistApi;

#[OpenApi(prefix_path = "/readiness", tag = "ApiTags::Readiness")]
impl ChecklistApi {
    /// The 学年's checklist: the 15 政府保障程度 and 9 教育质量 indicators
    /// and the 4 veto items, each with its text, thresholds, computed or
    /// entered value, status (达标 / 未达标 / 待核实), what fails and by
    /// how much, responsible unit, note and evidence files.
    #[oai(
        path = "/years/:year/checklist",
        method = "get",
        operation_id = "get_readiness_checklist"
    )]
    async fn get_checklist(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<ChecklistOut>, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        let c = app::checklist::checklist(&state.db, county, self::year(&year.0)?).await?;
        Ok(Json((&c).into()))
    }

    /// Enter one item (organiser): values for its thresholds, yes/no for a
    /// veto item, a status for items renke cannot judge, responsible unit,
    /// note. Answers the item as it now stands. 404: no such item or no
    /// county profile; 422 lists every problem.
    #[oai(
        path = "/years/:year/checklist/:item",
        method = "put",
        operation_id = "put_readiness_check"
    )]
    async fn put_check(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        item: Path<String>,
        county_id: Query<Option<i64>>,
        body: Json<CheckIn>,
    ) -> Answer<Json<CheckLineOut>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        let y = self::year(&year.0)?;
        let e = Entered::from(&body.0);
        app::checklist::put_check(state.app(), Actor::user(who), county, &y, &item.0, &e).await?;
        let c = app::checklist::checklist(&state.db, county, y).await?;
        let line = c
            .lines
            .iter()
            .find(|l| l.item.key == item.0)
            .ok_or_else(|| AppError::not_found("没有这个检查项"))?;
        Ok(Json(line.into()))
    }

    /// Upload an evidence file for an item (organiser), sent as the request
    /// body with its name in `file_name`: a PDF, PNG or JPEG image, or an
    /// Excel workbook (XLSX, XLS), recognised by its bytes (the declared
    /// `Content-Type`, when not application/octet-stream, must agree), at
    /// most 10 MB. 413: too large; 415: the bytes (or the declared type)
    /// are not one of those types; 422: an empty file, a `file_name` over
    /// 255 characters or a bad `year`; 404: no such item. Every refusal
    /// has the JSON error body; nothing is stored on a refusal; the upload
    /// is audited.
    #[oai(
        path = "/years/:year/checklist/:item/evidence",
        method = "post",
        operation_id = "upload_readiness_evidence"
    )]
    async fn upload_evidence(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        item: Path<String>,
        county_id: Query<Option<i64>>,
        /// The file's name as the uploader has it (its extension is set
        /// from the recognised type).
        file_name: Query<Option<String>>,
        req: &poem::Request,
        body: Binary<Vec<u8>>,
    ) -> Answer<Json<EvidenceOut>, BodyEdit> {
        let declared = req
            .headers()
            .get(poem::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        let y = self::year(&year.0)?;
        let stored = app::checklist::add_evidence(
            state.app(),
            Actor::user(who),
            county,
            &y,
            &item.0,
            file_name.0.as_deref().unwrap_or(""),
            declared,
            body.0,
        )
        .await?;
        Ok(Json((&stored).into()))
    }

    /// Download an evidence file of the county (reviewers too).
    #[oai(
        path = "/evidence/:evidence_id",
        method = "get",
        operation_id = "get_readiness_evidence"
    )]
    async fn get_evidence(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        evidence_id: Path<i64>,
        county_id: Query<Option<i64>>,
    ) -> Answer<EvidenceFile, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        let e = app::checklist::evidence(&state.db, county, evidence_id.0).await?;
        Ok(EvidenceFile::Ok(
            Attachment::new(e.data)
                .attachment_type(AttachmentType::Attachment)
                .filename(e.info.file_name),
        ))
    }

    /// Remove an evidence file (organiser); audited.
    #[oai(
        path = "/evidence/:evidence_id",
        method = "delete",
        operation_id = "delete_readiness_evidence"
    )]
    async fn delete_evidence(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        evidence_id: Path<i64>,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<Done>, ReadinessPathWrite> {
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        app::checklist::remove_evidence(state.app(), Actor::user(who), county, evidence_id.0)
            .await?;
        Ok(Json(Done { ok: true }))
    }

    /// Every school's facts for a 学年 (classes, largest class, special
    /// classrooms, the junior cohort).
    #[oai(
        path = "/years/:year/facts",
        method = "get",
        operation_id = "list_readiness_facts"
    )]
    async fn list_facts(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<Vec<SchoolFactsEntryOut>>, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        let list = app::checklist::facts(&state.db, county, &self::year(&year.0)?).await?;
        Ok(Json(list.iter().map(Into::into).collect()))
    }

    /// Enter or replace one school's facts for a 学年 (organiser). 404: not
    /// a school of the county; 422 lists every problem.
    #[oai(
        path = "/years/:year/facts/:school_id",
        method = "put",
        operation_id = "put_readiness_facts"
    )]
    async fn put_facts(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        school_id: Path<i64>,
        county_id: Query<Option<i64>>,
        body: Json<SchoolFactsDto>,
    ) -> Answer<Json<Done>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        let y = self::year(&year.0)?;
        let f = body.0.to_facts()?;
        app::checklist::put_facts(state.app(), Actor::user(who), county, &y, school_id.0, &f)
            .await?;
        Ok(Json(Done { ok: true }))
    }

    /// Import a 学年's school facts from CSV (UTF-8, UTF-8 with BOM or
    /// GB18030) or XLSX sent as the body (organiser), columns as in the
    /// template. All or nothing: 422 lists every bad row with its line.
    #[oai(
        path = "/years/:year/facts/import",
        method = "post",
        operation_id = "import_readiness_facts"
    )]
    async fn import_facts(
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
        let out =
            app::checklist::import_facts(state.app(), Actor::user(who), county, &y, parsed).await?;
        Ok(Json(ImportOut {
            created: out.created,
            updated: out.updated,
        }))
    }

    /// The CSV template of the school facts import, Chinese headers and an
    /// example row.
    #[oai(
        path = "/facts-template",
        method = "get",
        operation_id = "readiness_facts_template"
    )]
    async fn facts_template(&self, auth: Auth) -> Answer<FactsTemplate, ReviewerList> {
        auth.require(Role::Reviewer)?;
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(import::template_header().as_bytes());
        bytes.extend_from_slice(
            "\r\n2165000001,示例县第一小学,24,45,0,0,2,96,2,90,0,0,0,0,180,4,180,4,178,4,176,4,180,4,175,4,0,0,0,0,0,0\r\n".as_bytes(),
        );
        Ok(FactsTemplate::Ok(
            Attachment::new(bytes)
                .attachment_type(AttachmentType::Attachment)
                .filename("班额专用教室巩固率导入模板.csv"),
        ))
    }

    /// Choose the survey round whose rate is the 学年's 社会认可度
    /// (organiser); none: the county's latest opened round.
    #[oai(
        path = "/years/:year/survey-round",
        method = "put",
        operation_id = "put_readiness_survey_round"
    )]
    async fn put_survey_round(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        county_id: Query<Option<i64>>,
        body: Json<SurveyRoundIn>,
    ) -> Answer<Json<Done>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, who, county_id.0).await?;
        let y = self::year(&year.0)?;
        app::checklist::put_survey_round(state.app(), Actor::user(who), county, &y, body.round_id)
            .await?;
        Ok(Json(Done { ok: true }))
    }

    /// The four first-level indicators at a glance (资源配置, 政府保障程度,
    /// 教育质量, 社会认可度) and the veto items: each one's status, the
    /// finding in Chinese and what fails by how much.
    #[oai(
        path = "/years/:year/overview",
        method = "get",
        operation_id = "get_readiness_overview"
    )]
    async fn get_overview(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<OverviewOut>, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        let o = app::checklist::overview(
            &state.db,
            county,
            self::year(&year.0)?,
            state.settings.report_min_n,
        )
        .await?;
        Ok(Json((&o).into()))
    }

    /// What changed between two 学年 (`from`, default the 学年 before, and
    /// `year`): each first-level indicator's status in both, every CV of
    /// 资源配置 then and now (and whether it crossed its limit), the schools
    /// meeting the school rule then and now. 422: `from` not earlier.
    #[oai(
        path = "/years/:year/change",
        method = "get",
        operation_id = "get_readiness_change"
    )]
    async fn get_change(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        county_id: Query<Option<i64>>,
        /// The earlier 学年, e.g. 2024-2025.
        from: Query<Option<String>>,
    ) -> Answer<Json<ReadinessChangeOut>, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        let from = match from.0.as_deref() {
            Some(f) => Some(SchoolYear::parse(f).map_err(|e| AppError::invalid_field("from", e))?),
            None => None,
        };
        let c = app::checklist::change(
            &state.db,
            county,
            self::year(&year.0)?,
            from,
            state.settings.report_min_n,
        )
        .await?;
        Ok(Json((&c).into()))
    }

    /// The printable A4 summary (HTML with print CSS, Chinese): the four
    /// indicators, what fails and by how much.
    #[oai(
        path = "/years/:year/summary",
        method = "get",
        operation_id = "get_readiness_summary_page"
    )]
    async fn summary_page(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        year: Path<String>,
        county_id: Query<Option<i64>>,
    ) -> Answer<Html<String>, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let county = store::scope::pick(&state.db, &who.scope, county_id.0).await?;
        let o = app::checklist::overview(
            &state.db,
            county,
            self::year(&year.0)?,
            state.settings.report_min_n,
        )
        .await?;
        let name = store::county::get(&state.db, county)
            .await?
            .map(|c| c.name)
            .unwrap_or_default();
        Ok(Html(readiness_summary::render(&summary(name, &o))))
    }
}

/// The A4 page's content: the overview's lines and the items to verify.
fn summary(county_name: String, o: &app::checklist::Overview) -> readiness_summary::Summary {
    use crate::domain::checklist::{Part, Status};
    let out = OverviewOut::from(o);
    let lines = out
        .indicators
        .into_iter()
        .map(|i| readiness_summary::SummaryLine {
            label: i.label_zh,
            status: i.status.into(),
            summary: i.summary_zh,
            failing: i.failing_zh,
        })
        .collect();
    let pending = o
        .checklist
        .lines
        .iter()
        .filter(|l| l.status == Status::Pending)
        .map(|l| {
            let part = match l.item.part {
                Part::Veto => "否决事项",
                p => p.label_zh(),
            };
            format!("{part}第{}项：{}", l.item.no, l.item.text)
        })
        .collect();
    readiness_summary::Summary {
        county_name,
        school_year: out.school_year,
        status: out.status.into(),
        summary: out.summary_zh,
        lines,
        pending,
        evidence: o.checklist.lines.iter().map(|l| l.evidence.len()).sum(),
    }
}
