//! The county-by-county comparison beneath a node of the region tree: each
//! county's latest opened round (optionally of one purpose), its overall
//! rate with n, interval, verdict and small-n mark, and its schools below
//! 85%, weakest county first. No map data: a ranking.

use poem::web::Data;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    ApiTags,
    report_types::{RateOut, VerdictDto},
    rounds::RoundSummary,
    types::PurposeDto,
};
use crate::error::{Answer, ReviewerQuery};
use crate::{
    auth::{Auth, Role},
    domain::{region, round::Purpose, scoring::Verdict},
    error::AppError,
    state::AppState,
    store::{self, reports as data},
};

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CountyRowOut {
    pub county_id: i64,
    /// The county's name (its node's name until the profile is entered).
    pub name: String,
    /// 行政区划代码 of its node.
    pub code: Option<String>,
    /// The round compared; absent when the county has none that opened.
    pub round: Option<RoundSummary>,
    /// The county's overall rate with n, 95% interval and small-n mark.
    pub overall: RateOut,
    /// 达标 / 未达标 by the rate itself (no_data without a round).
    pub verdict: VerdictDto,
    pub verdict_label: String,
    /// Schools of the round whose rate is below the threshold.
    pub schools_below: u32,
}

#[derive(Debug, Clone, Object)]
pub struct CountyComparisonOut {
    /// The node compared beneath.
    pub region_id: i64,
    /// Weakest first (lowest rate; counties without data last).
    pub counties: Vec<CountyRowOut>,
}

pub struct RegionCompareApi;

#[OpenApi(prefix_path = "/regions", tag = "ApiTags::Regions")]
impl RegionCompareApi {
    /// Compare the counties beneath a node (reviewer at or above it): each
    /// county's latest opened round (`purpose` to take one kind), weakest
    /// first. A node outside the account's reach answers 404.
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
        let nodes = store::regions::nodes(&state.db).await?;
        let reachable = nodes.iter().any(|n| n.id == id.0)
            && (who.role == Role::Admin || region::beneath(&nodes, who.node).contains(&id.0));
        if !reachable {
            return Err(AppError::not_found("地区不存在").into());
        }
        let counties: Vec<i64> = store::scope::counties_beneath(&state.db, id.0)
            .await?
            .into_iter()
            .filter(|c| who.scope.contains(*c))
            .collect();
        let purpose = purpose.0.map(Purpose::from).map(|p| p.code());
        let rounds = store::rounds::latest_opened_by_county(&state.db, &counties, purpose).await?;
        let names = store::regions::list(&state.db).await?;
        let profiles = store::county::all(&state.db).await?;
        let min_n = state.settings.report_min_n;
        let mut rows = Vec::new();
        for c in counties {
            let node = names.iter().find(|r| r.county_id == Some(c));
            let profile = profiles.iter().find(|p| p.id == c && p.profile_set);
            let name = profile
                .map(|p| p.name.clone())
                .or_else(|| node.map(|n| n.node.name.clone()))
                .unwrap_or_default();
            let (round, overall, verdict, below) = match rounds.get(&c) {
                Some(r) => {
                    let report = data::load(&state.db, r.id).await?.report(min_n);
                    let below = report
                        .schools
                        .iter()
                        .filter(|(_, e)| Verdict::of(e) == Verdict::Fail)
                        .count() as u32;
                    (
                        Some(RoundSummary::from(r)),
                        RateOut::from(&report.overall),
                        report.verdict,
                        below,
                    )
                }
                None => (
                    None,
                    RateOut {
                        rate: None,
                        n: 0,
                        low: None,
                        high: None,
                        small_n: true,
                    },
                    Verdict::NoData,
                    0,
                ),
            };
            rows.push(CountyRowOut {
                county_id: c,
                name,
                code: node.and_then(|n| n.node.code.clone()),
                round,
                overall,
                verdict: verdict.into(),
                verdict_label: verdict.label_zh().to_string(),
                schools_below: below,
            });
        }
        region::weakest_first(&mut rows, |r| (r.overall.rate, r.county_id));
        Ok(Json(CountyComparisonOut {
            region_id: id.0,
            counties: rows,
        }))
    }
}
