//! Reports of a round: rates and verdict, sampling plan and progress,
//! integrity panel, comparison across rounds, tally checks. Reviewers and
//! organisers may read; organisers set quotas and rebuild tallies.

use poem::web::Data;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    ApiTags,
    compare_types::{CompareOut, TallyCheckOut, compare_out},
    integrity_types::{IntegrityOut, integrity_out},
    report_types::{RoundReportOut, report_out},
    sampling_types::{SamplingOut, sampling_out},
    types::GroupDto,
};
use crate::error::{Answer, BodyEdit, PathWrite, ReviewerQuery, ReviewerRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::{group::RespondentGroup, integrity::BurstRule, round::RoundStatus},
    error::AppError,
    startup::AppState,
    store::{
        self,
        quotas::QuotaChange,
        reports::{self as data, RoundData},
    },
};

/// Most rounds one comparison shows.
const MAX_COMPARED: usize = 10;

/// One quota change.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct QuotaIn {
    pub group: GroupDto,
    /// A school of the round (school-bound groups only); leave out for the
    /// group's county-wide quota.
    pub school_id: Option<i64>,
    /// The new quota; null removes the override (back to the suggestion).
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000")))]
    pub quota: Option<i32>,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct QuotasIn {
    pub quotas: Vec<QuotaIn>,
}

fn quota_change(data: &RoundData, q: &QuotaIn) -> Result<QuotaChange, AppError> {
    let group = RespondentGroup::from(q.group);
    if !data.detail.groups.contains(&group) {
        return Err(AppError::invalid_field(
            "group",
            format!("本轮没有“{}”调查对象", group.label_zh()),
        ));
    }
    if let Some(id) = q.school_id {
        if !group.is_school_bound() {
            return Err(AppError::invalid_field(
                "school_id",
                format!("“{}”不按学校分配配额", group.label_zh()),
            ));
        }
        if !data.detail.school_ids.contains(&id) {
            return Err(AppError::invalid_field(
                "school_id",
                format!("学校{id}不在本轮"),
            ));
        }
    }
    Ok(QuotaChange {
        group,
        school_id: q.school_id,
        quota: q.quota,
    })
}

pub struct ReportsApi;

#[OpenApi(tag = "ApiTags::Reports")]
impl ReportsApi {
    /// The report of a round (reviewer): the county rate and its verdict
    /// against 85%, and rates per group, school, school × group, location
    /// and item, each with n, 95% interval and a small-sample marker; the
    /// rule in words and as data; invalid responses by reason. Computed from
    /// aggregates kept as responses are committed, not from the responses.
    #[oai(
        path = "/rounds/:id/report",
        method = "get",
        operation_id = "get_report"
    )]
    async fn get_report(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<RoundReportOut>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        let min_n = state.settings.report_min_n;
        let d = data::load(&state.db, id.0).await?;
        Ok(Json(report_out(&d, &d.report(min_n), min_n)))
    }

    /// The sampling plan of a round and live progress (reviewer): the
    /// national minimum (1.5‰ of the resident population, parents ≥ 50%,
    /// other groups equal), per-school quotas in proportion to enrolment,
    /// organisers' overrides, and valid responses so far by group, school
    /// and location.
    #[oai(
        path = "/rounds/:id/sampling",
        method = "get",
        operation_id = "get_sampling"
    )]
    async fn get_sampling(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<SamplingOut>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        Ok(Json(sampling(&state, id.0).await?))
    }

    /// Override quotas of a round (organiser): per group (county-wide) or
    /// per school and group; a null quota removes the override.
    #[oai(
        path = "/rounds/:id/sampling/quotas",
        method = "put",
        operation_id = "put_quotas"
    )]
    async fn put_quotas(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<QuotasIn>,
    ) -> Answer<Json<SamplingOut>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        let d = data::load(&state.db, id.0).await?;
        let changes = body
            .0
            .quotas
            .iter()
            .map(|q| quota_change(&d, q))
            .collect::<Result<Vec<_>, _>>()?;
        app::rounds::put_quotas(state.app(), Actor::user(who), id.0, &changes).await?;
        Ok(Json(sampling(&state, id.0).await?))
    }

    /// The integrity panel of a round (reviewer): per school and group the
    /// share of identical answer vectors, bursts of identical vectors in a
    /// short window (default ≥ 10 within 10 minutes), and schools whose share
    /// of 一般/不满意 answers is under half the county's, and the share of
    /// answers from a shared household phone per school, flagged far above
    /// the county's. Flags only; they do
    /// not change the rates.
    #[oai(
        path = "/rounds/:id/integrity",
        method = "get",
        operation_id = "get_integrity"
    )]
    async fn get_integrity(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        /// Identical vectors that make a burst (default 10).
        #[oai(validator(minimum(value = "2"), maximum(value = "10000")))]
        burst_min_count: Query<Option<u32>>,
        /// The burst window in minutes (default 10).
        #[oai(validator(minimum(value = "1"), maximum(value = "1440")))]
        burst_window_minutes: Query<Option<u32>>,
    ) -> Answer<Json<IntegrityOut>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        let min_n = state.settings.report_min_n;
        let mut rule = BurstRule::default();
        if let Some(n) = burst_min_count.0 {
            rule.min_count = n as usize;
        }
        if let Some(m) = burst_window_minutes.0 {
            rule.window = chrono::Duration::minutes(i64::from(m));
        }
        let _permit = state.heavy.permit().await?;
        let d = data::load(&state.db, id.0).await?;
        let links = data::integrity(&state.db, &d, rule).await?;
        Ok(Json(integrity_out(&d, &links, rule, min_n)))
    }

    /// Rounds side by side (reviewer): rates per group, school and school ×
    /// group in each round, with the change in percentage points from the
    /// first to the last. Without `round_ids`, every round that has opened,
    /// oldest first.
    #[oai(
        path = "/reports/compare",
        method = "get",
        operation_id = "compare_rounds"
    )]
    async fn compare_rounds(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        round_ids: Query<Vec<i64>>,
    ) -> Answer<Json<CompareOut>, ReviewerQuery> {
        auth.require(Role::Reviewer)?;
        let min_n = state.settings.report_min_n;
        let ids: Vec<i64> = if round_ids.0.is_empty() {
            let mut all = store::rounds::list(&state.db).await?;
            all.retain(|r| RoundStatus::from_code(&r.status) != Some(RoundStatus::Draft));
            all.iter().rev().map(|r| r.id).collect()
        } else {
            round_ids.0
        };
        if ids.len() > MAX_COMPARED {
            return Err(AppError::invalid_field(
                "round_ids",
                format!("一次最多比较{MAX_COMPARED}个轮次"),
            )
            .into());
        }
        let mut rounds = Vec::new();
        for id in ids {
            let d = data::load(&state.db, id).await?;
            let r = d.report(min_n);
            rounds.push((d, r));
        }
        Ok(Json(compare_out(&rounds)))
    }

    /// Recompute a round's tallies from its raw responses and compare them
    /// with the stored ones (reviewer). Changes nothing.
    #[oai(
        path = "/rounds/:id/tallies/check",
        method = "get",
        operation_id = "check_tallies"
    )]
    async fn check_tallies(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<TallyCheckOut>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        store::rounds::get(&state.db, id.0).await?;
        let _permit = state.heavy.permit().await?;
        Ok(Json(store::recompute::check(&state.db, id.0).await?.into()))
    }

    /// Replace a round's tallies with a recomputation from its raw responses
    /// (organiser); submissions wait meanwhile. Reports what was stored before.
    #[oai(
        path = "/rounds/:id/tallies/rebuild",
        method = "post",
        operation_id = "rebuild_tallies"
    )]
    async fn rebuild_tallies(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<TallyCheckOut>, PathWrite> {
        let who = auth.require(Role::Organiser)?;
        store::rounds::get(&state.db, id.0).await?;
        let _permit = state.heavy.permit().await?;
        let check = app::rounds::rebuild_tallies(state.app(), Actor::user(who), id.0).await?;
        Ok(Json(check.into()))
    }
}

async fn sampling(state: &AppState, id: i64) -> Result<SamplingOut, AppError> {
    let d = data::load(&state.db, id).await?;
    let population = store::county::get(&state.db)
        .await?
        .map(|c| c.resident_population);
    let overrides = store::quotas::load(&state.db, id).await?;
    Ok(sampling_out(
        &d,
        population,
        &overrides,
        state.settings.report_min_n,
    ))
}
