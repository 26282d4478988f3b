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
    report_types::{RoundReportOut, SensitivityRowOut, report_out, sensitivity_row},
    rounds::ScoringRuleDto,
    sampling_types::{CountyFacts, SamplingOut, sampling_out},
    types::{FormulaDto, GroupDto, ReadingDto},
};
use crate::error::{Answer, BodyEdit, PathWrite, ReviewerQuery, ReviewerRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::{
        group::RespondentGroup,
        integrity::BurstRule,
        round::{Formula, RoundStatus},
        whatif::Variant,
    },
    error::AppError,
    state::AppState,
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

/// A what-if recomputation: the round's own rule, and the result under
/// the rule asked for.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WhatIfOut {
    pub round_id: i64,
    /// The round's frozen rule (unchanged).
    pub round_rule: ScoringRuleDto,
    /// The same valid responses under the rule asked for.
    pub result: SensitivityRowOut,
}

pub struct ReportsApi;

#[OpenApi(tag = "ApiTags::Reports")]
impl ReportsApi {
    /// The report of a round (reviewer): the county rate and its verdict
    /// against 85%, and rates per group, school, school × group, location
    /// and item, each with n, 95% interval and a small-sample marker; the
    /// rule in words and as data; invalid responses by reason; the
    /// sensitivity table (every formula and reading, the round's rule first).
    /// The rates come from aggregates kept as responses are committed; the
    /// sensitivity table from one pass over the round's valid responses.
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
        let sensitivity = {
            let _permit = state.heavy.permit().await?;
            store::whatif::fold(&state.db, &d, min_n)
                .await?
                .sensitivity()
        };
        Ok(Json(report_out(&d, &d.report(min_n), &sensitivity, min_n)))
    }

    /// What if (reviewer): the county rate of the same valid responses under
    /// another formula and reading of the middle option (一般 / 基本满意),
    /// with the round's group weights, its verdict against 85% and the
    /// precision note. The round and its rule are not changed (a round's
    /// rule is frozen once it opens); the report's sensitivity table is
    /// made by the same computation. Recomputed from the raw responses.
    /// 404 for an unknown round; 400 for an unknown formula or reading;
    /// 422 (field `formula`) for the overall-item formula on a round whose
    /// questionnaires have no overall item.
    #[oai(
        path = "/rounds/:id/what-if",
        method = "get",
        operation_id = "get_what_if"
    )]
    async fn get_what_if(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        /// The formula to apply.
        formula: Query<FormulaDto>,
        /// The reading of the middle option; default: the round's.
        reading: Query<Option<ReadingDto>>,
    ) -> Answer<Json<WhatIfOut>, ReviewerQuery> {
        auth.require(Role::Reviewer)?;
        let min_n = state.settings.report_min_n;
        let d = data::load(&state.db, id.0).await?;
        let variant = Variant {
            formula: formula.0.into(),
            reading: reading.0.map_or(d.rule.reading, Into::into),
        };
        let _permit = state.heavy.permit().await?;
        let w = store::whatif::fold(&state.db, &d, min_n).await?;
        if variant.formula == Formula::OverallItemShare && !w.has_overall() {
            return Err(AppError::invalid_field(
                "formula",
                "本轮问卷没有总体评价题，不能按“总体评价题认可比例”计算",
            )
            .into());
        }
        Ok(Json(WhatIfOut {
            round_id: id.0,
            round_rule: d.rule.clone().into(),
            result: sensitivity_row(&d.rule, &w.evaluate(variant)),
        }))
    }

    /// The sampling plan of a round and live progress (reviewer): the
    /// national minimum (1.5‰ of the resident population, parents ≥ 50%,
    /// other groups equal but never more than the county has: principals,
    /// teachers, deputies, CPPCC members), the optional floor of 600 under
    /// 400,000 residents, per-school quotas, organisers' overrides, valid
    /// responses so far by group, school, grade band and location, and the
    /// valid share (≥ 70%).
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
        let found = data::integrity(&state.db, &d, rule).await?;
        let clerks = crate::store::paper_keyed::by_clerk(
            &state.db,
            &crate::store::scope::Rounds::one(&d.detail.round),
        )
        .await?;
        let mut out = integrity_out(&d, &found, &clerks, rule, min_n);
        if !d.rooms.is_empty() {
            out.room_sessions = Some(super::rooms::all(&state, id.0).await?);
        }
        Ok(Json(out))
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
        let who = auth.require(Role::Reviewer)?;
        let min_n = state.settings.report_min_n;
        let ids: Vec<i64> = if round_ids.0.is_empty() {
            let mut all = store::rounds::list(&state.db, &who.scope).await?;
            all.retain(|r| r.status != RoundStatus::Draft);
            all.iter().rev().map(|r| r.id).collect()
        } else {
            for id in &round_ids.0 {
                store::scope::visible(&state.db, &who.scope, store::scope::Target::Round(*id))
                    .await?;
            }
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
    sampling_of(state, &d).await
}

/// A loaded round's sampling plan and progress (also each county's row of
/// an assessment's comparison).
pub(crate) async fn sampling_of(
    state: &AppState,
    d: &data::RoundData,
) -> Result<SamplingOut, AppError> {
    let county = d.detail.round.county_id;
    let profile = store::county::get(&state.db, county).await?;
    let overrides = store::quotas::load(&state.db, &d.detail.round).await?;
    Ok(sampling_out(
        d,
        &county_facts(profile.as_ref()),
        &overrides,
        state.settings.report_min_n,
    ))
}

/// What a county's profile says about its sampling plan (nothing known
/// without a profile).
pub(crate) fn county_facts(profile: Option<&crate::domain::county::County>) -> CountyFacts {
    profile
        .map(|c| CountyFacts {
            population: Some(c.resident_population),
            deputies: c.deputies.map(i64::from),
            cppcc_members: c.cppcc_members.map(i64::from),
            small_county_floor: c.small_county_floor,
        })
        .unwrap_or_default()
}
