//! Reading the schools' facts for the computed 政府保障程度 and 教育质量
//! indicators from CSV (UTF-8 or GB18030) or XLSX: one row per school —
//! classes and the largest class per 学段, music and art rooms with the
//! smallest one's area, and the junior cohort for the 巩固率. Cells are
//! checked here; whether the school is the county's and has the 学段 is
//! checked in the use-case, with the same line numbers.

use std::collections::HashMap;

use super::{ImportErrors, Row, header_and_rows, read_table};
use crate::domain::{
    checklist::SchoolFacts,
    readiness_input::{parse_amount, parse_count},
    school::SchoolCode,
};

/// The columns: key, the template's header (first), other accepted names.
pub const COLUMNS: [(&str, &[&str]); 32] = [
    ("code", &["学校标识码", "学校代码", "标识码", "code"]),
    ("name", &["学校名称", "名称", "name"]),
    ("p_classes", &["小学班级数", "primary_classes"]),
    (
        "p_largest",
        &[
            "小学最大班额",
            "小学最大班额（人）",
            "largest_primary_class",
        ],
    ),
    ("j_classes", &["初中班级数", "junior_classes"]),
    (
        "j_largest",
        &["初中最大班额", "初中最大班额（人）", "largest_junior_class"],
    ),
    (
        "music_rooms",
        &["音乐专用教室数", "音乐专用教室数（间）", "music_rooms"],
    ),
    (
        "music_area",
        &[
            "音乐专用教室最小面积（平方米）",
            "音乐专用教室最小面积",
            "music_min_area",
        ],
    ),
    (
        "art_rooms",
        &["美术专用教室数", "美术专用教室数（间）", "art_rooms"],
    ),
    (
        "art_area",
        &[
            "美术专用教室最小面积（平方米）",
            "美术专用教室最小面积",
            "art_min_area",
        ],
    ),
    ("cohort_entry", &["三年前初一入学人数", "cohort_entry"]),
    ("transfers_in", &["转入人数", "transfers_in"]),
    (
        "transfers_out",
        &["转出人数", "转出及死亡人数", "transfers_out"],
    ),
    (
        "grade9",
        &["初三在校生数", "九年级在校生数", "grade9_students"],
    ),
    // 一年级 … 九年级: students and classes, as in the statistics tables'
    // 分年级 columns.
    (
        "g1_students",
        &["一年级学生数", "一年级在校生数", "g1_students"],
    ),
    ("g1_classes", &["一年级班级数", "一年级班数", "g1_classes"]),
    (
        "g2_students",
        &["二年级学生数", "二年级在校生数", "g2_students"],
    ),
    ("g2_classes", &["二年级班级数", "二年级班数", "g2_classes"]),
    (
        "g3_students",
        &["三年级学生数", "三年级在校生数", "g3_students"],
    ),
    ("g3_classes", &["三年级班级数", "三年级班数", "g3_classes"]),
    (
        "g4_students",
        &["四年级学生数", "四年级在校生数", "g4_students"],
    ),
    ("g4_classes", &["四年级班级数", "四年级班数", "g4_classes"]),
    (
        "g5_students",
        &["五年级学生数", "五年级在校生数", "g5_students"],
    ),
    ("g5_classes", &["五年级班级数", "五年级班数", "g5_classes"]),
    (
        "g6_students",
        &["六年级学生数", "六年级在校生数", "g6_students"],
    ),
    ("g6_classes", &["六年级班级数", "六年级班数", "g6_classes"]),
    (
        "g7_students",
        &["七年级学生数", "七年级在校生数", "g7_students"],
    ),
    ("g7_classes", &["七年级班级数", "七年级班数", "g7_classes"]),
    (
        "g8_students",
        &["八年级学生数", "八年级在校生数", "g8_students"],
    ),
    ("g8_classes", &["八年级班级数", "八年级班数", "g8_classes"]),
    ("g9_students", &["九年级学生数", "g9_students"]),
    ("g9_classes", &["九年级班级数", "九年级班数", "g9_classes"]),
];

/// The per-grade columns' keys, 一年级 … 九年级: (students, classes).
const GRADE_KEYS: [(&str, &str); 9] = [
    ("g1_students", "g1_classes"),
    ("g2_students", "g2_classes"),
    ("g3_students", "g3_classes"),
    ("g4_students", "g4_classes"),
    ("g5_students", "g5_classes"),
    ("g6_students", "g6_classes"),
    ("g7_students", "g7_classes"),
    ("g8_students", "g8_classes"),
    ("g9_students", "g9_classes"),
];

/// The template's header line.
pub fn template_header() -> String {
    COLUMNS
        .iter()
        .map(|(_, n)| n[0])
        .collect::<Vec<_>>()
        .join(",")
}

fn label(k: &'static str) -> &'static str {
    COLUMNS
        .iter()
        .find(|(key, _)| *key == k)
        .map_or(k, |(_, n)| n[0])
}

/// One data row, its cells checked.
#[derive(Debug, Clone, PartialEq)]
pub struct FactsRow {
    pub line: usize,
    pub code: SchoolCode,
    pub facts: SchoolFacts,
}

/// The rows whose cells parse, and the problems of the others.
#[derive(Debug, Default)]
pub struct ParsedFacts {
    pub rows: Vec<FactsRow>,
    pub errors: Vec<(usize, String)>,
}

/// Reads a file; refused as a whole only when it cannot be read, is empty
/// or has no 学校标识码 column.
pub fn parse(bytes: &[u8]) -> Result<ParsedFacts, ImportErrors> {
    rows_from(read_table(bytes)?)
}

fn rows_from(rows: Vec<Row>) -> Result<ParsedFacts, ImportErrors> {
    let (index, rows) = header_and_rows(rows, &COLUMNS)?;
    if !index.contains_key("code") || index.len() < 3 {
        return Err(ImportErrors(vec![format!(
            "第1行（表头）须有学校标识码和至少一列数据。请使用模板：{}",
            template_header()
        )]));
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, cells) in rows {
        let get = |k: &str| {
            index
                .get(k)
                .and_then(|&i| cells.get(i))
                .cloned()
                .unwrap_or_default()
        };
        let mut problems = Vec::new();
        let mut count = |k: &'static str| {
            parse_count(label(k), &get(k))
                .map_err(|e| problems.push(e))
                .unwrap_or(0)
        };
        let mut facts = SchoolFacts {
            primary_classes: count("p_classes"),
            largest_primary_class: count("p_largest"),
            junior_classes: count("j_classes"),
            largest_junior_class: count("j_largest"),
            music_rooms: count("music_rooms"),
            art_rooms: count("art_rooms"),
            cohort_entry: count("cohort_entry"),
            transfers_in: count("transfers_in"),
            transfers_out: count("transfers_out"),
            grade9_students: count("grade9"),
            ..Default::default()
        };
        for (g, slot) in facts.grades.iter_mut().enumerate() {
            slot.students = count(GRADE_KEYS[g].0);
            slot.classes = count(GRADE_KEYS[g].1);
        }
        for (k, slot) in [
            ("music_area", &mut facts.music_min_area),
            ("art_area", &mut facts.art_min_area),
        ] {
            match parse_amount(label(k), &get(k)) {
                Ok(v) => *slot = v,
                Err(e) => problems.push(e),
            }
        }
        let code = SchoolCode::parse(&get("code"))
            .map_err(|e| problems.push(e))
            .ok();
        if let Some(code) = &code
            && let Some(first) = seen.insert(code.as_str().to_string(), line)
        {
            problems.push(format!("学校标识码{}与第{first}行重复", code.as_str()));
        }
        match code {
            Some(code) if problems.is_empty() => out.push(FactsRow { line, code, facts }),
            _ => errors.push((line, format!("第{line}行：{}", problems.join("；")))),
        }
    }
    if out.is_empty() && errors.is_empty() {
        return Err(ImportErrors(vec!["文件中没有学校数据".to_string()]));
    }
    Ok(ParsedFacts { rows: out, errors })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb18030_reads_as_utf8_and_bad_rows_are_named() {
        let text = format!(
            "{}\n2165000001,一小,24,46,,,2,96,2,90,,,,\n2165000001,重复,x,,,,,,,,,,,\n",
            template_header()
        );
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        let a = parse(text.as_bytes()).unwrap();
        let b = parse(&gbk).unwrap();
        assert_eq!(a.rows, b.rows);
        assert_eq!(a.rows[0].facts.largest_primary_class, 46);
        assert_eq!(a.rows[0].facts.music_min_area, 96.0);
        assert_eq!(a.errors.len(), 1);
        assert!(a.errors[0].1.starts_with("第3行：") && a.errors[0].1.contains("小学班级数"));
        assert!(a.errors[0].1.contains("第2行重复"), "{:?}", a.errors);
    }

    #[test]
    fn a_file_without_the_code_column_is_refused() {
        let ImportErrors(e) = parse("学校名称,小学班级数\n一小,3\n".as_bytes()).unwrap_err();
        assert!(e[0].contains("学校标识码"), "{e:?}");
    }
}
