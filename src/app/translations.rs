//! A round's languages and translations: set while the round is a draft,
//! audited with the change.

use super::{Actor, Change, Ctx};
use crate::domain::round::RoundStatus;
use crate::{
    domain::language::{self, Completeness, MAX_LANGUAGES, PRIMARY},
    error::{AppError, ErrorCode},
    store::{
        self,
        rounds::RoundDetail,
        translations::{needed, questionnaires},
    },
};

fn require_draft(detail: &RoundDetail) -> Result<(), AppError> {
    if detail.status() != RoundStatus::Draft {
        return Err(AppError::conflict(
            ErrorCode::RoundFrozen,
            "测评轮次已开启，问卷译文已随问卷冻结，不能再修改",
        ));
    }
    Ok(())
}

/// Checks and normalises the tags an organiser chose.
pub fn check_tags(raw: &[String]) -> Result<Vec<String>, AppError> {
    if raw.len() > MAX_LANGUAGES {
        return Err(AppError::invalid_field(
            "languages",
            format!("每轮最多{MAX_LANGUAGES}种附加语言"),
        ));
    }
    let mut tags: Vec<String> = Vec::with_capacity(raw.len());
    for r in raw {
        let t = language::normalise_tag(r).map_err(|m| AppError::invalid_field("languages", m))?;
        if t == PRIMARY || t.starts_with("zh-Hans") {
            return Err(AppError::invalid_field(
                "languages",
                "汉语是每轮的主要语言，无需作为附加语言添加",
            ));
        }
        if tags.contains(&t) {
            return Err(AppError::invalid_field(
                "languages",
                format!("语言“{t}”重复"),
            ));
        }
        tags.push(t);
    }
    Ok(tags)
}

/// Sets the round's additional languages (draft only).
pub async fn set_languages(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    round_id: i64,
    raw: &[String],
) -> Result<(), AppError> {
    let tags = check_tags(raw)?;
    let change = Change::begin(ctx, actor).await?;
    let detail = store::rounds::get(change.db(), round_id).await?;
    require_draft(&detail)?;
    store::translations::set_languages(change.db(), &detail.round, &tags).await?;
    let target = format!("round:{round_id}");
    change
        .commit("round.languages", target, tags.join(","))
        .await
}

/// Imports a filled translation sheet (draft only): all or nothing, every
/// problem named.
pub async fn import(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    round_id: i64,
    rows: &[crate::import::Row],
) -> Result<Vec<Completeness>, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let detail = store::rounds::get(change.db(), round_id).await?;
    require_draft(&detail)?;
    let languages = store::translations::languages(change.db(), &detail.round).await?;
    if languages.is_empty() {
        return Err(AppError::invalid_field(
            "languages",
            "本轮还没有附加语言，请先添加语言再导入译文",
        ));
    }
    let qs = questionnaires(change.db(), &detail).await?;
    let needed = needed(&qs);
    let sheet = language::read_sheet(&needed, &languages, rows).map_err(|errs| {
        AppError::with_details(
            format!("导入失败：{}处错误，未保存任何译文", errs.len()),
            errs,
        )
    })?;
    store::translations::replace(change.db(), &detail.round, &sheet.languages, &sheet.texts)
        .await?;
    let all = store::translations::load(change.db(), &detail.round).await?;
    let done = language::completeness(&needed, &languages, &all);
    let detail = done
        .iter()
        .map(|c| format!("{} {}/{}", c.language, c.translated, c.total))
        .collect::<Vec<_>>()
        .join(", ");
    change
        .commit(
            "round.translations.import",
            format!("round:{round_id}"),
            detail,
        )
        .await?;
    Ok(done)
}
