//! What the tallies say per link, resolved to schools, groups, locations
//! and questionnaire items: the counts the report and the panels start from.

use std::collections::BTreeMap;

use super::{
    group::RespondentGroup,
    integrity::NegativeShare,
    questionnaire::{ChoiceOption, ItemKind},
    report::{LinkInfo, ReportInput},
    school::Location,
    tally::VALID,
};

/// (school, group, location) of valid responses; no school for county-level groups.
pub type CountKey = (Option<i64>, RespondentGroup, Option<Location>);

impl ReportInput<'_> {
    pub(super) fn link_map(&self) -> BTreeMap<i64, LinkInfo> {
        self.links.iter().map(|l| (l.id, *l)).collect()
    }

    pub(super) fn location_of(&self, link: &LinkInfo, place: &str) -> Option<Location> {
        match link.school_id {
            Some(id) => self.schools.iter().find(|s| s.id == id).map(|s| s.location),
            None => Location::from_code(place),
        }
    }

    /// Valid answers per (group, item position, option code).
    pub(super) fn option_counts(
        &self,
        by_school: bool,
    ) -> BTreeMap<(Option<i64>, RespondentGroup, usize, u8), i64> {
        let links = self.link_map();
        let mut out = BTreeMap::new();
        for (k, counts) in self
            .tallies
            .options
            .iter()
            .filter(|(k, _)| k.validity == VALID)
        {
            let Some(l) = links.get(&k.link_id) else {
                continue;
            };
            let school = if by_school { l.school_id } else { None };
            for (code, n) in (1u8..).zip(counts).filter(|(_, n)| **n > 0) {
                *out.entry((school, l.group, k.item as usize, code))
                    .or_default() += n;
            }
        }
        out
    }

    /// Valid answers to scored items per school and option chosen.
    fn scored_options(&self) -> Vec<(Option<i64>, &ChoiceOption, i64)> {
        let mut out = Vec::new();
        for ((school, group, index, code), n) in self.option_counts(true) {
            let item = self
                .questionnaires
                .get(&group)
                .and_then(|q| q.items.get(index));
            if let Some(item) = item.filter(|i| i.kind == ItemKind::Scored)
                && let Some(opt) = item.option(code)
            {
                out.push((school, opt, n));
            }
        }
        out
    }

    /// Valid responses (scored or not) per (school, group, location).
    pub fn valid_counts(&self) -> BTreeMap<CountKey, u64> {
        let links = self.link_map();
        let mut out = BTreeMap::new();
        for (k, c) in self
            .tallies
            .classes
            .iter()
            .filter(|(k, _)| k.validity == VALID)
        {
            if let Some(l) = links.get(&k.link_id) {
                let key = (l.school_id, l.group, self.location_of(l, &k.place));
                *out.entry(key).or_default() += c.responses.max(0) as u64;
            }
        }
        out
    }

    /// The share of 一般/不满意 answers: county-wide, and per school.
    pub fn negative_shares(&self) -> (NegativeShare, BTreeMap<i64, NegativeShare>) {
        let mut county = NegativeShare::default();
        let mut schools: BTreeMap<i64, NegativeShare> = BTreeMap::new();
        for (school, opt, n) in self.scored_options() {
            if opt.dont_know {
                continue;
            }
            let negative = if opt.recognised { 0 } else { n };
            for s in [
                Some(&mut county),
                school.map(|id| schools.entry(id).or_default()),
            ]
            .into_iter()
            .flatten()
            {
                s.judged += n;
                s.negative += negative;
            }
        }
        (county, schools)
    }
}
