//! Raw responses as a workbook: one sheet per group, rows written to
//! temporary files as they come (constant memory), zipped into the response.

use poem::Body;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;

use super::{
    cells::safe,
    report_files::write_cell,
    responses::{Layout, RowPlan, each_stored},
    stream::{self, Sink},
};
use crate::{domain::group::RespondentGroup, error::AppError};

/// Data rows per worksheet (Excel's limit is 1,048,576 rows with the header).
const SHEET_ROWS: u32 = 1_048_575;

/// Raw responses as XLSX: one sheet per group with its own item columns.
/// Rows go to temporary files as they are written (constant memory); the
/// file is zipped into the response once every row is written.
pub fn xlsx_body(db: DatabaseConnection, layout: Layout) -> Body {
    let (sink, body) = stream::channel();
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        if let Err(e) = write_xlsx(&handle, &db, &layout, &sink) {
            tracing::error!(error = %e, "responses XLSX export failed");
            sink.fail_blocking();
        }
        crate::memory::release_freed();
    });
    body
}

/// The sheets of one group: full ones, and the one being written.
struct GroupSheets {
    plan: RowPlan,
    headers: Vec<String>,
    done: Vec<Worksheet>,
    current: Worksheet,
    row: u32,
}

fn write_xlsx(
    handle: &tokio::runtime::Handle,
    db: &DatabaseConnection,
    layout: &Layout,
    sink: &Sink,
) -> anyhow::Result<()> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.00%");
    let new_sheet = |wb: &mut Workbook,
                     g: RespondentGroup,
                     part: usize,
                     headers: &[String]|
     -> anyhow::Result<Worksheet> {
        let mut ws = wb.new_worksheet_with_constant_memory()?;
        let name = if part == 0 {
            g.label_zh().to_string()
        } else {
            format!("{}({})", g.label_zh(), part + 1)
        };
        ws.set_name(name)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, safe(h).as_ref(), &bold)?;
        }
        Ok(ws)
    };
    let mut sheets: BTreeMap<RespondentGroup, GroupSheets> = BTreeMap::new();
    for g in &layout.groups {
        let columns = layout.columns(&[*g]);
        let headers = layout.headers(&[*g], &columns);
        let current = new_sheet(&mut wb, *g, 0, &headers)?;
        sheets.insert(
            *g,
            GroupSheets {
                plan: layout.plan(&columns),
                headers,
                done: vec![],
                current,
                row: 0,
            },
        );
    }
    let last = handle.block_on(layout.last_id(db))?;
    let chunks = layout.chunks(db.get_database_backend(), None, last);
    let mut failed = None;
    handle
        .block_on(async {
            let mut cursor = chunks.open(db).await?;
            while cursor
                .step(|lines| {
                    each_stored(lines, |m| {
                        let Some((g, s)) = RespondentGroup::from_code(m.respondent_group)
                            .and_then(|g| sheets.get_mut(&g).map(|s| (g, s)))
                        else {
                            return Ok(());
                        };
                        let mut row = || -> anyhow::Result<()> {
                            if s.row == SHEET_ROWS {
                                let next = new_sheet(&mut wb, g, s.done.len() + 1, &s.headers)?;
                                s.done.push(std::mem::replace(&mut s.current, next));
                                s.row = 0;
                            }
                            s.row += 1;
                            for (c, cell) in layout.row(&m, &s.plan).iter().enumerate() {
                                write_cell(&mut s.current, s.row, c as u16, cell, &pct)?;
                            }
                            Ok(())
                        };
                        row().map_err(|e| {
                            let message = format!("XLSX: {e}");
                            failed = Some(e);
                            AppError::Unexpected(message)
                        })
                    })
                })
                .await?
            {}
            Ok::<(), AppError>(())
        })
        .map_err(|e| failed.take().unwrap_or_else(|| e.into()))?;
    for (_, s) in sheets {
        for ws in s.done.into_iter().chain([s.current]) {
            wb.push_worksheet(ws);
        }
    }
    let mut w = sink.writer();
    wb.save_to_writer(&mut w)?;
    std::io::Write::flush(&mut w)?;
    Ok(())
}
