//! The questionnaires of a round: read always, edit while the round is a draft.

use poem::{Body, web::Data};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::{Attachment, AttachmentType, Binary, Json},
};

use super::{
    ApiTags,
    exports::XlsxFile,
    types::{GroupDto, QuestionnaireDto},
};
use crate::error::{Answer, BodyUpdate, ReviewerRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::language::{self, Completeness, PRIMARY},
    error::AppError,
    import::{ImportErrors, read_table},
    state::AppState,
    store::{self, translations},
};

/// One additional language of a round and how far its translation is.
#[derive(Debug, Object)]
pub struct LanguageDto {
    /// BCP 47 tag, e.g. `ug`, `kk-Arab`.
    pub tag: String,
    /// The language's own name where known (else the tag).
    pub name: String,
    /// Written right to left (Arabic-script Uyghur and Kazakh, …).
    pub rtl: bool,
    /// Texts translated from the questionnaires' current Chinese.
    pub translated: u32,
    pub total: u32,
    /// Every text translated: respondents are offered the language.
    pub complete: bool,
    /// Keys without a translation.
    pub missing: Vec<String>,
    /// Keys whose Chinese changed after they were translated.
    pub outdated: Vec<String>,
}

impl From<Completeness> for LanguageDto {
    fn from(c: Completeness) -> Self {
        Self {
            name: language::native_name(&c.language).to_string(),
            rtl: language::is_rtl(&c.language),
            complete: c.complete(),
            translated: c.translated as u32,
            total: c.total as u32,
            tag: c.language,
            missing: c.missing,
            outdated: c.outdated,
        }
    }
}

/// A round's languages: the primary one and the additional ones.
#[derive(Debug, Object)]
pub struct LanguagesDto {
    /// Always `zh`: the questionnaire as written.
    pub primary: String,
    pub languages: Vec<LanguageDto>,
}

/// The additional languages a round offers, in the order respondents see
/// them.
#[derive(Debug, Object)]
pub struct LanguagesIn {
    /// BCP 47 tags (at most 8), e.g. `["ug", "kk-Arab"]`.
    pub languages: Vec<String>,
}

async fn languages_of(state: &AppState, id: i64) -> Result<LanguagesDto, AppError> {
    let detail = store::rounds::get(&state.db, id).await?;
    let tags = translations::languages(&state.db, &detail.round).await?;
    let all = translations::load(&state.db, &detail.round).await?;
    let qs = translations::questionnaires(&state.db, &detail).await?;
    let needed = translations::needed(&qs);
    Ok(LanguagesDto {
        primary: PRIMARY.to_string(),
        languages: language::completeness(&needed, &tags, &all)
            .into_iter()
            .map(Into::into)
            .collect(),
    })
}

pub struct QuestionnairesApi;

#[OpenApi(tag = "ApiTags::Questionnaires")]
impl QuestionnairesApi {
    /// A group's questionnaire in this round, with its scoring marks.
    #[oai(
        path = "/rounds/:id/questionnaires/:group",
        method = "get",
        operation_id = "get_questionnaire"
    )]
    ///
    /// With `lang` (one of the round's additional languages), the
    /// questionnaire as respondents choosing that language read it: the
    /// current translations, Chinese where a text has none (the preview).
    async fn get_questionnaire(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        group: Path<GroupDto>,
        lang: Query<Option<String>>,
    ) -> Answer<Json<QuestionnaireDto>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        let detail = store::rounds::get(&state.db, id.0).await?;
        let q = store::rounds::questionnaire(
            &state.db,
            &store::scope::Rounds::one(&detail.round),
            group.0.into(),
        )
        .await?;
        let Some(raw) = lang.0.filter(|l| !l.trim().is_empty()) else {
            return Ok(Json(q.into()));
        };
        let tag = language::normalise_tag(&raw)
            .ok()
            .filter(|t| t != PRIMARY)
            .unwrap_or_default();
        if tag.is_empty() {
            return Ok(Json(q.into()));
        }
        if !translations::languages(&state.db, &detail.round)
            .await?
            .contains(&tag)
        {
            return Err(AppError::not_found(format!("本轮没有语言“{raw}”")).into());
        }
        let all = translations::load(&state.db, &detail.round).await?;
        let texts = translations::texts_for(group.0.into(), &q, &tag, &all);
        Ok(Json(language::translate(group.0.into(), &q, &texts).into()))
    }

    /// The round's languages and how complete each translation is.
    #[oai(
        path = "/rounds/:id/languages",
        method = "get",
        operation_id = "get_round_languages"
    )]
    async fn get_languages(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<LanguagesDto>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        Ok(Json(languages_of(&state, id.0).await?))
    }

    /// Set the round's additional languages while it is a draft
    /// (organiser); translations of a language taken off are deleted. 422
    /// for a tag that is not BCP 47, a repeat, 汉语 itself or more than 8;
    /// 409 once the round is open (translations freeze with it).
    #[oai(
        path = "/rounds/:id/languages",
        method = "put",
        operation_id = "put_round_languages"
    )]
    async fn put_languages(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<LanguagesIn>,
    ) -> Answer<Json<LanguagesDto>, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        app::translations::set_languages(state.app(), Actor::user(who), id.0, &body.0.languages)
            .await?;
        Ok(Json(languages_of(&state, id.0).await?))
    }

    /// The translation workbook: one row per text (stable key, Chinese
    /// source), one column per additional language, current translations
    /// filled in; a second sheet explains how to fill it.
    #[oai(
        path = "/rounds/:id/translations.xlsx",
        method = "get",
        operation_id = "export_translations"
    )]
    async fn export_translations(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<XlsxFile, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        let detail = store::rounds::get(&state.db, id.0).await?;
        let tags = translations::languages(&state.db, &detail.round).await?;
        let all = translations::load(&state.db, &detail.round).await?;
        let qs = translations::questionnaires(&state.db, &detail).await?;
        let bytes = crate::export::translations::workbook(&translations::needed(&qs), &tags, &all)
            .map_err(|e| AppError::Unexpected(format!("translation workbook: {e}")))?;
        let name = format!("{}-译文.xlsx", detail.round.name);
        Ok(XlsxFile::Ok(
            Attachment::new(Body::from(bytes))
                .attachment_type(AttachmentType::Attachment)
                .filename(name),
        ))
    }

    /// Import a filled translation workbook (XLSX, or CSV in UTF-8 or
    /// GB18030, same columns) while the round is a draft (organiser). Every
    /// key of the round must be there once and no other; a header naming a
    /// language the round does not have is refused. All or nothing: 422
    /// lists every problem and stores nothing. The languages with a column
    /// in the file are replaced; the others are untouched.
    #[oai(
        path = "/rounds/:id/translations",
        method = "post",
        operation_id = "import_translations"
    )]
    async fn import_translations(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Binary<Vec<u8>>,
    ) -> Answer<Json<LanguagesDto>, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        let rows = read_table(&body.0).map_err(|ImportErrors(errs)| {
            AppError::with_details(
                format!("导入失败：{}处错误，未保存任何译文", errs.len()),
                errs,
            )
        })?;
        app::translations::import(state.app(), Actor::user(who), id.0, &rows).await?;
        Ok(Json(languages_of(&state, id.0).await?))
    }

    /// Replace a group's questionnaire while the round is a draft
    /// (organiser); 409 once open, 422 listing every problem.
    #[oai(
        path = "/rounds/:id/questionnaires/:group",
        method = "put",
        operation_id = "put_questionnaire"
    )]
    async fn put_questionnaire(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        group: Path<GroupDto>,
        body: Json<QuestionnaireDto>,
    ) -> Answer<Json<QuestionnaireDto>, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        let q = body.0.into();
        app::rounds::put_questionnaire(state.app(), Actor::user(who), id.0, group.0.into(), &q)
            .await?;
        Ok(Json(q.into()))
    }
}
