//! Room sessions (机房答题): a class answers on the computer room's PCs, one
//! pupil after another, while a session an organiser opened for the school's
//! link lasts. The rules here: when a session admits an answer (a stated
//! grace for answers started before it expired), and how a session's
//! answers are compared with its school's and the county's (coaching in the
//! room shows as identical vectors, few 一般/不满意, hurried answers).

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

use crate::integrity::NegativeShare;

/// A session lasts this long unless the organiser says otherwise.
pub const DEFAULT_MINUTES: i32 = 45;
/// The shortest and longest session that can be opened.
pub const MINUTES_RANGE: (i32, i32) = (5, 240);
/// Answers started before expiry are accepted for this long after it.
pub const DEFAULT_GRACE_MINUTES: i32 = 10;
/// The longest grace that can be set (0: none).
pub const MAX_GRACE_MINUTES: i32 = 60;

/// A session's time window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomWindow {
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub grace: Duration,
}

/// Why a session turns an answer (or a new pupil) away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomRefusal {
    /// The questionnaire was shown after the session had ended.
    StartedAfterEnd,
    /// Started in time, but sent after the grace had run out too.
    GracePassed,
    /// The start stamp is older than the session itself (a stale page).
    StartedBeforeOpening,
}

impl RoomWindow {
    /// Whether a new pupil may start (a fresh questionnaire is shown).
    pub fn accepts_new(&self, now: DateTime<Utc>) -> bool {
        now >= self.opened_at && now < self.expires_at
    }

    /// Whether an answer whose questionnaire was shown at `started` may be
    /// stored at `now`: always before expiry; after it, only if started
    /// before expiry and sent within the grace.
    pub fn admits(&self, started: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), RoomRefusal> {
        if started < self.opened_at {
            return Err(RoomRefusal::StartedBeforeOpening);
        }
        if now <= self.expires_at {
            return Ok(());
        }
        if started > self.expires_at {
            return Err(RoomRefusal::StartedAfterEnd);
        }
        if now <= self.expires_at + self.grace {
            Ok(())
        } else {
            Err(RoomRefusal::GracePassed)
        }
    }
}

/// The answers of one crowd (a session, its school, the county's group):
/// what the integrity panel compares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pattern {
    pub responses: u64,
    /// Answers whose full answer vector another answer of the crowd shares.
    pub identical: u64,
    /// The largest set of identical vectors.
    pub largest: u64,
    pub negative: NegativeShare,
    /// Median seconds per item.
    pub seconds_per_item: Option<f64>,
}

impl Pattern {
    pub fn identical_share(&self) -> Option<f64> {
        (self.responses > 0).then(|| self.identical as f64 / self.responses as f64)
    }
}

/// One answer as the comparison needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerSketch<'a> {
    /// The encoded answer vector.
    pub vector: &'a str,
    pub recognised: i64,
    pub judged: i64,
    pub duration_ms: i64,
}

/// The pattern of a crowd of answers.
pub fn pattern(answers: &[AnswerSketch<'_>]) -> Pattern {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for a in answers {
        *counts.entry(a.vector).or_default() += 1;
    }
    let identical = counts.values().filter(|&&n| n > 1).sum();
    let largest = counts.values().copied().max().unwrap_or(0);
    let mut negative = NegativeShare::default();
    let mut per_item: Vec<f64> = Vec::with_capacity(answers.len());
    for a in answers {
        negative.negative += (a.judged - a.recognised).max(0);
        negative.judged += a.judged.max(0);
        let items = a.vector.chars().count();
        if items > 0 {
            per_item.push(a.duration_ms.max(0) as f64 / 1000.0 / items as f64);
        }
    }
    Pattern {
        responses: answers.len() as u64,
        identical,
        largest,
        negative,
        seconds_per_item: median(&mut per_item),
    }
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 0 {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

/// Why a session stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomFlag {
    /// At least half its answers share a vector with another answer of the
    /// session, 25 points above the school and the county.
    IdenticalVectors,
    /// Under half the share of 一般/不满意 of its school or of the county.
    FewNegatives,
    /// Under half the county's median time per item.
    Hurried,
}

impl RoomFlag {
    pub fn code(self) -> &'static str {
        match self {
            Self::IdenticalVectors => "identical_vectors",
            Self::FewNegatives => "few_negatives",
            Self::Hurried => "hurried",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::IdenticalVectors => "完全相同的答卷明显多于本校和全县",
            Self::FewNegatives => "“一般/不满意”的比例不到本校或全县的一半",
            Self::Hurried => "每题用时不到全县中位数的一半",
        }
    }
}

/// The flags of a session compared with its school and the county; a
/// session with fewer than `min_n` answers is never flagged (too few to say).
pub fn assess(session: &Pattern, school: &Pattern, county: &Pattern, min_n: u64) -> Vec<RoomFlag> {
    let mut flags = Vec::new();
    if session.responses < min_n {
        return flags;
    }
    if let Some(s) = session.identical_share() {
        let others = [school.identical_share(), county.identical_share()];
        if s >= 0.5 && others.iter().flatten().all(|o| s - o >= 0.25) {
            flags.push(RoomFlag::IdenticalVectors);
        }
    }
    if let Some(s) = session.negative.share() {
        let below = |c: Option<f64>| c.is_some_and(|c| c > 0.0 && s < 0.5 * c);
        if below(school.negative.share()) || below(county.negative.share()) {
            flags.push(RoomFlag::FewNegatives);
        }
    }
    if let (Some(s), Some(c)) = (session.seconds_per_item, county.seconds_per_item) {
        if s < 0.5 * c {
            flags.push(RoomFlag::Hurried);
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(min)
    }

    fn window() -> RoomWindow {
        RoomWindow {
            opened_at: t(0),
            expires_at: t(45),
            grace: Duration::minutes(10),
        }
    }

    #[test]
    fn answers_started_before_expiry_are_admitted_within_the_grace_only() {
        let w = window();
        assert_eq!(w.admits(t(1), t(30)), Ok(()));
        assert_eq!(w.admits(t(40), t(45)), Ok(()), "at expiry itself");
        assert_eq!(
            w.admits(t(40), t(54)),
            Ok(()),
            "started before, within grace"
        );
        assert_eq!(w.admits(t(45), t(55)), Ok(()), "the grace's last moment");
        assert_eq!(w.admits(t(40), t(56)), Err(RoomRefusal::GracePassed));
        assert_eq!(w.admits(t(46), t(47)), Err(RoomRefusal::StartedAfterEnd));
        assert_eq!(
            w.admits(t(-1), t(5)),
            Err(RoomRefusal::StartedBeforeOpening)
        );
        assert!(w.accepts_new(t(44)));
        assert!(!w.accepts_new(t(45)));
        let none = RoomWindow {
            grace: Duration::zero(),
            ..w
        };
        assert_eq!(none.admits(t(40), t(46)), Err(RoomRefusal::GracePassed));
    }

    fn a(vector: &str, recognised: i64, secs: i64) -> AnswerSketch<'_> {
        AnswerSketch {
            vector,
            recognised,
            judged: 10,
            duration_ms: secs * 1000,
        }
    }

    #[test]
    fn a_pattern_counts_identical_vectors_negatives_and_the_median_time_per_item() {
        let p = pattern(&[
            a("1111111111", 10, 100),
            a("1111111111", 10, 200),
            a("1211111111", 9, 300),
            a("3333333333", 0, 400),
        ]);
        assert_eq!((p.responses, p.identical, p.largest), (4, 2, 2));
        assert_eq!(
            p.negative,
            NegativeShare {
                negative: 11,
                judged: 40
            }
        );
        // 10, 20, 30, 40 seconds per item → median 25.
        assert_eq!(p.seconds_per_item, Some(25.0));
        assert_eq!(pattern(&[]).seconds_per_item, None);
    }

    #[test]
    fn a_coached_session_is_flagged_an_ordinary_one_is_not() {
        // County and school: varied answers, about 20% 一般/不满意, 30 s an item.
        let varied: Vec<String> = (0..40).map(|i| format!("{:010}", i * 7919)).collect();
        let crowd: Vec<AnswerSketch> = varied
            .iter()
            .enumerate()
            .map(|(i, v)| a(v, if i % 5 == 0 { 0 } else { 10 }, 300))
            .collect();
        let county = pattern(&crowd);
        let school = pattern(&crowd[..20]);
        let coached: Vec<AnswerSketch> = (0..12).map(|_| a("1111111111", 10, 60)).collect();
        let flags = assess(&pattern(&coached), &school, &county, 5);
        assert_eq!(
            flags,
            [
                RoomFlag::IdenticalVectors,
                RoomFlag::FewNegatives,
                RoomFlag::Hurried
            ]
        );
        let ordinary = pattern(&crowd[20..32]);
        assert!(assess(&ordinary, &school, &county, 5).is_empty());
        // Too few answers to say anything.
        assert!(assess(&pattern(&coached[..4]), &school, &county, 5).is_empty());
    }
}
