//! What the room-session endpoints answer: each session with its counts and
//! how its answers compare with its school's and the county's.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use std::collections::HashMap;

use super::types::{GroupDto, ValidityDto};
use crate::{
    domain::{
        group::RespondentGroup,
        rooms::{AnswerSketch, Pattern, RoomFlag, assess, pattern},
    },
    store::{
        links::LinkRow,
        rooms::{AnswerRow, RoomSession, SessionAnswer, SessionCounts},
    },
    survey,
};

/// A reason a session stands out.
#[derive(Debug, Clone, Object)]
pub struct RoomFlagOut {
    /// `identical_vectors`, `few_negatives` or `hurried`.
    pub code: String,
    pub label: String,
}

/// A crowd's pattern: a session's, its school's (same link) or the county's
/// (the group across the round).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PatternOut {
    pub responses: u64,
    /// Share of answers whose whole answer vector another answer shares.
    pub identical_share: Option<f64>,
    /// The largest set of identical answer vectors.
    pub largest_identical: u64,
    /// Share of 一般/不满意 (judged, not recognised) among judged answers.
    pub negative_share: Option<f64>,
    /// Median seconds per item.
    pub seconds_per_item: Option<f64>,
}

impl From<&Pattern> for PatternOut {
    fn from(p: &Pattern) -> Self {
        Self {
            responses: p.responses,
            identical_share: p.identical_share(),
            largest_identical: p.largest,
            negative_share: p.negative.share(),
            seconds_per_item: p.seconds_per_item,
        }
    }
}

/// A room session (机房答题).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RoomSessionOut {
    pub id: i64,
    pub round_id: i64,
    pub link_id: i64,
    pub group: GroupDto,
    pub group_label: String,
    pub school_id: Option<i64>,
    pub school_name: Option<String>,
    /// The 8-digit code the room's PCs type at `/r`.
    pub code: String,
    /// The page the room's PCs open (`{base}/r/{code}`).
    pub url: String,
    /// Who opened it, as the audit log names them.
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    /// No new pupil starts after this (closing early moves it).
    pub expires_at: DateTime<Utc>,
    /// Answers shown before `expires_at` are accepted this long after it.
    pub grace_minutes: i32,
    pub closed_at: Option<DateTime<Utc>>,
    /// New pupils may start now.
    pub open: bool,
    /// Answers stored in the session, and those that count.
    pub answers: u64,
    pub valid: u64,
    pub pattern: PatternOut,
    pub school_pattern: PatternOut,
    pub county_pattern: PatternOut,
    /// Why the session stands out, if it does (sessions with fewer answers
    /// than the report's minimum n are never flagged).
    pub flags: Vec<RoomFlagOut>,
}

#[derive(Debug, Clone, Object)]
pub struct RoomSessionsOut {
    /// How sessions are compared, in words.
    pub rule: String,
    pub sessions: Vec<RoomSessionOut>,
}

pub const RULE: &str = "每个机房答题场次与本校同一问卷（同一链接）及全县同一群体的全部答卷比较：\
完全相同答卷的比例达到一半且比本校和全县都高出25个百分点以上、“一般/不满意”比例不到本校或全县的一半、\
每题用时中位数不到全县的一半，即标记为异常。答卷数少于报告最小样本量的场次不作标记。标记仅供审核，不改变认可度。";

fn sketches(rows: &[&AnswerRow]) -> Pattern {
    let list: Vec<AnswerSketch> = rows
        .iter()
        .map(|r| AnswerSketch {
            vector: &r.answers,
            recognised: r.recognised,
            judged: r.judged,
            duration_ms: r.duration_ms,
        })
        .collect();
    pattern(&list)
}

/// Every session of a round, with its counts and comparison. `answers`:
/// the round's stored answers of each session's group, by group code.
pub fn sessions_out(
    base: &str,
    sessions: Vec<RoomSession>,
    links: &[LinkRow],
    counts: &HashMap<i64, SessionCounts>,
    answers: &HashMap<String, Vec<AnswerRow>>,
    min_n: u64,
    now: DateTime<Utc>,
) -> RoomSessionsOut {
    let mut out = Vec::with_capacity(sessions.len());
    for s in sessions {
        let Some(row) = links.iter().find(|l| l.link.id == s.link_id) else {
            continue;
        };
        let group = row.link.group.unwrap_or(RespondentGroup::Student);
        let empty = Vec::new();
        let all = answers.get(group.code()).unwrap_or(&empty);
        let county: Vec<&AnswerRow> = all.iter().collect();
        let school: Vec<&AnswerRow> = all
            .iter()
            .filter(|a| a.school_id == row.link.school_id)
            .collect();
        let own: Vec<&AnswerRow> = all
            .iter()
            .filter(|a| a.room_session_id == Some(s.id))
            .collect();
        let (p, ps, pc) = (sketches(&own), sketches(&school), sketches(&county));
        let flags = assess(&p, &ps, &pc, min_n)
            .into_iter()
            .map(|f: RoomFlag| RoomFlagOut {
                code: f.code().into(),
                label: f.label_zh().into(),
            })
            .collect();
        let c = counts.get(&s.id).copied().unwrap_or_default();
        out.push(RoomSessionOut {
            id: s.id,
            round_id: s.round_id,
            link_id: s.link_id,
            group: group.into(),
            group_label: group.label_zh().into(),
            school_id: row.link.school_id,
            school_name: row.school.as_ref().map(|x| x.name.clone()),
            url: format!("{base}/r/{}", s.code),
            open: survey::room_window(&s).accepts_new(now),
            code: s.code,
            opened_by: s.opened_by_name,
            opened_at: s.opened_at,
            expires_at: s.expires_at,
            grace_minutes: s.grace_minutes,
            closed_at: s.closed_at,
            answers: c.answers,
            valid: c.valid,
            pattern: (&p).into(),
            school_pattern: (&ps).into(),
            county_pattern: (&pc).into(),
            flags,
        });
    }
    RoomSessionsOut {
        rule: RULE.into(),
        sessions: out,
    }
}

/// One answer of a session, for reviewing them together.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RoomAnswerOut {
    pub id: i64,
    pub submitted_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub validity: ValidityDto,
    /// The answer vector: one option code per item, in item order.
    pub answers: String,
    pub recognised: i32,
    pub judged: i32,
    /// How many answers of the session share this exact vector (1: unique).
    pub same_vector: u64,
}

/// A session's answers as a group.
#[derive(Debug, Clone, Object)]
pub struct RoomAnswersOut {
    pub session: RoomSessionOut,
    pub answers: Vec<RoomAnswerOut>,
}

pub fn answers_out(session: RoomSessionOut, rows: Vec<SessionAnswer>) -> RoomAnswersOut {
    let mut same: HashMap<String, u64> = HashMap::new();
    for r in &rows {
        *same.entry(r.answers.clone()).or_default() += 1;
    }
    RoomAnswersOut {
        session,
        answers: rows
            .into_iter()
            .map(|r| RoomAnswerOut {
                id: r.id,
                submitted_at: r.submitted_at,
                duration_ms: r.duration_ms,
                validity: r.validity.into(),
                same_vector: same.get(&r.answers).copied().unwrap_or(1),
                answers: r.answers,
                recognised: r.recognised,
                judged: r.judged,
            })
            .collect(),
    }
}
