//! Responses over time for the live monitor: the 10-minute counts the
//! writer keeps, summed into the interval a reader asks for. Days start at
//! midnight in China (UTC+8, no daylight saving).

use std::collections::BTreeMap;

use super::{
    group::RespondentGroup,
    submission::Validity,
    tally::{TIMELINE_STEP, VALID},
};

/// China's offset from UTC, in seconds.
const CHINA_OFFSET: i64 = 8 * 3600;

/// The intervals a reader may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    TenMinutes,
    Hour,
    Day,
}

impl Interval {
    pub fn from_minutes(minutes: u32) -> Option<Self> {
        match minutes {
            10 => Some(Self::TenMinutes),
            60 => Some(Self::Hour),
            1440 => Some(Self::Day),
            _ => None,
        }
    }

    pub fn minutes(self) -> u32 {
        match self {
            Self::TenMinutes => 10,
            Self::Hour => 60,
            Self::Day => 1440,
        }
    }

    /// The start of the interval (seconds since 1970) an instant falls in.
    pub fn start_of(self, unix_seconds: i64) -> i64 {
        let step = i64::from(self.minutes()) * 60;
        debug_assert!(step % TIMELINE_STEP == 0);
        let local = unix_seconds + CHINA_OFFSET;
        local.div_euclid(step) * step - CHINA_OFFSET
    }
}

/// One group's responses in one interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub start: i64,
    pub group: RespondentGroup,
    pub valid: i64,
    /// Responses kept but not counted (too fast, duplicate device, …).
    pub invalid: i64,
}

/// One stored count: `n` responses of `group` with `validity` committed in
/// the 10-minute interval starting at `bucket_start`.
#[derive(Debug, Clone, Copy)]
pub struct Count {
    pub group: RespondentGroup,
    pub validity: Validity,
    pub bucket_start: i64,
    pub n: i64,
}

/// Sums stored counts into `interval`s, per group; ordered by start, then
/// by group in the questionnaire's usual order. Empty intervals are left out.
pub fn points(counts: impl IntoIterator<Item = Count>, interval: Interval) -> Vec<Point> {
    let mut sums: BTreeMap<(i64, usize), (i64, i64)> = BTreeMap::new();
    for c in counts {
        let order = RespondentGroup::ALL
            .iter()
            .position(|g| *g == c.group)
            .unwrap_or(usize::MAX);
        let entry = sums
            .entry((interval.start_of(c.bucket_start), order))
            .or_default();
        if c.validity == VALID {
            entry.0 += c.n;
        } else {
            entry.1 += c.n;
        }
    }
    sums.into_iter()
        .filter_map(|((start, order), (valid, invalid))| {
            let group = *RespondentGroup::ALL.get(order)?;
            Some(Point {
                start,
                group,
                valid,
                invalid,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use RespondentGroup::{Parent, Teacher};

    // 2026-11-29 15:50:00 UTC = 23:50 in China; 16:00 UTC = 00:00 next day.
    const T: i64 = 1_795_967_400;

    fn count(group: RespondentGroup, validity: Validity, bucket_start: i64, n: i64) -> Count {
        Count {
            group,
            validity,
            bucket_start,
            n,
        }
    }

    #[test]
    fn only_the_offered_intervals_are_accepted() {
        assert_eq!(Interval::from_minutes(60), Some(Interval::Hour));
        assert_eq!(
            Interval::from_minutes(1440).map(Interval::minutes),
            Some(1440)
        );
        assert_eq!(Interval::from_minutes(15), None);
    }

    #[test]
    fn days_start_at_midnight_in_china() {
        assert_eq!(Interval::Day.start_of(T), T - 23 * 3600 - 50 * 60);
        assert_eq!(Interval::Day.start_of(T + 600), T + 600);
        assert_eq!(Interval::Hour.start_of(T + 599), T - 50 * 60);
        assert_eq!(Interval::TenMinutes.start_of(T + 599), T);
    }

    #[test]
    fn counts_are_summed_per_interval_and_group() {
        let counts = [
            count(Teacher, VALID, T, 2),
            count(Parent, VALID, T, 5),
            count(Parent, Validity::TooFast, T, 1),
            count(Parent, Validity::DuplicateDevice, T + 600, 3),
            count(Parent, VALID, T + 600, 4),
        ];
        let hourly = points(counts, Interval::Hour);
        assert_eq!(
            hourly,
            [
                Point {
                    start: T - 3000,
                    group: Parent,
                    valid: 5,
                    invalid: 1
                },
                Point {
                    start: T - 3000,
                    group: Teacher,
                    valid: 2,
                    invalid: 0
                },
                Point {
                    start: T + 600,
                    group: Parent,
                    valid: 4,
                    invalid: 3
                },
            ]
        );
        let daily = points(counts, Interval::Day);
        assert_eq!(daily.len(), 3, "the second Parent count is on the next day");
        assert_eq!(daily[0].valid + daily[1].valid + daily[2].valid, 11);
    }
}
