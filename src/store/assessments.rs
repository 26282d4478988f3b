//! Assessments run from above: the assessment row and its parts (one
//! ordinary round per county, naming it in `rounds.assessment_id`).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::{
    domain::{
        assessment::Assessment,
        round::{Purpose, RoundStatus},
    },
    entities::{assessment, round},
    error::AppError,
};

impl From<assessment::Model> for Assessment {
    /// A purpose code this build does not know (a newer build's) reads as
    /// 省级评估, as the console has always shown it.
    fn from(a: assessment::Model) -> Self {
        Self {
            id: a.id,
            region_id: a.region_id,
            name: a.name,
            purpose: Purpose::from_code(&a.purpose).unwrap_or(Purpose::Provincial),
            created_by: a.created_by,
            created_at: a.created_at,
        }
    }
}

/// A part of an assessment: one county's round, as the assessment's
/// pages list it.
#[derive(Debug, Clone)]
pub struct Part {
    /// The round's id.
    pub id: i64,
    pub name: String,
    pub purpose: Purpose,
    pub status: RoundStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub county_id: i64,
    pub assessment_id: i64,
}

impl Part {
    /// Codes this build does not know read as they always have in the
    /// round summaries: 县级自评 and closed.
    fn of(r: round::Model, assessment_id: i64) -> Self {
        Self {
            id: r.id,
            purpose: Purpose::from_code(&r.purpose).unwrap_or(Purpose::SelfAssessment),
            status: RoundStatus::from_code(&r.status).unwrap_or(RoundStatus::Closed),
            name: r.name,
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            county_id: r.county_id,
            assessment_id,
        }
    }
}

/// A new assessment row (its parts are made by `store::rounds::create`
/// and [`attach`], in the same transaction).
pub async fn insert(
    db: &impl ConnectionTrait,
    region_id: i64,
    name: &str,
    purpose: Purpose,
    created_by: i64,
) -> Result<Assessment, AppError> {
    Ok(assessment::ActiveModel {
        region_id: Set(region_id),
        name: Set(name.trim().to_string()),
        purpose: Set(purpose.code().to_string()),
        created_by: Set(Some(created_by)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?
    .into())
}

/// Makes a round a part of an assessment.
pub async fn attach(
    db: &impl ConnectionTrait,
    round_id: i64,
    assessment_id: i64,
) -> Result<(), AppError> {
    round::Entity::update_many()
        .col_expr(
            round::Column::AssessmentId,
            sea_orm::sea_query::Expr::value(assessment_id),
        )
        .filter(round::Column::Id.eq(round_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Assessment, AppError> {
    assessment::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Into::into)
        .ok_or_else(|| AppError::not_found("评估不存在"))
}

/// The parts of an assessment (every county's round), by id.
pub async fn parts(db: &impl ConnectionTrait, id: i64) -> Result<Vec<Part>, AppError> {
    Ok(round::Entity::find()
        .filter(round::Column::AssessmentId.eq(id))
        .order_by_asc(round::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Part::of(r, id))
        .collect())
}

/// Every assessment with a part in one of these counties (none: all), newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    counties: Option<Vec<i64>>,
) -> Result<Vec<Assessment>, AppError> {
    let mut q = round::Entity::find()
        .select_only()
        .column(round::Column::AssessmentId)
        .filter(round::Column::AssessmentId.is_not_null())
        .distinct();
    if let Some(c) = counties {
        q = q.filter(round::Column::CountyId.is_in(c));
    }
    let ids: Vec<Option<i64>> = q.into_tuple().all(db).await?;
    let ids: Vec<i64> = ids.into_iter().flatten().collect();
    Ok(assessment::Entity::find()
        .filter(assessment::Column::Id.is_in(ids))
        .order_by_desc(assessment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The ids of the rounds that share an assessment with this one (itself
/// included, first), or only itself for a county's own round.
pub async fn siblings(db: &impl ConnectionTrait, round_id: i64) -> Result<Vec<i64>, AppError> {
    let Some(Some(a)) = round::Entity::find_by_id(round_id)
        .select_only()
        .column(round::Column::AssessmentId)
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
    else {
        return Ok(vec![round_id]);
    };
    let mut ids: Vec<i64> = round::Entity::find()
        .select_only()
        .column(round::Column::Id)
        .filter(round::Column::AssessmentId.eq(a))
        .filter(round::Column::Id.ne(round_id))
        .order_by_asc(round::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    ids.insert(0, round_id);
    Ok(ids)
}

/// The assessment a round is a part of, if any.
pub async fn of_round(
    db: &impl ConnectionTrait,
    round_id: i64,
) -> Result<Option<Assessment>, AppError> {
    let a: Option<Option<i64>> = round::Entity::find_by_id(round_id)
        .select_only()
        .column(round::Column::AssessmentId)
        .into_tuple()
        .one(db)
        .await?;
    match a.flatten() {
        None => Ok(None),
        Some(id) => Ok(assessment::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(Into::into)),
    }
}
