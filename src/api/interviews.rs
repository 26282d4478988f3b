//! On-site interviews (现场访谈): organisers make interviewer accounts
//! (访谈员) and give them links of a round; an interviewer downloads its
//! assignments with their frozen questionnaires for offline work and
//! uploads the interviews it saved. An interviewer reads nothing else.

use poem::web::Data;
use poem_openapi::{OpenApi, param::Path, payload::Json};
use std::collections::BTreeMap;

use super::{
    ApiTags, interview_types::*, interview_upload, public::public_items, types::LinkChoiceOut,
};
use crate::error::{Answer, BodyEdit, BodyUpdate, ReviewerRead, SessionRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::{
        account::Account,
        group::RespondentGroup,
        language::{self, Translations},
        round::RoundStatus,
    },
    state::AppState,
    store,
};

fn interviewer_out(a: &Account, link_ids: Vec<i64>) -> InterviewerOut {
    InterviewerOut {
        id: a.id,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        disabled: a.disabled,
        link_ids,
    }
}

/// The round's questionnaire of a group as the interviewer reads it, with
/// its translations into the languages respondents are offered.
async fn questionnaire_out(
    state: &AppState,
    round: &store::scope::Rounds,
    group: RespondentGroup,
    offered: &[String],
    all: &Translations,
) -> Result<InterviewQuestionnaireOut, crate::error::AppError> {
    let q = store::rounds::questionnaire(&state.db, round, group).await?;
    let translations = offered
        .iter()
        .map(|tag| {
            let texts = store::translations::texts_for(group, &q, tag, all);
            let t = language::translate(group, &q, &texts);
            InterviewTranslationOut {
                language: tag.clone(),
                title: t.title.clone(),
                intro: t.intro.clone(),
                items: public_items(&t),
            }
        })
        .collect();
    Ok(InterviewQuestionnaireOut {
        group: group.into(),
        group_label: group.label_zh().to_string(),
        title: q.title.clone(),
        intro: q.intro.clone(),
        items: public_items(&q),
        translations,
    })
}

pub struct InterviewsApi;

#[OpenApi(tag = "ApiTags::Interviews")]
impl InterviewsApi {
    /// The round's interviewers and the links each may interview for
    /// (organiser).
    #[oai(
        path = "/rounds/:id/interviewers",
        method = "get",
        operation_id = "list_interviewers"
    )]
    async fn list_interviewers(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<Vec<InterviewerOut>>, ReviewerRead> {
        auth.require(Role::Organiser)?;
        let round = store::rounds::get(&state.db, id.0).await?;
        let scoped = store::scope::Rounds::one(&round.round);
        let mut by_account: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (account, link) in store::interviews::of_round(&state.db, &scoped).await? {
            by_account.entry(account).or_default().push(link);
        }
        let mut out = Vec::new();
        for (account_id, links) in by_account {
            if let Ok(a) = store::accounts::get(&state.db, account_id).await {
                out.push(interviewer_out(&a, links));
            }
        }
        Ok(Json(out))
    }

    /// Make an interviewer account (访谈员) in the round's county with the
    /// links it may interview for (organiser). The password is shown once.
    /// 409 `username_taken`; 422 for a link of another round.
    #[oai(
        path = "/rounds/:id/interviewers",
        method = "post",
        operation_id = "create_interviewer"
    )]
    async fn create_interviewer(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<InterviewerIn>,
    ) -> Answer<InterviewerCreated, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        let (a, password) = app::interviews::create(
            state.app(),
            Actor::user(who),
            id.0,
            body.username.trim(),
            &body.display_name,
            &body.link_ids,
        )
        .await?;
        let links = store::interviews::links_of(
            &state.db,
            a.id,
            &store::scope::Rounds::read(&state.db, id.0).await?,
        )
        .await?;
        Ok(InterviewerCreated::Created(Json(InterviewerCreatedOut {
            interviewer: interviewer_out(&a, links),
            password,
        })))
    }

    /// Set the links an interviewer may interview for in the round
    /// (organiser; replaces the list, empty for none). 404 for an account
    /// that is not an interviewer of the round's county.
    #[oai(
        path = "/rounds/:id/interviewers/:account_id",
        method = "put",
        operation_id = "assign_interviewer"
    )]
    async fn assign_interviewer(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        account_id: Path<i64>,
        body: Json<AssignmentIn>,
    ) -> Answer<Json<InterviewerOut>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        app::interviews::assign(
            state.app(),
            Actor::user(who),
            id.0,
            account_id.0,
            &body.link_ids,
        )
        .await?;
        let a = store::accounts::get(&state.db, account_id.0).await?;
        let links = store::interviews::links_of(
            &state.db,
            a.id,
            &store::scope::Rounds::read(&state.db, id.0).await?,
        )
        .await?;
        Ok(Json(interviewer_out(&a, links)))
    }

    /// The logged-in account's interview assignments in open rounds, with
    /// the frozen questionnaires of their groups: what the interviewer page
    /// downloads before going offline. Empty for accounts with none.
    #[oai(
        path = "/interview/assignments",
        method = "get",
        operation_id = "get_my_interviews"
    )]
    async fn get_my_interviews(
        &self,
        state: Data<&AppState>,
        auth: Auth,
    ) -> Answer<Json<MyInterviewsOut>, SessionRead> {
        let who = auth.user();
        let me = store::accounts::get(&state.db, who.id).await?;
        let mut by_round: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (round, link) in store::interviews::of_account(&state.db, who.id).await? {
            by_round.entry(round).or_default().push(link);
        }
        let mut rounds = Vec::new();
        for (round_id, assigned) in by_round {
            let round = store::rounds::get(&state.db, round_id).await?;
            if round.status() != RoundStatus::Open {
                continue;
            }
            let mut groups = Vec::new();
            let links: Vec<LinkChoiceOut> =
                store::links::list(&state.db, &store::scope::Rounds::one(&round.round))
                    .await?
                    .into_iter()
                    .filter(|r| assigned.contains(&r.link.id))
                    .filter_map(|r| {
                        let group = r.link.group?;
                        if !groups.contains(&group) {
                            groups.push(group);
                        }
                        LinkChoiceOut::of(r)
                    })
                    .collect();
            let mut questionnaires = Vec::new();
            groups.sort();
            let offered = store::translations::complete_languages(&state.db, &round.round).await?;
            let all = if offered.is_empty() {
                Translations::default()
            } else {
                store::translations::load(&state.db, &round.round).await?
            };
            let scoped = store::scope::Rounds::one(&round.round);
            for g in groups {
                questionnaires.push(questionnaire_out(&state, &scoped, g, &offered, &all).await?);
            }
            rounds.push(InterviewRoundOut {
                round_id,
                round_name: round.round.name.clone(),
                closes_at: round.round.closes_at,
                links,
                questionnaires,
            });
        }
        Ok(Json(MyInterviewsOut {
            username: me.username,
            display_name: me.display_name,
            session_expires_at: store::sessions::expires_at(&state.db, &who.session_hash).await?,
            rounds,
        }))
    }

    /// Upload interviews saved on the interviewer's device (the round's
    /// interviewers for their assigned links, organisers for any link).
    /// Each is checked and stored like a phone's answer, with source
    /// `interview`, and answered in `results`: `stored`, `already_stored`
    /// (the same client id and answers came before: stored once) or
    /// `refused` with the reason (a rule, 422-like, or the round's or
    /// link's state, 409-like). 403 when a link is not assigned to the
    /// interviewer. The audit log records who uploaded how many, never
    /// which answers.
    #[oai(
        path = "/rounds/:id/interviews",
        method = "post",
        operation_id = "upload_interviews"
    )]
    async fn upload_interviews(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<UploadIn>,
    ) -> Answer<Json<UploadOut>, BodyUpdate> {
        let who = auth.user();
        who.require(Role::Interviewer)?;
        let round = store::scope::Rounds::read(&state.db, id.0).await?;
        let allowed = interview_upload::allowed_links(&state, who, &round).await?;
        interview_upload::check_assigned(&allowed, &body.interviews)?;
        let mut out = UploadOut {
            stored: 0,
            already_stored: 0,
            refused: 0,
            results: Vec::with_capacity(body.interviews.len()),
        };
        for interview in &body.interviews {
            let r = interview_upload::store_one(&state, &round, interview).await?;
            match r.status.as_str() {
                "stored" => out.stored += 1,
                "already_stored" => out.already_stored += 1,
                _ => out.refused += 1,
            }
            out.results.push(r);
        }
        if !body.interviews.is_empty() {
            // Who uploaded how many: never which answers or which link.
            store::audit::record(
                &state.db,
                Some(who),
                &who.username,
                "interview.upload",
                format!("round:{}", id.0),
                format!(
                    "received={} stored={} already_stored={} refused={}",
                    body.interviews.len(),
                    out.stored,
                    out.already_stored,
                    out.refused
                ),
            )
            .await;
        }
        Ok(Json(out))
    }
}
