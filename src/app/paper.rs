//! A round's paper entry: double entry on or off and the clerks (录入员)
//! who may key its sheets, changed with their audit entry.

use super::{Actor, Change, Ctx};
use crate::{credentials::Role, domain::round::Round, error::AppError, store};

/// Sets double entry and the round's clerks (every id a clerk account);
/// returns the round as read.
pub async fn configure(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    round_id: i64,
    double_entry: bool,
    clerk_ids: &[i64],
) -> Result<Round, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let round = store::rounds::get(change.db(), round_id).await?.round;
    for id in clerk_ids {
        let account = store::accounts::get(change.db(), *id).await.ok();
        if account.map(|a| a.role) != Some(Role::Clerk) {
            return Err(AppError::invalid_field(
                "clerk_ids",
                format!("账号{id}不是录入员账号"),
            ));
        }
    }
    let scoped = store::scope::Rounds::one(&round);
    store::paper::set_double_entry(change.db(), &scoped, double_entry).await?;
    store::paper::set_clerks(change.db(), &scoped, clerk_ids).await?;
    let detail = format!("double_entry={double_entry} clerks={clerk_ids:?}");
    change
        .commit("paper.configure", format!("round:{round_id}"), detail)
        .await?;
    Ok(round)
}
