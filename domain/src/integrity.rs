//! Signs of coached answering, for reviewers to look at (they never change
//! the rates): identical answer vectors, bursts of them in a short window,
//! and schools with far fewer 一般/不满意 answers than the county.

use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, HashMap};

/// Identical-vector counts of one school and group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdenticalStats {
    pub responses: u64,
    /// Responses whose answer vector at least one other response shares.
    pub identical: u64,
    /// The size of the largest set of identical vectors.
    pub largest: u64,
}

impl IdenticalStats {
    pub fn share(&self) -> Option<f64> {
        (self.responses > 0).then(|| self.identical as f64 / self.responses as f64)
    }
}

/// How many identical vectors within how long make a burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurstRule {
    pub min_count: usize,
    pub window: Duration,
}

impl Default for BurstRule {
    /// At least 10 identical answer vectors within 10 minutes.
    fn default() -> Self {
        Self {
            min_count: 10,
            window: Duration::minutes(10),
        }
    }
}

/// Identical answer vectors arriving close together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Burst {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub count: u64,
    pub vector: String,
}

/// The answers to scored items only, one character each: what "identical"
/// compares (context answers and comments are left out).
pub fn scored_vector(encoded: &str, scored_positions: &[usize]) -> String {
    let bytes = encoded.as_bytes();
    scored_positions
        .iter()
        .map(|&i| bytes.get(i).map_or('0', |b| char::from(*b)))
        .collect()
}

/// A scored-answer vector in 16 bytes, 4 bits per answer: what
/// `scored_vector(encoded, positions)` gives, if it has at most 32 answers
/// whose codes are digits (the common case). A round's integrity scan
/// holds one per valid response, so their size matters.
pub fn pack_vector(encoded: &str, positions: &[usize]) -> Option<u128> {
    if positions.len() > 32 {
        return None;
    }
    let bytes = encoded.as_bytes();
    let mut bits = 0u128;
    for (k, &i) in positions.iter().enumerate() {
        let code = match bytes.get(i) {
            None => 0,
            Some(b @ b'0'..=b'9') => b - b'0',
            Some(_) => return None,
        };
        bits |= u128::from(code) << (4 * k);
    }
    Some(bits)
}

/// The `len` answers of a packed vector, as `scored_vector` writes them.
pub fn unpack_vector(bits: u128, len: usize) -> String {
    (0..len.min(32))
        .map(|k| char::from(b'0' + ((bits >> (4 * k)) & 0xf) as u8))
        .collect()
}

/// Identical vectors and bursts among the responses of one school and group.
pub fn examine(
    arrivals: &[(DateTime<Utc>, String)],
    rule: BurstRule,
) -> (IdenticalStats, Vec<Burst>) {
    let mut by_vector: HashMap<&str, Vec<DateTime<Utc>>> = HashMap::new();
    for (at, v) in arrivals {
        by_vector.entry(v.as_str()).or_default().push(*at);
    }
    let mut stats = IdenticalStats {
        responses: arrivals.len() as u64,
        ..Default::default()
    };
    let mut found = Vec::new();
    for (vector, mut times) in by_vector {
        let n = times.len() as u64;
        if n >= 2 {
            stats.identical += n;
        }
        stats.largest = stats.largest.max(n);
        times.sort();
        for (start, end, count) in bursts_in(&times, rule) {
            found.push(Burst {
                start,
                end,
                count,
                vector: vector.to_string(),
            });
        }
    }
    found.sort_by(|a, b| (a.start, &a.vector).cmp(&(b.start, &b.vector)));
    (stats, found)
}

/// Bursts in sorted arrival times: an arrival is "hot" when some window of
/// the rule's length holding it holds at least `min_count` arrivals; runs of
/// hot arrivals no more than a window apart form one burst.
fn bursts_in(times: &[DateTime<Utc>], rule: BurstRule) -> Vec<(DateTime<Utc>, DateTime<Utc>, u64)> {
    let n = times.len();
    if rule.min_count == 0 || n < rule.min_count {
        return vec![];
    }
    // cover[i] > 0 when arrival i lies in a window starting at some arrival
    // that holds enough arrivals (difference array over index ranges).
    let mut cover = vec![0i64; n + 1];
    let mut j = 0;
    for i in 0..n {
        j = j.max(i);
        while j + 1 < n && times[j + 1] - times[i] <= rule.window {
            j += 1;
        }
        if j + 1 - i >= rule.min_count {
            cover[i] += 1;
            cover[j + 1] -= 1;
        }
    }
    let mut out: Vec<(DateTime<Utc>, DateTime<Utc>, u64)> = Vec::new();
    let mut depth = 0;
    let mut last_hot: Option<usize> = None;
    for i in 0..n {
        depth += cover[i];
        if depth <= 0 {
            continue;
        }
        match (out.last_mut(), last_hot) {
            (Some(b), Some(prev)) if prev + 1 == i && times[i] - times[prev] <= rule.window => {
                b.1 = times[i];
                b.2 += 1;
            }
            _ => out.push((times[i], times[i], 1)),
        }
        last_hot = Some(i);
    }
    out
}

/// A school's share of 一般/不满意 (judged but not recognised) answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NegativeShare {
    pub negative: i64,
    pub judged: i64,
}

impl NegativeShare {
    pub fn share(&self) -> Option<f64> {
        (self.judged > 0).then(|| self.negative as f64 / self.judged as f64)
    }
}

/// Flagged when a school with enough responses has under half the county's
/// share of 一般/不满意 answers: pupils may have been told to erase them.
pub fn unusually_few_negatives(
    school: NegativeShare,
    county: NegativeShare,
    responses: u64,
    min_n: u64,
) -> bool {
    match (school.share(), county.share()) {
        (Some(s), Some(c)) => responses >= min_n && c > 0.0 && s < c * 0.5,
        _ => false,
    }
}

/// A school's valid responses and those of them from a shared household
/// phone (a second answer on one device after confirming it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SharedShare {
    pub shared: u64,
    pub responses: u64,
}

impl SharedShare {
    pub fn share(&self) -> Option<f64> {
        (self.responses > 0).then(|| self.shared as f64 / self.responses as f64)
    }
}

/// Flagged when a school with enough responses has at least twice the
/// county's share of shared-device answers and 10 points more: one phone
/// passed around a class looks like this.
pub fn unusually_many_shared(school: SharedShare, county: SharedShare, min_n: u64) -> bool {
    match (school.share(), county.share()) {
        (Some(s), Some(c)) => school.responses >= min_n && s >= 2.0 * c && s - c >= 0.10,
        _ => false,
    }
}

/// What one data-entry clerk keyed, as counts: how many sheets, and how
/// many of them are identical to another sheet the same clerk keyed for the
/// same link (one sheet keyed twice under two serials, or photocopies).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyedCounts {
    pub sheets: u64,
    pub identical: u64,
}

/// Counts per clerk from counted sheets given as (clerk, link, marks).
/// Only counts leave this function: never which marks.
pub fn keyed_by_clerk<K: Copy + Ord + std::hash::Hash>(
    sheets: &[(K, i64, &str)],
) -> BTreeMap<K, KeyedCounts> {
    let mut same: HashMap<(K, i64, &str), u64> = HashMap::new();
    let mut out: BTreeMap<K, KeyedCounts> = BTreeMap::new();
    for &(clerk, link, marks) in sheets {
        *same.entry((clerk, link, marks)).or_default() += 1;
        out.entry(clerk).or_default().sheets += 1;
    }
    for ((clerk, _, _), n) in same {
        if n >= 2 {
            out.entry(clerk).or_default().identical += n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_sheets_count_per_clerk_and_link_only() {
        let sheets = [
            (1, 10, "1111"),
            (1, 10, "1111"), // clerk 1 keyed the same marks twice for link 10
            (1, 11, "1111"), // the same marks for another link: not identical
            (2, 10, "1111"), // another clerk: not clerk 1's duplicate
            (2, 10, "1211"),
        ];
        let counts = keyed_by_clerk(&sheets);
        assert_eq!(
            counts[&1],
            KeyedCounts {
                sheets: 3,
                identical: 2
            }
        );
        assert_eq!(
            counts[&2],
            KeyedCounts {
                sheets: 2,
                identical: 0
            }
        );
        assert!(keyed_by_clerk::<i64>(&[]).is_empty());
    }

    #[test]
    fn schools_far_above_the_county_share_of_shared_phones_are_flagged() {
        let county = SharedShare {
            shared: 50,
            responses: 1000,
        }; // 5%
        let high = SharedShare {
            shared: 20,
            responses: 50,
        }; // 40%
        let near = SharedShare {
            shared: 4,
            responses: 50,
        }; // 8%: under 5% + 10 points
        assert!(unusually_many_shared(high, county, 30));
        assert!(!unusually_many_shared(near, county, 30));
        assert!(
            !unusually_many_shared(high, county, 60),
            "too few responses to say"
        );
        let none = SharedShare::default();
        assert!(!unusually_many_shared(none, county, 0));
    }

    #[test]
    fn packed_vectors_unpack_to_the_scored_vector() {
        let positions = [0, 2, 3, 7];
        for encoded in ["1t2345", "9t01", "5555555555", ""] {
            let bits = pack_vector(encoded, &positions).unwrap();
            assert_eq!(
                unpack_vector(bits, positions.len()),
                scored_vector(encoded, &positions),
                "{encoded}"
            );
        }
        assert_ne!(
            pack_vector("1t23", &positions),
            pack_vector("1t24", &positions)
        );
        assert_eq!(pack_vector("1t2x", &positions), None, "not a digit");
        let many: Vec<usize> = (0..33).collect();
        assert_eq!(pack_vector(&"1".repeat(33), &many), None, "too long");
        let all: Vec<usize> = (0..32).collect();
        let v = "12345678901234567890123456789012";
        assert_eq!(unpack_vector(pack_vector(v, &all).unwrap(), 32), v);
    }
    use chrono::TimeZone;

    fn at(minutes: f64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap()
            + Duration::seconds((minutes * 60.0) as i64)
    }

    fn arrivals(v: &str, minutes: impl IntoIterator<Item = f64>) -> Vec<(DateTime<Utc>, String)> {
        minutes
            .into_iter()
            .map(|m| (at(m), v.to_string()))
            .collect()
    }

    #[test]
    fn ten_identical_vectors_within_ten_minutes_make_a_burst() {
        let (stats, bursts) = examine(
            &arrivals("1111", (0..10).map(f64::from)),
            BurstRule::default(),
        );
        assert_eq!(
            stats,
            IdenticalStats {
                responses: 10,
                identical: 10,
                largest: 10
            }
        );
        assert_eq!(bursts.len(), 1);
        assert_eq!(
            (bursts[0].start, bursts[0].end, bursts[0].count),
            (at(0.0), at(9.0), 10)
        );
        // Nine are not enough; ten spread over 10.8 minutes are not a burst.
        assert!(
            examine(
                &arrivals("1111", (0..9).map(f64::from)),
                BurstRule::default()
            )
            .1
            .is_empty()
        );
        assert!(
            examine(
                &arrivals("1111", (0..10).map(|m| f64::from(m) * 1.2)),
                BurstRule::default()
            )
            .1
            .is_empty()
        );
    }

    #[test]
    fn overlapping_windows_merge_and_distant_ones_do_not() {
        // 20 a minute apart: one burst of 20. Then 12 more two hours later.
        let mut a = arrivals("2222", (0..20).map(f64::from));
        a.extend(arrivals(
            "2222",
            (0..12).map(|m| 120.0 + f64::from(m) / 2.0),
        ));
        // A stray identical answer an hour later is not part of any burst.
        a.extend(arrivals("2222", [60.0]));
        let (stats, bursts) = examine(&a, BurstRule::default());
        assert_eq!(stats.identical, 33);
        let counts: Vec<u64> = bursts.iter().map(|b| b.count).collect();
        assert_eq!(counts, vec![20, 12]);
        assert_eq!(bursts[1].start, at(120.0));
    }

    #[test]
    fn identical_share_counts_every_member_of_a_repeated_vector() {
        let mut a = arrivals("1111", [0.0, 30.0, 90.0]);
        a.extend(arrivals("1234", [5.0]));
        a.extend(arrivals("2222", [6.0, 400.0]));
        let (stats, bursts) = examine(&a, BurstRule::default());
        // 3 + 2 of 6 share their vector with another response.
        assert_eq!(
            stats,
            IdenticalStats {
                responses: 6,
                identical: 5,
                largest: 3
            }
        );
        assert!((stats.share().unwrap() - 5.0 / 6.0).abs() < 1e-12);
        assert!(bursts.is_empty());
    }

    #[test]
    fn only_scored_answers_are_compared() {
        assert_eq!(scored_vector("21135t", &[1, 2, 3, 4]), "1135");
        assert_eq!(scored_vector("2", &[1]), "0");
    }

    #[test]
    fn schools_far_below_the_county_share_of_negatives_are_flagged() {
        let county = NegativeShare {
            negative: 200,
            judged: 1000,
        }; // 20%
        let low = NegativeShare {
            negative: 5,
            judged: 100,
        }; // 5%
        let near = NegativeShare {
            negative: 15,
            judged: 100,
        }; // 15%
        assert!(unusually_few_negatives(low, county, 40, 30));
        assert!(!unusually_few_negatives(near, county, 40, 30));
        assert!(
            !unusually_few_negatives(low, county, 10, 30),
            "too few responses to say"
        );
    }
}
