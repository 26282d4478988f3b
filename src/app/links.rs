//! A round's links: disabled or re-enabled, given access codes.

use super::{Actor, Change, Ctx};
use crate::error::ErrorCode;
use crate::{domain::round::RoundStatus, error::AppError, keyed::Keyed, store};

fn target(round_id: i64, link_id: i64) -> String {
    format!("round:{round_id}/link:{link_id}")
}

/// Disables or re-enables a link of a round.
pub async fn set_enabled(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    round_id: i64,
    link_id: i64,
    enabled: bool,
) -> Result<(), AppError> {
    let mut change = Change::begin(ctx, actor).await?;
    let round = store::scope::Rounds::read(change.db(), round_id).await?;
    store::links::set_enabled(change.db(), &round, link_id, enabled).await?;
    change.links_changed();
    let detail = format!("enabled={enabled}");
    change
        .commit("link.update", target(round_id, link_id), detail)
        .await
}

/// Makes `count` one-time access codes for a link of a round that has not
/// closed; returns them (shown once). `slips`: printed at once, as the
/// audit entry says.
pub async fn generate_access_codes(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    keyed: &Keyed,
    round_id: i64,
    link_id: i64,
    count: usize,
    slips: bool,
) -> Result<Vec<String>, AppError> {
    let mut change = Change::begin(ctx, actor).await?;
    let detail = store::rounds::get(change.db(), round_id).await?;
    if detail.status() == RoundStatus::Closed {
        return Err(AppError::conflict(
            ErrorCode::RoundClosed,
            "测评轮次已经结束",
        ));
    }
    let codes = store::access_codes::generate(change.db(), keyed, link_id, count).await?;
    change.links_changed();
    let note = if slips { " (slips)" } else { "" };
    let detail = format!("count={}{note}", codes.len());
    change
        .commit("access_codes.generate", target(round_id, link_id), detail)
        .await?;
    Ok(codes)
}
