//! Responses over time, for the live monitor (reviewers and organisers).

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use std::collections::HashMap;

use super::{ApiTags, types::GroupDto};
use crate::error::{Answer, ReviewerQuery};
use crate::{
    auth::{Auth, Role},
    domain::{
        group::RespondentGroup,
        submission::Validity,
        timeline::{Count, Interval, points},
    },
    error::AppError,
    state::AppState,
    store,
};

/// One group's responses in one interval.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TimelinePointOut {
    /// Start of the interval.
    pub start: DateTime<Utc>,
    pub respondent_group: GroupDto,
    /// Responses that count toward the rates.
    pub valid: i64,
    /// Responses kept but not counted (too fast, duplicate device, …).
    pub invalid: i64,
}

/// Responses of a round over time.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TimelineOut {
    pub round_id: i64,
    /// Length of each interval in minutes (10, 60 or 1440; days start at
    /// midnight China time).
    pub bucket_minutes: u32,
    /// Non-empty intervals only, ordered by start, then by group.
    pub points: Vec<TimelinePointOut>,
    pub valid_total: i64,
    pub invalid_total: i64,
    /// Valid responses from a shared household phone (part of `valid_total`).
    pub shared_device_total: i64,
    /// Responses from a device that had already answered (part of
    /// `invalid_total`).
    pub duplicate_device_total: i64,
    pub generated_at: DateTime<Utc>,
}

pub struct TimelineApi;

#[OpenApi(tag = "ApiTags::Reports")]
impl TimelineApi {
    /// Responses of a round over time (reviewer), valid and invalid, per
    /// group, in intervals of 10 minutes, an hour or a day. Read from counts
    /// kept as responses are committed, so the monitor can poll it cheaply.
    #[oai(
        path = "/rounds/:id/timeline",
        method = "get",
        operation_id = "get_timeline"
    )]
    async fn get_timeline(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        /// 10, 60 (default) or 1440.
        bucket_minutes: Query<Option<u32>>,
    ) -> Answer<Json<TimelineOut>, ReviewerQuery> {
        auth.require(Role::Reviewer)?;
        let minutes = bucket_minutes.0.unwrap_or(60);
        let interval = Interval::from_minutes(minutes).ok_or_else(|| {
            AppError::invalid_field("bucket_minutes", "时间间隔只能是10、60或1440分钟")
        })?;
        let round = store::scope::Rounds::one(&store::rounds::get(&state.db, id.0).await?.round);
        // Which group each link is for (the monitor polls: no school lookup).
        let groups: HashMap<i64, RespondentGroup> =
            store::links::groups_of_round(&state.db, &round).await?;
        let stored = store::tallies::timeline(&state.db, &round)
            .await
            .map_err(AppError::from)?;
        let counts = stored.iter().filter_map(|(k, n)| {
            Some(Count {
                group: *groups.get(&k.link_id)?,
                validity: k.validity,
                bucket_start: k.bucket_start,
                n: *n,
            })
        });
        let points: Vec<TimelinePointOut> = points(counts, interval)
            .into_iter()
            .filter_map(|p| {
                Some(TimelinePointOut {
                    start: DateTime::from_timestamp(p.start, 0)?,
                    respondent_group: p.group.into(),
                    valid: p.valid,
                    invalid: p.invalid,
                })
            })
            .collect();
        let duplicate_device_total = stored
            .iter()
            .filter(|(k, _)| k.validity == Validity::DuplicateDevice)
            .map(|(_, n)| *n)
            .sum();
        let shared_device_total = store::reports::shared_by_link(&state.db, &round)
            .await?
            .values()
            .flat_map(|by_link| by_link.values())
            .sum::<u64>() as i64;
        Ok(Json(TimelineOut {
            shared_device_total,
            duplicate_device_total,
            round_id: id.0,
            bucket_minutes: interval.minutes(),
            valid_total: points.iter().map(|p| p.valid).sum(),
            invalid_total: points.iter().map(|p| p.invalid).sum(),
            points,
            generated_at: Utc::now(),
        }))
    }
}
