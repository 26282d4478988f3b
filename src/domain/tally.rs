//! Tallies: what the report is computed from instead of the responses.
//! Adding a response here is the one definition used both by the writer
//! (incrementally) and by the full recomputation from raw answers, so the
//! two can be compared key by key.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    questionnaire::{ItemKind, Questionnaire},
    school::Location,
    submission::{ResponseScore, decode},
};

/// The validity of a response that counts toward rates.
pub const VALID: &str = "valid";

/// Responses of one link with one validity, place and number of judged answers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassKey {
    pub round_id: i64,
    pub link_id: i64,
    pub validity: String,
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
}

/// Answers of one link with one validity that chose an option of an item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptionKey {
    pub round_id: i64,
    pub link_id: i64,
    pub validity: String,
    /// 0-based position of the item in the questionnaire.
    pub item: i32,
    pub option: i32,
}

/// One stored response, as far as tallies are concerned.
#[derive(Debug, Clone, Copy)]
pub struct ResponseFacts<'a> {
    pub round_id: i64,
    pub link_id: i64,
    pub validity: &'a str,
    pub place: Option<Location>,
    pub score: ResponseScore,
    pub answers: &'a str,
}

/// All tallies of some responses, sorted by key (so that upserts take row
/// locks in the same order in every transaction).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallies {
    pub classes: BTreeMap<ClassKey, ClassSums>,
    pub options: BTreeMap<OptionKey, i64>,
}

impl Tallies {
    pub fn add(&mut self, r: &ResponseFacts) {
        let key = ClassKey {
            round_id: r.round_id,
            link_id: r.link_id,
            validity: r.validity.to_string(),
            place: r.place.map(|l| l.code()).unwrap_or_default().to_string(),
            judged: r.score.judged,
        };
        let c = self.classes.entry(key).or_default();
        let points = i64::from(r.score.points);
        c.responses += 1;
        c.recognised += i64::from(r.score.recognised);
        c.points += points;
        c.points_sq += points * points;
        for (item, code) in decode(r.answers).into_iter().enumerate() {
            if let Some(code) = code {
                let key = OptionKey {
                    round_id: r.round_id,
                    link_id: r.link_id,
                    validity: r.validity.to_string(),
                    item: item as i32,
                    option: i32::from(code),
                };
                *self.options.entry(key).or_default() += 1;
            }
        }
    }

    /// Every key whose value differs between `self` (stored) and `expected`
    /// (recomputed), described in words; empty when they agree.
    pub fn differences(&self, expected: &Tallies) -> Vec<String> {
        let mut out = diff_maps(&self.classes, &expected.classes);
        out.extend(diff_maps(&self.options, &expected.options));
        out
    }
}

fn diff_maps<K: Ord + std::fmt::Debug, V: Default + PartialEq + std::fmt::Debug>(
    stored: &BTreeMap<K, V>,
    expected: &BTreeMap<K, V>,
) -> Vec<String> {
    let zero = V::default();
    let keys: BTreeSet<&K> = stored.keys().chain(expected.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (
                stored.get(k).unwrap_or(&zero),
                expected.get(k).unwrap_or(&zero),
            );
            (a != b).then(|| format!("{k:?}: stored {a:?}, recomputed {b:?}"))
        })
        .collect()
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
    use crate::domain::{group::RespondentGroup, templates::template};

    fn facts<'a>(
        answers: &'a str,
        validity: &'a str,
        judged: i32,
        points: i32,
    ) -> ResponseFacts<'a> {
        ResponseFacts {
            round_id: 1,
            link_id: 7,
            validity,
            place: None,
            score: ResponseScore {
                recognised: 1,
                judged,
                points,
            },
            answers,
        }
    }

    #[test]
    fn responses_fold_into_classes_and_option_counts() {
        let mut t = Tallies::default();
        t.add(&facts("2135t", VALID, 2, 8));
        t.add(&facts("1125", VALID, 2, 9));
        assert_eq!(t.classes.len(), 1);
        let c = t.classes.values().next().unwrap();
        assert_eq!(
            *c,
            ClassSums {
                responses: 2,
                recognised: 2,
                points: 17,
                points_sq: 64 + 81
            }
        );
        let count = |item, option| {
            t.options
                .iter()
                .find(|(k, _)| k.item == item && k.option == option)
                .map(|(_, n)| *n)
        };
        assert_eq!(count(1, 1), Some(2));
        assert_eq!(count(0, 2), Some(1));
        assert_eq!(count(4, 0), None, "text answers are not options");
    }

    #[test]
    fn differences_name_every_disagreeing_key() {
        let mut stored = Tallies::default();
        stored.add(&facts("11", VALID, 1, 5));
        let mut expected = stored.clone();
        assert!(stored.differences(&expected).is_empty());
        expected.add(&facts("12", "too_fast", 1, 4));
        let d = stored.differences(&expected);
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d.iter().all(|l| l.contains("too_fast")));
    }

    #[test]
    fn the_county_questionnaire_asks_where_people_live() {
        let item = PlaceItem::find(&template(RespondentGroup::Deputy)).unwrap();
        assert_eq!(item.index, 0);
        assert_eq!(item.place("3111"), Some(Location::Rural));
        assert_eq!(item.place("0111"), None);
        assert_eq!(PlaceItem::find(&template(RespondentGroup::Parent)), None);
    }
}
