//! Admission, inside the writer's transaction: a device that already
//! answered the link (county-level groups: the round's group) is refused or
//! flagged per the round's policy, unless a household member confirmed a
//! shared phone within the round's limit; one-time access codes each admit
//! one response. Deciding here, in the transaction that stores the
//! responses, means two submissions racing from one device or with one code
//! cannot both pass, on one instance or many.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, OnConflict, Query},
};
use std::collections::{HashMap, HashSet};

use crate::{
    domain::{round::DuplicatePolicy, submission::Validity},
    entities::{access_code, device_mark, response},
    writer::Submission,
};

/// Why a submission was turned away; nothing of it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This device already answered and the round refuses repeats.
    DuplicateDevice,
    /// The access code already admitted a response.
    AccessCodeUsed,
    /// No such access code on this link.
    AccessCodeUnknown,
}

/// A batch after admission.
pub struct Admitted {
    /// What to insert, with each response's final validity and mark.
    pub rows: Vec<Submission>,
    /// Refused submissions, by client id.
    pub refused: HashMap<String, Refusal>,
}

/// A device mark's key: round, group, link (0 for county-level groups and
/// for marks from before marks were per link), keyed device hash.
pub type DeviceKey = (i64, String, i64, String);

/// The link a device mark is kept for: the link itself for a school-level
/// questionnaire, 0 (the group as a whole) for a county-level one.
pub fn mark_link(school_id: Option<i64>, link_id: i64) -> i64 {
    if school_id.is_some() { link_id } else { 0 }
}

fn device_key(s: &Submission) -> Option<DeviceKey> {
    s.device_hash.as_ref().map(|h| {
        (
            s.round_id,
            s.group.clone(),
            mark_link(s.school_id, s.link_id),
            h.clone(),
        )
    })
}

/// The group-wide mark a device may hold from before marks were per link;
/// only school-level links have one distinct from their own.
fn legacy_key(s: &Submission) -> Option<DeviceKey> {
    s.school_id?;
    s.device_hash
        .as_ref()
        .map(|h| (s.round_id, s.group.clone(), 0, h.clone()))
}

/// Decides every submission of a batch. Retries of a stored client id pass
/// untouched (the INSERT skips them and they get their original receipt).
pub async fn admit(txn: &impl ConnectionTrait, batch: &[&Submission]) -> Result<Admitted, DbErr> {
    let ids: Vec<String> = batch.iter().map(|s| s.client_id.clone()).collect();
    let stored: HashSet<String> = response::Entity::find()
        .select_only()
        .column(response::Column::ClientId)
        .filter(response::Column::ClientId.is_in(ids))
        .into_tuple::<String>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    // Only the first new submission of each client id is judged; repeats of
    // it in the same batch share its fate.
    let mut seen = HashSet::new();
    let fresh: Vec<&Submission> = batch
        .iter()
        .copied()
        .filter(|s| !stored.contains(&s.client_id) && seen.insert(s.client_id.clone()))
        .collect();

    let legacy = legacy_marks(txn, &fresh).await?;
    // The mark that decides each submission: a legacy group-wide mark keeps
    // its old meaning (this device answered the group), else the link's.
    let deciding = |s: &Submission| -> Option<DeviceKey> {
        legacy_key(s)
            .filter(|k| legacy.contains(k))
            .or_else(|| device_key(s))
    };
    let claimable: Vec<&Submission> = fresh
        .iter()
        .copied()
        .filter(|s| legacy_key(s).is_none_or(|k| !legacy.contains(&k)))
        .collect();
    let claimed = claim_devices(txn, &claimable).await?;
    let mut refused = HashMap::new();
    let mut flagged = HashSet::new();
    let mut shared: HashMap<String, DeviceKey> = HashMap::new();
    for s in &fresh {
        let Some(key) = deciding(s) else { continue };
        if claimed.get(&key) == Some(&s.client_id) {
            continue;
        }
        if s.shared_device && s.shared_device_limit > 1 && share(txn, &key, s).await? {
            shared.insert(s.client_id.clone(), key);
            continue;
        }
        match s.duplicate_policy {
            DuplicatePolicy::Refuse => {
                refused.insert(s.client_id.clone(), Refusal::DuplicateDevice);
            }
            DuplicatePolicy::Flag => {
                flagged.insert(s.client_id.clone());
            }
        }
    }
    for s in &fresh {
        let Some(code_hash) = &s.access_code_hash else {
            continue;
        };
        if refused.contains_key(&s.client_id) {
            continue;
        }
        if let Some(r) = consume_code(txn, s.link_id, code_hash).await? {
            refused.insert(s.client_id.clone(), r);
            // Nothing is stored for it, so its device has not answered.
            if let Some(key) = device_key(s).filter(|k| claimed.get(k) == Some(&s.client_id)) {
                device_mark::Entity::delete_by_id(key).exec(txn).await?;
            }
            if let Some(key) = shared.remove(&s.client_id) {
                unshare(txn, &key).await?;
            }
        }
    }

    let rows = batch
        .iter()
        .filter(|s| !refused.contains_key(&s.client_id))
        .map(|s| {
            let mut s = (*s).clone();
            if flagged.contains(&s.client_id) {
                s.validity = Validity::DuplicateDevice;
            }
            s.shared_device = shared.contains_key(&s.client_id);
            s
        })
        .collect();
    Ok(Admitted { rows, refused })
}

/// The group-wide marks (link 0) held by devices of school-level
/// submissions: marks stored before marks were per link.
async fn legacy_marks(
    txn: &impl ConnectionTrait,
    fresh: &[&Submission],
) -> Result<HashSet<DeviceKey>, DbErr> {
    use device_mark::Column as C;
    let wanted: HashSet<DeviceKey> = fresh.iter().filter_map(|s| legacy_key(s)).collect();
    if wanted.is_empty() {
        return Ok(HashSet::new());
    }
    let rounds: HashSet<i64> = wanted.iter().map(|k| k.0).collect();
    let hashes: HashSet<&String> = wanted.iter().map(|k| &k.3).collect();
    Ok(device_mark::Entity::find()
        .filter(C::RoundId.is_in(rounds))
        .filter(C::LinkId.eq(0))
        .filter(C::DeviceHash.is_in(hashes.into_iter().cloned()))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.round_id, m.respondent_group, m.link_id, m.device_hash))
        .filter(|k| wanted.contains(k))
        .collect())
}

/// Counts one more answer on a device's mark if the round's limit allows
/// it; whether it did.
async fn share(txn: &impl ConnectionTrait, key: &DeviceKey, s: &Submission) -> Result<bool, DbErr> {
    use device_mark::Column as C;
    let done = device_mark::Entity::update_many()
        .col_expr(C::Answers, Expr::col(C::Answers).add(1))
        .filter(C::RoundId.eq(key.0))
        .filter(C::RespondentGroup.eq(key.1.as_str()))
        .filter(C::LinkId.eq(key.2))
        .filter(C::DeviceHash.eq(key.3.as_str()))
        .filter(C::Answers.lt(s.shared_device_limit))
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Takes back [`share`] for a submission refused afterwards.
async fn unshare(txn: &impl ConnectionTrait, key: &DeviceKey) -> Result<(), DbErr> {
    use device_mark::Column as C;
    device_mark::Entity::update_many()
        .col_expr(C::Answers, Expr::col(C::Answers).sub(1))
        .filter(C::RoundId.eq(key.0))
        .filter(C::RespondentGroup.eq(key.1.as_str()))
        .filter(C::LinkId.eq(key.2))
        .filter(C::DeviceHash.eq(key.3.as_str()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Marks the devices of new submissions as having answered; returns which
/// submission (client id) claimed each mark. A device already marked, or
/// claimed by an earlier submission of the batch, is missing from the map.
async fn claim_devices(
    txn: &impl ConnectionTrait,
    fresh: &[&Submission],
) -> Result<HashMap<DeviceKey, String>, DbErr> {
    use device_mark::Column as C;
    let mut first: HashMap<DeviceKey, String> = HashMap::new();
    for s in fresh {
        if let Some(key) = device_key(s) {
            first.entry(key).or_insert_with(|| s.client_id.clone());
        }
    }
    if first.is_empty() {
        return Ok(first);
    }
    let key_cols = [C::RoundId, C::RespondentGroup, C::LinkId, C::DeviceHash];
    let mut insert = Query::insert();
    insert
        .into_table(device_mark::Entity)
        .columns(key_cols)
        .on_conflict(OnConflict::columns(key_cols).do_nothing().to_owned())
        .returning(Query::returning().columns(key_cols));
    for (round_id, group, link_id, hash) in first.keys() {
        insert
            .values([
                (*round_id).into(),
                group.clone().into(),
                (*link_id).into(),
                hash.clone().into(),
            ])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    let mut claimed = HashMap::new();
    for row in txn.query_all(&insert).await? {
        let key: DeviceKey = (
            row.try_get("", "round_id")?,
            row.try_get("", "respondent_group")?,
            row.try_get("", "link_id")?,
            row.try_get("", "device_hash")?,
        );
        if let Some(client_id) = first.remove(&key) {
            claimed.insert(key, client_id);
        }
    }
    Ok(claimed)
}

/// Uses up an access code; `None` when it admitted this submission.
async fn consume_code(
    txn: &impl ConnectionTrait,
    link_id: i64,
    code_hash: &str,
) -> Result<Option<Refusal>, DbErr> {
    use access_code::Column as C;
    let done = access_code::Entity::update_many()
        .col_expr(C::Used, Expr::value(true))
        .filter(C::LinkId.eq(link_id))
        .filter(C::CodeHash.eq(code_hash))
        .filter(C::Used.eq(false))
        .exec(txn)
        .await?;
    if done.rows_affected == 1 {
        return Ok(None);
    }
    let exists = access_code::Entity::find()
        .filter(C::LinkId.eq(link_id))
        .filter(C::CodeHash.eq(code_hash))
        .one(txn)
        .await?
        .is_some();
    Ok(Some(if exists {
        Refusal::AccessCodeUsed
    } else {
        Refusal::AccessCodeUnknown
    }))
}
