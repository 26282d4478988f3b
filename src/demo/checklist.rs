//! The demo county's 政府保障程度 and 教育质量 for 学年 2025-2026: every
//! school's classes (per grade too), special classrooms and junior cohort (one art room
//! too small at 松林乡中心小学, one class over 50 at 龙潭镇中学, the county's
//! 巩固率 a little above 95%), and about half of the checklist entered
//! (教师工资 short of the civil servants', the rest met, several items
//! still to verify), with one evidence file, so the overview and the A4
//! page show something worth reading at first start.

use sea_orm::DatabaseConnection;

use crate::{
    domain::{
        checklist::{Entered, SchoolFacts, Status, rooms_needed},
        class_size::{GradeCount, grades_of},
        readiness_input::SchoolYear,
        school::{School, SchoolDraft, SchoolKind},
    },
    store,
};

/// One demo school's facts.
fn facts(d: &SchoolDraft) -> SchoolFacts {
    let p = u32::try_from(d.primary_students).unwrap_or(0);
    let j = u32::try_from(d.junior_students).unwrap_or(0);
    let p_classes = if d.kind.has_primary_section() {
        p.div_ceil(42)
    } else {
        0
    };
    let j_classes = if d.kind.has_junior_section() {
        j.div_ceil(46)
    } else {
        0
    };
    let rooms = rooms_needed(p_classes + j_classes);
    let cohort = j / 3;
    let mut f = SchoolFacts {
        primary_classes: p_classes,
        junior_classes: j_classes,
        largest_primary_class: if p_classes > 0 {
            44.min(p.div_ceil(p_classes) + 2)
        } else {
            0
        },
        largest_junior_class: if j_classes > 0 {
            49.min(j.div_ceil(j_classes) + 2)
        } else {
            0
        },
        music_rooms: rooms,
        music_min_area: if rooms > 0 { 98.0 } else { 0.0 },
        art_rooms: rooms,
        art_min_area: if rooms > 0 { 92.0 } else { 0.0 },
        cohort_entry: if cohort > 0 { cohort + 4 } else { 0 },
        transfers_in: if cohort > 0 { 3 } else { 0 },
        transfers_out: if cohort > 0 { 5 } else { 0 },
        grade9_students: 0,
        grades: Default::default(),
    };
    spread(&mut f, 0, p, p_classes);
    spread(&mut f, 1, j, j_classes);
    // About 97% of each cohort stays.
    f.grade9_students = (f64::from(f.cohort_base()) * 0.97).floor() as u32;
    match d.name.as_str() {
        "松林乡中心小学" => f.art_min_area = 82.0,
        "龙潭镇中学" if f.junior_classes > 0 => f.largest_junior_class = 53,
        _ => {}
    }
    f
}

/// Spreads a 学段's students and classes over its grades, as evenly as
/// they go (one student of the remainder per grade).
fn spread(f: &mut SchoolFacts, section: usize, students: u32, classes: u32) {
    let grades: Vec<usize> = grades_of(section).collect();
    let n = grades.len() as u32;
    if classes == 0 || students == 0 {
        return;
    }
    let mut left = students;
    for (i, g) in grades.iter().enumerate() {
        let i = i as u32;
        let c = classes / n + u32::from(i < classes % n);
        let s = if c == 0 { 0 } else { students * c / classes };
        f.grades[*g] = GradeCount {
            students: s,
            classes: c,
        };
        left -= s;
    }
    for g in grades.iter().rev() {
        if left == 0 {
            break;
        }
        if f.grades[*g].classes > 0 {
            f.grades[*g].students += 1;
            left -= 1;
        }
    }
}

fn entered(
    values: [Option<f64>; 2],
    occurred: Option<bool>,
    status: Option<Status>,
    note: &str,
) -> Entered {
    Entered {
        values,
        occurred,
        status,
        unit: None,
        note: (!note.is_empty()).then(|| note.to_string()),
    }
}

/// Writes the demo's facts, checklist entries and evidence file.
pub async fn fill(
    conn: &DatabaseConnection,
    county: i64,
    year: &SchoolYear,
    drafts: &[SchoolDraft],
    stored: &[School],
) -> anyhow::Result<()> {
    for d in drafts.iter().filter(|d| d.kind != SchoolKind::Special) {
        let Some(s) = stored.iter().find(|s| s.code == d.code.as_str()) else {
            continue;
        };
        store::checklist::put_facts(conn, county, year, s.id, &facts(d)).await?;
    }
    let v = |a: f64| [Some(a), None];
    let entries = [
        (
            "g1",
            entered(
                [None, None],
                None,
                Some(Status::Met),
                "县教育布局专项规划（2021—2030年）已批复",
            ),
        ),
        ("g2", entered([None, None], None, Some(Status::Met), "")),
        ("g7", entered(v(6500.0), None, None, "2025年度决算")),
        (
            "g8",
            entered(
                v(98.0),
                None,
                None,
                "教师年均收入为公务员的98%，差额拟于年底绩效补足",
            ),
        ),
        ("g9", entered(v(100.0), None, None, "")),
        ("g11", entered([Some(12.5), Some(23.0)], None, None, "")),
        ("g12", entered(v(100.0), None, None, "")),
        ("g14", entered(v(55.0), None, None, "")),
        ("g15", entered(v(91.0), None, None, "")),
        ("q2", entered(v(96.5), None, None, "")),
        ("q4", entered(v(5.2), None, None, "")),
        (
            "q9",
            entered(v(0.12), None, None, "2024年国家义务教育质量监测"),
        ),
        ("v1", entered([None, None], Some(false), None, "")),
        ("v2", entered([None, None], Some(false), None, "")),
        ("v3", entered([None, None], Some(false), None, "")),
    ];
    for (key, e) in &entries {
        store::checklist::put_check(conn, county, year, key, e).await?;
    }
    store::checklist::add_evidence(
        conn,
        county,
        year,
        "g7",
        "2025年度特殊教育学校公用经费决算.pdf",
        "application/pdf",
        DEMO_PDF.to_vec(),
    )
    .await?;
    Ok(())
}

/// A one-page PDF saying what it stands for.
const DEMO_PDF: &[u8] = b"%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj
4 0 obj<</Length 44>>stream
BT /F1 18 Tf 72 760 Td (renke demo evidence) Tj ET
endstream endobj
5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj
trailer<</Root 1 0 R>>
%%EOF
";
