use super::*;
use crate::checklist::{Computed, Status, compute};
use crate::school::SchoolKind;

fn school(id: i64, name: &str, kind: SchoolKind, p: u32, j: u32, f: SchoolFacts) -> FactSchool {
    FactSchool {
        school_id: id,
        name: name.to_string(),
        kind,
        primary_students: p,
        junior_students: j,
        facts: Some(f),
    }
}

/// Facts with the given grades (1-based) as (students, classes).
fn grades(list: &[(usize, u32, u32)]) -> SchoolFacts {
    let mut f = SchoolFacts::default();
    for &(g, students, classes) in list {
        f.grades[g - 1] = GradeCount { students, classes };
    }
    f
}

#[test]
fn a_grade_over_45_or_50_fails_with_its_numbers_and_the_classes_needed() {
    // 90 in 2 classes is 45.0 (allowed); 91 in 2 is 45.5 (a class of 46).
    let ok = school(
        1,
        "甲小",
        SchoolKind::Primary,
        180,
        0,
        grades(&[(1, 90, 2), (2, 90, 2)]),
    );
    let f = compute(Computed::ClassSize, std::slice::from_ref(&ok));
    assert_eq!(f.status, Status::Met, "{f:?}");
    assert!(
        f.basis_zh.contains("年级平均班额最大为甲小一年级45人"),
        "{}",
        f.basis_zh
    );

    let bad = school(
        2,
        "乙小",
        SchoolKind::Primary,
        181,
        0,
        grades(&[(1, 90, 2), (3, 91, 2)]),
    );
    let f = compute(Computed::ClassSize, &[ok.clone(), bad]);
    assert_eq!(f.status, Status::Unmet);
    assert_eq!(f.gaps.len(), 1);
    assert_eq!(
        f.gaps[0].text_zh,
        "乙小：三年级平均班额45.5人（91人/2个班），超过45人；须至少分3个班（增加1个）"
    );
    // 初中 allows 50: 150 in 3 is fine, 153 in 3 (51) is not.
    let j = school(
        3,
        "丙中",
        SchoolKind::Junior,
        0,
        303,
        grades(&[(7, 150, 3), (9, 153, 3)]),
    );
    let f = compute(Computed::ClassSize, &[j]);
    assert_eq!(f.status, Status::Unmet);
    assert!(
        f.gaps[0]
            .text_zh
            .contains("九年级平均班额51人（153人/3个班），超过50人"),
        "{:?}",
        f.gaps
    );
    assert!(!f.gaps[0].text_zh.contains("七年级"), "{:?}", f.gaps);
}

#[test]
fn the_entered_largest_class_still_counts_and_both_readings_show() {
    // Grades all under 45 on average, but the largest class entered is 48.
    let mut facts = grades(&[(1, 88, 2), (2, 86, 2)]);
    facts.largest_primary_class = 48;
    let s = school(1, "丁小", SchoolKind::Primary, 174, 0, facts);
    let f = compute(Computed::ClassSize, &[s]);
    assert_eq!(f.status, Status::Unmet, "the stricter reading wins");
    assert_eq!(
        f.gaps[0].text_zh,
        "丁小：小学填报最大班额48人，超过45人的上限3人；按年级平均班额未超标（最大为一年级44人）"
    );
    // A largest class under the limit does not hide a grade over it.
    let mut facts = grades(&[(1, 92, 2)]);
    facts.largest_primary_class = 45;
    let s = school(2, "戊小", SchoolKind::Primary, 92, 0, facts);
    let f = compute(Computed::ClassSize, &[s]);
    assert_eq!(f.status, Status::Unmet);
    assert!(
        f.gaps[0].text_zh.contains("一年级平均班额46人"),
        "{:?}",
        f.gaps
    );
    assert!(
        f.gaps[0]
            .text_zh
            .contains("填报最大班额45人，小于超标年级的平均班额"),
        "{:?}",
        f.gaps
    );
    // Per-grade counts settle a school the 学段 totals could not (no
    // largest class, average under the limit): met, not pending.
    let s = school(
        3,
        "己小",
        SchoolKind::Primary,
        80,
        0,
        grades(&[(1, 40, 1), (2, 40, 1)]),
    );
    assert_eq!(compute(Computed::ClassSize, &[s]).status, Status::Met);
}

#[test]
fn grades_are_checked_for_classes_students_ranges_and_totals() {
    let problems = |f: SchoolFacts, kind| f.check(kind).err().unwrap_or_default().join("|");
    let p = problems(grades(&[(1, 45, 0)]), SchoolKind::Primary);
    assert!(p.contains("一年级有学生45人，班级数须大于0"), "{p}");
    let p = problems(grades(&[(2, 0, 2)]), SchoolKind::Primary);
    assert!(p.contains("二年级有2个班，学生数须大于0"), "{p}");
    let p = problems(grades(&[(3, 3, 5)]), SchoolKind::Primary);
    assert!(p.contains("三年级学生3人少于班级数5"), "{p}");
    let p = problems(grades(&[(4, 900, 2)]), SchoolKind::Primary);
    assert!(p.contains("四年级平均每班超过200人"), "{p}");
    let p = problems(grades(&[(5, 6000, 101)]), SchoolKind::Primary);
    assert!(
        p.contains("五年级班级数不能超过100") && p.contains("五年级学生数不能超过5000"),
        "{p}"
    );
    // A primary school has no 七年级; a junior school no 一年级.
    let p = problems(grades(&[(7, 50, 1)]), SchoolKind::Primary);
    assert!(p.contains("没有初中学段"), "{p}");
    let p = problems(grades(&[(1, 50, 1)]), SchoolKind::Junior);
    assert!(p.contains("没有小学学段"), "{p}");
    // The 学段 total must agree with its grades.
    let mut f = grades(&[(1, 90, 2), (2, 90, 2)]);
    f.primary_classes = 5;
    let p = problems(f, SchoolKind::Primary);
    assert!(
        p.contains("小学班级数5与一年级至六年级各年级班级数之和4不一致"),
        "{p}"
    );
    let mut f = grades(&[(1, 90, 2), (2, 90, 2)]);
    f.primary_classes = 4;
    f.largest_primary_class = 46;
    assert!(f.check(SchoolKind::Primary).is_ok());
    // The grades' classes count for the special rooms when no total is given.
    assert_eq!(f.section_classes(0), 4);
    assert_eq!(grades(&[(1, 90, 2), (8, 100, 2)]).section_classes(1), 2);
}

#[test]
fn facts_without_grades_are_judged_as_before() {
    let mut f = SchoolFacts {
        primary_classes: 20,
        ..Default::default()
    };
    let s = school(1, "庚小", SchoolKind::Primary, 920, 0, f.clone());
    let out = compute(Computed::ClassSize, &[s]);
    assert!(
        out.gaps[0].text_zh.contains("平均班额已达46人"),
        "{:?}",
        out.gaps
    );
    f.largest_primary_class = 44;
    let s = school(2, "辛小", SchoolKind::Primary, 880, 0, f);
    assert_eq!(compute(Computed::ClassSize, &[s]).status, Status::Met);
}
