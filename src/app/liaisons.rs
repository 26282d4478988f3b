//! School liaisons (学校联络员) of a round: made by an organiser together with
//! the schools they run computer-room sessions for, or given other schools
//! later (none: unassigned); each change with its audit entry in the same
//! transaction.

use super::{Actor, Change, Ctx};
use crate::{
    credentials::{Role, hash_password_async, random_password},
    domain::account::Account,
    error::AppError,
    store::{self, accounts},
};

/// The round's county, checking that every school is the county's: another
/// county's school answers exactly as a missing one (404).
async fn county_and_schools(
    db: &sea_orm::DatabaseTransaction,
    round_id: i64,
    school_ids: &[i64],
) -> Result<i64, AppError> {
    let round = store::rounds::get(db, round_id).await?;
    let county = round.round.county_id;
    for id in school_ids {
        let school = store::schools::get(db, *id).await?;
        if school.county_id != county {
            return Err(AppError::not_found("学校不存在"));
        }
    }
    Ok(county)
}

/// Makes a liaison account in the round's county with the schools it runs
/// room sessions for. Returns the account and its initial password (shown
/// once).
pub async fn create(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    round_id: i64,
    username: &str,
    display_name: &str,
    school_ids: &[i64],
) -> Result<(Account, String), AppError> {
    accounts::validate_username(username)?;
    let password = random_password();
    let hash = hash_password_async(&password).await?;
    let change = Change::begin(ctx, actor).await?;
    let county = county_and_schools(change.db(), round_id, school_ids).await?;
    let node = store::interviews::county_node(change.db(), county).await?;
    let a = accounts::create_hashed_at(
        change.db(),
        node,
        username,
        display_name,
        Role::Liaison,
        hash,
    )
    .await?;
    store::liaisons::set_schools(change.db(), county, round_id, a.id, school_ids).await?;
    let detail = format!(
        "{} (liaison) round={round_id} schools={school_ids:?}",
        a.username
    );
    change
        .commit("liaison.create", format!("account:{}", a.id), detail)
        .await?;
    Ok((a, password))
}

/// Replaces the schools a liaison account runs room sessions for in a
/// round (none: unassigned from the round). 404 for an account that is not
/// a liaison of the round's county.
pub async fn assign(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    round_id: i64,
    account_id: i64,
    school_ids: &[i64],
) -> Result<(), AppError> {
    let change = Change::begin(ctx, actor).await?;
    let county = county_and_schools(change.db(), round_id, school_ids).await?;
    let not_found = || AppError::not_found("学校联络员账号不存在");
    let account = accounts::get(change.db(), account_id)
        .await
        .map_err(|_| not_found())?;
    let standing = store::scope::standing(change.db(), account.region_id, false).await?;
    if account.role != Role::Liaison || !standing.scope.contains(county) {
        return Err(not_found());
    }
    store::liaisons::set_schools(change.db(), county, round_id, account_id, school_ids).await?;
    let action = if school_ids.is_empty() {
        "liaison.unassign"
    } else {
        "liaison.assign"
    };
    let detail = format!("round={round_id} schools={school_ids:?}");
    change
        .commit(action, format!("account:{account_id}"), detail)
        .await
}
