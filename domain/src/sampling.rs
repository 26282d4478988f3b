//! The sampling plan: the national minimum sample (1.5‰ of the resident
//! population, parents at least half, the other groups about equal), quotas
//! per school in proportion to enrolment, and organisers' overrides.

use std::collections::BTreeMap;

use super::group::RespondentGroup;

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
    let has_parents = groups.contains(&RespondentGroup::Parent);
    let others = groups
        .iter()
        .filter(|g| **g != RespondentGroup::Parent)
        .count() as i64;
    let parents = match (has_parents, others) {
        (false, _) => 0,
        (true, 0) => total,
        (true, _) => ceil_div(total, 2),
    };
    let each = if others > 0 {
        ceil_div(total - parents, others)
    } else {
        0
    };
    groups
        .iter()
        .map(|g| {
            (
                *g,
                if *g == RespondentGroup::Parent {
                    parents
                } else {
                    each
                },
            )
        })
        .collect()
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

/// A school taking part, with its enrolment (primary + junior pupils).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchoolSize {
    pub school_id: i64,
    pub enrolment: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub population: i64,
    pub total_minimum: i64,
    pub groups: Vec<(RespondentGroup, Quota)>,
    /// School-bound groups only: the group's quota split by enrolment.
    pub schools: Vec<(i64, RespondentGroup, Quota)>,
}

/// The plan of a round: group minimums, overridden where the organiser
/// said so, each school-bound group's quota split over the schools.
pub fn plan(
    population: i64,
    groups: &[RespondentGroup],
    schools: &[SchoolSize],
    overrides: &Overrides,
) -> Plan {
    let total_minimum = national_minimum(population);
    let groups: Vec<(RespondentGroup, Quota)> = group_minimums(total_minimum, groups)
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
    let weights: Vec<i64> = schools.iter().map(|s| s.enrolment).collect();
    let mut per_school = Vec::new();
    for (g, quota) in groups.iter().filter(|(g, _)| g.is_school_bound()) {
        let split = apportion(quota.target(), &weights);
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
        groups,
        schools: per_school,
    }
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
            },
            SchoolSize {
                school_id: 2,
                enrolment: 640,
            },
        ];
        let mut o = Overrides::default();
        o.groups.insert(Parent, 400);
        o.schools.insert((2, Parent), 50);
        let p = plan(250_000, &[Parent, Deputy], &schools, &o);
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
}
