//! Schools and the county profile.

use super::{Actor, Change, Ctx};
use crate::{
    domain::school::SchoolDraft,
    entities::{county, school},
    error::AppError,
    store::{self, schools::ImportOutcome},
};

fn describe(s: &school::Model) -> (String, String) {
    (format!("school:{}", s.id), format!("{} {}", s.code, s.name))
}

pub async fn create(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    d: &SchoolDraft,
) -> Result<school::Model, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let s = store::schools::create(change.db(), d).await?;
    let (target, detail) = describe(&s);
    change.commit("school.create", target, detail).await?;
    Ok(s)
}

pub async fn update(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    id: i64,
    d: &SchoolDraft,
) -> Result<school::Model, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let s = store::schools::update(change.db(), id, d).await?;
    let (target, detail) = describe(&s);
    change.commit("school.update", target, detail).await?;
    Ok(s)
}

/// Deletes a school that has not taken part in any round.
pub async fn delete(ctx: Ctx<'_>, actor: Actor<'_>, id: i64) -> Result<(), AppError> {
    let change = Change::begin(ctx, actor).await?;
    store::schools::delete(change.db(), id).await?;
    change
        .commit("school.delete", format!("school:{id}"), "")
        .await
}

/// Inserts new schools and updates existing ones (by code), all or none.
pub async fn import(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    drafts: &[SchoolDraft],
) -> Result<ImportOutcome, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let outcome = store::schools::import(change.db(), drafts).await?;
    let detail = format!("created={} updated={}", outcome.created, outcome.updated);
    change.commit("schools.import", "schools", detail).await?;
    Ok(outcome)
}

/// Sets the county profile.
pub async fn put_county(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    name: &str,
    admin_code: &str,
    resident_population: i64,
) -> Result<county::Model, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let c = store::county::put(change.db(), name, admin_code, resident_population).await?;
    let detail = format!("{} {} {}", c.name, c.admin_code, c.resident_population);
    change.commit("county.update", "county", detail).await?;
    Ok(c)
}
