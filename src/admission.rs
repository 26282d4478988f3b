//! Admission, inside the writer's transaction: a device that already
//! answered the round's group (refused or flagged, per the round's policy)
//! and one-time access codes (each admits one response). Deciding here, in
//! the transaction that stores the responses, means two submissions racing
//! from one device or with one code cannot both pass, on one instance or many.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, OnConflict, Query},
};
use std::collections::{HashMap, HashSet};

use crate::{
    domain::round::DuplicatePolicy,
    entities::{access_code, device_mark, response},
    writer::Submission,
};

/// The validity of a response from a device that already answered.
pub const DUPLICATE_DEVICE: &str = "duplicate_device";

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
    /// What to insert, with each response's final validity.
    pub rows: Vec<Submission>,
    /// Refused submissions, by client id.
    pub refused: HashMap<String, Refusal>,
}

type DeviceKey = (i64, String, String);

fn device_key(s: &Submission) -> Option<DeviceKey> {
    s.device_hash
        .as_ref()
        .map(|h| (s.round_id, s.group.clone(), h.clone()))
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

    let claimed = claim_devices(txn, &fresh).await?;
    let mut refused = HashMap::new();
    let mut flagged = HashSet::new();
    for s in &fresh {
        let Some(key) = device_key(s) else { continue };
        if claimed.get(&key) == Some(&s.client_id) {
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
        }
    }

    let rows = batch
        .iter()
        .filter(|s| !refused.contains_key(&s.client_id))
        .map(|s| {
            let mut s = (*s).clone();
            if flagged.contains(&s.client_id) {
                s.validity = DUPLICATE_DEVICE.to_string();
            }
            s
        })
        .collect();
    Ok(Admitted { rows, refused })
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
    let mut insert = Query::insert();
    insert
        .into_table(device_mark::Entity)
        .columns([C::RoundId, C::RespondentGroup, C::DeviceHash])
        .on_conflict(
            OnConflict::columns([C::RoundId, C::RespondentGroup, C::DeviceHash])
                .do_nothing()
                .to_owned(),
        )
        .returning(Query::returning().columns([C::RoundId, C::RespondentGroup, C::DeviceHash]));
    for (round_id, group, hash) in first.keys() {
        insert
            .values([
                (*round_id).into(),
                group.clone().into(),
                hash.clone().into(),
            ])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    let mut claimed = HashMap::new();
    for row in txn.query_all(&insert).await? {
        let key: DeviceKey = (
            row.try_get("", "round_id")?,
            row.try_get("", "respondent_group")?,
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
