//! The built-in questionnaire templates, one per respondent group.

use poem_openapi::{Object, OpenApi, param::Path, payload::Json};

use super::{
    ApiTags,
    types::{GroupDto, QuestionnaireDto},
};
use crate::error::{Answer, ReviewerList, ReviewerParsed};
use crate::{
    auth::{Auth, Role},
    domain::{group::RespondentGroup, templates},
};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TemplateSummary {
    pub group: GroupDto,
    pub group_label: String,
    pub title: String,
    pub scored_items: u32,
}

pub struct TemplatesApi;

#[OpenApi(prefix_path = "/templates", tag = "ApiTags::Templates")]
impl TemplatesApi {
    /// The seven built-in templates.
    #[oai(path = "/", method = "get", operation_id = "list_templates")]
    async fn list_templates(&self, auth: Auth) -> Answer<Json<Vec<TemplateSummary>>, ReviewerList> {
        auth.require(Role::Reviewer)?;
        Ok(Json(
            RespondentGroup::ALL
                .into_iter()
                .map(|g| {
                    let t = templates::template(g);
                    TemplateSummary {
                        group: g.into(),
                        group_label: g.label_zh().to_string(),
                        scored_items: t.scored_items().count() as u32,
                        title: t.title,
                    }
                })
                .collect(),
        ))
    }

    /// One group's template in full.
    #[oai(path = "/:group", method = "get", operation_id = "get_template")]
    async fn get_template(
        &self,
        auth: Auth,
        group: Path<GroupDto>,
    ) -> Answer<Json<QuestionnaireDto>, ReviewerParsed> {
        auth.require(Role::Reviewer)?;
        Ok(Json(templates::template(group.0.into()).into()))
    }
}
