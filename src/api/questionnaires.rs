//! The questionnaires of a round: read always, edit while the round is a draft.

use poem::web::Data;
use poem_openapi::{OpenApi, param::Path, payload::Json};

use super::{
    ApiTags,
    types::{GroupDto, QuestionnaireDto},
};
use crate::error::{Answer, BodyUpdate, ReviewerRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    state::AppState,
    store,
};

pub struct QuestionnairesApi;

#[OpenApi(tag = "ApiTags::Questionnaires")]
impl QuestionnairesApi {
    /// A group's questionnaire in this round, with its scoring marks.
    #[oai(
        path = "/rounds/:id/questionnaires/:group",
        method = "get",
        operation_id = "get_questionnaire"
    )]
    async fn get_questionnaire(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        group: Path<GroupDto>,
    ) -> Answer<Json<QuestionnaireDto>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        store::rounds::get(&state.db, id.0).await?;
        let q = store::rounds::questionnaire(&state.db, id.0, group.0.into()).await?;
        Ok(Json(q.into()))
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
