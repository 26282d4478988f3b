//! Assessments run from above (省级评估, 州市复核): a province or
//! prefecture organiser creates one assessment over chosen counties; each
//! county's part is an ordinary round (its links, monitor, report), which
//! the county reads and only accounts at or above the node change. The
//! county-by-county comparison, as JSON and as a workbook.

use poem::{Body, web::Data};
use poem_openapi::{
    OpenApi,
    param::Path,
    payload::{Attachment, AttachmentType, Json},
};

use super::{
    ApiTags,
    assessment_sheets::sheets,
    assessment_types::{AssessmentComparisonOut, AssessmentIn, AssessmentOut},
    assessment_view,
    exports::XlsxFile,
};
use crate::error::{Answer, BodyCreate, ReviewerList, ReviewerRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::{
        region::{self, Level},
        round::Purpose,
    },
    error::AppError,
    export::report_files,
    state::AppState,
    store::{self, rounds::RoundSpec},
};

pub struct AssessmentsApi;

#[OpenApi(prefix_path = "/assessments", tag = "ApiTags::Assessments")]
impl AssessmentsApi {
    /// Assessments with a part in the account's counties, newest first
    /// (reviewer): each with the parts the account reads.
    #[oai(path = "/", method = "get", operation_id = "list_assessments")]
    async fn list_assessments(
        &self,
        state: Data<&AppState>,
        auth: Auth,
    ) -> Answer<Json<Vec<AssessmentOut>>, ReviewerList> {
        let who = auth.require(Role::Reviewer)?;
        Ok(Json(assessment_view::list(&state, who).await?))
    }

    /// Create an assessment over counties beneath the account's node
    /// (organiser of a province or prefecture, or admin): one draft round
    /// per county with every school of the county, the same questionnaires
    /// (from the templates), rule and window, and their links, all in one
    /// transaction. Open, close and edit it through any part's round
    /// operations: the change applies to every part.
    #[oai(path = "/", method = "post", operation_id = "create_assessment")]
    async fn create_assessment(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<AssessmentIn>,
    ) -> Answer<Json<AssessmentOut>, BodyCreate> {
        let who = auth.require(Role::Organiser)?;
        let admin = who.role == Role::Admin;
        if !admin && who.level == Level::County {
            return Err(AppError::Forbidden(
                "县级账号不能创建上级评估；县的自评轮次请在“测评轮次”中创建".into(),
            )
            .into());
        }
        let nodes = store::scope::nodes(&state.db).await?;
        let node = body.0.region_id.unwrap_or(who.node);
        let reachable = admin || region::beneath(&nodes, who.node).contains(&node);
        let level = nodes.iter().find(|n| n.id == node).map(|n| n.level);
        match level {
            Some(l) if reachable && l != Level::County => {}
            Some(_) if reachable => {
                return Err(AppError::invalid_field(
                    "region_id",
                    "上级评估须由省或州市组织，不能设在县",
                )
                .into());
            }
            _ => return Err(AppError::invalid_field("region_id", "地区不存在").into()),
        }
        let mut counties = body.0.county_ids.clone();
        counties.sort_unstable();
        counties.dedup();
        if counties.is_empty() {
            return Err(AppError::invalid_field("county_ids", "请至少选择一个县").into());
        }
        let beneath = store::scope::counties_beneath(&state.db, node).await?;
        if let Some(bad) = counties
            .iter()
            .find(|c| !beneath.contains(c) || !who.scope.contains(**c))
        {
            return Err(AppError::invalid_field(
                "county_ids",
                format!("县{bad}不存在或不在本地区之下"),
            )
            .into());
        }
        let spec = RoundSpec::from(body.0.round);
        if spec.purpose == Purpose::SelfAssessment {
            return Err(AppError::invalid_field(
                "purpose",
                "上级评估不能是县级自评：请选择州（市）复核、省级评估或国家认定模拟",
            )
            .into());
        }
        let (a, _) = app::assessments::create(
            state.app(),
            Actor::user(who),
            node,
            &counties,
            who.id,
            &spec,
        )
        .await?;
        Ok(Json(assessment_view::visible(&state, who, a.id).await?.out))
    }

    /// One assessment with the parts the account reads (reviewer); 404 when
    /// it has none in the account's counties.
    #[oai(path = "/:id", method = "get", operation_id = "get_assessment")]
    async fn get_assessment(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<AssessmentOut>, ReviewerRead> {
        let who = auth.require(Role::Reviewer)?;
        Ok(Json(assessment_view::visible(&state, who, id.0).await?.out))
    }

    /// The county-by-county comparison (reviewer), weakest first: each
    /// county's rate with n, 95% interval, verdict against 85% and small-n
    /// mark (its own report's figures), its schools below 85%, its valid
    /// responses against its sampling plan; and the region's summary, from
    /// all the shown counties' valid responses together under the round's
    /// rule. A county account sees its own county only.
    #[oai(
        path = "/:id/comparison",
        method = "get",
        operation_id = "compare_assessment"
    )]
    async fn compare_assessment(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<AssessmentComparisonOut>, ReviewerRead> {
        let who = auth.require(Role::Reviewer)?;
        let v = assessment_view::visible(&state, who, id.0).await?;
        Ok(Json(assessment_view::comparison(&state, v).await?))
    }

    /// The comparison as an Excel workbook (reviewer; audit-logged): a
    /// summary sheet (汇总: the region and every county, weakest first) and
    /// one sheet per county (its figures, progress and schools below 85%).
    #[oai(
        path = "/:id/comparison.xlsx",
        method = "get",
        operation_id = "export_assessment_xlsx"
    )]
    async fn export_assessment_xlsx(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<XlsxFile, ReviewerRead> {
        let who = auth.require(Role::Reviewer)?;
        let v = assessment_view::visible(&state, who, id.0).await?;
        app::exports::record_assessment(state.app(), Actor::user(who), id.0, "comparison.xlsx")
            .await?;
        let c = assessment_view::comparison(&state, v).await?;
        let bytes = report_files::xlsx_named(&sheets(&c))
            .map_err(|e| AppError::Unexpected(format!("comparison workbook: {e}")))?;
        Ok(XlsxFile::Ok(
            Attachment::new(Body::from(bytes))
                .attachment_type(AttachmentType::Attachment)
                .filename(format!("renke-assessment-{}-comparison.xlsx", id.0)),
        ))
    }
}
