use super::*;
use proptest::prelude::*;

fn close(a: f64, b: f64, eps: f64) -> bool {
    (a - b).abs() <= eps
}

/// A primary school of `students` with the given teachers and facilities.
fn primary(id: i64, students: u32, teachers: [f64; 3], facilities: [f64; 4]) -> SchoolInput {
    SchoolInput {
        school_id: id,
        name: format!("第{id}小学"),
        kind: SchoolKind::Primary,
        teaching_point: false,
        branch_of: None,
        primary: StageInput {
            students,
            teachers,
            facilities: None,
        },
        junior: StageInput::default(),
        senior_students: 0,
        facilities,
    }
}

/// 500 pupils with every indicator exactly at its primary standard (and
/// two PE/arts teachers and rooms rounded up to whole people and rooms).
fn at_standard(id: i64) -> SchoolInput {
    primary(
        id,
        500,
        [21.0, 5.0, 5.0],
        [2250.0, 3750.0, 1_000_000.0, 12.0],
    )
}

#[test]
fn the_worked_check_of_domain_md() {
    // Books per primary student, five schools (students, books).
    let schools = [
        (45, 279.0),
        (37, 137.0),
        (89, 935.0),
        (76, 160.0),
        (55, 402.0),
    ];
    let (mean, _, cv) = weighted_cv(&schools);
    assert!(close(mean, 1913.0 / 302.0, 1e-12));
    assert!(close(cv.unwrap(), 0.5153, 5e-5), "{cv:?}");
    // The unweighted CV of the five ratios is not the method.
    let ratios: Vec<f64> = schools.iter().map(|(n, t)| t / f64::from(*n)).collect();
    let m = ratios.iter().sum::<f64>() / 5.0;
    let sd = (ratios.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 5.0).sqrt();
    assert!(close(sd / m, 0.4888, 5e-5));
}

#[test]
fn the_worked_check_through_the_county_evaluation() {
    // The same five schools' equipment values (元) stand in for books.
    let schools: Vec<SchoolInput> = [
        (45, 279.0),
        (37, 137.0),
        (89, 935.0),
        (76, 160.0),
        (55, 402.0),
    ]
    .into_iter()
    .enumerate()
    .map(|(k, (n, t))| primary(k as i64 + 1, n, [0.0; 3], [0.0, 0.0, t, 0.0]))
    .collect();
    let report = evaluate(&schools, &Settings::default());
    assert_eq!(report.stages.len(), 1);
    let stage = &report.stages[0];
    assert_eq!(stage.stage, Stage::Primary);
    let cv = &stage.cvs[5];
    assert_eq!(cv.indicator, Indicator::EquipmentValue);
    assert_eq!((cv.schools, cv.students), (5, 302));
    assert!(close(cv.cv.unwrap(), 0.5153, 5e-5));
    assert!(!cv.passes, "0.5153 > 0.50");
    assert!(!stage.cvs_pass && !report.passes);
    // School 3 (10.51 per pupil, above X̄) and school 4 (2.11, below) make
    // most of the spread: (89/302)(10.506 − 6.334)² = 5.128 and
    // (76/302)(2.105 − 6.334)² = 4.501 of S² = 10.653.
    let d: Vec<(i64, bool)> = cv
        .drivers
        .iter()
        .map(|d| (d.school_id, d.below_mean))
        .collect();
    assert_eq!(d, [(3, false), (4, true), (2, true)]);
    assert!(close(cv.drivers[0].share, 5.1276 / 10.6530, 1e-3));
    // No resource anywhere is no spread: the CV is none and does not fail.
    assert_eq!(stage.cvs[0].cv, None);
    assert!(stage.cvs[0].passes);
}

proptest! {
    /// S² computed as Σ(nᵢ/N)(xᵢ − X̄)² equals Σ nᵢxᵢ²/N − X̄² (X̄ is the
    /// students' mean of the per-student values), for any county.
    #[test]
    fn the_cv_matches_the_moment_form(
        schools in prop::collection::vec((1u32..3000, 0.0f64..1.0e6), 1..40)
    ) {
        let (mean, sd, cv) = weighted_cv(&schools);
        let n: f64 = schools.iter().map(|(s, _)| f64::from(*s)).sum();
        let x = |(s, t): &(u32, f64)| t / f64::from(*s);
        let m2 = schools.iter().map(|p| f64::from(p.0) * x(p) * x(p)).sum::<f64>() / n;
        let m1 = schools.iter().map(|p| f64::from(p.0) * x(p)).sum::<f64>() / n;
        prop_assert!((mean - m1).abs() <= 1e-9 * m1.abs().max(1.0));
        let var = (m2 - m1 * m1).max(0.0);
        prop_assert!((sd * sd - var).abs() <= 1e-6 * m2.max(1.0), "{} vs {}", sd * sd, var);
        if let Some(cv) = cv {
            prop_assert!(cv >= 0.0);
        }
    }
}

#[test]
fn a_school_at_every_standard_passes() {
    let report = evaluate(&[at_standard(1)], &Settings::default());
    let row = &report.stages[0].schools[0];
    assert_eq!(row.met, 7);
    assert!(row.passes);
    assert!(
        row.cells
            .iter()
            .all(|c| c.gap == 0.0 && c.gap_zh().is_none())
    );
    assert!(close(row.cells[0].value, 4.2, 1e-12));
    assert!(report.passes, "one school: every CV is 0");
}

#[test]
fn six_of_seven_with_the_seventh_at_85_percent_passes_and_two_short_fail() {
    let mut near = at_standard(2);
    near.facilities[1] = 3750.0 * 0.85; // sports area exactly at 85%
    let mut two_near = near.clone();
    two_near.school_id = 3;
    two_near.facilities[3] = 11.0; // 2.2 rooms per hundred: 95.7% of 2.3
    let mut failing = at_standard(4);
    failing.facilities[1] = 3150.0; // 6.3 m² per pupil: 84% of 7.5
    let report = evaluate(&[near, two_near, failing], &Settings::default());
    let rows = &report.stages[0].schools;

    let sports = rows[0].cells[4];
    assert_eq!(sports.status, Status::Near);
    assert!(close(sports.gap, 562.5, 1e-9));
    assert_eq!(sports.gap_zh().unwrap(), "还差562.5平方米达到标准");
    assert_eq!((rows[0].met, rows[0].passes), (6, true));

    assert_eq!((rows[1].met, rows[1].passes), (5, false));
    let rooms = rows[1].cells[6];
    assert_eq!((rooms.status, rooms.gap), (Status::Near, 1.0));
    assert_eq!(rooms.gap_zh().unwrap(), "还差1间达到标准");

    let sports = rows[2].cells[4];
    assert_eq!(sports.status, Status::Failing);
    assert_eq!((rows[2].met, rows[2].passes), (6, false));
    assert!(close(sports.gap, 600.0, 1e-9) && close(sports.gap_to_near, 37.5, 1e-9));
    assert_eq!(
        sports.gap_zh().unwrap(),
        "还差37.5平方米达到标准的85%，差600平方米达到标准"
    );
    assert!(!report.stages[0].schools_pass && !report.passes);
}

#[test]
fn whole_teachers_are_missing_not_fractions() {
    // 4 PE/arts teachers for 500 pupils: 0.8 per hundred (89% of 0.9);
    // 4.5 are needed, so one more teacher.
    let mut s = at_standard(1);
    s.primary.teachers[2] = 4.0;
    s.primary.teachers[1] = 3.0; // 0.6 per hundred: 60% of 1
    let report = evaluate(&[s], &Settings::default());
    let cells = &report.stages[0].schools[0].cells;
    assert_eq!((cells[2].status, cells[2].gap), (Status::Near, 1.0));
    assert_eq!(cells[1].status, Status::Failing);
    // 5 needed, 4.25 for 85%: two more, and two to reach 85%.
    assert_eq!((cells[1].gap, cells[1].gap_to_near), (2.0, 2.0));
    assert_eq!(
        cells[1].gap_zh().unwrap(),
        "还差2名教师达到标准的85%，差2名教师达到标准"
    );
}

#[test]
fn a_nine_year_school_splits_its_facilities_by_student_weights() {
    let school = SchoolInput {
        school_id: 9,
        name: "城关九年一贯制学校".into(),
        kind: SchoolKind::NineYear,
        teaching_point: false,
        branch_of: None,
        primary: StageInput {
            students: 300,
            teachers: [13.0, 3.0, 3.0],
            facilities: None,
        },
        junior: StageInput {
            students: 200,
            teachers: [11.0, 2.0, 2.0],
            facilities: None,
        },
        senior_students: 0,
        facilities: [5200.0, 10400.0, 2_600_000.0, 26.0],
    };
    // 300 × 1 : 200 × 1.1 = 300 : 220 of 520.
    let report = evaluate(std::slice::from_ref(&school), &Settings::default());
    assert_eq!(report.stages.len(), 2);
    let p = &report.stages[0].schools[0];
    let j = &report.stages[1].schools[0];
    assert_eq!((p.students, j.students), (300, 200));
    assert!(close(p.cells[3].total, 3000.0, 1e-9) && close(j.cells[3].total, 2200.0, 1e-9));
    assert!(close(p.cells[3].value, 10.0, 1e-9) && close(j.cells[3].value, 11.0, 1e-9));
    assert!(close(p.cells[6].total, 15.0, 1e-9) && close(j.cells[6].total, 11.0, 1e-9));
    // Teachers are each 学段's own: 11 of 200 is 5.5 per hundred.
    assert!(close(j.cells[0].value, 5.5, 1e-12));
    assert_eq!(j.cells[0].standard, 5.3);

    // The county's own split replaces the weights.
    let mut entered = school.clone();
    entered.primary.facilities = Some([2600.0, 5200.0, 1_300_000.0, 13.0]);
    entered.junior.facilities = Some([2600.0, 5200.0, 1_300_000.0, 13.0]);
    let report = evaluate(&[entered], &Settings::default());
    assert!(close(
        report.stages[1].schools[0].cells[3].value,
        13.0,
        1e-9
    ));

    // And other weights move the split: 1 : 1 halves by students.
    let settings = Settings {
        facility_weights: [1.0, 1.0, 1.0],
        ..Settings::default()
    };
    let report = evaluate(&[school], &settings);
    assert!(close(
        report.stages[0].schools[0].cells[3].total,
        3120.0,
        1e-9
    ));
}

#[test]
fn a_twelve_year_school_leaves_its_senior_share_out() {
    let mut s = primary(12, 100, [5.0, 1.0, 1.0], [3420.0, 0.0, 0.0, 0.0]);
    s.kind = SchoolKind::TwelveYear;
    s.junior.students = 100;
    s.senior_students = 100;
    // 100 : 110 : 132 of 342.
    let report = evaluate(&[s], &Settings::default());
    assert!(close(
        report.stages[0].schools[0].cells[3].total,
        1000.0,
        1e-9
    ));
    assert!(close(
        report.stages[1].schools[0].cells[3].total,
        1100.0,
        1e-9
    ));
}

#[test]
fn special_schools_small_teaching_points_and_branches() {
    let mut special = at_standard(1);
    special.kind = SchoolKind::Special;
    let mut small_point = primary(2, 49, [2.0, 1.0, 1.0], [300.0, 400.0, 1e5, 1.0]);
    small_point.teaching_point = true;
    let mut point = small_point.clone();
    point.school_id = 3;
    point.primary.students = 50;
    let main = at_standard(4);
    let mut branch = primary(5, 100, [5.0, 1.0, 1.0], [450.0, 750.0, 2e5, 3.0]);
    branch.branch_of = Some(4);
    let mut orphan = at_standard(6);
    orphan.branch_of = Some(99);
    let report = evaluate(
        &[special, small_point, point, main, branch, orphan],
        &Settings::default(),
    );
    let excluded: Vec<(i64, &str)> = report
        .excluded
        .iter()
        .map(|e| (e.school_id, e.reason_zh.as_str()))
        .collect();
    assert_eq!(
        excluded,
        [
            (1, "特殊教育学校不参与计算"),
            (2, "学生数少于50人的教学点不参与计算")
        ]
    );
    assert_eq!(report.merged, [(5, 4)]);
    let rows = &report.stages[0].schools;
    let ids: Vec<i64> = rows.iter().map(|r| r.school_id).collect();
    assert_eq!(ids, [3, 4, 6]);
    assert_eq!(rows[1].students, 600);
    assert!(close(rows[1].cells[0].total, 26.0, 1e-12));
    // The county may count smaller teaching points.
    let settings = Settings {
        teaching_point_min_students: 10,
        ..Settings::default()
    };
    let mut small = primary(2, 49, [2.0, 1.0, 1.0], [300.0, 400.0, 1e5, 1.0]);
    small.teaching_point = true;
    assert!(evaluate(&[small], &settings).excluded.is_empty());
}

#[test]
fn settings_are_checked() {
    assert!(Settings::default().validate().is_ok());
    let bad = |f: fn(&mut Settings)| {
        let mut s = Settings::default();
        f(&mut s);
        s.validate().unwrap_err()
    };
    assert!(bad(|s| s.facility_weights[1] = 0.0).contains("折算系数"));
    assert!(bad(|s| s.near_share = 1.5).contains("比例"));
    assert!(bad(|s| s.min_met = 8).contains("7项"));
    assert!(bad(|s| s.cv_limits[0] = f64::NAN).contains("差异系数"));
}

#[test]
fn indicators_have_codes_labels_and_standards() {
    for i in Indicator::ALL {
        assert_eq!(Indicator::from_code(i.code()), Some(i));
        assert!(!i.label_zh().is_empty() && !i.label_en().is_empty());
        assert!(i.standard(Stage::Junior) >= i.standard(Stage::Primary));
    }
    assert_eq!(Indicator::SportsArea.standard(Stage::Junior), 10.2);
    assert_eq!(Indicator::EquipmentValue.standard(Stage::Junior), 2500.0);
}
