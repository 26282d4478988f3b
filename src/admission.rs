//! Admission rules, with no SQL in them: a device that already answered the
//! link (county-level groups: the round's group) is refused or flagged per
//! the round's policy, unless a household member confirmed a shared phone
//! within the round's limit; one-time access codes each admit one response.
//! The writer applies them inside the transaction that stores the responses
//! (`writer::admit`, with the queries in `store::devices`,
//! `store::access_codes` and `store::responses`), so two submissions
//! racing from one device or with one code cannot both pass, on one
//! instance or many.

use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

use crate::domain::{
    round::DuplicatePolicy,
    school::Location,
    submission::{CheckedAnswers, Validity},
};

/// A checked response ready to store.
#[derive(Debug, Clone)]
pub struct Submission {
    pub client_id: String,
    pub round_id: i64,
    pub link_id: i64,
    pub school_id: Option<i64>,
    pub group: String,
    pub submitted_at: DateTime<Utc>,
    pub duration_ms: i64,
    /// Valid, or the reason it is not (e.g. too fast); admission may flag
    /// it as a duplicate device.
    pub validity: Validity,
    pub answers: CheckedAnswers,
    /// Keyed hash of the device cookie, when the browser sent one.
    pub device_hash: Option<String>,
    /// What a second response from that device gets.
    pub duplicate_policy: DuplicatePolicy,
    /// The respondent confirmed another household member is answering on a
    /// phone that already answered; after admission: stored as such.
    pub shared_device: bool,
    /// The round's most answers from one device on one link (see
    /// `rounds.shared_device_limit`).
    pub shared_device_limit: i32,
    /// Keyed hash of the one-time access code, on links that need one.
    pub access_code_hash: Option<String>,
    /// Where the respondent lives, as answered on a county-level group's
    /// questionnaire (`PlaceItem::for_group`); counted in the tallies.
    pub place: Option<Location>,
}

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

/// The mark a submission's device claims.
pub fn device_key(s: &Submission) -> Option<DeviceKey> {
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
pub fn legacy_key(s: &Submission) -> Option<DeviceKey> {
    s.school_id?;
    s.device_hash
        .as_ref()
        .map(|h| (s.round_id, s.group.clone(), 0, h.clone()))
}

/// The submissions to judge: the first new one of each client id. Retries
/// of a stored client id pass untouched (the INSERT skips them and they get
/// their original receipt); repeats in the same batch share the first's fate.
pub fn fresh<'a>(batch: &[&'a Submission], stored: &HashSet<String>) -> Vec<&'a Submission> {
    let mut seen = HashSet::new();
    batch
        .iter()
        .copied()
        .filter(|s| !stored.contains(&s.client_id) && seen.insert(s.client_id.clone()))
        .collect()
}

/// The mark that decides a submission: a legacy group-wide mark keeps its
/// old meaning (this device answered the group), else the link's.
pub fn deciding_key(s: &Submission, legacy: &HashSet<DeviceKey>) -> Option<DeviceKey> {
    legacy_key(s)
        .filter(|k| legacy.contains(k))
        .or_else(|| device_key(s))
}

/// Which submission of `fresh` first claims each mark (those deciding by a
/// legacy mark claim none).
pub fn first_claims(
    fresh: &[&Submission],
    legacy: &HashSet<DeviceKey>,
) -> HashMap<DeviceKey, String> {
    let mut first: HashMap<DeviceKey, String> = HashMap::new();
    for s in fresh {
        if legacy_key(s).is_some_and(|k| legacy.contains(&k)) {
            continue;
        }
        if let Some(key) = device_key(s) {
            first.entry(key).or_insert_with(|| s.client_id.clone());
        }
    }
    first
}

/// What happens to a submission whose device already answered, when no
/// shared-phone answer was granted.
pub fn repeat(policy: DuplicatePolicy) -> Option<Refusal> {
    match policy {
        DuplicatePolicy::Refuse => Some(Refusal::DuplicateDevice),
        DuplicatePolicy::Flag => None,
    }
}

/// May this submission ask to count one more answer on its device's mark?
pub fn may_share(s: &Submission) -> bool {
    s.shared_device && s.shared_device_limit > 1
}

/// The batch as stored: refused submissions left out, flagged ones marked
/// as duplicate devices, shared-phone answers marked as such.
pub fn admitted(
    batch: &[&Submission],
    refused: HashMap<String, Refusal>,
    flagged: &HashSet<String>,
    shared: &HashMap<String, DeviceKey>,
) -> Admitted {
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
    Admitted { rows, refused }
}
