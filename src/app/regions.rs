//! The region tree, managed by admins: nodes created, changed, imported.

use super::{Actor, Change, Ctx};
use crate::{
    domain::region::{DivisionCode, ImportRow, Region},
    error::AppError,
    store::{
        self,
        regions::{ImportOutcome, RegionDraft},
    },
};

fn target(id: i64) -> String {
    format!("region:{id}")
}

pub async fn create(ctx: Ctx<'_>, actor: Actor<'_>, d: &RegionDraft) -> Result<Region, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let n = store::regions::create(change.db(), d).await?;
    let detail = format!(
        "{} {} {}",
        n.code.clone().unwrap_or_default(),
        n.name,
        n.level.code()
    );
    change.commit("region.create", target(n.id), detail).await?;
    Ok(n)
}

pub async fn update(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    id: i64,
    code: DivisionCode,
    name: String,
    parent_id: Option<i64>,
) -> Result<Region, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let n = store::regions::update(change.db(), id, code, name, parent_id).await?;
    let detail = format!(
        "{} {} parent={}",
        n.code.clone().unwrap_or_default(),
        n.name,
        n.parent_id.map_or("-".to_string(), |p| p.to_string())
    );
    change.commit("region.update", target(n.id), detail).await?;
    Ok(n)
}

/// All rows or none.
pub async fn import(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    rows: &[ImportRow],
) -> Result<ImportOutcome, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let outcome = store::regions::import(change.db(), rows).await?;
    let detail = format!("created={} updated={}", outcome.created, outcome.updated);
    change.commit("regions.import", "regions", detail).await?;
    Ok(outcome)
}
