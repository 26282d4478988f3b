//! The respondent pages' fixed texts in other languages: the deployment's
//! translation set (Chinese and English ship with renke).

use poem::{Body, web::Data};
use poem_openapi::{
    Object, OpenApi,
    param::Query,
    payload::{Attachment, AttachmentType, Binary, Json},
};

use super::{ApiTags, exports::XlsxFile};
use crate::error::{Answer, BodyCreate, ReviewerList, ReviewerQuery};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::{language, page_texts},
    error::AppError,
    import::{ImportErrors, read_table},
    state::AppState,
    store,
};

/// One language of the set and how many fixed texts it has.
#[derive(Debug, Object)]
pub struct PageLanguageDto {
    pub tag: String,
    pub name: String,
    pub rtl: bool,
    pub translated: u32,
    pub total: u32,
    /// Keys without a text (their Chinese is shown).
    pub missing: Vec<String>,
}

/// One fixed text as shipped.
#[derive(Debug, Object)]
pub struct PageTextDto {
    /// Stable key, e.g. `form.submit`.
    pub key: String,
    pub zh: String,
    pub en: String,
}

/// The languages the respondent pages can be shown in.
#[derive(Debug, Object)]
pub struct PageTextsDto {
    /// Every fixed text, in the workbook's order.
    pub texts: Vec<PageTextDto>,
    /// Shipped with renke: `zh`, `en`.
    pub built_in: Vec<String>,
    /// From the deployment's translation set.
    pub languages: Vec<PageLanguageDto>,
}

/// What an import stored.
#[derive(Debug, Object)]
pub struct PageTextsImported {
    /// The languages replaced by the file's columns.
    pub languages: Vec<String>,
}

async fn overview(state: &AppState) -> Result<PageTextsDto, AppError> {
    let set = store::page_texts::all(&state.db).await?;
    let mut tags: Vec<String> = set.keys().map(|(t, _)| t.clone()).collect();
    tags.dedup();
    let total = page_texts::TEXTS.len();
    let languages = tags
        .into_iter()
        .map(|tag| {
            let missing: Vec<String> = page_texts::TEXTS
                .iter()
                .filter(|t| !set.contains_key(&(tag.clone(), t.key.to_string())))
                .map(|t| t.key.to_string())
                .collect();
            PageLanguageDto {
                name: language::native_name(&tag).to_string(),
                rtl: language::is_rtl(&tag),
                translated: (total - missing.len()) as u32,
                total: total as u32,
                missing,
                tag,
            }
        })
        .collect();
    Ok(PageTextsDto {
        texts: page_texts::TEXTS
            .iter()
            .map(|t| PageTextDto {
                key: t.key.to_string(),
                zh: t.zh.to_string(),
                en: t.en.to_string(),
            })
            .collect(),
        built_in: vec!["zh".into(), "en".into()],
        languages,
    })
}

pub struct PageTextsApi;

#[OpenApi(tag = "ApiTags::Questionnaires")]
impl PageTextsApi {
    /// The languages of the respondent pages' fixed texts (buttons,
    /// notices, refusal pages): built in, and the deployment's set with how
    /// complete each is.
    #[oai(path = "/page-texts", method = "get", operation_id = "get_page_texts")]
    async fn get_page_texts(
        &self,
        state: Data<&AppState>,
        auth: Auth,
    ) -> Answer<Json<PageTextsDto>, ReviewerList> {
        auth.require(Role::Reviewer)?;
        Ok(Json(overview(&state).await?))
    }

    /// The fixed texts as a workbook to translate: key, Chinese, English
    /// for reference, a column per language of the set and per language
    /// asked for in `languages` (comma-separated BCP 47 tags, e.g. `ug,kk-Arab`).
    #[oai(
        path = "/page-texts.xlsx",
        method = "get",
        operation_id = "export_page_texts"
    )]
    async fn export_page_texts(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        languages: Query<Option<String>>,
    ) -> Answer<XlsxFile, ReviewerQuery> {
        auth.require(Role::Reviewer)?;
        let set = store::page_texts::all(&state.db).await?;
        let mut tags: Vec<String> = set.keys().map(|(t, _)| t.clone()).collect();
        tags.dedup();
        for raw in languages.0.iter().flat_map(|l| l.split(',')) {
            if raw.trim().is_empty() {
                continue;
            }
            let tag = language::normalise_tag(raw)
                .map_err(|m| AppError::invalid_field("languages", m))?;
            if page_texts::built_in(&tag) {
                return Err(AppError::invalid_field(
                    "languages",
                    format!("语言“{tag}”的固定文字随系统提供，无需翻译"),
                )
                .into());
            }
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let bytes = crate::export::page_texts::workbook(&tags, &set)
            .map_err(|e| AppError::Unexpected(format!("page texts workbook: {e}")))?;
        Ok(XlsxFile::Ok(
            Attachment::new(Body::from(bytes))
                .attachment_type(AttachmentType::Attachment)
                .filename("答题页面文字-译文.xlsx"),
        ))
    }

    /// Import the filled workbook (XLSX, or CSV in UTF-8 or GB18030) as an
    /// admin: every key once and no other, each text keeping its `{…}`
    /// placeholders, no column for the built-in Chinese or English. All or
    /// nothing: 422 lists every problem. The languages with a column are
    /// replaced; the others are untouched.
    #[oai(
        path = "/page-texts",
        method = "post",
        operation_id = "import_page_texts"
    )]
    async fn import_page_texts(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Binary<Vec<u8>>,
    ) -> Answer<Json<PageTextsImported>, BodyCreate> {
        let who = auth.require(Role::Admin)?;
        let rows = read_table(&body.0).map_err(|ImportErrors(errs)| {
            AppError::with_details(
                format!("导入失败：{}处错误，未保存任何译文", errs.len()),
                errs,
            )
        })?;
        let languages = app::page_texts::import(state.app(), Actor::user(who), &rows).await?;
        Ok(Json(PageTextsImported { languages }))
    }
}
