//! Reading a school list from an uploaded CSV (UTF-8 with or without BOM, or
//! GB18030 as Excel in China saves it) or XLSX file.

use std::collections::HashMap;

pub mod checklist;
pub mod readiness;

use crate::domain::school::{SchoolDraft, SchoolInput};

/// The columns, with the header names accepted for each (Chinese first).
const COLUMNS: [(&str, &[&str]); 7] = [
    ("code", &["学校标识码", "学校代码", "标识码", "code"]),
    ("name", &["学校名称", "名称", "name"]),
    ("kind", &["学校类型", "办学类型", "类型", "kind"]),
    ("location", &["所在地", "城乡类型", "城乡", "location"]),
    (
        "primary_students",
        &["小学在校生数", "小学学生数", "primary_students"],
    ),
    (
        "junior_students",
        &["初中在校生数", "初中学生数", "junior_students"],
    ),
    ("teachers", &["教师数", "专任教师数", "teachers"]),
];

/// The header line of the downloadable template.
pub const TEMPLATE_HEADER: &str =
    "学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数";

/// The import was refused; nothing was stored.
#[derive(Debug, PartialEq)]
pub struct ImportErrors(pub Vec<String>);

/// Turns file bytes into validated school drafts, or every problem found.
pub fn parse_schools(bytes: &[u8]) -> Result<Vec<SchoolDraft>, ImportErrors> {
    validate_rows(read_table(bytes)?)
}

/// UTF-8 (BOM stripped) when it is valid UTF-8, GB18030 otherwise.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// A data row with its line number in the file (1-based, header is line 1).
pub type Row = (usize, Vec<String>);

/// The rows of a CSV (UTF-8 or GB18030) or of an XLSX file's first sheet,
/// bounded as the school import is.
pub fn read_table(bytes: &[u8]) -> Result<Vec<Row>, ImportErrors> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else {
        read_csv(&decode_text(bytes))
    }
}

fn read_csv(text: &str) -> Result<Vec<Row>, ImportErrors> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| ImportErrors(vec![format!("第{}行：无法读取（{e}）", i + 1)]))?;
        rows.push((i + 1, rec.iter().map(|s| s.to_string()).collect()));
    }
    Ok(rows)
}

/// Most parts (files) an uploaded workbook may hold.
pub const XLSX_MAX_PARTS: usize = 200;
/// Most bytes any part may unpack to (a shared-strings or sheet zip bomb).
pub const XLSX_MAX_PART_BYTES: u64 = 32 << 20;
/// Most rows and columns the sheet may span, and cells it may hold: a
/// county has hundreds of schools, never tens of thousands.
pub const XLSX_MAX_ROWS: u32 = 20_000;
pub const XLSX_MAX_COLUMNS: u32 = 64;
pub const XLSX_MAX_CELLS: usize = 200_000;

fn refuse(message: String) -> ImportErrors {
    ImportErrors(vec![message])
}

/// Checks the workbook's zip before anything is parsed: how many parts,
/// and what each really unpacks to (counted, not believed, and never held).
fn check_xlsx_parts(bytes: &[u8]) -> Result<(), ImportErrors> {
    use std::io::Read;
    let unreadable = |e: &dyn std::fmt::Display| refuse(format!("无法读取XLSX文件：{e}"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    if zip.len() > XLSX_MAX_PARTS {
        return Err(refuse(format!(
            "XLSX文件包含{}个部件，超过上限{XLSX_MAX_PARTS}个",
            zip.len()
        )));
    }
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| unreadable(&e))?;
        let name = part
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{i}"));
        let too_big = || {
            refuse(format!(
                "XLSX文件的部件{name}解压后超过上限{}MB",
                XLSX_MAX_PART_BYTES >> 20
            ))
        };
        if part.size() > XLSX_MAX_PART_BYTES {
            return Err(too_big());
        }
        let unpacked = std::io::copy(
            &mut (&mut part).take(XLSX_MAX_PART_BYTES + 1),
            &mut std::io::sink(),
        )
        .map_err(|e| unreadable(&e))?;
        if unpacked > XLSX_MAX_PART_BYTES {
            return Err(too_big());
        }
    }
    Ok(())
}

/// The first sheet's rows, cell by cell: nothing is allocated for the
/// sheet's bounding box, and its declared dimension, its cells' positions
/// and their number are bounded.
fn read_xlsx(bytes: &[u8]) -> Result<Vec<Row>, ImportErrors> {
    use calamine::{Reader, Xlsx};
    check_xlsx_parts(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| refuse(format!("无法读取XLSX文件：{e}")))?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(refuse("XLSX文件中没有工作表".to_string()));
    };
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| refuse(format!("无法读取工作表：{e}")))?;
    let beyond = |row: u32, col: u32| {
        if row >= XLSX_MAX_ROWS {
            Some(refuse(format!(
                "工作表超过{XLSX_MAX_ROWS}行的上限（第{}行）",
                u64::from(row) + 1
            )))
        } else if col >= XLSX_MAX_COLUMNS {
            Some(refuse(format!(
                "工作表超过{XLSX_MAX_COLUMNS}列的上限（第{}列）",
                u64::from(col) + 1
            )))
        } else {
            None
        }
    };
    let declared = cells.dimensions();
    if let Some(e) = beyond(declared.end.0, declared.end.1) {
        return Err(e);
    }
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    let mut count = 0usize;
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| refuse(format!("无法读取工作表：{e}")))?
    {
        let (row, col) = cell.get_position();
        if let Some(e) = beyond(row, col) {
            return Err(e);
        }
        count += 1;
        if count > XLSX_MAX_CELLS {
            return Err(refuse(format!("工作表超过{XLSX_MAX_CELLS}个单元格的上限")));
        }
        let line = rows.entry(row).or_default();
        let col = col as usize;
        if line.len() <= col {
            line.resize(col + 1, String::new());
        }
        line[col] = cell_text(&calamine::Data::from(cell.get_value().clone()));
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| (row as usize + 1, cells))
        .collect())
}

fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A table's header read against `columns` (each key with the names
/// accepted for it, any case): where each known column is, and the data
/// rows after the header. Blank rows are skipped; an empty table is refused.
pub fn header_and_rows(
    rows: Vec<Row>,
    columns: &[(&'static str, &[&str])],
) -> Result<(HashMap<&'static str, usize>, impl Iterator<Item = Row>), ImportErrors> {
    let mut rows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = rows.next() else {
        return Err(ImportErrors(vec!["文件是空的".to_string()]));
    };
    let mut index = HashMap::new();
    for (key, names) in columns {
        if let Some(pos) = header
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
        {
            index.insert(*key, pos);
        }
    }
    Ok((index, rows))
}

fn validate_rows(rows: Vec<Row>) -> Result<Vec<SchoolDraft>, ImportErrors> {
    let (index, rows) = header_and_rows(rows, &COLUMNS)?;
    let missing: Vec<_> = COLUMNS
        .iter()
        .filter(|(k, _)| !index.contains_key(k) && ["code", "name", "kind", "location"].contains(k))
        .map(|(_, names)| names[0])
        .collect();
    if !missing.is_empty() {
        return Err(ImportErrors(vec![format!(
            "第1行（表头）缺少列：{}。请使用模板：{TEMPLATE_HEADER}",
            missing.join("、")
        )]));
    }
    let mut errors = Vec::new();
    let mut drafts = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, cells) in rows {
        let get = |k: &str| {
            index
                .get(k)
                .and_then(|&i| cells.get(i))
                .cloned()
                .unwrap_or_default()
        };
        let input = SchoolInput {
            code: get("code"),
            name: get("name"),
            kind: get("kind"),
            location: get("location"),
            primary_students: get("primary_students"),
            junior_students: get("junior_students"),
            teachers: get("teachers"),
        };
        match input.validate() {
            Ok(d) => {
                if let Some(first) = seen.insert(d.code.as_str().to_string(), line) {
                    errors.push(format!(
                        "第{line}行：学校标识码{}与第{first}行重复",
                        d.code.as_str()
                    ));
                } else {
                    drafts.push(d);
                }
            }
            Err(problems) => errors.push(format!("第{line}行：{}", problems.join("；"))),
        }
    }
    if drafts.is_empty() && errors.is_empty() {
        errors.push("文件中没有学校数据".to_string());
    }
    if errors.is_empty() {
        Ok(drafts)
    } else {
        Err(ImportErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n\
        2165000001,第一小学,小学,城区,1200,0,80\n\
        2165000002,第二中学,初中,镇区,0,900,70\n";

    #[test]
    fn utf8_with_bom_and_gb18030_read_the_same() {
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(GOOD.as_bytes());
        let (gbk, _, _) = encoding_rs::GB18030.encode(GOOD);
        let a = parse_schools(GOOD.as_bytes()).unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(parse_schools(&bom).unwrap(), a);
        assert_eq!(parse_schools(&gbk).unwrap(), a);
        assert_eq!(a[1].name, "第二中学");
    }

    #[test]
    fn bad_rows_are_listed_with_line_numbers() {
        let text = format!("{GOOD}123,坏学校,大学,城区,1,0,1\n2165000001,重复,小学,城区,1,0,1\n");
        let ImportErrors(errs) = parse_schools(text.as_bytes()).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].starts_with("第4行："), "{errs:?}");
        assert!(
            errs[1].starts_with("第5行：") && errs[1].contains("第2行重复"),
            "{errs:?}"
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let ImportErrors(errs) =
            parse_schools("学校名称,学校类型\n甲,小学\n".as_bytes()).unwrap_err();
        assert!(
            errs[0].contains("学校标识码") && errs[0].contains("所在地"),
            "{errs:?}"
        );
    }

    #[test]
    fn english_headers_work_too() {
        let t = "code,name,kind,location,primary_students,junior_students,teachers\n2165000009,X School,primary,rural,10,0,3\n";
        assert_eq!(parse_schools(t.as_bytes()).unwrap().len(), 1);
    }
}

#[cfg(test)]
mod fuzz {
    //! Property tests standing in for a fuzzer: no input makes the import
    //! parser panic, and every refusal says where.
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse_schools(&bytes);
        }

        #[test]
        fn xlsx_like_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let mut bytes = b"PK\x03\x04".to_vec();
            bytes.extend(tail);
            let _ = parse_schools(&bytes);
        }

        #[test]
        fn csv_with_arbitrary_cells_is_parsed_or_refused_with_reasons(
            rows in proptest::collection::vec(proptest::collection::vec("[^\n\r]{0,20}", 0..9), 0..20)
        ) {
            let mut text = String::from(TEMPLATE_HEADER);
            for r in &rows {
                text.push('\n');
                text.push_str(&r.join(","));
            }
            match parse_schools(text.as_bytes()) {
                Ok(drafts) => prop_assert!(!drafts.is_empty()),
                Err(ImportErrors(errs)) => prop_assert!(!errs.is_empty()),
            }
        }
    }
}
