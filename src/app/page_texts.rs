//! The deployment's translation set of the respondent pages' fixed texts:
//! imported whole by an admin, audited with the change.

use super::{Actor, Change, Ctx};
use crate::{domain::page_texts, error::AppError, import::Row, store};

/// Imports a filled workbook: the languages with a column are replaced,
/// others untouched; every problem named, nothing stored then. Returns the
/// languages imported.
pub async fn import(ctx: Ctx<'_>, actor: Actor<'_>, rows: &[Row]) -> Result<Vec<String>, AppError> {
    let sheet = page_texts::read_set_sheet(rows).map_err(|errs| {
        AppError::with_details(
            format!("导入失败：{}处错误，未保存任何译文", errs.len()),
            errs,
        )
    })?;
    let change = Change::begin(ctx, actor).await?;
    store::page_texts::replace(change.db(), &sheet.languages, &sheet.texts).await?;
    let detail = sheet
        .languages
        .iter()
        .map(|l| {
            let n = sheet.texts.keys().filter(|(t, _)| t == l).count();
            format!("{l} {n}/{}", page_texts::TEXTS.len())
        })
        .collect::<Vec<_>>()
        .join(", ");
    change
        .commit("page_texts.import", "page_texts", detail)
        .await?;
    Ok(sheet.languages)
}
