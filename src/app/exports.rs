//! Exports leave a trace: the entry is written before the file is built,
//! and an export whose entry cannot be written is refused.

use super::{Actor, Change, Ctx};
use crate::error::AppError;

async fn record_export(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    target: String,
    file: &str,
) -> Result<(), AppError> {
    Change::begin(ctx, actor)
        .await?
        .commit("export", target, file)
        .await
}

/// Records that `file` of a round is about to be exported.
pub async fn record(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    round_id: i64,
    file: &str,
) -> Result<(), AppError> {
    record_export(ctx, actor, format!("round:{round_id}"), file).await
}

/// Records that `file` of an assessment's comparison is about to be exported.
pub async fn record_assessment(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    assessment_id: i64,
    file: &str,
) -> Result<(), AppError> {
    record_export(ctx, actor, format!("assessment:{assessment_id}"), file).await
}

/// Records that `file` of the counties' comparison beneath a region node is
/// about to be exported.
pub async fn record_region(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    region_id: i64,
    file: &str,
) -> Result<(), AppError> {
    record_export(ctx, actor, format!("region:{region_id}"), file).await
}
