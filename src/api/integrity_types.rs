//! The integrity panel as the API shows it.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use std::collections::{BTreeMap, HashMap};

use super::integrity_sources::{
    ClerkKeyingOut, IdenticalOut, SourceIntegrityOut, identical_out, source_out,
};
use super::{rounds::RoundSummary, types::GroupDto};
use crate::{
    domain::collection::CollectionMode,
    domain::{
        integrity::{
            BurstRule, NegativeShare, SharedShare, unusually_few_negatives, unusually_many_shared,
        },
        tally::VALID,
    },
    store::{
        paper_keyed::ClerkKeying,
        reports::{Integrity, RoundData},
    },
};

/// Many identical answer vectors in a short window: a sign of coaching.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct BurstOut {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub school_id: Option<i64>,
    pub school_name: Option<String>,
    pub group: GroupDto,
    pub group_label: String,
    pub count: u64,
    /// The scored answers, one option code per item.
    pub vector: String,
}

/// A school's share of 一般/不满意 answers next to the county's.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct NegativeOut {
    pub school_id: i64,
    pub school_name: String,
    /// Valid scored responses of the school.
    pub responses: u64,
    /// 一般/不满意 answers (judged, not recognised).
    pub negative: i64,
    /// Answers other than 不了解.
    pub judged: i64,
    pub share: Option<f64>,
    pub county_share: Option<f64>,
    /// Under half the county's share with at least min_n responses.
    pub flagged: bool,
}

/// A school's share of answers from a shared household phone next to the
/// county's.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SharedDeviceOut {
    pub school_id: i64,
    pub school_name: String,
    /// Valid responses of the school (all groups).
    pub responses: u64,
    /// Of them, answered on a phone that had already answered the same link
    /// (a household member, after confirming it).
    pub shared_device: u64,
    pub share: Option<f64>,
    pub county_share: Option<f64>,
    /// At least twice the county's share and 10 points above it, with at
    /// least min_n responses.
    pub flagged: bool,
}

/// Signs of coached answering for reviewers; they do not change the rates.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct IntegrityOut {
    pub round: RoundSummary,
    /// How identical vectors, bursts and flags are found, in words.
    pub rule: String,
    pub burst_min_count: u32,
    pub burst_window_minutes: u32,
    /// Identical answer vectors among phone (web) answers only; keyed
    /// sheets and interviews are in `sources`.
    pub identical: Vec<IdenticalOut>,
    /// Bursts among phone (web) answers only.
    pub bursts: Vec<BurstOut>,
    /// Identical answers source by source (phone, paper, interview), each
    /// its own signal: every source is listed, with its counts.
    pub sources: Vec<SourceIntegrityOut>,
    /// Who keyed how many paper sheets (counts only, never which answers).
    pub paper_clerks: Vec<ClerkKeyingOut>,
    pub county_negative_share: Option<f64>,
    pub negatives: Vec<NegativeOut>,
    /// The county's share of valid school-level responses from a shared
    /// household phone.
    pub county_shared_device_share: Option<f64>,
    pub shared_device: Vec<SharedDeviceOut>,
    /// Computer-room sessions, each compared with its school and the
    /// county and flagged when it stands out (none when the round has no
    /// session).
    pub room_sessions: Option<super::room_types::RoomSessionsOut>,
}

/// Valid and shared-device responses per school, and the county's.
fn shared_shares(data: &RoundData) -> (SharedShare, BTreeMap<i64, SharedShare>) {
    let mut valid: HashMap<i64, u64> = HashMap::new();
    for (k, s) in &data.tallies.classes {
        if k.validity == VALID {
            *valid.entry(k.link_id).or_default() += s.responses.max(0) as u64;
        }
    }
    let mut schools: BTreeMap<i64, SharedShare> = BTreeMap::new();
    let mut county = SharedShare::default();
    for l in &data.links {
        let Some(school) = l.school_id else { continue };
        let add = SharedShare {
            shared: data.shared.get(&l.id).copied().unwrap_or(0),
            responses: valid.get(&l.id).copied().unwrap_or(0),
        };
        let e = schools.entry(school).or_default();
        e.shared += add.shared;
        e.responses += add.responses;
        county.shared += add.shared;
        county.responses += add.responses;
    }
    (county, schools)
}

pub fn integrity_out(
    data: &RoundData,
    found: &Integrity,
    clerks: &[ClerkKeying],
    rule: BurstRule,
    min_n: u64,
) -> IntegrityOut {
    let links = &found.phone;
    let name = |id: Option<i64>| data.school(id).map(|s| s.name.clone());
    let (county, schools) = data.input(min_n).negative_shares();
    let report = data.report(min_n);
    let window = rule.window.num_minutes().max(0) as u32;
    let (shared_county, shared_schools) = shared_shares(data);
    IntegrityOut {
        round: (&data.detail.round).into(),
        rule: format!(
            "相同答案：计分题答案完全相同（不含背景题和意见）；集中提交：同一学校同一类对象{}分钟内至少{}份相同答案；\
             以上两项只看手机答卷，纸质问卷录入与现场访谈的相同答案按来源分列（同一链接内比较），不与手机答卷混合；\
             “一般/不满意”占比不足全县一半且有效问卷不少于{min_n}份的学校标注提醒；\
             “同一设备的家庭成员”答卷占比达到全县两倍且高出10个百分点、有效问卷不少于{min_n}份的学校标注提醒。以上仅供核查，不影响认可率。",
            window, rule.min_count
        ),
        burst_min_count: rule.min_count as u32,
        burst_window_minutes: window,
        identical: links.iter().map(|l| identical_out(data, l)).collect(),
        bursts: links
            .iter()
            .flat_map(|l| l.bursts.iter().map(move |b| (l, b)))
            .map(|(l, b)| BurstOut {
                start: b.start,
                end: b.end,
                school_id: l.link.school_id,
                school_name: name(l.link.school_id),
                group: l.link.group.into(),
                group_label: l.link.group.label_zh().to_string(),
                count: b.count,
                vector: b.vector.clone(),
            })
            .collect(),
        sources: [
            (CollectionMode::Web, &found.phone),
            (CollectionMode::Paper, &found.paper),
            (CollectionMode::Interview, &found.interview),
        ]
        .into_iter()
        .map(|(mode, links)| source_out(mode, links, |l| identical_out(data, l)))
        .collect(),
        paper_clerks: clerks.iter().map(ClerkKeyingOut::from).collect(),
        county_negative_share: county.share(),
        negatives: report
            .schools
            .iter()
            .map(|(s, e)| {
                let share = schools
                    .get(&s.id)
                    .copied()
                    .unwrap_or(NegativeShare::default());
                NegativeOut {
                    school_id: s.id,
                    school_name: s.name.clone(),
                    responses: e.n,
                    negative: share.negative,
                    judged: share.judged,
                    share: share.share(),
                    county_share: county.share(),
                    flagged: unusually_few_negatives(share, county, e.n, min_n),
                }
            })
            .collect(),
        county_shared_device_share: shared_county.share(),
        shared_device: data
            .schools
            .iter()
            .map(|s| {
                let share = shared_schools.get(&s.id).copied().unwrap_or_default();
                SharedDeviceOut {
                    school_id: s.id,
                    school_name: s.name.clone(),
                    responses: share.responses,
                    shared_device: share.shared,
                    share: share.share(),
                    county_share: shared_county.share(),
                    flagged: unusually_many_shared(share, shared_county, min_n),
                }
            })
            .collect(),
        room_sessions: None,
    }
}
