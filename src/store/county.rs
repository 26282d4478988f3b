//! County profiles: one row per county of the deployment (a single-county
//! deployment has one, id 1, there from the first start). A row whose
//! profile was never entered reads as absent.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::{
    domain::county::County,
    entities::{county, region},
    error::AppError,
};

impl From<county::Model> for County {
    fn from(c: county::Model) -> Self {
        Self {
            id: c.id,
            name: c.name,
            admin_code: c.admin_code,
            resident_population: c.resident_population,
            deputies: c.deputies,
            cppcc_members: c.cppcc_members,
            small_county_floor: c.small_county_floor,
            updated_at: c.updated_at,
            profile_set: c.profile_set,
            region_id: c.region_id,
        }
    }
}

/// The county every single-county database has.
pub const FIRST: i64 = 1;

/// The profile of `county`, if it has been entered.
pub async fn get(db: &impl ConnectionTrait, county: i64) -> Result<Option<County>, AppError> {
    Ok(county::Entity::find_by_id(county)
        .one(db)
        .await?
        .filter(|c| c.profile_set)
        .map(Into::into))
}

/// Every county row, by id (with or without a profile).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<County>, AppError> {
    Ok(county::Entity::find()
        .order_by_asc(county::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The county whose node this is.
pub async fn of_region(db: &impl ConnectionTrait, region: i64) -> Result<Option<County>, AppError> {
    Ok(county::Entity::find()
        .filter(county::Column::RegionId.eq(region))
        .one(db)
        .await?
        .map(Into::into))
}

/// What the sampling plan caps and floors by, beside the population.
#[derive(Debug, Clone, Copy, Default)]
pub struct SamplingFacts {
    /// 人大代表 in the county; none: not entered.
    pub deputies: Option<i64>,
    /// 政协委员 in the county; none: not entered.
    pub cppcc_members: Option<i64>,
    /// Apply the older floor of 600 under 400,000 residents.
    pub small_county_floor: bool,
}

fn people(field: &str, label: &str, n: Option<i64>) -> Result<Option<i32>, AppError> {
    match n {
        None => Ok(None),
        Some(n) => i32::try_from(n)
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .map(Some)
            .ok_or_else(|| AppError::invalid_field(field, format!("{label}须在1到100000之间"))),
    }
}

/// Sets name, code and population of `county`, keeping the sampling facts
/// already entered.
pub async fn put(
    db: &impl ConnectionTrait,
    county: i64,
    name: &str,
    admin_code: &str,
    resident_population: i64,
) -> Result<County, AppError> {
    let facts = get(db, county)
        .await?
        .map(|c| SamplingFacts {
            deputies: c.deputies.map(i64::from),
            cppcc_members: c.cppcc_members.map(i64::from),
            small_county_floor: c.small_county_floor,
        })
        .unwrap_or_default();
    put_with(db, county, name, admin_code, resident_population, facts).await
}

/// Sets the whole profile of `county`.
pub async fn put_with(
    db: &impl ConnectionTrait,
    county: i64,
    name: &str,
    admin_code: &str,
    resident_population: i64,
    facts: SamplingFacts,
) -> Result<County, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid_field("name", "县名须为1到100个字"));
    }
    let code = admin_code.trim();
    if !(code.len() == 6 || code.len() == 12) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::invalid_field(
            "admin_code",
            "行政区划代码须为6位或12位数字",
        ));
    }
    if !(1..=50_000_000).contains(&resident_population) {
        return Err(AppError::invalid_field(
            "resident_population",
            "常住人口须在1到5000万之间",
        ));
    }
    let deputies = people("deputies", "人大代表人数", facts.deputies)?;
    let cppcc_members = people("cppcc_members", "政协委员人数", facts.cppcc_members)?;
    let existing = county::Entity::find_by_id(county).one(db).await?;
    let mut model = county::ActiveModel {
        id: Set(county),
        name: Set(name.to_string()),
        admin_code: Set(code.to_string()),
        resident_population: Set(resident_population),
        deputies: Set(deputies),
        cppcc_members: Set(cppcc_members),
        small_county_floor: Set(facts.small_county_floor),
        updated_at: Set(Utc::now()),
        profile_set: Set(true),
        ..Default::default()
    };
    let saved = match existing {
        Some(_) => model.update(db).await?,
        None => {
            model.region_id = Set(None);
            model.insert(db).await?
        }
    };
    name_node(db, &saved).await?;
    Ok(saved.into())
}

/// Passes when the county's profile is set: readiness records need it
/// (404 "请先填写县情信息" until then).
pub async fn require_profile(db: &impl ConnectionTrait, county: i64) -> Result<(), AppError> {
    get(db, county)
        .await?
        .map(|_| ())
        .ok_or_else(|| AppError::not_found("请先填写县情信息（县名、行政区划代码）"))
}

/// A county's node that has no code yet (a single county before its
/// profile) takes the profile's name and code, unless another node has it.
async fn name_node(db: &impl ConnectionTrait, c: &county::Model) -> Result<(), AppError> {
    let Some(node) = c.region_id else {
        return Ok(());
    };
    let Some(n) = region::Entity::find_by_id(node).one(db).await? else {
        return Ok(());
    };
    if n.code.is_some() {
        return Ok(());
    }
    let code: String = c.admin_code.chars().take(6).collect();
    let taken = region::Entity::find()
        .filter(region::Column::Code.eq(code.as_str()))
        .one(db)
        .await?
        .is_some();
    let mut m: region::ActiveModel = n.into();
    m.name = Set(c.name.clone());
    if !taken && crate::domain::region::DivisionCode::parse(&code).is_ok() {
        m.code = Set(Some(code));
    }
    m.updated_at = Set(Utc::now());
    m.update(db).await?;
    Ok(())
}
