//! Devices that have answered: keyed hashes of their random cookies, per
//! round, group and link (county-level groups: link 0). Claimed by the
//! writer (see `admission`); read here to greet a returning device; deleted
//! when the round closes.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{admission::mark_link, entities::device_mark, error::AppError};

/// How many answers this device gave on the link (county-level groups: in
/// the group), by the mark that decides its next one; `None`: not answered.
/// A group-wide mark from before marks were per link still counts.
pub async fn answers(
    db: &impl ConnectionTrait,
    round_id: i64,
    group: &str,
    school_id: Option<i64>,
    link_id: i64,
    device_hash: &str,
) -> Result<Option<i32>, AppError> {
    use device_mark::Column as C;
    let marks = device_mark::Entity::find()
        .filter(C::RoundId.eq(round_id))
        .filter(C::RespondentGroup.eq(group))
        .filter(C::LinkId.is_in([0, mark_link(school_id, link_id)]))
        .filter(C::DeviceHash.eq(device_hash))
        .all(db)
        .await?;
    // A legacy mark (link 0 on a school-level group) decides first, as in
    // admission.
    Ok(marks
        .iter()
        .find(|m| m.link_id == 0)
        .or(marks.first())
        .map(|m| m.answers))
}

/// Forgets which devices answered a round (when it closes): nothing more
/// can be submitted, and the marks would only link devices to a round.
pub async fn forget_round(db: &impl ConnectionTrait, round_id: i64) -> Result<u64, AppError> {
    Ok(device_mark::Entity::delete_many()
        .filter(device_mark::Column::RoundId.eq(round_id))
        .exec(db)
        .await?
        .rows_affected)
}
