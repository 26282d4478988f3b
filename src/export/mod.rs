//! Spreadsheet exports: the report of a round (XLSX, CSV) and its raw
//! responses (CSV, XLSX), streamed so that no export holds a round's
//! responses in memory.

pub mod cells;
pub mod page_texts;
pub mod readiness;
pub mod readiness_checklist;
pub mod report_files;
pub mod responses;
pub mod responses_xlsx;
pub mod stream;
pub mod translations;
