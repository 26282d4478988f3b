//! The report of a round as a workbook (one sheet per part) or as one CSV
//! with the same parts one after another.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::cells::{BOM, Cell, safe};

/// A titled block of rows under one header row.
pub struct Block {
    pub title: Option<String>,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

pub struct Sheet {
    pub name: &'static str,
    pub blocks: Vec<Block>,
}

/// All parts in one CSV (UTF-8 with BOM): each part under its title.
pub fn csv(sheets: &[Sheet]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(BOM.to_vec());
    for sheet in sheets {
        w.write_record([format!("【{}】", sheet.name)])?;
        for b in &sheet.blocks {
            if let Some(t) = &b.title {
                w.write_record([safe(t).as_ref()])?;
            }
            if !b.headers.is_empty() {
                w.write_record(&b.headers)?;
            }
            for row in &b.rows {
                w.write_record(row.iter().map(|c| c.csv().into_owned()))?;
            }
        }
        w.write_record([""])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Writes one cell; text is neutralised like in CSV.
pub fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    pct: &Format,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(s) => {
            ws.write_string(row, col, safe(s).as_ref())?;
        }
        Cell::Shared(s) => {
            ws.write_string(row, col, safe(s).as_ref())?;
        }
        Cell::Int(n) => {
            ws.write_number(row, col, *n as f64)?;
        }
        Cell::Pct(p) => {
            ws.write_number_with_format(row, col, *p, pct)?;
        }
        Cell::Num(x) => {
            ws.write_number(row, col, *x)?;
        }
    }
    Ok(())
}

/// The report workbook.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    workbook(sheets.iter().map(|s| (s.name, s.blocks.as_slice())))
}

/// A sheet whose name is made at run time (a county's, say).
pub struct NamedSheet {
    pub name: String,
    pub blocks: Vec<Block>,
}

/// A workbook of sheets named at run time. A name is cut to Excel's 31
/// characters and loses the characters Excel refuses in it.
pub fn xlsx_named(sheets: &[NamedSheet]) -> Result<Vec<u8>, XlsxError> {
    let names: Vec<String> = sheets
        .iter()
        .map(|s| {
            s.name
                .chars()
                .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\' | '\''))
                .take(31)
                .collect()
        })
        .collect();
    workbook(
        names
            .iter()
            .zip(sheets)
            .map(|(n, s)| (n.as_str(), s.blocks.as_slice())),
    )
}

fn workbook<'a>(
    sheets: impl Iterator<Item = (&'a str, &'a [Block])>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.00%");
    for (name, blocks) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        let mut row = 0u32;
        for b in blocks {
            if let Some(t) = &b.title {
                ws.write_string_with_format(row, 0, safe(t).as_ref(), &bold)?;
                row += 1;
            }
            if !b.headers.is_empty() {
                for (c, h) in b.headers.iter().enumerate() {
                    ws.write_string_with_format(row, c as u16, *h, &bold)?;
                }
                row += 1;
            }
            for cells in &b.rows {
                for (c, cell) in cells.iter().enumerate() {
                    write_cell(ws, row, c as u16, cell, &pct)?;
                }
                row += 1;
            }
            row += 1;
        }
        ws.set_column_width(0, 24)?;
        ws.set_column_width(1, 16)?;
    }
    wb.save_to_buffer()
}
