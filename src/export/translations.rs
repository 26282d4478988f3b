//! The translation workbook of a round: one row per text with its stable
//! key and the Chinese source, one column per additional language (filled
//! where a current translation exists). The translator fills it; the
//! import reads the first sheet back (`domain::language::read_sheet`).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::domain::language::{KEY_HEADER, SOURCE_HEADER, Translations, native_name};

pub fn workbook(
    needed: &[(String, String)],
    languages: &[String],
    texts: &Translations,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name("译文")?;
    ws.write_with_format(0, 0, KEY_HEADER, &bold)?;
    ws.write_with_format(0, 1, SOURCE_HEADER, &bold)?;
    for (i, tag) in languages.iter().enumerate() {
        ws.write_with_format(0, 2 + i as u16, tag.as_str(), &bold)?;
    }
    for (r, (key, source)) in needed.iter().enumerate() {
        let row = 1 + r as u32;
        ws.write(row, 0, key.as_str())?;
        ws.write_with_format(row, 1, source.as_str(), &wrap)?;
        for (i, tag) in languages.iter().enumerate() {
            if let Some(t) = texts
                .get(&(tag.clone(), key.clone()))
                .filter(|t| t.source == *source)
            {
                ws.write_with_format(row, 2 + i as u16, t.text.as_str(), &wrap)?;
            }
        }
    }
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 48)?;
    for i in 0..languages.len() {
        ws.set_column_width(2 + i as u16, 48)?;
    }
    ws.set_freeze_panes(1, 2)?;

    let help = wb.add_worksheet();
    help.set_name("说明")?;
    let lines = [
        "填写说明 / How to fill in".to_string(),
        "1. 只在语言列（第3列起）填写译文；不要修改“键 key”列和“中文原文 zh”列，不要增删行。".to_string(),
        "   Fill in the language columns only; do not change the key or Chinese columns, add or remove rows.".to_string(),
        "2. 留空的单元格表示尚未翻译，受访者将看到中文。".to_string(),
        "   An empty cell is not translated yet; respondents see the Chinese text.".to_string(),
        "3. 选项的键以选项编号结尾（如 parent/q3/2），编号不变，计分与语言无关。".to_string(),
        "   Option keys end in the option's code; codes never change, so scoring does not depend on the language.".to_string(),
        format!(
            "4. 本轮语言 / Languages of this round: {}",
            languages
                .iter()
                .map(|t| format!("{t}（{}）", native_name(t)))
                .collect::<Vec<_>>()
                .join("、")
        ),
    ];
    for (i, l) in lines.iter().enumerate() {
        help.write(i as u32, 0, l.as_str())?;
    }
    help.set_column_width(0, 100)?;
    wb.save_to_buffer()
}
