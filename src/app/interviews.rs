//! Interviewers (访谈员) of a round: made by an organiser together with the
//! links they may interview for, or given other links later; each change
//! with its audit entry.

use super::{Actor, Change, Ctx};
use crate::{
    credentials::{Role, hash_password_async, random_password},
    domain::account::Account,
    error::AppError,
    store::{self, accounts},
};

/// The round's county, checking that every link belongs to the round.
async fn county_and_links(
    db: &sea_orm::DatabaseTransaction,
    round_id: i64,
    link_ids: &[i64],
) -> Result<i64, AppError> {
    let round = store::rounds::get(db, round_id).await?;
    let county = round.round.county_id;
    let links: Vec<i64> = store::links::list(db, &store::scope::Rounds::one(&round.round))
        .await?
        .into_iter()
        .map(|r| r.link.id)
        .collect();
    if let Some(bad) = link_ids.iter().find(|l| !links.contains(l)) {
        return Err(AppError::invalid_field(
            "link_ids",
            format!("本轮没有编号为{bad}的调查链接"),
        ));
    }
    Ok(county)
}

/// Makes an interviewer account in the round's county with the links it may
/// interview for. Returns the account and its initial password (shown once).
pub async fn create(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    round_id: i64,
    username: &str,
    display_name: &str,
    link_ids: &[i64],
) -> Result<(Account, String), AppError> {
    accounts::validate_username(username)?;
    let password = random_password();
    let hash = hash_password_async(&password).await?;
    let change = Change::begin(ctx, actor).await?;
    let county = county_and_links(change.db(), round_id, link_ids).await?;
    let node = store::interviews::county_node(change.db(), county).await?;
    let a = accounts::create_hashed_at(
        change.db(),
        node,
        username,
        display_name,
        Role::Interviewer,
        hash,
    )
    .await?;
    store::interviews::set_links(change.db(), county, round_id, a.id, link_ids).await?;
    let detail = format!(
        "{} (interviewer) round={round_id} links={link_ids:?}",
        a.username
    );
    change
        .commit(
            "interview.create_interviewer",
            format!("account:{}", a.id),
            detail,
        )
        .await?;
    Ok((a, password))
}

/// Replaces the links an interviewer account may interview for in a round
/// (none: it no longer interviews there). 404 for an account that is not
/// an interviewer of the round's county.
pub async fn assign(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    round_id: i64,
    account_id: i64,
    link_ids: &[i64],
) -> Result<(), AppError> {
    let change = Change::begin(ctx, actor).await?;
    let county = county_and_links(change.db(), round_id, link_ids).await?;
    let not_found = || AppError::not_found("访谈员账号不存在");
    let account = accounts::get(change.db(), account_id)
        .await
        .map_err(|_| not_found())?;
    let standing = store::scope::standing(change.db(), account.region_id, false).await?;
    if account.role != Role::Interviewer || !standing.scope.contains(county) {
        return Err(not_found());
    }
    store::interviews::set_links(change.db(), county, round_id, account_id, link_ids).await?;
    let detail = format!("round={round_id} links={link_ids:?}");
    change
        .commit("interview.assign", format!("account:{account_id}"), detail)
        .await
}
