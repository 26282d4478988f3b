//! The demo county: 云溪县, a made-up county of 268,000 people with 26
//! schools of every kind in town, township and village.

use crate::domain::school::{SchoolDraft, SchoolInput};

pub const NAME: &str = "云溪县";
/// Not a real administrative code (no province has the prefix 99).
pub const ADMIN_CODE: &str = "990101";
pub const POPULATION: i64 = 268_000;

/// One demo school: name, kind, location, primary and junior students,
/// teachers, and how well it is regarded (the share of recognised answers
/// its respondents tend to give).
struct Row(&'static str, &'static str, &'static str, i32, i32, i32, f64);

#[rustfmt::skip]
const SCHOOLS: [Row; 26] = [
    Row("云溪县实验小学", "小学", "城区", 2150, 0, 118, 0.95),
    Row("云溪县城关第一小学", "小学", "城区", 1820, 0, 102, 0.93),
    Row("云溪县城关第二小学", "小学", "城区", 1460, 0, 84, 0.91),
    Row("云溪县城南小学", "小学", "城区", 980, 0, 58, 0.88),
    Row("云溪县第一初级中学", "初中", "城区", 0, 1650, 126, 0.90),
    Row("云溪县第二初级中学", "初中", "城区", 0, 1180, 92, 0.86),
    Row("云溪县第一中学", "完全中学", "城区", 0, 1320, 168, 0.89),
    Row("云溪县特殊教育学校", "特殊教育学校", "城区", 86, 42, 31, 0.96),
    Row("青石镇中心小学", "小学", "镇区", 860, 0, 52, 0.90),
    Row("青石镇中学", "初中", "镇区", 0, 720, 61, 0.87),
    Row("白沙镇中心小学", "小学", "镇区", 740, 0, 46, 0.82),
    Row("白沙镇中学", "初中", "镇区", 0, 610, 54, 0.84),
    Row("柳河镇中心小学", "小学", "镇区", 690, 0, 44, 0.91),
    Row("柳河镇九年一贯制学校", "九年一贯制", "镇区", 520, 310, 57, 0.88),
    Row("双桥镇中心小学", "小学", "镇区", 630, 0, 40, 0.89),
    Row("双桥镇中学", "初中", "镇区", 0, 540, 48, 0.92),
    Row("云溪县高级中学", "十二年一贯制", "镇区", 460, 580, 96, 0.87),
    Row("龙潭镇中学", "初中", "镇区", 0, 430, 39, 0.79),
    Row("石门乡九年一贯制学校", "九年一贯制", "乡村", 310, 190, 36, 0.86),
    Row("石门乡中心小学", "小学", "乡村", 280, 0, 21, 0.83),
    Row("河口乡九年一贯制学校", "九年一贯制", "乡村", 260, 170, 33, 0.90),
    Row("河口乡杨柳村小学", "小学", "乡村", 96, 0, 9, 0.93),
    Row("松林乡中心小学", "小学", "乡村", 240, 0, 19, 0.78),
    Row("松林乡九年一贯制学校", "九年一贯制", "乡村", 220, 150, 30, 0.88),
    Row("大坪乡中心小学", "小学", "乡村", 210, 0, 17, 0.91),
    Row("大坪乡高山村小学", "小学", "乡村", 64, 0, 6, 0.87),
];

/// The school where the demo plants a coached burst of identical answers.
pub const COACHED_SCHOOL: &str = "白沙镇中心小学";

/// The 26 schools as drafts, with how well each is regarded.
pub fn schools() -> anyhow::Result<Vec<(SchoolDraft, f64)>> {
    SCHOOLS
        .iter()
        .enumerate()
        .map(
            |(i, Row(name, kind, location, primary, junior, teachers, regard))| {
                let input = SchoolInput {
                    // 学校标识码: ten digits; 99 marks them as made up.
                    code: format!("99010100{:02}", i + 1),
                    name: (*name).to_string(),
                    kind: (*kind).to_string(),
                    location: (*location).to_string(),
                    primary_students: primary.to_string(),
                    junior_students: junior.to_string(),
                    teachers: teachers.to_string(),
                };
                let draft = input
                    .validate()
                    .map_err(|e| anyhow::anyhow!("demo school {name}: {}", e.join("; ")))?;
                Ok((draft, *regard))
            },
        )
        .collect()
}
