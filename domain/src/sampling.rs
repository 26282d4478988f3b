//! The sampling plan: the national minimum sample (1.5‰ of the resident
//! population, parents at least half, the other groups about equal), each
//! group capped at the people the county has (the rest redistributed), the
//! optional floor of 600 for small counties, quotas per school in proportion
//! to enrolment, and organisers' overrides.

use std::collections::{BTreeMap, BTreeSet};

use super::group::RespondentGroup;

/// Counties under this many residents had a floor of [`SMALL_COUNTY_FLOOR`]
/// questionnaires under the earlier 基本均衡 rules.
pub const SMALL_COUNTY: i64 = 400_000;
/// The earlier rules' floor for a small county.
pub const SMALL_COUNTY_FLOOR: i64 = 600;

/// Total minimum: 1.5‰ of the resident population, rounded up.
pub fn national_minimum(population: i64) -> i64 {
    ceil_div(population.max(0) * 3, 2000)
}

/// a ÷ b rounded up, for a ≥ 0 and b > 0.
fn ceil_div(a: i64, b: i64) -> i64 {
    (a + b - 1) / b
}

/// Minimum per group: parents ≥ 50% of `total`, the others share the rest
/// equally (each rounded up, so the sum may exceed `total` slightly). Without
/// parents, every group gets an equal share.
pub fn group_minimums(total: i64, groups: &[RespondentGroup]) -> Vec<(RespondentGroup, i64)> {
    capped_minimums(total, groups, &BTreeMap::new())
}

/// How many people of a group the county has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    Known(i64),
    /// The group is limited in number but the county has not said how many
    /// (e.g. deputies not entered): no cap is applied, and the plan says so.
    Unknown,
}

/// [`group_minimums`] with each group held to its cap: a group whose equal
/// share exceeds the people it has gets all of them, and the rest is shared
/// again among the groups not capped ("water filling"). When every group
/// but parents is capped, what is left goes to parents. Groups without an
/// entry in `caps` (parents, students, citizens) are never capped.
pub fn capped_minimums(
    total: i64,
    groups: &[RespondentGroup],
    caps: &BTreeMap<RespondentGroup, Cap>,
) -> Vec<(RespondentGroup, i64)> {
    fill(total, groups, caps).0
}

/// [`capped_minimums`] and the groups held to their cap.
fn fill(
    total: i64,
    groups: &[RespondentGroup],
    caps: &BTreeMap<RespondentGroup, Cap>,
) -> (Vec<(RespondentGroup, i64)>, BTreeSet<RespondentGroup>) {
    let total = total.max(0);
    let has_parents = groups.contains(&RespondentGroup::Parent);
    let others: Vec<RespondentGroup> = groups
        .iter()
        .copied()
        .filter(|g| *g != RespondentGroup::Parent)
        .collect();
    let mut parents = match (has_parents, others.len()) {
        (false, _) => 0,
        (true, 0) => total,
        (true, _) => ceil_div(total, 2),
    };
    let mut left = total - parents;
    let mut open = others.clone();
    let mut target: BTreeMap<RespondentGroup, i64> = BTreeMap::new();
    let mut capped = BTreeSet::new();
    while !open.is_empty() {
        let each = ceil_div(left.max(0), open.len() as i64);
        let binding: Vec<(RespondentGroup, i64)> = open
            .iter()
            .filter_map(|g| match caps.get(g) {
                Some(Cap::Known(c)) if (*c).max(0) < each => Some((*g, (*c).max(0))),
                _ => None,
            })
            .collect();
        if binding.is_empty() {
            for g in &open {
                target.insert(*g, each);
            }
            left = 0;
            break;
        }
        for (g, c) in binding {
            target.insert(g, c);
            capped.insert(g);
            left -= c;
            open.retain(|o| *o != g);
        }
    }
    if has_parents {
        parents += left.max(0);
    }
    let out = groups
        .iter()
        .map(|g| {
            let n = if *g == RespondentGroup::Parent {
                parents
            } else {
                target.get(g).copied().unwrap_or(0)
            };
            (*g, n)
        })
        .collect();
    (out, capped)
}

/// Splits `total` in proportion to `weights` by largest remainders, so the
/// parts add up to exactly `total`. All-zero weights split equally.
pub fn apportion(total: i64, weights: &[i64]) -> Vec<i64> {
    if weights.is_empty() {
        return vec![];
    }
    let weights: Vec<i128> = if weights.iter().all(|w| *w <= 0) {
        vec![1; weights.len()]
    } else {
        weights.iter().map(|w| i128::from((*w).max(0))).collect()
    };
    let sum: i128 = weights.iter().sum();
    let total = i128::from(total.max(0));
    let mut parts: Vec<i128> = weights.iter().map(|w| total * w / sum).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Largest remainder first; ties go to the larger weight, then the earlier entry.
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(total * weights[i] % sum),
            std::cmp::Reverse(weights[i]),
            i,
        )
    });
    let left = total - parts.iter().sum::<i128>();
    for &i in order.iter().take(left as usize) {
        parts[i] += 1;
    }
    parts.into_iter().map(|p| p as i64).collect()
}

/// A suggested quota and the organiser's override, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub suggested: i64,
    pub overridden: Option<i64>,
}

impl Quota {
    /// The quota in force.
    pub fn target(&self) -> i64 {
        self.overridden.unwrap_or(self.suggested)
    }
}

/// Organisers' overrides: per group (county-wide) and per (school, group).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub groups: BTreeMap<RespondentGroup, i64>,
    pub schools: BTreeMap<(i64, RespondentGroup), i64>,
}

/// A school taking part, with its enrolment (primary + junior pupils) and
/// teachers (none: not known, e.g. a round opened before teachers were kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchoolSize {
    pub school_id: i64,
    pub enrolment: i64,
    pub teachers: Option<i64>,
}

/// What the county has and chooses, beyond its population.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    /// The people of each limited group the county has (see [`caps`]).
    pub caps: BTreeMap<RespondentGroup, Cap>,
    /// Apply the earlier floor of 600 questionnaires under 400,000 residents.
    pub small_county_floor: bool,
}

/// The caps of a round's groups: principals = the schools taking part,
/// teachers = their teachers (unknown when any school's count is missing or
/// all are 0, which is what an import without the column gives), deputies
/// and CPPCC members as entered in the county profile. Parents, students and
/// other citizens are not capped.
pub fn caps(
    groups: &[RespondentGroup],
    schools: &[SchoolSize],
    deputies: Option<i64>,
    cppcc_members: Option<i64>,
) -> BTreeMap<RespondentGroup, Cap> {
    let known = |n: Option<i64>| n.map_or(Cap::Unknown, Cap::Known);
    let teachers: Option<i64> = schools
        .iter()
        .map(|s| s.teachers)
        .sum::<Option<i64>>()
        .filter(|t| *t > 0 || schools.is_empty());
    groups
        .iter()
        .filter_map(|g| {
            let cap = match g {
                RespondentGroup::Principal => Cap::Known(schools.len() as i64),
                RespondentGroup::Teacher => known(teachers),
                RespondentGroup::Deputy => known(deputies),
                RespondentGroup::CppccMember => known(cppcc_members),
                _ => return None,
            };
            Some((*g, cap))
        })
        .collect()
}

/// The total to plan for: the national minimum, raised to 600 for a county
/// under 400,000 residents when the floor is chosen. The flag says whether
/// the floor raised it.
pub fn planned_total(population: i64, small_county_floor: bool) -> (i64, bool) {
    let minimum = national_minimum(population);
    if small_county_floor && population < SMALL_COUNTY && minimum < SMALL_COUNTY_FLOOR {
        (SMALL_COUNTY_FLOOR, true)
    } else {
        (minimum, false)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub population: i64,
    /// 1.5‰ of the population, rounded up.
    pub total_minimum: i64,
    /// What the group targets add up to at least: the minimum, or the floor.
    pub planned_total: i64,
    /// The small-county floor raised the total.
    pub floor_applied: bool,
    pub groups: Vec<(RespondentGroup, Quota)>,
    /// The caps of the round's limited groups (suggestions never exceed a known cap).
    pub caps: BTreeMap<RespondentGroup, Cap>,
    /// Groups given fewer than an equal share because of their cap.
    pub capped: BTreeSet<RespondentGroup>,
    /// School-bound groups only: the group's quota split over the schools
    /// (principals one per school, teachers by teachers when known, the
    /// others by enrolment).
    pub schools: Vec<(i64, RespondentGroup, Quota)>,
}

/// The plan of a round: group minimums held to the caps, overridden where
/// the organiser said so, each school-bound group's quota split over the
/// schools.
pub fn plan(
    population: i64,
    groups: &[RespondentGroup],
    schools: &[SchoolSize],
    overrides: &Overrides,
    limits: &Limits,
) -> Plan {
    let total_minimum = national_minimum(population);
    let (planned, floor_applied) = planned_total(population, limits.small_county_floor);
    let (minimums, capped) = fill(planned, groups, &limits.caps);
    let groups: Vec<(RespondentGroup, Quota)> = minimums
        .into_iter()
        .map(|(g, suggested)| {
            let overridden = overrides.groups.get(&g).copied();
            (
                g,
                Quota {
                    suggested,
                    overridden,
                },
            )
        })
        .collect();
    let enrolment: Vec<i64> = schools.iter().map(|s| s.enrolment).collect();
    let teachers: Option<Vec<i64>> = schools.iter().map(|s| s.teachers).collect();
    let teachers = teachers.filter(|t| t.iter().any(|n| *n > 0));
    let one_each = vec![1; schools.len()];
    let mut per_school = Vec::new();
    for (g, quota) in groups.iter().filter(|(g, _)| g.is_school_bound()) {
        let weights = match g {
            RespondentGroup::Principal => &one_each,
            RespondentGroup::Teacher => teachers.as_ref().unwrap_or(&enrolment),
            _ => &enrolment,
        };
        let split = apportion(quota.target(), weights);
        for (s, suggested) in schools.iter().zip(split) {
            let overridden = overrides.schools.get(&(s.school_id, *g)).copied();
            per_school.push((
                s.school_id,
                *g,
                Quota {
                    suggested,
                    overridden,
                },
            ));
        }
    }
    Plan {
        population,
        total_minimum,
        planned_total: planned,
        floor_applied,
        groups,
        caps: limits.caps.clone(),
        capped,
        schools: per_school,
    }
}

/// The earlier rules wanted at least 70% of questionnaires valid.
pub const MIN_VALID_SHARE: f64 = 0.7;

/// Valid responses ÷ all responses (valid or not); `None` before any.
pub fn valid_share(valid: u64, all: u64) -> Option<f64> {
    (all > 0).then(|| valid as f64 / all as f64)
}

/// Progress toward a quota, as a share (1.0 = reached); `None` without a quota.
pub fn progress(count: i64, quota: i64) -> Option<f64> {
    (quota > 0).then(|| count as f64 / quota as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use RespondentGroup::*;

    #[test]
    fn a_county_of_250000_needs_375_and_188_parents() {
        assert_eq!(national_minimum(250_000), 375);
        assert_eq!(national_minimum(250_001), 376);
        let m = group_minimums(375, &[Parent, Teacher, Deputy]);
        // 188 parents; the other 187 split over two groups, rounded up: 94 each.
        assert_eq!(m, vec![(Parent, 188), (Teacher, 94), (Deputy, 94)]);
        assert_eq!(group_minimums(375, &[Parent]), vec![(Parent, 375)]);
        assert_eq!(
            group_minimums(375, &[Teacher, Deputy]),
            vec![(Teacher, 188), (Deputy, 188)]
        );
    }

    #[test]
    fn largest_remainders_add_up_exactly() {
        // 188 × 1200/1840 = 122.61, 188 × 640/1840 = 65.39: the spare one goes to the first.
        assert_eq!(apportion(188, &[1200, 640]), vec![123, 65]);
        assert_eq!(apportion(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(apportion(5, &[0, 0]), vec![3, 2]);
        assert_eq!(apportion(7, &[]), Vec::<i64>::new());
    }

    #[test]
    fn overrides_replace_suggestions_and_flow_down_to_schools() {
        let schools = [
            SchoolSize {
                school_id: 1,
                enrolment: 1200,
                teachers: None,
            },
            SchoolSize {
                school_id: 2,
                enrolment: 640,
                teachers: None,
            },
        ];
        let mut o = Overrides::default();
        o.groups.insert(Parent, 400);
        o.schools.insert((2, Parent), 50);
        let p = plan(250_000, &[Parent, Deputy], &schools, &o, &Limits::default());
        assert_eq!(p.total_minimum, 375);
        assert_eq!(
            p.groups[0],
            (
                Parent,
                Quota {
                    suggested: 188,
                    overridden: Some(400)
                }
            )
        );
        assert_eq!(p.groups[1].1.target(), 187);
        // 400 × 1200/1840 = 260.87 → 261; 400 × 640/1840 = 139.13 → 139.
        assert_eq!(
            p.schools,
            vec![
                (
                    1,
                    Parent,
                    Quota {
                        suggested: 261,
                        overridden: None
                    }
                ),
                (
                    2,
                    Parent,
                    Quota {
                        suggested: 139,
                        overridden: Some(50)
                    }
                ),
            ]
        );
        assert_eq!(progress(94, 188), Some(0.5));
        assert_eq!(progress(3, 0), None);
    }

    fn sized(teachers: &[i64], enrolment: &[i64]) -> Vec<SchoolSize> {
        teachers
            .iter()
            .zip(enrolment)
            .zip(1..)
            .map(|((t, e), id)| SchoolSize {
                school_id: id,
                enrolment: *e,
                teachers: Some(*t),
            })
            .collect()
    }

    #[test]
    fn a_small_county_with_the_floor_caps_principals_teachers_and_deputies() {
        // 100,000 residents: 1.5‰ is 150, the floor raises it to 600.
        assert_eq!(planned_total(100_000, false), (150, false));
        assert_eq!(planned_total(100_000, true), (600, true));
        assert_eq!(planned_total(300_000, true), (600, true));
        // 399,999 × 1.5‰ = 599.9985 → 600 already: the floor adds nothing.
        assert_eq!(planned_total(399_999, true), (600, false));
        assert_eq!(planned_total(400_000, true), (600, false));
        assert_eq!(planned_total(500_000, true), (750, false));
        let groups = [Parent, Teacher, Principal, Deputy, CppccMember];
        let schools = sized(&[30, 25, 35], &[600, 300, 300]);
        let limits = Limits {
            caps: caps(&groups, &schools, Some(80), None),
            small_county_floor: true,
        };
        assert_eq!(limits.caps.get(&Principal), Some(&Cap::Known(3)));
        assert_eq!(limits.caps.get(&Teacher), Some(&Cap::Known(90)));
        assert_eq!(limits.caps.get(&CppccMember), Some(&Cap::Unknown));
        assert_eq!(limits.caps.get(&Parent), None);
        let p = plan(100_000, &groups, &schools, &Overrides::default(), &limits);
        assert_eq!(
            (p.total_minimum, p.planned_total, p.floor_applied),
            (150, 600, true)
        );
        // Parents 300; the other 300 equally is 75 each, but only 3 principals
        // exist: 297 over the remaining three is 99, above 90 teachers and 80
        // deputies; the last 127 go to CPPCC members (their number unknown).
        let targets: Vec<(RespondentGroup, i64)> =
            p.groups.iter().map(|(g, q)| (*g, q.target())).collect();
        assert_eq!(
            targets,
            vec![
                (Parent, 300),
                (Teacher, 90),
                (Principal, 3),
                (Deputy, 80),
                (CppccMember, 127)
            ]
        );
        assert_eq!(targets.iter().map(|t| t.1).sum::<i64>(), 600);
        assert_eq!(p.capped, BTreeSet::from([Teacher, Principal, Deputy]));
        // One principal per school; teachers by each school's teachers.
        let of = |g| -> Vec<i64> {
            p.schools
                .iter()
                .filter(|s| s.1 == g)
                .map(|s| s.2.target())
                .collect()
        };
        assert_eq!(of(Principal), vec![1, 1, 1]);
        assert_eq!(of(Teacher), vec![30, 25, 35]);
        assert_eq!(of(Parent), vec![150, 75, 75]);
        // Without the floor: 75 parents, 75 over four is 19 each; 3 principals
        // leave 72 for three groups, 24 each (no other cap binds).
        let limits = Limits {
            small_county_floor: false,
            ..limits
        };
        let p = plan(100_000, &groups, &schools, &Overrides::default(), &limits);
        let targets: Vec<i64> = p.groups.iter().map(|(_, q)| q.target()).collect();
        assert_eq!(targets, vec![75, 24, 3, 24, 24]);
        assert_eq!(p.capped, BTreeSet::from([Principal]));
    }

    #[test]
    fn a_county_of_a_million_gets_no_more_principals_than_schools() {
        let groups = RespondentGroup::ALL;
        let schools = sized(&[75; 40], &[500; 40]);
        let limits = Limits {
            caps: caps(&groups, &schools, None, None),
            small_county_floor: true,
        };
        let p = plan(1_000_000, &groups, &schools, &Overrides::default(), &limits);
        // 1500: 750 parents; 750 over six would be 125 each, but 40 schools
        // have 40 principals: 710 over the other five, 142 each.
        assert_eq!((p.planned_total, p.floor_applied), (1500, false));
        let targets: Vec<(RespondentGroup, i64)> =
            p.groups.iter().map(|(g, q)| (*g, q.target())).collect();
        assert_eq!(
            targets,
            vec![
                (Student, 142),
                (Parent, 750),
                (Teacher, 142),
                (Principal, 40),
                (Deputy, 142),
                (CppccMember, 142),
                (Citizen, 142),
            ]
        );
        assert_eq!(p.capped, BTreeSet::from([Principal]));
        assert_eq!(p.caps.get(&Deputy), Some(&Cap::Unknown));
    }

    #[test]
    fn when_every_other_group_is_capped_parents_take_the_rest() {
        let caps = BTreeMap::from([(Principal, Cap::Known(2))]);
        assert_eq!(
            capped_minimums(1500, &[Parent, Principal], &caps),
            vec![(Parent, 1498), (Principal, 2)]
        );
        // Teachers' counts missing (or all 0) leave teachers uncapped.
        let unknown = sized(&[0, 0], &[10, 10]);
        assert_eq!(caps_of_teachers(&unknown), Some(&Cap::Unknown));
        let mut partly = sized(&[5, 6], &[10, 10]);
        partly[1].teachers = None;
        assert_eq!(caps_of_teachers(&partly), Some(&Cap::Unknown));
        assert_eq!(valid_share(7, 10), Some(0.7));
        assert_eq!(valid_share(0, 0), None);
    }

    fn caps_of_teachers(schools: &[SchoolSize]) -> Option<&'static Cap> {
        match caps(&[Teacher], schools, None, None).get(&Teacher) {
            Some(Cap::Unknown) => Some(&Cap::Unknown),
            Some(Cap::Known(_)) => Some(&Cap::Known(0)),
            None => None,
        }
    }
}
