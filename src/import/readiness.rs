//! Reading a county's readiness figures (资源配置) from CSV or XLSX: one row
//! per school, laid out like the statistics tables a county exports. Cells
//! are checked here; whether the school exists and has the 学段 is checked
//! where the schools are (the use-case), with the same line numbers.

use std::collections::HashMap;

use super::{ImportErrors, Row, header_and_rows, read_table};
use crate::domain::{
    readiness_input::{ReadinessFigures, StageFigures, parse_amount, parse_count, parse_yes_no},
    school::SchoolCode,
};

/// The columns: key, the header of the template (first), other accepted
/// names.
pub const COLUMNS: [(&str, &[&str]); 17] = [
    ("code", &["学校标识码", "学校代码", "标识码", "code"]),
    ("name", &["学校名称", "名称", "name"]),
    (
        "teaching_point",
        &["是否教学点", "教学点", "teaching_point"],
    ),
    (
        "branch_of",
        &["所属学校标识码", "分校所属学校标识码", "branch_of"],
    ),
    (
        "p_students",
        &["小学在校生数", "小学学生数", "primary_students"],
    ),
    (
        "p_qualified",
        &[
            "小学高于规定学历教师数",
            "小学专科及以上学历教师数",
            "primary_qualified_teachers",
        ],
    ),
    (
        "p_backbone",
        &[
            "小学县级以上骨干教师数",
            "小学骨干教师数",
            "primary_backbone_teachers",
        ],
    ),
    (
        "p_sports_arts",
        &[
            "小学体育艺术专任教师数",
            "小学体育、艺术专任教师数",
            "primary_sports_arts_teachers",
        ],
    ),
    (
        "j_students",
        &["初中在校生数", "初中学生数", "junior_students"],
    ),
    (
        "j_qualified",
        &[
            "初中高于规定学历教师数",
            "初中本科及以上学历教师数",
            "junior_qualified_teachers",
        ],
    ),
    (
        "j_backbone",
        &[
            "初中县级以上骨干教师数",
            "初中骨干教师数",
            "junior_backbone_teachers",
        ],
    ),
    (
        "j_sports_arts",
        &[
            "初中体育艺术专任教师数",
            "初中体育、艺术专任教师数",
            "junior_sports_arts_teachers",
        ],
    ),
    ("senior_students", &["高中在校生数", "senior_students"]),
    (
        "teaching_area",
        &[
            "教学及辅助用房面积（平方米）",
            "教学及辅助用房面积",
            "teaching_area",
        ],
    ),
    (
        "sports_area",
        &[
            "体育运动场馆面积（平方米）",
            "体育运动场馆面积",
            "sports_area",
        ],
    ),
    (
        "equipment_value",
        &["教学仪器设备值（元）", "教学仪器设备值", "equipment_value"],
    ),
    (
        "multimedia_rooms",
        &[
            "网络多媒体教室数（间）",
            "网络多媒体教室数",
            "multimedia_rooms",
        ],
    ),
];

/// The columns a file must have.
const REQUIRED: [&str; 6] = [
    "code",
    "teaching_area",
    "sports_area",
    "equipment_value",
    "multimedia_rooms",
    "p_students",
];

/// The template's header line.
pub fn template_header() -> String {
    COLUMNS
        .iter()
        .map(|(_, n)| n[0])
        .collect::<Vec<_>>()
        .join(",")
}

/// The template's header for a column key.
fn label(k: &'static str) -> &'static str {
    COLUMNS
        .iter()
        .find(|(key, _)| *key == k)
        .map_or(k, |(_, n)| n[0])
}

/// One data row, its cells checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRow {
    pub line: usize,
    pub code: SchoolCode,
    pub branch_of: Option<SchoolCode>,
    /// `branch_of` is left empty: the use-case resolves the code.
    pub figures: ReadinessFigures,
}

/// A file's rows: those whose cells parse, and the problems of the others
/// (line, message), so that the schools of the good rows can still be
/// checked and every bad row named at once.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<ParsedRow>,
    pub errors: Vec<(usize, String)>,
}

/// Reads a file; refused as a whole only when it cannot be read, is empty
/// or lacks a column.
pub fn parse(bytes: &[u8]) -> Result<Parsed, ImportErrors> {
    rows_from(read_table(bytes)?)
}

fn rows_from(rows: Vec<Row>) -> Result<Parsed, ImportErrors> {
    let (index, rows) = header_and_rows(rows, &COLUMNS)?;
    let mut missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|(k, _)| REQUIRED.contains(k) && !index.contains_key(k))
        .map(|(_, names)| names[0])
        .collect();
    // A file needs the students of at least one 学段.
    if index.contains_key("j_students") {
        missing.retain(|m| *m != "小学在校生数");
    }
    if !missing.is_empty() {
        return Err(ImportErrors(vec![format!(
            "第1行（表头）缺少列：{}。请使用模板：{}",
            missing.join("、"),
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
        let stage = |students: u32, q: u32, b: u32, s: u32, present: bool| {
            present.then_some(StageFigures {
                students,
                qualified_teachers: q,
                backbone_teachers: b,
                sports_arts_teachers: s,
                facilities: None,
            })
        };
        let (ps, pq, pb, pa) = (
            count("p_students"),
            count("p_qualified"),
            count("p_backbone"),
            count("p_sports_arts"),
        );
        let (js, jq, jb, ja) = (
            count("j_students"),
            count("j_qualified"),
            count("j_backbone"),
            count("j_sports_arts"),
        );
        let senior = count("senior_students");
        let mut facilities = [0.0; 4];
        for (k, slot) in [
            "teaching_area",
            "sports_area",
            "equipment_value",
            "multimedia_rooms",
        ]
        .into_iter()
        .zip(facilities.iter_mut())
        {
            match parse_amount(label(k), &get(k)) {
                Ok(v) => *slot = v,
                Err(e) => problems.push(e),
            }
        }
        let teaching_point = parse_yes_no("是否教学点", &get("teaching_point"))
            .map_err(|e| problems.push(e))
            .unwrap_or(false);
        let code = SchoolCode::parse(&get("code"))
            .map_err(|e| problems.push(e))
            .ok();
        let branch = get("branch_of");
        let branch_of = if branch.trim().is_empty() {
            None
        } else {
            SchoolCode::parse(&branch)
                .map_err(|e| problems.push(format!("所属学校：{e}")))
                .ok()
        };
        if let Some(code) = &code {
            if let Some(first) = seen.insert(code.as_str().to_string(), line) {
                problems.push(format!("学校标识码{}与第{first}行重复", code.as_str()));
            }
            if branch_of.as_ref() == Some(code) {
                problems.push("所属学校不能是本校".to_string());
            }
        }
        match code {
            Some(code) if problems.is_empty() => out.push(ParsedRow {
                line,
                code,
                branch_of,
                figures: ReadinessFigures {
                    teaching_point,
                    branch_of: None,
                    primary: stage(ps, pq, pb, pa, ps + pq + pb + pa > 0),
                    junior: stage(js, jq, jb, ja, js + jq + jb + ja > 0),
                    senior_students: senior,
                    facilities,
                },
            }),
            _ => errors.push((line, format!("第{line}行：{}", problems.join("；")))),
        }
    }
    if out.is_empty() && errors.is_empty() {
        return Err(ImportErrors(vec!["文件中没有学校数据".to_string()]));
    }
    Ok(Parsed { rows: out, errors })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> String {
        format!(
            "{}\n2165000001,第一小学,否,,500,25,5,5,0,0,0,0,0,2500,4000,\"1,100,000\",12\n",
            template_header()
        )
    }

    #[test]
    fn utf8_and_gb18030_read_the_same() {
        let text = good();
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        let a = parse(text.as_bytes()).unwrap().rows;
        assert_eq!(parse(&gbk).unwrap().rows, a);
        assert_eq!(
            a[0].figures.primary.as_ref().unwrap().qualified_teachers,
            25
        );
        assert_eq!(a[0].figures.facilities[2], 1_100_000.0);
        assert!(a[0].figures.junior.is_none());
    }

    #[test]
    fn every_bad_row_is_named() {
        let text = format!(
            "{}123,坏,也许,,-1,0,0,0,0,0,0,0,0,x,0,0,0\n2165000001,重复,否,,10,0,0,0,0,0,0,0,0,1,1,1,1\n",
            good()
        );
        let parsed = parse(text.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        let errs: Vec<&String> = parsed.errors.iter().map(|(_, e)| e).collect();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(
            errs[0].starts_with("第3行：") && errs[0].contains("学校标识码"),
            "{errs:?}"
        );
        assert!(
            errs[0].contains("小学在校生数") && errs[0].contains("是否教学点"),
            "{errs:?}"
        );
        assert!(
            errs[1].starts_with("第4行：") && errs[1].contains("第2行重复"),
            "{errs:?}"
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let ImportErrors(errs) =
            parse("学校标识码,小学在校生数\n2165000001,5\n".as_bytes()).unwrap_err();
        assert!(errs[0].contains("体育运动场馆面积"), "{errs:?}");
    }
}
