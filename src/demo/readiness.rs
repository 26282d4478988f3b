//! The demo county's 资源配置 figures for 学年 2025-2026: most schools
//! comfortably above the standards, two that fail the school rule (松林乡
//! 中心小学 short of sports ground and key teachers; 龙潭镇中学 a little short
//! of equipment and multimedia rooms), and one coefficient of variation
//! over its limit (小学 equipment value: 实验小学 is far better equipped than
//! the rest), so the readiness page has something to say at first start.

use crate::domain::{
    readiness::Indicator,
    readiness_input::{ReadinessFigures, StageFigures},
    school::{SchoolKind, Stage},
};

/// The demo's 学年.
pub const YEAR: &str = "2025-2026";

/// A school's per-indicator factor over the standard: a little above it,
/// varying from school to school, with the demo's planted shortfalls.
fn factor(name: &str, i: usize, indicator: Indicator) -> f64 {
    let base = 1.08 + 0.04 * (i % 6) as f64;
    // Planted shortfalls are shares of the standard itself.
    match (name, indicator) {
        ("松林乡中心小学", Indicator::SportsArea) => 0.75,
        ("松林乡中心小学", Indicator::BackboneTeachers) => 0.8,
        ("龙潭镇中学", Indicator::EquipmentValue) => 0.9,
        ("龙潭镇中学", Indicator::MultimediaRooms) => 0.9,
        ("云溪县实验小学", Indicator::EquipmentValue) => 3.4 * base,
        _ => base,
    }
}

/// 高中 students of the schools that have a senior section.
fn senior(kind: SchoolKind) -> u32 {
    match kind {
        SchoolKind::Complete => 1500,
        SchoolKind::TwelveYear => 900,
        _ => 0,
    }
}

/// The figures of one demo school (index `i`, as listed).
pub fn figures(
    i: usize,
    name: &str,
    kind: SchoolKind,
    primary: u32,
    junior: u32,
) -> ReadinessFigures {
    let stage = |stage: Stage, students: u32| {
        (students > 0).then(|| {
            let teachers = |ind: Indicator| {
                let need = f64::from(students) * ind.standard(stage) / 100.0;
                (need * factor(name, i, ind)).ceil() as u32
            };
            StageFigures {
                students,
                qualified_teachers: teachers(Indicator::QualifiedTeachers),
                backbone_teachers: teachers(Indicator::BackboneTeachers),
                sports_arts_teachers: teachers(Indicator::SportsArtsTeachers),
                facilities: None,
            }
        })
    };
    let senior = senior(kind);
    // Facilities are split by the default weights 1 : 1.1 : 1.32; the total
    // gives every 学段 its standard times the school's factor.
    let weighted = f64::from(primary) + f64::from(junior) * 1.1 + f64::from(senior) * 1.32;
    let facility = |ind: Indicator| {
        let per_weight = [(Stage::Primary, primary, 1.0), (Stage::Junior, junior, 1.1)]
            .iter()
            .filter(|(_, n, _)| *n > 0)
            .map(|(s, _, w)| ind.standard(*s) / w)
            .fold(0.0, f64::max);
        let total = per_weight * weighted * factor(name, i, ind);
        if ind.per_hundred() {
            (total / 100.0).ceil()
        } else {
            total.round()
        }
    };
    ReadinessFigures {
        teaching_point: false,
        branch_of: None,
        primary: stage(Stage::Primary, primary),
        junior: stage(Stage::Junior, junior),
        senior_students: senior,
        facilities: [
            facility(Indicator::TeachingArea),
            facility(Indicator::SportsArea),
            facility(Indicator::EquipmentValue),
            facility(Indicator::MultimediaRooms),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::readiness::{Settings, evaluate};

    #[test]
    fn two_schools_and_one_cv_fail() {
        let inputs: Vec<_> = super::super::county::schools()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, (d, _))| {
                let f = figures(
                    i,
                    &d.name,
                    d.kind,
                    d.primary_students as u32,
                    d.junior_students as u32,
                );
                assert_eq!(f.check(d.kind), Ok(()), "{}", d.name);
                f.to_input(i as i64, &d.name, d.kind)
            })
            .collect();
        let r = evaluate(&inputs, &Settings::default());
        let failing: Vec<&str> = r
            .stages
            .iter()
            .flat_map(|s| s.schools.iter().filter(|x| !x.passes))
            .map(|x| x.name.as_str())
            .collect();
        assert_eq!(failing, ["松林乡中心小学", "龙潭镇中学"]);
        let cvs: Vec<_> = r
            .stages
            .iter()
            .flat_map(|s| {
                s.cvs
                    .iter()
                    .filter(|c| !c.passes)
                    .map(move |c| (s.stage, c.indicator))
            })
            .collect();
        assert_eq!(cvs, [(Stage::Primary, Indicator::EquipmentValue)]);
        assert_eq!(r.excluded.len(), 1);
    }
}
