use super::*;

fn school(
    id: i64,
    name: &str,
    kind: SchoolKind,
    p: u32,
    j: u32,
    facts: Option<SchoolFacts>,
) -> FactSchool {
    FactSchool {
        school_id: id,
        name: name.to_string(),
        kind,
        primary_students: p,
        junior_students: j,
        facts,
    }
}

#[test]
fn the_checklist_has_15_guarantee_9_quality_and_4_veto_items() {
    let count = |p: Part| ITEMS.iter().filter(|i| i.part == p).count();
    assert_eq!(count(Part::Guarantee), 15);
    assert_eq!(count(Part::Quality), 9);
    assert_eq!(count(Part::Veto), 4);
    let mut keys: Vec<&str> = ITEMS.iter().map(|i| i.key).collect();
    keys.dedup();
    assert_eq!(keys.len(), 28);
    assert_eq!(find("g11").unwrap().thresholds.len(), 2);
    assert_eq!(find("q1").unwrap().computed, Some(Computed::Retention));
}

#[test]
fn school_size_is_2000_or_2500_for_nine_and_twelve_year_schools() {
    let schools = [
        school(1, "城关一小", SchoolKind::Primary, 2000, 0, None),
        school(2, "城关二小", SchoolKind::Primary, 2001, 0, None),
        school(3, "河坝学校", SchoolKind::NineYear, 1600, 900, None),
        school(4, "山口学校", SchoolKind::NineYear, 1700, 900, None),
        school(5, "特教学校", SchoolKind::Special, 3000, 0, None),
    ];
    let f = compute(Computed::SchoolSize, &schools);
    assert_eq!(f.status, Status::Unmet);
    assert_eq!(f.value, Some(2.0));
    let names: Vec<&str> = f.gaps.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["城关二小", "山口学校"]);
    assert!(
        f.gaps[0].text_zh.contains("超过2000人的上限1人"),
        "{:?}",
        f.gaps
    );
    assert!(
        f.gaps[1].text_zh.contains("2600人，超过2500人的上限100人"),
        "{:?}",
        f.gaps
    );
    let ok = compute(Computed::SchoolSize, &schools[..1]);
    assert_eq!(ok.status, Status::Met);
}

#[test]
fn class_size_uses_the_largest_class_or_fails_on_the_average() {
    let facts = |pc, pl, jc, jl| SchoolFacts {
        primary_classes: pc,
        largest_primary_class: pl,
        junior_classes: jc,
        largest_junior_class: jl,
        ..Default::default()
    };
    let schools = [
        // 45 is allowed in 小学, 50 in 初中.
        school(
            1,
            "甲",
            SchoolKind::NineYear,
            450,
            500,
            Some(facts(10, 45, 10, 50)),
        ),
        // 51 in 初中: one over.
        school(
            2,
            "乙",
            SchoolKind::Junior,
            0,
            480,
            Some(facts(0, 0, 10, 51)),
        ),
        // No largest class, but 920 students in 20 classes average 46.
        school(
            3,
            "丙",
            SchoolKind::Primary,
            920,
            0,
            Some(facts(20, 0, 0, 0)),
        ),
    ];
    let f = compute(Computed::ClassSize, &schools);
    assert_eq!(f.status, Status::Unmet);
    assert_eq!(f.gaps.len(), 2);
    assert!(
        f.gaps[0]
            .text_zh
            .contains("初中最大班额51人，超过50人的上限1人"),
        "{:?}",
        f.gaps
    );
    assert!(
        f.gaps[1].text_zh.contains("平均班额已达46人"),
        "{:?}",
        f.gaps
    );
    // At the limits, with every school reporting: met.
    let f = compute(Computed::ClassSize, &schools[..1]);
    assert_eq!(f.status, Status::Met);
    // An average under the limit without the largest class: to be verified.
    let f = compute(
        Computed::ClassSize,
        &[school(
            4,
            "丁",
            SchoolKind::Primary,
            880,
            0,
            Some(facts(20, 0, 0, 0)),
        )],
    );
    assert_eq!(f.status, Status::Pending);
    // A school without facts leaves it pending.
    let f = compute(
        Computed::ClassSize,
        &[
            schools[0].clone(),
            school(5, "戊", SchoolKind::Primary, 100, 0, None),
        ],
    );
    assert_eq!(f.status, Status::Pending);
    assert!(f.basis_zh.contains("1所学校未填报（戊）"), "{}", f.basis_zh);
    // No school has facts: nothing to show but that.
    let f = compute(Computed::ClassSize, &schools[..0]);
    assert_eq!(
        (f.status, f.value, f.value_zh.as_str()),
        (Status::Pending, None, "尚无数据")
    );
    let f = compute(
        Computed::SpecialRooms,
        &[school(6, "己", SchoolKind::Primary, 100, 0, None)],
    );
    assert_eq!(
        (f.status, f.value, f.value_zh.as_str()),
        (Status::Pending, None, "尚无数据")
    );
}

#[test]
fn special_rooms_need_one_per_12_classes_of_96_and_90_square_metres() {
    assert_eq!(rooms_needed(12), 1);
    assert_eq!(rooms_needed(13), 2);
    assert_eq!(rooms_needed(24), 2);
    let room = |classes, music, ma, art, aa| SchoolFacts {
        primary_classes: classes,
        music_rooms: music,
        music_min_area: ma,
        art_rooms: art,
        art_min_area: aa,
        ..Default::default()
    };
    let schools = [
        school(
            1,
            "甲",
            SchoolKind::Primary,
            500,
            0,
            Some(room(24, 2, 96.0, 2, 90.0)),
        ),
        school(
            2,
            "乙",
            SchoolKind::Primary,
            500,
            0,
            Some(room(25, 2, 100.0, 3, 95.0)),
        ),
        school(
            3,
            "丙",
            SchoolKind::Primary,
            200,
            0,
            Some(room(6, 1, 80.0, 1, 90.0)),
        ),
    ];
    let f = compute(Computed::SpecialRooms, &schools);
    assert_eq!(f.status, Status::Unmet);
    assert_eq!(f.gaps.len(), 2);
    assert!(
        f.gaps[0]
            .text_zh
            .contains("25个班须有音乐专用教室3间，现有2间，差1间"),
        "{:?}",
        f.gaps
    );
    assert!(!f.gaps[0].text_zh.contains("美术"), "{:?}", f.gaps);
    assert!(
        f.gaps[1]
            .text_zh
            .contains("最小的音乐专用教室80平方米，不足96平方米（差16平方米）"),
        "{:?}",
        f.gaps
    );
    assert_eq!(
        compute(Computed::SpecialRooms, &schools[..1]).status,
        Status::Met
    );
}

#[test]
fn retention_is_grade_9_over_the_cohort_with_transfers() {
    let cohort = |entry, i, o, g9| SchoolFacts {
        junior_classes: 6,
        cohort_entry: entry,
        transfers_in: i,
        transfers_out: o,
        grade9_students: g9,
        ..Default::default()
    };
    // (300 + 10 − 10) = 300 → 291; (200 + 0 − 0) → 180: 471 / 500 = 94.2%.
    let schools = [
        school(
            1,
            "一中",
            SchoolKind::Junior,
            0,
            900,
            Some(cohort(300, 10, 10, 291)),
        ),
        school(
            2,
            "二中",
            SchoolKind::Junior,
            0,
            600,
            Some(cohort(200, 0, 0, 180)),
        ),
        school(3, "一小", SchoolKind::Primary, 600, 0, None),
    ];
    let f = compute(Computed::Retention, &schools);
    assert_eq!(f.status, Status::Unmet);
    assert_eq!(f.value, Some(94.2));
    assert_eq!(f.value_zh, "94.2%");
    assert!(f.basis_zh.contains("初三在校生471人"), "{}", f.basis_zh);
    assert!(f.basis_zh.contains("500人"), "{}", f.basis_zh);
    assert!(f.basis_zh.contains("距95%还差4人"), "{}", f.basis_zh);
    assert_eq!(f.gaps.len(), 1);
    assert!(
        f.gaps[0].text_zh.starts_with("二中：巩固率90%"),
        "{:?}",
        f.gaps
    );
    // Exactly 95%: met.
    let f = compute(
        Computed::Retention,
        &[school(
            1,
            "一中",
            SchoolKind::Junior,
            0,
            900,
            Some(cohort(200, 0, 0, 190)),
        )],
    );
    assert_eq!((f.status, f.value), (Status::Met, Some(95.0)));
    // No data: pending.
    let f = compute(Computed::Retention, &schools[2..]);
    assert_eq!(f.status, Status::Pending);
}

#[test]
fn facts_are_checked_against_the_school() {
    let f = SchoolFacts {
        primary_classes: 12,
        largest_primary_class: 44,
        music_rooms: 1,
        music_min_area: 0.0,
        art_rooms: 0,
        art_min_area: 90.0,
        grade9_students: 40,
        ..Default::default()
    };
    let errs = f.check(SchoolKind::Primary).unwrap_err();
    let all = errs.join("|");
    assert!(all.contains("须填写其中最小一间的面积"), "{all}");
    assert!(all.contains("美术专用教室数为0"), "{all}");
    assert!(all.contains("没有初中学段"), "{all}");
    assert!(all.contains("三年前初一入学人数"), "{all}");
    let good = SchoolFacts {
        primary_classes: 12,
        largest_primary_class: 44,
        music_rooms: 1,
        music_min_area: 96.0,
        ..Default::default()
    };
    assert!(good.check(SchoolKind::Primary).is_ok());
    let bad = SchoolFacts {
        largest_junior_class: 40,
        ..Default::default()
    };
    assert!(bad.check(SchoolKind::Junior).unwrap_err()[0].contains("班级数为0"));
}

#[test]
fn entered_values_are_judged_against_their_thresholds() {
    let g11 = find("g11").unwrap();
    let e = Entered {
        values: [Some(12.0), Some(18.5)],
        ..Default::default()
    };
    let (s, gaps) = e.judge(g11);
    assert_eq!(s, Status::Unmet);
    assert_eq!(gaps, ["骨干教师占交流轮岗教师比例为18.5%，还差1.5%"]);
    // One value missing: what the county set, pending by default.
    let e = Entered {
        values: [Some(12.0), None],
        ..Default::default()
    };
    assert_eq!(e.judge(g11).0, Status::Pending);
    let q9 = find("q9").unwrap();
    let e = Entered {
        values: [Some(0.15), None],
        ..Default::default()
    };
    assert_eq!(e.judge(q9).0, Status::Unmet);
    let e = Entered {
        values: [Some(0.149), None],
        ..Default::default()
    };
    assert_eq!(e.judge(q9).0, Status::Met);
    // A veto item by whether it happened.
    let v1 = find("v1").unwrap();
    let e = Entered {
        occurred: Some(true),
        status: Some(Status::Met),
        ..Default::default()
    };
    assert_eq!(e.judge(v1).0, Status::Unmet);
    let e = Entered {
        occurred: Some(false),
        ..Default::default()
    };
    assert_eq!(e.judge(v1).0, Status::Met);
    // A text item: as set.
    let g1 = find("g1").unwrap();
    let e = Entered {
        status: Some(Status::Met),
        ..Default::default()
    };
    assert_eq!(e.judge(g1).0, Status::Met);
    // Checks.
    let e = Entered {
        values: [Some(-1.0), Some(5.0)],
        occurred: Some(true),
        ..Default::default()
    };
    let errs = e.check(find("g7").unwrap()).unwrap_err();
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert_eq!(
        Status::of_all([Status::Met, Status::Pending, Status::Met]),
        Status::Pending
    );
    assert_eq!(
        Status::of_all([Status::Pending, Status::Unmet]),
        Status::Unmet
    );
}

#[test]
fn evidence_is_recognised_by_its_bytes_not_its_name() {
    assert_eq!(FileKind::sniff(b"%PDF-1.7\n..."), Ok(FileKind::Pdf));
    assert_eq!(
        FileKind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        Ok(FileKind::Png)
    );
    assert_eq!(
        FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
        Ok(FileKind::Jpeg)
    );
    assert_eq!(
        FileKind::sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
        Ok(FileKind::Xls)
    );
    assert_eq!(
        FileKind::sniff(b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml"),
        Ok(FileKind::Xlsx)
    );
    assert!(
        FileKind::sniff(b"PK\x03\x04....word/document.xml")
            .unwrap_err()
            .contains("不是Excel")
    );
    assert!(
        FileKind::sniff(b"MZ\x90\0")
            .unwrap_err()
            .contains("无法识别")
    );
    assert!(FileKind::sniff(b"").is_err());
    assert_eq!(
        evidence_name("C:\\材料\\报告.PDF", FileKind::Pdf),
        "报告.pdf"
    );
    assert_eq!(
        evidence_name("../../etc/passwd", FileKind::Png),
        "passwd.png"
    );
    assert_eq!(evidence_name("", FileKind::Xlsx), "证据材料.xlsx");
    assert_eq!(evidence_name("照片.exe", FileKind::Jpeg), "照片.jpg");
}

#[test]
fn a_declared_type_must_be_accepted_and_match_the_bytes() {
    use FileKind::*;
    assert_eq!(FileKind::check_declared(None, Pdf), Ok(()));
    assert_eq!(
        FileKind::check_declared(Some("application/octet-stream"), Png),
        Ok(())
    );
    assert_eq!(
        FileKind::check_declared(Some("Image/JPEG; q=1"), Jpeg),
        Ok(())
    );
    assert_eq!(
        FileKind::check_declared(Some("application/pdf"), Pdf),
        Ok(())
    );
    let e = FileKind::check_declared(Some("text/html"), Pdf).unwrap_err();
    assert!(e.contains("不接受类型为text/html的文件"), "{e}");
    let e = FileKind::check_declared(Some("image/png"), Pdf).unwrap_err();
    assert!(e.contains("文件声明为PNG图片，内容却是PDF文件"), "{e}");
}
