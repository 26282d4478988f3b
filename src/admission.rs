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
    client_id::ClientId,
    collection::CollectionMode,
    group::RespondentGroup,
    round::DuplicatePolicy,
    school::Location,
    submission::{CheckedAnswers, Validity},
};

/// A checked response ready to store.
#[derive(Debug, Clone)]
pub struct Submission {
    pub client_id: ClientId,
    /// The link's county, stored on the response and its tallies.
    pub county_id: i64,
    pub round_id: i64,
    pub link_id: i64,
    pub school_id: Option<i64>,
    pub group: RespondentGroup,
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
    /// Counted answers that chose the scale's middle option (tallied so the
    /// sensitivity table reads the other reading without the responses).
    pub middle: i32,
    /// The language the questionnaire was answered in (`zh`, or one of the
    /// round's additional languages).
    pub language: String,
    /// The room session (机房答题) it was answered in: such an answer
    /// carries no device hash (pupils take turns on one PC), so it is never
    /// a repeat of its PC.
    pub room_session_id: Option<i64>,
    /// How the response was collected (web, paper sheet, interview).
    pub mode: CollectionMode,
    /// A paper sheet's serial, claimed in the same transaction (sheets only).
    pub sheet: Option<SheetClaim>,
}

/// What a keyed paper sheet claims when its response is stored: its serial
/// in the round (a new sheet), or the counting of a sheet entered twice.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetClaim {
    /// A sheet entered once: its serial must be new in the round.
    New(NewSheet),
    /// A sheet already stored (double entry): it gets its response now,
    /// unless it already has one.
    Finalise { sheet_id: i64, status: String },
}

/// A sheet row stored with its response.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSheet {
    /// The link's county.
    pub county_id: i64,
    pub round_id: i64,
    pub link_id: i64,
    pub serial: String,
    pub marks: String,
    pub entered_by: i64,
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
    /// A paper sheet with this serial is already stored in the round.
    SheetSerialUsed,
}

/// A submission's client id under its link's county: the key responses
/// are stored and found under (`store::responses`).
pub type ClientKey = (i64, ClientId);

impl Submission {
    pub fn key(&self) -> ClientKey {
        (self.county_id, self.client_id.clone())
    }
}

/// A batch after admission.
pub struct Admitted {
    /// What to insert, with each response's final validity and mark.
    pub rows: Vec<Submission>,
    /// Refused submissions, by key.
    pub refused: HashMap<ClientKey, Refusal>,
}

/// A device mark's key: round, group, link (0 for county-level groups and
/// for marks from before marks were per link), keyed device hash.
pub type DeviceKey = (i64, RespondentGroup, i64, String);

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
            s.group,
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
        .map(|h| (s.round_id, s.group, 0, h.clone()))
}

/// The submissions to judge: the first new one of each client id. Retries
/// of a stored client id pass untouched (the INSERT skips them and they get
/// their original receipt); repeats in the same batch share the first's fate.
pub fn fresh<'a>(batch: &[&'a Submission], stored: &HashSet<ClientKey>) -> Vec<&'a Submission> {
    let mut seen = HashSet::new();
    batch
        .iter()
        .copied()
        .filter(|s| {
            let key = s.key();
            !stored.contains(&key) && seen.insert(key)
        })
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
) -> HashMap<DeviceKey, ClientId> {
    let mut first: HashMap<DeviceKey, ClientId> = HashMap::new();
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
    refused: HashMap<ClientKey, Refusal>,
    flagged: &HashSet<ClientKey>,
    shared: &HashMap<ClientKey, DeviceKey>,
) -> Admitted {
    let rows = batch
        .iter()
        .filter(|s| !refused.contains_key(&s.key()))
        .map(|s| {
            let mut s = (*s).clone();
            let key = s.key();
            if flagged.contains(&key) {
                s.validity = Validity::DuplicateDevice;
            }
            s.shared_device = shared.contains_key(&key);
            s
        })
        .collect();
    Admitted { rows, refused }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::submission::ResponseScore;

    /// The client id named `name` (at most 16 bytes): its bytes in hex.
    fn id(name: &str) -> ClientId {
        ClientId::parse(&format!("{:0>32}", hex::encode(name))).unwrap()
    }

    /// A submission named `client_id` on link 7 of round 1 (school 3 when
    /// `school`), from device `device` if given.
    fn sub(client_id: &str, school: bool, device: Option<&str>) -> Submission {
        Submission {
            client_id: id(client_id),
            round_id: 1,
            county_id: 1,
            link_id: 7,
            school_id: school.then_some(3),
            group: RespondentGroup::Parent,
            submitted_at: DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap(),
            duration_ms: 60_000,
            validity: Validity::Valid,
            answers: CheckedAnswers {
                encoded: "1".into(),
                texts: Default::default(),
                score: ResponseScore::default(),
                fingerprint: "f".into(),
            },
            device_hash: device.map(str::to_string),
            duplicate_policy: DuplicatePolicy::Flag,
            shared_device: false,
            shared_device_limit: 1,
            access_code_hash: None,
            place: None,
            middle: 0,
            language: "zh".into(),
            room_session_id: None,
            mode: CollectionMode::Web,
            sheet: None,
        }
    }

    fn key(link: i64, device: &str) -> DeviceKey {
        (1, RespondentGroup::Parent, link, device.into())
    }

    #[test]
    fn school_links_keep_their_own_mark_county_groups_share_link_0() {
        assert_eq!(mark_link(Some(3), 7), 7);
        assert_eq!(mark_link(None, 7), 0);
        assert_eq!(device_key(&sub("a", true, Some("d"))), Some(key(7, "d")));
        assert_eq!(device_key(&sub("a", false, Some("d"))), Some(key(0, "d")));
        assert_eq!(device_key(&sub("a", true, None)), None);
        // Only school-level submissions can hold a legacy group-wide mark.
        assert_eq!(legacy_key(&sub("a", true, Some("d"))), Some(key(0, "d")));
        assert_eq!(legacy_key(&sub("a", false, Some("d"))), None);
    }

    #[test]
    fn only_the_first_new_submission_of_a_client_id_is_judged() {
        let (a, a2, b, c) = (
            sub("a", true, None),
            sub("a", true, None),
            sub("b", true, None),
            sub("c", true, None),
        );
        let stored = HashSet::from([(1, id("b"))]);
        let fresh = fresh(&[&a, &b, &a2, &c], &stored);
        let ids: Vec<&ClientId> = fresh.iter().map(|s| &s.client_id).collect();
        assert_eq!(ids, [&id("a"), &id("c")]);
    }

    #[test]
    fn a_client_id_is_fresh_in_another_county() {
        let stored = HashSet::from([(1, id("a"))]);
        let (here, mut there, mut there_again) = (
            sub("a", true, None),
            sub("a", true, None),
            sub("a", true, None),
        );
        there.county_id = 2;
        there_again.county_id = 2;
        let fresh = fresh(&[&here, &there, &there_again], &stored);
        let keys: Vec<ClientKey> = fresh.iter().map(|s| s.key()).collect();
        assert_eq!(keys, [(2, id("a"))]);
    }

    #[test]
    fn a_legacy_mark_decides_and_claims_nothing_else_the_first_claimant_wins() {
        let old = sub("old", true, Some("d1"));
        let first = sub("first", true, Some("d2"));
        let second = sub("second", true, Some("d2"));
        let legacy = HashSet::from([key(0, "d1")]);
        assert_eq!(deciding_key(&old, &legacy), Some(key(0, "d1")));
        assert_eq!(deciding_key(&first, &legacy), Some(key(7, "d2")));
        let claims = first_claims(&[&old, &first, &second], &legacy);
        assert_eq!(claims, HashMap::from([(key(7, "d2"), id("first"))]));
    }

    #[test]
    fn a_repeat_is_refused_or_flagged_per_the_rounds_policy() {
        assert_eq!(
            repeat(DuplicatePolicy::Refuse),
            Some(Refusal::DuplicateDevice)
        );
        assert_eq!(repeat(DuplicatePolicy::Flag), None);
        let mut s = sub("a", true, Some("d"));
        assert!(!may_share(&s));
        s.shared_device = true;
        assert!(!may_share(&s), "a limit of 1 allows no second answer");
        s.shared_device_limit = 2;
        assert!(may_share(&s));
    }

    #[test]
    fn the_admitted_batch_drops_refusals_and_marks_flags_and_shared_phones() {
        let mut asked = sub("shared", true, Some("d"));
        asked.shared_device = true;
        let (ok, flagged, refused) = (
            sub("ok", true, None),
            sub("flagged", true, None),
            sub("refused", true, None),
        );
        let out = admitted(
            &[&ok, &flagged, &refused, &asked],
            HashMap::from([((1, id("refused")), Refusal::AccessCodeUsed)]),
            &HashSet::from([(1, id("flagged"))]),
            &HashMap::from([((1, id("shared")), key(7, "d"))]),
        );
        let rows: Vec<(ClientId, Validity, bool)> = out
            .rows
            .iter()
            .map(|s| (s.client_id.clone(), s.validity, s.shared_device))
            .collect();
        assert_eq!(
            rows,
            [
                (id("ok"), Validity::Valid, false),
                (id("flagged"), Validity::DuplicateDevice, false),
                (id("shared"), Validity::Valid, true),
            ]
        );
        assert_eq!(
            out.refused.get(&(1, id("refused"))),
            Some(&Refusal::AccessCodeUsed)
        );
    }
}
