//! Schools and the county profile.

use super::{Actor, Change, Ctx};
use crate::{
    domain::{
        county::County,
        school::{School, SchoolDraft},
    },
    error::AppError,
    store::{self, schools::ImportOutcome},
};

/// The audit target of a county-wide change: as before for the first
/// county (a single-county deployment's log reads as it always did).
fn county_target(county: i64, what: &str) -> String {
    if county == store::county::FIRST {
        what.to_string()
    } else {
        format!("{what}:county:{county}")
    }
}

fn describe(s: &School) -> (String, String) {
    (format!("school:{}", s.id), format!("{} {}", s.code, s.name))
}

pub async fn create(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    d: &SchoolDraft,
) -> Result<School, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let s = store::schools::create(change.db(), county, d).await?;
    let (target, detail) = describe(&s);
    change.commit("school.create", target, detail).await?;
    Ok(s)
}

pub async fn update(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    id: i64,
    d: &SchoolDraft,
) -> Result<School, AppError> {
    let mut change = Change::begin(ctx, actor).await?;
    let s = store::schools::update(change.db(), id, d).await?;
    // Its links' pages show its name.
    change.links_changed();
    let (target, detail) = describe(&s);
    change.commit("school.update", target, detail).await?;
    Ok(s)
}

/// Deletes a school that has not taken part in any round.
pub async fn delete(ctx: Ctx<'_>, actor: Actor<'_>, id: i64) -> Result<(), AppError> {
    let mut change = Change::begin(ctx, actor).await?;
    if let Some(county) =
        store::scope::county_of(change.db(), store::scope::Target::School(id)).await?
    {
        change.in_county(county);
    }
    store::schools::delete(change.db(), id).await?;
    change
        .commit("school.delete", format!("school:{id}"), "")
        .await
}

/// Inserts new schools and updates existing ones (by code), all or none.
pub async fn import(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    drafts: &[SchoolDraft],
) -> Result<ImportOutcome, AppError> {
    let mut change = Change::begin(ctx, actor).await?;
    let outcome = store::schools::import(change.db(), county, drafts).await?;
    if outcome.updated > 0 {
        change.links_changed();
    }
    let detail = format!("created={} updated={}", outcome.created, outcome.updated);
    change.in_county(county);
    change
        .commit("schools.import", county_target(county, "schools"), detail)
        .await?;
    Ok(outcome)
}

/// Sets the county profile.
pub async fn put_county(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    name: &str,
    admin_code: &str,
    resident_population: i64,
    facts: store::county::SamplingFacts,
) -> Result<County, AppError> {
    let mut change = Change::begin(ctx, actor).await?;
    let c = store::county::put_with(
        change.db(),
        county,
        name,
        admin_code,
        resident_population,
        facts,
    )
    .await?;
    let detail = format!(
        "{} {} {} 人大代表{} 政协委员{} 小县下限{}",
        c.name,
        c.admin_code,
        c.resident_population,
        c.deputies.map_or("未填".to_string(), |n| n.to_string()),
        c.cppcc_members
            .map_or("未填".to_string(), |n| n.to_string()),
        if c.small_county_floor {
            "启用"
        } else {
            "未启用"
        }
    );
    change.in_county(county);
    change
        .commit("county.update", county_target(county, "county"), detail)
        .await?;
    Ok(c)
}
