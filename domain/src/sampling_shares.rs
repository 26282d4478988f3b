//! Targets and progress by grade band (学段: 小学 / 初中) and by location
//! (城区 / 镇区 / 乡村), in proportion to enrolment, as the earlier 基本均衡
//! rules planned them.

use std::collections::BTreeMap;

use super::{sampling::apportion, school::Location};

/// 学段 of the compulsory years.
pub use super::school::Stage as Band;

/// A school's pupils by band and where it is. A school's kind fixes which
/// bands it may have pupils in (a 小学 has no junior pupils), so the counts
/// carry the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchoolMix {
    pub school_id: i64,
    pub primary: i64,
    pub junior: i64,
    pub location: Location,
}

impl SchoolMix {
    fn by_band(&self) -> [i64; 2] {
        [self.primary.max(0), self.junior.max(0)]
    }
}

/// One band's or location's enrolment, target and valid responses so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share<K> {
    pub key: K,
    pub enrolment: i64,
    pub target: i64,
    pub count: i64,
}

/// `total` (the targets of the school-bound groups) split over 小学 and 初中
/// by enrolment. A response counts for its school's band; a school with
/// pupils in both bands (九年一贯制 and the like) does not know its
/// respondents' band, so its responses are split by its own enrolment
/// (largest remainders).
pub fn by_band(total: i64, schools: &[SchoolMix], counts: &BTreeMap<i64, i64>) -> Vec<Share<Band>> {
    let enrolment = schools.iter().fold([0i64; 2], |acc, s| {
        let b = s.by_band();
        [acc[0] + b[0], acc[1] + b[1]]
    });
    let targets = apportion(total, &enrolment);
    let mut count = [0i64; 2];
    for s in schools {
        let n = counts.get(&s.school_id).copied().unwrap_or(0);
        for (c, part) in count.iter_mut().zip(apportion(n, &s.by_band())) {
            *c += part;
        }
    }
    Band::ALL
        .into_iter()
        .enumerate()
        .map(|(i, key)| Share {
            key,
            enrolment: enrolment[i],
            target: targets[i],
            count: count[i],
        })
        .collect()
}

/// `total` (every group's target: county-level respondents say where they
/// live) split over 城区 / 镇区 / 乡村 by the enrolment of the schools there;
/// `counts` are valid responses by location.
pub fn by_location(
    total: i64,
    schools: &[SchoolMix],
    counts: &BTreeMap<Location, i64>,
) -> Vec<Share<Location>> {
    let enrolment: Vec<i64> = Location::ALL
        .iter()
        .map(|l| {
            schools
                .iter()
                .filter(|s| s.location == *l)
                .map(|s| s.primary.max(0) + s.junior.max(0))
                .sum()
        })
        .collect();
    let targets = apportion(total, &enrolment);
    Location::ALL
        .into_iter()
        .enumerate()
        .map(|(i, key)| Share {
            key,
            enrolment: enrolment[i],
            target: targets[i],
            count: counts.get(&key).copied().unwrap_or(0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Location::*;

    fn schools() -> Vec<SchoolMix> {
        vec![
            // A 小学 in town, a 初中 in the city, a 九年一贯制 in a village.
            SchoolMix {
                school_id: 1,
                primary: 600,
                junior: 0,
                location: Town,
            },
            SchoolMix {
                school_id: 2,
                primary: 0,
                junior: 300,
                location: Urban,
            },
            SchoolMix {
                school_id: 3,
                primary: 200,
                junior: 100,
                location: Rural,
            },
        ]
    }

    #[test]
    fn bands_split_targets_by_enrolment_and_mixed_schools_split_their_counts() {
        let counts = BTreeMap::from([(1, 50), (2, 20), (3, 10)]);
        let b = by_band(300, &schools(), &counts);
        // 小学 800 and 初中 400 of 1200 pupils: 200 and 100.
        // School 3's 10 responses split 200:100 → 6.67 and 3.33 → 7 and 3.
        assert_eq!(
            b,
            vec![
                Share {
                    key: Band::Primary,
                    enrolment: 800,
                    target: 200,
                    count: 57
                },
                Share {
                    key: Band::Junior,
                    enrolment: 400,
                    target: 100,
                    count: 23
                },
            ]
        );
    }

    #[test]
    fn locations_split_every_groups_target_by_enrolment() {
        let counts = BTreeMap::from([(Urban, 5), (Rural, 9)]);
        let l = by_location(375, &schools(), &counts);
        // 300 / 600 / 300 of 1200 pupils: 93.75, 187.5, 93.75; the two spare
        // go to the largest remainders (.75 urban and rural): 94, 187, 94.
        let targets: Vec<i64> = l.iter().map(|s| s.target).collect();
        assert_eq!(targets.iter().sum::<i64>(), 375);
        assert_eq!(targets, vec![94, 187, 94]);
        assert_eq!(l[0].count, 5);
        assert_eq!(l[1].count, 0);
        assert_eq!(l[2].enrolment, 300);
    }
}
