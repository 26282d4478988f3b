//! Tallies: what the report is computed from instead of the responses.

use std::{
    collections::{BTreeMap, HashMap},
    hash::{BuildHasherDefault, Hasher},
};

use super::{
    collection::CollectionMode,
    group::RespondentGroup,
    questionnaire::{ItemKind, Questionnaire},
    round::Scale,
    school::Location,
    submission::{ResponseScore, Validity},
};

/// The language of the questionnaire as written.
pub const PRIMARY_LANGUAGE: &str = "zh";

/// The validity of a response that counts toward rates.
pub const VALID: Validity = Validity::Valid;

/// Responses of one link with one validity, place and number of judged answers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassKey {
    pub round_id: i64,
    pub link_id: i64,
    pub validity: Validity,
    /// Answered location code for county-level groups; empty otherwise.
    pub place: String,
    pub judged: i32,
}

/// Exact integer sums over the responses of a class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassSums {
    pub responses: i64,
    pub recognised: i64,
    pub points: i64,
    pub points_sq: i64,
    /// Answers that chose the scale's middle option (see [`MiddleTable`])
    /// on items counted toward the rates: how far `recognised` moves under
    /// the other reading. `None` when not kept (tallies written before it
    /// was, until the round's tallies are rebuilt).
    pub middle: Option<i64>,
}

/// Answers of one link with one validity to one item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptionKey {
    pub round_id: i64,
    pub link_id: i64,
    pub validity: Validity,
    /// 0-based position of the item in the questionnaire.
    pub item: i32,
}

/// Responses of one link with one validity answered in one additional
/// language (not Chinese) with one number of judged answers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LanguageKey {
    pub round_id: i64,
    pub link_id: i64,
    pub validity: Validity,
    /// BCP 47 tag, never the primary `zh`.
    pub language: String,
    pub judged: i32,
}

/// Responses of one link collected one way (web, paper, interview) with
/// one validity and one number of judged answers: the report's breakdown
/// by collection mode, kept so that it reads no response.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModeKey {
    pub round_id: i64,
    pub link_id: i64,
    pub mode: CollectionMode,
    pub validity: Validity,
    pub judged: i32,
}

/// How many answers chose option 1…9 (index 0 is option 1).
pub type OptionCounts = [i64; 9];

/// Length of the intervals responses are counted in over time, in seconds.
pub const TIMELINE_STEP: i64 = 600;

/// Responses of one link with one validity committed in one interval.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimelineKey {
    pub round_id: i64,
    pub link_id: i64,
    pub validity: Validity,
    /// Start of the interval, seconds since 1970-01-01 UTC (a multiple of
    /// [`TIMELINE_STEP`]).
    pub bucket_start: i64,
}

/// The start of the interval an instant (seconds since 1970) falls in.
pub fn timeline_bucket(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(TIMELINE_STEP) * TIMELINE_STEP
}

/// One stored response, as far as tallies are concerned.
#[derive(Debug, Clone, Copy)]
pub struct ResponseFacts<'a> {
    pub round_id: i64,
    pub link_id: i64,
    pub validity: Validity,
    pub mode: CollectionMode,
    pub place: Option<Location>,
    pub score: ResponseScore,
    /// Counted answers that chose the scale's middle option.
    pub middle: i32,
    /// The language answered in (`zh`: the questionnaire as written).
    pub language: &'a str,
    pub answers: &'a str,
    /// When the response was committed, seconds since 1970-01-01 UTC.
    pub submitted_at: i64,
}

/// All tallies of some responses, sorted by key (so that upserts take row
/// locks in the same order in every transaction).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallies {
    pub classes: BTreeMap<ClassKey, ClassSums>,
    /// Class sums of the responses answered in an additional language.
    pub languages: BTreeMap<LanguageKey, ClassSums>,
    pub options: BTreeMap<OptionKey, OptionCounts>,
    pub timeline: BTreeMap<TimelineKey, i64>,
    /// Class sums by collection mode (`middle` is not kept: `None`).
    pub modes: BTreeMap<ModeKey, ClassSums>,
}

/// A hash map for small integer keys the program makes itself (no
/// adversary chooses them, so SipHash's protection buys nothing here and
/// costs a tenth of a recomputation).
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// The multiply-and-rotate hash of rustc's FxHasher.
#[derive(Default)]
struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_i32(&mut self, n: i32) {
        self.write_u64(u64::from(n as u32));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// Which answers choose the scale's middle option (一般 or 基本满意) on
/// items counted toward the rates: the answers whose recognition depends
/// on the reading. Kept per class, so the sensitivity table reads both
/// readings from the tallies instead of every response.
#[derive(Debug, Clone)]
pub struct MiddleTable {
    /// Per item position, a bit per option code.
    items: Vec<u16>,
}

impl MiddleTable {
    pub fn new(q: &Questionnaire, scale: Scale) -> Self {
        let middle = scale.middle();
        let items = q
            .items
            .iter()
            .map(|item| {
                if !item.counts() {
                    return 0;
                }
                item.options
                    .iter()
                    .filter(|o| !o.dont_know && o.code <= 9 && o.label == middle)
                    .fold(0u16, |bits, o| bits | 1 << o.code)
            })
            .collect();
        Self { items }
    }

    /// Counted answers in a stored answer string that chose the middle option.
    pub fn count(&self, encoded: &str) -> i32 {
        self.items
            .iter()
            .zip(encoded.as_bytes())
            .filter(|(bits, b)| matches!(b, b'1'..=b'9') && *bits & (1 << (*b - b'0')) != 0)
            .count() as i32
    }
}

/// Folds responses into tallies. Adding a response is the one definition
/// used both by the writer (a batch at a time) and by the recomputation
/// from raw answers (a whole round), so the two can be compared key by key.
/// Allocates nothing per response: option counts are kept per (link,
/// validity) as one array per item.
#[derive(Debug, Default)]
pub struct TallyBuilder {
    classes: FastMap<(i64, i64, Validity, Option<Location>, i32), ClassSums>,
    languages: BTreeMap<LanguageKey, ClassSums>,
    options: FastMap<(i64, i64, Validity), Vec<OptionCounts>>,
    timeline: FastMap<(i64, i64, Validity, i64), i64>,
    modes: FastMap<(i64, i64, CollectionMode, Validity, i32), ClassSums>,
}

impl TallyBuilder {
    pub fn add(&mut self, r: &ResponseFacts) {
        let v = r.validity;
        let key = (r.round_id, r.link_id, v, r.place, r.score.judged);
        let c = self.classes.entry(key).or_default();
        let points = i64::from(r.score.points);
        c.responses += 1;
        c.recognised += i64::from(r.score.recognised);
        c.points += points;
        c.points_sq += points * points;
        c.middle = Some(c.middle.unwrap_or(0) + i64::from(r.middle));
        let m = self
            .modes
            .entry((r.round_id, r.link_id, r.mode, v, r.score.judged))
            .or_default();
        m.responses += 1;
        m.recognised += i64::from(r.score.recognised);
        m.points += points;
        m.points_sq += points * points;
        if r.language != PRIMARY_LANGUAGE {
            let key = LanguageKey {
                round_id: r.round_id,
                link_id: r.link_id,
                validity: v,
                language: r.language.to_string(),
                judged: r.score.judged,
            };
            let l = self.languages.entry(key).or_default();
            l.responses += 1;
            l.recognised += i64::from(r.score.recognised);
            l.points += points;
            l.points_sq += points * points;
            l.middle = Some(l.middle.unwrap_or(0) + i64::from(r.middle));
        }
        let bucket = timeline_bucket(r.submitted_at);
        *self
            .timeline
            .entry((r.round_id, r.link_id, v, bucket))
            .or_default() += 1;
        let items = self.options.entry((r.round_id, r.link_id, v)).or_default();
        let answers = r.answers.as_bytes();
        if items.len() < answers.len() {
            items.resize(answers.len(), [0; 9]);
        }
        for (counts, b) in items.iter_mut().zip(answers) {
            if let b'1'..=b'9' = b {
                counts[usize::from(b - b'1')] += 1;
            }
        }
    }

    pub fn finish(self) -> Tallies {
        let classes = self
            .classes
            .iter()
            .map(|(&(round_id, link_id, v, place, judged), sums)| {
                let place = place.map(|l| l.code()).unwrap_or_default().to_string();
                let key = ClassKey {
                    round_id,
                    link_id,
                    validity: v,
                    place,
                    judged,
                };
                (key, *sums)
            })
            .collect();
        let mut options = BTreeMap::new();
        for (&(round_id, link_id, v), items) in &self.options {
            for (item, counts) in items.iter().enumerate() {
                if counts.iter().any(|n| *n > 0) {
                    let key = OptionKey {
                        round_id,
                        link_id,
                        validity: v,
                        item: item as i32,
                    };
                    options.insert(key, *counts);
                }
            }
        }
        let timeline = self
            .timeline
            .iter()
            .map(|(&(round_id, link_id, v, bucket_start), n)| {
                let key = TimelineKey {
                    round_id,
                    link_id,
                    validity: v,
                    bucket_start,
                };
                (key, *n)
            })
            .collect();
        let modes = self
            .modes
            .iter()
            .map(|(&(round_id, link_id, mode, validity, judged), sums)| {
                let key = ModeKey {
                    round_id,
                    link_id,
                    mode,
                    validity,
                    judged,
                };
                (key, *sums)
            })
            .collect();
        Tallies {
            classes,
            languages: self.languages,
            options,
            timeline,
            modes,
        }
    }
}

impl Tallies {
    /// Every key whose value differs between `self` (stored) and `expected`
    /// (recomputed), described in words; empty when they agree.
    /// Middle-option sums stored as unknown (`None`) are not compared.
    pub fn differences(&self, expected: &Tallies) -> Vec<String> {
        let unknown_middle = |k: &ClassKey| self.classes.get(k).is_some_and(|c| c.middle.is_none());
        let expected_classes: BTreeMap<ClassKey, ClassSums> = expected
            .classes
            .iter()
            .map(|(k, c)| {
                let middle = if unknown_middle(k) { None } else { c.middle };
                (k.clone(), ClassSums { middle, ..*c })
            })
            .collect();
        let mut out = diff_maps(&self.classes, &expected_classes);
        out.extend(diff_maps(&self.languages, &expected.languages));
        out.extend(diff_maps(&self.options, &expected.options));
        out.extend(diff_maps(&self.timeline, &expected.timeline));
        out.extend(diff_maps(&self.modes, &expected.modes));
        out
    }
}

/// Walks both sorted maps side by side (one pass, no set of all keys: a
/// round's timeline alone has hundreds of thousands).
fn diff_maps<K: Ord + std::fmt::Debug, V: Default + PartialEq + std::fmt::Debug>(
    stored: &BTreeMap<K, V>,
    expected: &BTreeMap<K, V>,
) -> Vec<String> {
    use std::cmp::Ordering;
    let zero = V::default();
    let mut out = Vec::new();
    let mut note = |k: &K, a: &V, b: &V| {
        if a != b {
            out.push(format!("{k:?}: stored {a:?}, recomputed {b:?}"));
        }
    };
    let (mut s, mut e) = (stored.iter().peekable(), expected.iter().peekable());
    loop {
        match (s.peek(), e.peek()) {
            (None, None) => return out,
            (Some((ks, vs)), Some((ke, ve))) => match ks.cmp(ke) {
                Ordering::Equal => {
                    note(ks, vs, ve);
                    s.next();
                    e.next();
                }
                Ordering::Less => {
                    note(ks, vs, &zero);
                    s.next();
                }
                Ordering::Greater => {
                    note(ke, &zero, ve);
                    e.next();
                }
            },
            (Some((ks, vs)), None) => {
                note(ks, vs, &zero);
                s.next();
            }
            (None, Some((ke, ve))) => {
                note(ke, &zero, ve);
                e.next();
            }
        }
    }
}

/// The context item that asks where a county-level respondent lives
/// (options 城区 / 镇区 / 乡村), if the questionnaire has one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceItem {
    pub index: usize,
    /// Location by option code (index 0 is code 1).
    pub places: Vec<Option<Location>>,
}

impl PlaceItem {
    /// The place item of a group's questionnaire: only county-level groups
    /// record where the respondent lives (a group code this build does not
    /// know counts as school-bound).
    pub fn for_group(q: &Questionnaire, group: &str) -> Option<Self> {
        let county = RespondentGroup::from_code(group).is_some_and(|g| !g.is_school_bound());
        if county { Self::find(q) } else { None }
    }

    pub fn find(q: &Questionnaire) -> Option<Self> {
        q.items.iter().enumerate().find_map(|(index, item)| {
            let places: Vec<Option<Location>> = item
                .options
                .iter()
                .map(|o| Location::parse(&o.label))
                .collect();
            let is_place = item.kind == ItemKind::Context
                && places.iter().filter(|p| p.is_some()).count() >= 2;
            is_place.then_some(Self { index, places })
        })
    }

    /// Where the respondent said they live.
    pub fn place(&self, answers: &str) -> Option<Location> {
        let code = answers.as_bytes().get(self.index)?.checked_sub(b'1')?;
        self.places.get(usize::from(code)).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::template;

    fn facts<'a>(answers: &'a str, validity: &str, judged: i32, points: i32) -> ResponseFacts<'a> {
        ResponseFacts {
            round_id: 1,
            link_id: 7,
            validity: Validity::from_code(validity).unwrap(),
            mode: crate::collection::CollectionMode::Web,
            place: None,
            score: ResponseScore {
                recognised: 1,
                judged,
                points,
            },
            middle: 0,
            language: "zh",
            answers,
            submitted_at: 1_764_417_599,
        }
    }

    #[test]
    fn responses_are_counted_per_ten_minutes() {
        // 2025-11-29 11:59:59 UTC and 12:00:00 UTC fall in different intervals.
        assert_eq!(timeline_bucket(1_764_417_599), 1_764_417_000);
        assert_eq!(timeline_bucket(1_764_417_600), 1_764_417_600);
        assert_eq!(timeline_bucket(-1), -600);
        let mut b = TallyBuilder::default();
        b.add(&facts("11", "valid", 1, 5));
        b.add(&facts("11", "too_fast", 1, 5));
        b.add(&ResponseFacts {
            submitted_at: 1_764_417_600,
            ..facts("11", "valid", 1, 5)
        });
        b.add(&facts("12", "valid", 1, 4));
        let t = b.finish();
        let counts: Vec<(&str, i64, i64)> = t
            .timeline
            .iter()
            .map(|(k, n)| (k.validity.code(), k.bucket_start, *n))
            .collect();
        assert_eq!(
            counts,
            [
                ("too_fast", 1_764_417_000, 1),
                ("valid", 1_764_417_000, 2),
                ("valid", 1_764_417_600, 1),
            ]
        );
    }

    #[test]
    fn responses_fold_into_classes_and_option_counts() {
        let mut b = TallyBuilder::default();
        b.add(&facts("2135t", "valid", 2, 8));
        b.add(&facts("1125", "valid", 2, 9));
        let t = b.finish();
        assert_eq!(t.classes.len(), 1);
        let c = t.classes.values().next().unwrap();
        assert_eq!(
            *c,
            ClassSums {
                responses: 2,
                recognised: 2,
                points: 17,
                points_sq: 64 + 81,
                middle: Some(0),
            }
        );
        let counts = |item| {
            t.options
                .iter()
                .find(|(k, _)| k.item == item)
                .map(|(_, n)| *n)
        };
        assert_eq!(counts(1), Some([2, 0, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(counts(0), Some([1, 1, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(counts(4), None, "text answers are not options");
    }

    #[test]
    fn differences_name_every_disagreeing_key() {
        let mut b = TallyBuilder::default();
        b.add(&facts("11", "valid", 1, 5));
        let stored = b.finish();
        let mut b = TallyBuilder::default();
        b.add(&facts("11", "valid", 1, 5));
        assert!(stored.differences(&b.finish()).is_empty());
        let mut b = TallyBuilder::default();
        b.add(&facts("11", "valid", 1, 5));
        b.add(&facts("12", "too_fast", 1, 4));
        let d = stored.differences(&b.finish());
        // Its class, its two items' option counts, its interval, its mode.
        assert_eq!(d.len(), 5, "{d:?}");
        assert!(d.iter().all(|l| l.contains("too_fast")));
    }

    #[test]
    fn modes_split_a_class_by_how_its_responses_were_collected() {
        use crate::collection::CollectionMode::{Paper, Web};
        let mut b = TallyBuilder::default();
        b.add(&facts("11", "valid", 2, 5));
        b.add(&ResponseFacts {
            mode: Paper,
            ..facts("12", "valid", 2, 4)
        });
        b.add(&ResponseFacts {
            mode: Paper,
            ..facts("22", "valid", 2, 3)
        });
        let t = b.finish();
        assert_eq!(t.classes.len(), 1, "one class: same link, validity, judged");
        let sums = |mode| {
            let key = ModeKey {
                round_id: 1,
                link_id: 7,
                mode,
                validity: VALID,
                judged: 2,
            };
            t.modes.get(&key).copied()
        };
        let web = sums(Web).unwrap();
        assert_eq!((web.responses, web.points, web.points_sq), (1, 5, 25));
        let paper = sums(Paper).unwrap();
        assert_eq!((paper.responses, paper.recognised), (2, 2));
        assert_eq!((paper.points, paper.points_sq), (7, 25));
        assert_eq!(paper.middle, None, "not kept by mode");
        let class = t.classes.values().next().unwrap();
        assert_eq!(class.responses, web.responses + paper.responses);
        assert_eq!(class.points_sq, web.points_sq + paper.points_sq);
    }

    #[test]
    fn differences_come_from_either_side_and_a_zero_equals_a_missing_key() {
        let stored = BTreeMap::from([(1, 5), (2, 0), (4, 7), (6, 1)]);
        let expected = BTreeMap::from([(1, 5), (3, 2), (4, 8), (5, 0)]);
        assert_eq!(
            diff_maps(&stored, &expected),
            [
                "3: stored 0, recomputed 2",
                "4: stored 7, recomputed 8",
                "6: stored 1, recomputed 0",
            ]
        );
        assert!(diff_maps::<i32, i32>(&BTreeMap::new(), &BTreeMap::new()).is_empty());
    }

    #[test]
    fn the_county_questionnaire_asks_where_people_live() {
        let item = PlaceItem::find(&template(RespondentGroup::Deputy)).unwrap();
        assert_eq!(item.index, 0);
        assert_eq!(item.place("3111"), Some(Location::Rural));
        assert_eq!(item.place("0111"), None);
        assert_eq!(PlaceItem::find(&template(RespondentGroup::Parent)), None);
        let deputies = template(RespondentGroup::Deputy);
        assert_eq!(PlaceItem::for_group(&deputies, "deputy"), Some(item));
        assert_eq!(
            PlaceItem::for_group(&deputies, "parent"),
            None,
            "school-bound"
        );
        assert_eq!(PlaceItem::for_group(&deputies, "martian"), None);
    }
}
