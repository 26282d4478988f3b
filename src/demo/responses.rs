//! Synthetic responses for the demo: plausible counts per school and group,
//! answers that vary by school, item and person, a few answered too fast,
//! and one coached burst of identical answers from one school.

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Asia::Shanghai;
use rand::{Rng, rngs::StdRng};

use crate::{
    domain::{
        group::RespondentGroup,
        questionnaire::{ItemKind, Questionnaire},
        round::Scale,
        submission::{RawAnswer, Validity, check_answers},
        tally::{MiddleTable, PlaceItem},
    },
    writer::Submission,
};

/// Where one link's responses come from.
pub struct Source<'a> {
    pub link_id: i64,
    pub group: RespondentGroup,
    pub school_id: Option<i64>,
    /// 城区 / 镇区 / 乡村 of the school, or None at county level.
    pub location: Option<&'a str>,
    /// How well the school (or the county, for county-level groups) is regarded.
    pub regard: f64,
    pub count: usize,
}

/// The round the responses belong to.
pub struct RoundFacts<'a> {
    pub id: i64,
    /// The round's county (stored on every response).
    pub county_id: i64,
    pub min_answer_seconds: i32,
    /// The round's answer scale (which option is the middle one).
    pub scale: Scale,
    pub opens_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
    pub questionnaire: &'a dyn Fn(RespondentGroup) -> Option<&'a Questionnaire>,
}

const COMMENTS: [&str; 8] = [
    "希望增加课后服务的活动种类",
    "作业量比以前少了，孩子睡眠时间有保证",
    "希望学校多开展体育活动",
    "老师很负责，感谢学校",
    "希望改善学校周边交通安全",
    "食堂饭菜质量还可以再提高",
    "希望多组织家长开放日",
    "乡村学校的音乐美术老师还是偏少",
];

/// Items on homework, after-school service and teacher workload are where
/// counties usually score lowest; they drag the demo's item bars down.
fn item_offset(topic: Option<&str>) -> f64 {
    match topic {
        Some("减负" | "减轻过重课业负担") => -0.07,
        Some("教师队伍") => -0.05,
        Some("素质教育") => -0.02,
        Some("资源共享" | "优质资源共享") => 0.01,
        _ => 0.0,
    }
}

/// A rough bell curve from the sum of uniforms, sd ≈ `sd`.
fn noise(rng: &mut StdRng, sd: f64) -> f64 {
    let sum: f64 = (0..4).map(|_| rng.random::<f64>()).sum::<f64>() - 2.0;
    sum * sd * 1.73
}

/// Answers for one respondent whose chance of recognising an item is about `p`.
fn answers(rng: &mut StdRng, q: &Questionnaire, p: f64, location: Option<&str>) -> Vec<RawAnswer> {
    let mut out = Vec::with_capacity(q.items.len());
    for item in &q.items {
        let option = match item.kind {
            ItemKind::Text => {
                if rng.random::<f64>() < 0.06 {
                    let text = COMMENTS[rng.random_range(0..COMMENTS.len())];
                    out.push(RawAnswer {
                        item: item.id.clone(),
                        option: None,
                        text: Some(text.to_string()),
                    });
                }
                continue;
            }
            ItemKind::Context => location
                .and_then(|l| item.options.iter().find(|o| o.label == l))
                .or_else(|| {
                    item.options
                        .get(rng.random_range(0..item.options.len().max(1)))
                })
                .map(|o| o.code),
            ItemKind::Scored => {
                let chance = (p + item_offset(item.topic.as_deref())).clamp(0.2, 0.995);
                let recognised: Vec<_> = item.options.iter().filter(|o| o.recognised).collect();
                let dont_know = item.options.iter().find(|o| o.dont_know);
                let other: Vec<_> = item
                    .options
                    .iter()
                    .filter(|o| !o.recognised && !o.dont_know)
                    .collect();
                let roll = rng.random::<f64>();
                let pick = if roll < 0.03 {
                    dont_know
                } else if rng.random::<f64>() < chance {
                    // Mostly the top option, sometimes the second.
                    let i = usize::from(recognised.len() > 1 && rng.random::<f64>() < 0.3);
                    recognised.get(i).copied()
                } else {
                    let i = usize::from(other.len() > 1 && rng.random::<f64>() < 0.35);
                    other.get(i).copied()
                };
                pick.or_else(|| item.options.first()).map(|o| o.code)
            }
        };
        out.push(RawAnswer {
            item: item.id.clone(),
            option,
            text: None,
        });
    }
    out
}

/// A time in the window so far, more often in the evening (Beijing time),
/// when parents read the class group chats.
fn when(rng: &mut StdRng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let span = (to - from).num_seconds().max(1);
    loop {
        let t = from + Duration::seconds(rng.random_range(0..span));
        let weight = match t.with_timezone(&Shanghai).hour() {
            0..=5 => 0.05,
            6..=11 => 0.4,
            12..=13 => 0.7,
            14..=18 => 0.45,
            19..=22 => 1.0,
            _ => 0.3,
        };
        if rng.random::<f64>() < weight {
            return t;
        }
    }
}

/// Builds the submissions of every source, checked against the round's
/// questionnaires exactly as a respondent's would be.
pub fn synthesise(
    rng: &mut StdRng,
    round: &RoundFacts<'_>,
    sources: &[Source<'_>],
) -> anyhow::Result<Vec<Submission>> {
    let mut subs = Vec::new();
    let until = round.now - Duration::minutes(5);
    for src in sources {
        let q = (round.questionnaire)(src.group)
            .ok_or_else(|| anyhow::anyhow!("no questionnaire for {}", src.group.code()))?;
        for _ in 0..src.count {
            let p = src.regard + noise(rng, 0.08);
            let raw = answers(rng, q, p, src.location);
            // About one in thirty clicks through in seconds.
            let seconds = if rng.random::<f64>() < 0.035 {
                rng.random_range(6..round.min_answer_seconds.max(7))
            } else {
                rng.random_range(55..420)
            };
            let at = when(rng, round.opens_at, until);
            subs.push(submission(round, src, q, &raw, at, seconds)?);
        }
    }
    Ok(subs)
}

/// Twelve parents of one school sending the same "standard answers" (all
/// 满意) within eight minutes: what a coached class group chat looks like.
pub fn coached_burst(
    rng: &mut StdRng,
    round: &RoundFacts<'_>,
    src: &Source<'_>,
) -> anyhow::Result<Vec<Submission>> {
    let q = (round.questionnaire)(src.group)
        .ok_or_else(|| anyhow::anyhow!("no questionnaire for {}", src.group.code()))?;
    let raw: Vec<RawAnswer> = q
        .items
        .iter()
        .filter(|i| i.kind != ItemKind::Text)
        .map(|i| RawAnswer {
            item: i.id.clone(),
            option: i.options.first().map(|o| o.code),
            text: None,
        })
        .collect();
    let start = round.now - Duration::hours(20);
    (0..12)
        .map(|n| {
            let at = start + Duration::seconds(n * 37 + rng.random_range(0..20));
            submission(round, src, q, &raw, at, rng.random_range(40..70))
        })
        .collect()
}

fn submission(
    round: &RoundFacts<'_>,
    src: &Source<'_>,
    q: &Questionnaire,
    raw: &[RawAnswer],
    at: DateTime<Utc>,
    seconds: i32,
) -> anyhow::Result<Submission> {
    let answers =
        check_answers(q, raw).map_err(|e| anyhow::anyhow!("demo answers: {}", e.message))?;
    let place = PlaceItem::for_group(q, src.group.code()).and_then(|p| p.place(&answers.encoded));
    let middle = MiddleTable::new(q, round.scale).count(&answers.encoded);
    // The same rule the respondent's submission goes through (survey::submit).
    let validity = if seconds < round.min_answer_seconds {
        Validity::TooFast
    } else {
        Validity::Valid
    };
    Ok(Submission {
        client_id: uuid::Uuid::new_v4().into(),
        county_id: round.county_id,
        round_id: round.id,
        link_id: src.link_id,
        school_id: src.school_id,
        group: src.group,
        submitted_at: at,
        duration_ms: i64::from(seconds) * 1000 + 317,
        validity,
        answers,
        // Synthetic responses come from no device and need no access code.
        device_hash: None,
        duplicate_policy: crate::domain::round::DuplicatePolicy::Flag,
        shared_device: false,
        shared_device_limit: 0,
        access_code_hash: None,
        place,
        middle,
        language: crate::domain::tally::PRIMARY_LANGUAGE.to_string(),
        room_session_id: None,
        mode: crate::domain::collection::CollectionMode::Web,
        sheet: None,
    })
}
