//! The integrity panel by source: phone answers, keyed paper sheets and
//! interviews examined apart, and who keyed how many sheets.

use poem_openapi::Object;

use super::types::GroupDto;
use crate::{
    domain::{collection::CollectionMode, integrity::IdenticalStats},
    store::{
        paper_keyed::ClerkKeying,
        reports::{LinkIntegrity, RoundData},
    },
};

/// Identical answer vectors among one school's (or the county's) group.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct IdenticalOut {
    pub school_id: Option<i64>,
    pub school_name: Option<String>,
    pub group: GroupDto,
    pub group_label: String,
    pub responses: u64,
    /// Responses whose scored answers exactly match at least one other response's.
    pub identical: u64,
    pub identical_share: Option<f64>,
    /// The largest set of identical answer vectors.
    pub largest: u64,
}

/// One link's identical answers as the panel shows them.
pub fn identical_out(data: &RoundData, l: &LinkIntegrity) -> IdenticalOut {
    IdenticalOut {
        school_id: l.link.school_id,
        school_name: data.school(l.link.school_id).map(|s| s.name.clone()),
        group: l.link.group.into(),
        group_label: l.link.group.label_zh().to_string(),
        responses: l.stats.responses,
        identical: l.stats.identical,
        identical_share: l.stats.share(),
        largest: l.stats.largest,
    }
}

/// Identical answers among one source's valid responses. Identical phone
/// answers hint at coaching; identical keyed sheets of one link at a sheet
/// keyed twice or photocopied sheets; identical interviews at an
/// interviewer repeating a record. Each is a signal of its own.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SourceIntegrityOut {
    /// `web`, `paper` or `interview`.
    pub mode: String,
    pub mode_label: String,
    /// What identical answers from this source may mean, in words.
    pub signal: String,
    /// Valid responses from this source.
    pub responses: u64,
    /// Of them, identical (scored answers) to another response of the same
    /// link and source.
    pub identical: u64,
    pub identical_share: Option<f64>,
    /// The largest set of identical answers in one link.
    pub largest: u64,
    /// Per school and group (links with responses from this source).
    pub links: Vec<IdenticalOut>,
}

/// What one data-entry clerk keyed in the round: counts only, never which
/// answers.
#[derive(Debug, Clone, Object)]
pub struct ClerkKeyingOut {
    pub username: String,
    /// Counted sheets whose first (or only) entry the clerk keyed.
    pub sheets: u64,
    /// Of them, sheets whose marks (every item) equal another sheet the
    /// same clerk keyed for the same link.
    pub identical: u64,
    /// Second entries (double entry) the clerk keyed.
    pub second_entries: u64,
}

fn signal(mode: CollectionMode) -> &'static str {
    match mode {
        CollectionMode::Web => {
            "手机答卷计分题答案完全相同：可能是统一口径、代答（见上方相同答案与集中提交）"
        }
        CollectionMode::Paper => {
            "同一链接（学校与对象）的纸质问卷录入结果完全相同：可能是同一张问卷录入两次或复印的问卷，请核对原件"
        }
        CollectionMode::Interview => {
            "同一链接的访谈记录完全相同：可能是同一次访谈重复记录，请向访谈员核实"
        }
    }
}

fn label(mode: CollectionMode) -> &'static str {
    match mode {
        CollectionMode::Web => "手机扫码填写",
        CollectionMode::Paper => "纸质问卷（录入）",
        CollectionMode::Interview => "现场访谈",
    }
}

/// One source's summary from its links.
pub fn source_out(
    mode: CollectionMode,
    links: &[LinkIntegrity],
    identical: impl Fn(&LinkIntegrity) -> IdenticalOut,
) -> SourceIntegrityOut {
    let mut total = IdenticalStats::default();
    for l in links {
        total.responses += l.stats.responses;
        total.identical += l.stats.identical;
        total.largest = total.largest.max(l.stats.largest);
    }
    SourceIntegrityOut {
        mode: mode.code().to_string(),
        mode_label: label(mode).to_string(),
        signal: signal(mode).to_string(),
        responses: total.responses,
        identical: total.identical,
        identical_share: total.share(),
        largest: total.largest,
        links: links.iter().map(identical).collect(),
    }
}

impl From<&ClerkKeying> for ClerkKeyingOut {
    fn from(c: &ClerkKeying) -> Self {
        Self {
            username: c.username.clone(),
            sheets: c.first.sheets,
            identical: c.first.identical,
            second_entries: c.second,
        }
    }
}
