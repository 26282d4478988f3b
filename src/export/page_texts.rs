//! The workbook of the respondent pages' fixed texts: key, Chinese, the
//! English for reference, then one column per language of the deployment's
//! set (and any language asked for), filled where translated.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::collections::BTreeMap;

use crate::domain::{
    language::{KEY_HEADER, SOURCE_HEADER},
    page_texts::{ENGLISH_HEADER, TEXTS},
};

pub fn workbook(
    languages: &[String],
    set: &BTreeMap<(String, String), String>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name("页面文字")?;
    for (c, h) in [KEY_HEADER, SOURCE_HEADER, ENGLISH_HEADER]
        .iter()
        .enumerate()
    {
        ws.write_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, tag) in languages.iter().enumerate() {
        ws.write_with_format(0, 3 + i as u16, tag.as_str(), &bold)?;
    }
    for (r, t) in TEXTS.iter().enumerate() {
        let row = 1 + r as u32;
        ws.write(row, 0, t.key)?;
        ws.write_with_format(row, 1, t.zh, &wrap)?;
        ws.write_with_format(row, 2, t.en, &wrap)?;
        for (i, tag) in languages.iter().enumerate() {
            if let Some(text) = set.get(&(tag.clone(), t.key.to_string())) {
                ws.write_with_format(row, 3 + i as u16, text.as_str(), &wrap)?;
            }
        }
    }
    ws.set_column_width(0, 26)?;
    for c in 1..3 + languages.len() as u16 {
        ws.set_column_width(c, 44)?;
    }
    ws.set_freeze_panes(1, 2)?;
    let help = wb.add_worksheet();
    help.set_name("说明")?;
    for (i, l) in [
        "填写说明 / How to fill in",
        "1. 只在语言列（第4列起）填写译文；不要修改键、中文和英文参考列，不要增删行。",
        "   Fill in the language columns only (from column 4); keep the key, Chinese and English columns and the rows as they are.",
        "2. 花括号中的占位符（如 {n}、{time}、{who}）须原样保留在译文中，页面会填入数字、时间等。",
        "   Keep each placeholder in braces ({n}, {time}, {who}) in the translation: the page fills in numbers, times and names.",
        "3. 留空的单元格显示中文。A cell left empty shows the Chinese text.",
    ]
    .iter()
    .enumerate()
    {
        help.write(i as u32, 0, *l)?;
    }
    help.set_column_width(0, 110)?;
    wb.save_to_buffer()
}
