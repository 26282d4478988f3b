//! Survey rounds: create, list, read, edit while draft, open, close, delete drafts.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use std::collections::BTreeMap;

use super::{
    ApiTags,
    types::{
        Done, DuplicatePolicyDto, FormulaDto, GroupDto, PurposeDto, ReadingDto, RoundStatusDto,
        ScaleDto,
    },
};
use crate::error::{Answer, BodyEdit, BodyUpdate, PathRuleWrite, PathStateWrite, ReviewerRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::{
        round::{DuplicatePolicy, Formula, Reading, Scale, ScoringRule, THRESHOLD},
        scoring::describe_rule,
    },
    state::AppState,
    store::{
        self,
        rounds::{RoundDetail, RoundSpec},
    },
};

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct GroupWeight {
    pub group: GroupDto,
    pub weight: f64,
}

/// How rates are computed; frozen when the round opens.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ScoringRuleDto {
    pub formula: FormulaDto,
    /// The answer scale of the round's questionnaires (default
    /// five_general). Changing it on a draft puts every scored item of the
    /// round's questionnaires on the new scale.
    pub scale: Option<ScaleDto>,
    /// Whether the scale's middle option (一般 or 基本满意) counts as
    /// recognised (default: strict, except four_basic: loose, as in the
    /// older rules where "基本满意以上" passed).
    pub reading: Option<ReadingDto>,
    /// Full marks of the mean-score formula (its rate is mean points ÷ this);
    /// set by the scale, ignored on input.
    #[oai(default)]
    pub full_points: u8,
    /// Optional weights per group for the overall rate; empty: every valid
    /// response counts once.
    #[oai(default)]
    pub group_weights: Vec<GroupWeight>,
    /// The pass threshold (0.85); ignored on input.
    #[oai(default = "threshold")]
    pub threshold: f64,
    /// The rule in words; ignored on input.
    #[oai(default)]
    pub description: String,
}

fn threshold() -> f64 {
    THRESHOLD
}

impl From<ScoringRule> for ScoringRuleDto {
    fn from(r: ScoringRule) -> Self {
        Self {
            description: describe_rule(&r),
            formula: r.formula.into(),
            scale: Some(r.scale.into()),
            reading: Some(r.reading.into()),
            full_points: r.full_points,
            group_weights: r
                .group_weights
                .iter()
                .map(|(g, w)| GroupWeight {
                    group: (*g).into(),
                    weight: *w,
                })
                .collect(),
            threshold: THRESHOLD,
        }
    }
}

impl From<ScoringRuleDto> for ScoringRule {
    fn from(d: ScoringRuleDto) -> Self {
        let scale: Scale = d.scale.map(Into::into).unwrap_or_default();
        let reading = d
            .reading
            .map(Into::into)
            .unwrap_or_else(|| scale.default_reading());
        Self {
            group_weights: d
                .group_weights
                .into_iter()
                .map(|w| (w.group.into(), w.weight))
                .collect::<BTreeMap<_, _>>(),
            ..Self::for_scale(d.formula.into(), scale, reading)
        }
    }
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RoundOut {
    pub id: i64,
    pub name: String,
    pub purpose: PurposeDto,
    pub status: RoundStatusDto,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// The county whose round this is.
    pub county_id: i64,
    /// The assessment run from above this round is the county's part of
    /// (changed only from above); absent for a county's own round.
    pub assessment_id: Option<i64>,
    pub groups: Vec<GroupDto>,
    pub school_ids: Vec<i64>,
    pub scoring_rule: ScoringRuleDto,
    /// Responses faster than this are stored flagged `too_fast`.
    pub min_answer_seconds: i32,
    pub duplicate_policy: DuplicatePolicyDto,
    /// Most answers one device may give on one link, the first included: a
    /// household sharing a phone answers again after confirming it, stored
    /// valid and marked `shared_device`; beyond the limit the duplicate
    /// policy applies. 0 or 1: no shared answers.
    pub shared_device_limit: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<RoundDetail> for RoundOut {
    fn from(d: RoundDetail) -> Self {
        let r = d.round;
        Self {
            id: r.id,
            name: r.name,
            purpose: r.purpose.into(),
            status: r.status.into(),
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            county_id: r.county_id,
            assessment_id: r.assessment_id,
            groups: d.groups.into_iter().map(Into::into).collect(),
            school_ids: d.school_ids,
            scoring_rule: r.scoring_rule.into(),
            min_answer_seconds: r.min_answer_seconds,
            duplicate_policy: r.duplicate_policy.into(),
            shared_device_limit: r.shared_device_limit,
            created_at: r.created_at,
            updated_at: r.updated_at,
            opened_at: r.opened_at,
            closed_at: r.closed_at,
        }
    }
}

/// A round as listed (without schools).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RoundSummary {
    pub id: i64,
    pub name: String,
    pub purpose: PurposeDto,
    pub status: RoundStatusDto,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// The county whose round this is.
    pub county_id: i64,
    /// The assessment run from above this round is the county's part of
    /// (changed only from above); absent for a county's own round.
    pub assessment_id: Option<i64>,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RoundIn {
    pub name: String,
    pub purpose: PurposeDto,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub groups: Vec<GroupDto>,
    /// Schools taking part; leave out for every school of the county.
    pub school_ids: Option<Vec<i64>>,
    /// Default: share of recognised answers, no weights.
    pub scoring_rule: Option<ScoringRuleDto>,
    /// Default 30 seconds.
    pub min_answer_seconds: Option<i32>,
    /// Default: flag.
    pub duplicate_policy: Option<DuplicatePolicyDto>,
    /// Most answers one device may give on one link, the first included
    /// (0–10; 0 or 1: no shared answers). Default 2.
    pub shared_device_limit: Option<i32>,
}

impl From<RoundIn> for RoundSpec {
    fn from(i: RoundIn) -> Self {
        let mut groups: Vec<_> = i.groups.into_iter().map(Into::into).collect();
        groups.sort();
        groups.dedup();
        Self {
            name: i.name,
            purpose: i.purpose.into(),
            opens_at: i.opens_at,
            closes_at: i.closes_at,
            groups,
            school_ids: i.school_ids,
            scoring_rule: i.scoring_rule.map(Into::into).unwrap_or_else(|| {
                ScoringRule::for_scale(
                    Formula::ShareRecognised,
                    Scale::FiveGeneral,
                    Reading::Strict,
                )
            }),
            min_answer_seconds: i.min_answer_seconds.unwrap_or(30),
            duplicate_policy: i
                .duplicate_policy
                .map(Into::into)
                .unwrap_or(DuplicatePolicy::Flag),
            shared_device_limit: i.shared_device_limit.unwrap_or(DEFAULT_SHARED_DEVICE_LIMIT),
        }
    }
}

/// A parent and one more household member per phone and link.
pub const DEFAULT_SHARED_DEVICE_LIMIT: i32 = 2;

pub struct RoundsApi;

#[OpenApi(prefix_path = "/rounds", tag = "ApiTags::Rounds")]
impl RoundsApi {
    /// List rounds, newest first: of every county the account sees, or of
    /// `county_id` only (404 for a county out of reach).
    #[oai(path = "/", method = "get", operation_id = "list_rounds")]
    async fn list_rounds(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        county_id: Query<Option<i64>>,
    ) -> Answer<Json<Vec<RoundSummary>>, ReviewerRead> {
        let who = auth.require(Role::Reviewer)?;
        let scope = store::scope::narrow(&state.db, &who.scope, county_id.0).await?;
        let list = store::rounds::list(&state.db, &scope).await?;
        Ok(Json(list.iter().map(RoundSummary::from).collect()))
    }

    /// Create a draft round (organiser). Its questionnaires are copied from
    /// the templates and its links generated.
    #[oai(path = "/", method = "post", operation_id = "create_round")]
    async fn create_round(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        county_id: Query<Option<i64>>,
        body: Json<RoundIn>,
    ) -> Answer<Json<RoundOut>, BodyEdit> {
        let user = auth.require(Role::Organiser)?;
        let county = store::scope::pick_writable(&state.db, user, county_id.0).await?;
        let d = app::rounds::create(
            state.app(),
            Actor::user(user),
            county,
            user.id,
            &body.0.into(),
        )
        .await?;
        Ok(Json(d.into()))
    }

    /// One round.
    #[oai(path = "/:id", method = "get", operation_id = "get_round")]
    async fn get_round(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<RoundOut>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        Ok(Json(store::rounds::get(&state.db, id.0).await?.into()))
    }

    /// Change a draft round (organiser); 409 once it is open.
    #[oai(path = "/:id", method = "put", operation_id = "update_round")]
    async fn update_round(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<RoundIn>,
    ) -> Answer<Json<RoundOut>, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        let d = app::rounds::update(state.app(), Actor::user(who), id.0, &body.0.into()).await?;
        Ok(Json(d.into()))
    }

    /// Delete a draft round (organiser).
    #[oai(path = "/:id", method = "delete", operation_id = "delete_round")]
    async fn delete_round(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<Done>, PathStateWrite> {
        let who = auth.require(Role::Organiser)?;
        app::rounds::delete(state.app(), Actor::user(who), id.0).await?;
        Ok(Json(Done { ok: true }))
    }

    /// Open a draft round (organiser): its questionnaires, schools and rule
    /// are frozen from now on. Responses are accepted inside its window.
    #[oai(path = "/:id/open", method = "post", operation_id = "open_round")]
    async fn open_round(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<RoundOut>, PathRuleWrite> {
        let who = auth.require(Role::Organiser)?;
        let d = app::rounds::open(state.app(), Actor::user(who), id.0).await?;
        Ok(Json(d.into()))
    }

    /// Close an open round (organiser): no more responses; the marks of
    /// devices that answered it (keyed hashes) are deleted.
    #[oai(path = "/:id/close", method = "post", operation_id = "close_round")]
    async fn close_round(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<RoundOut>, PathStateWrite> {
        let who = auth.require(Role::Organiser)?;
        let d = app::rounds::close(state.app(), Actor::user(who), id.0).await?;
        Ok(Json(d.into()))
    }
}
