//! The county-by-county comparison beneath a node of the region tree,
//! across the counties' own rounds: each county's latest opened round
//! (optionally of one purpose), its overall rate with n, interval, verdict
//! and small-n mark, its schools below 85% and its progress against its
//! sampling plan, weakest county first. No map data: a ranking. As JSON
//! and as a workbook (a summary sheet and one sheet per county).

use poem::{Body, web::Data};
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    payload::{Attachment, AttachmentType, Json},
};

use super::{
    ApiTags,
    assessment_view::{self, Names},
    county_compare_types::{CountyComparisonOut, CountyRowOut, OwnRoundsSummaryOut, no_round},
    exports::XlsxFile,
    region_sheets,
    types::PurposeDto,
};
use crate::error::{Answer, ReviewerQuery};
use crate::{
    app::{self, Actor},
    auth::{Auth, CurrentUser, Role},
    domain::{
        region,
        round::{Purpose, THRESHOLD},
    },
    error::AppError,
    export::report_files,
    state::AppState,
    store,
};

const METHOD: &str = "比较对象：每个县最近一次已开启的本县测评轮次（指定类型时只取该类型）。各县的认可率、样本量、置信区间和结论均取自该轮次自己的报告；各县轮次的题目和计算规则可能不同，因此不合并计算全区认可率。排序：认可率由低到高，无数据的县排在最后。";

/// The node if the account reaches it (at or beneath its own node; admins
/// everywhere); otherwise 404, as for a node that does not exist.
async fn reachable(state: &AppState, who: &CurrentUser, id: i64) -> Result<(), AppError> {
    let nodes = store::regions::nodes(&state.db).await?;
    let reachable = nodes.iter().any(|n| n.id == id)
        && (who.role == Role::Admin || region::beneath(&nodes, who.node).contains(&id));
    if reachable {
        Ok(())
    } else {
        Err(AppError::not_found("地区不存在"))
    }
}

/// The comparison beneath node `id` as the account reads it.
pub async fn comparison(
    state: &AppState,
    who: &CurrentUser,
    id: i64,
    purpose: Option<PurposeDto>,
) -> Result<CountyComparisonOut, AppError> {
    reachable(state, who, id).await?;
    let counties: Vec<i64> = store::scope::counties_beneath(&state.db, id)
        .await?
        .into_iter()
        .filter(|c| who.scope.contains(*c))
        .collect();
    let code = purpose.map(Purpose::from).map(|p| p.code());
    let rounds = store::rounds::latest_opened_by_county(&state.db, &counties, code).await?;
    let names = Names::load(state).await?;
    let (with_round, empty): (Vec<i64>, Vec<i64>) =
        counties.into_iter().partition(|c| rounds.contains_key(c));
    let ids: Vec<i64> = with_round.iter().map(|c| rounds[c].id).collect();
    let (mut parts, _) = assessment_view::county_parts(state, &names, &ids).await?;
    assessment_view::rank_weakest_first(&mut parts);
    let summary = OwnRoundsSummaryOut {
        counties: (parts.len() + empty.len()) as u32,
        counties_with_data: parts.iter().filter(|p| p.overall.rate.is_some()).count() as u32,
        counties_pass: assessment_view::passing(&parts),
        schools: parts.iter().map(|p| p.schools).sum(),
        schools_below: parts.iter().map(|p| p.schools_below.len() as u32).sum(),
        progress: assessment_view::total_progress_of(&parts),
    };
    let first_empty = parts.len() as u32 + 1;
    let mut rows: Vec<CountyRowOut> = parts.into_iter().map(Into::into).collect();
    for (i, c) in empty.into_iter().enumerate() {
        let (name, code) = names.county(c);
        rows.push(no_round(first_empty + i as u32, c, name, code));
    }
    // Rows with a round but no rate yet sort with the empty ones.
    region::weakest_first(&mut rows, |r| (r.overall.rate, r.county_id));
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i as u32 + 1;
    }
    Ok(CountyComparisonOut {
        region_id: id,
        region_name: names.region(id),
        purpose,
        method: METHOD.to_string(),
        threshold: THRESHOLD,
        summary,
        counties: rows,
    })
}

pub struct RegionCompareApi;

#[OpenApi(prefix_path = "/regions", tag = "ApiTags::Regions")]
impl RegionCompareApi {
    /// Compare the counties beneath a node (reviewer at or above it): each
    /// county's latest opened round (`purpose` to take one kind), its rate
    /// with n, interval, verdict and small-n mark (its own report's
    /// figures), its schools below 85% and its progress against its
    /// sampling plan, weakest first. A node outside the account's reach
    /// answers 404.
    #[oai(
        path = "/:id/comparison",
        method = "get",
        operation_id = "compare_counties"
    )]
    async fn compare_counties(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        purpose: Query<Option<PurposeDto>>,
    ) -> Answer<Json<CountyComparisonOut>, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        Ok(Json(comparison(&state, who, id.0, purpose.0).await?))
    }

    /// The comparison as an Excel workbook (reviewer; audit-logged): 汇总
    /// (what is compared, the counties together, every county weakest
    /// first) and one sheet per county with a round (its figures, progress
    /// and schools below 85%).
    #[oai(
        path = "/:id/comparison.xlsx",
        method = "get",
        operation_id = "export_county_comparison_xlsx"
    )]
    async fn export_county_comparison_xlsx(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        purpose: Query<Option<PurposeDto>>,
    ) -> Answer<XlsxFile, ReviewerQuery> {
        let who = auth.require(Role::Reviewer)?;
        let c = comparison(&state, who, id.0, purpose.0).await?;
        app::exports::record_region(state.app(), Actor::user(who), id.0, "comparison.xlsx").await?;
        let bytes = report_files::xlsx_named(&region_sheets::sheets(&c))
            .map_err(|e| AppError::Unexpected(format!("comparison workbook: {e}")))?;
        Ok(XlsxFile::Ok(
            Attachment::new(Body::from(bytes))
                .attachment_type(AttachmentType::Attachment)
                .filename(format!("renke-region-{id}-comparison.xlsx", id = id.0)),
        ))
    }
}
