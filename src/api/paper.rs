//! Paper questionnaires keyed by data-entry clerks (录入员): what a clerk
//! needs to key a round's sheets, the entry of one sheet, and for
//! organisers the round's settings (double entry, clerks) and the sheets
//! whose two entries disagree, with their resolution.

use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    ApiTags,
    paper_entry::{self, Entered},
    types::{GroupDto, ItemKindDto, LinkChoiceOut},
};
use crate::error::{Answer, BodyEdit, BodyUpdate, ClerkRead, ReviewerQuery};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::collection::normalise_serial,
    error::AppError,
    state::AppState,
    store::{
        self,
        paper::{Sheet, status},
    },
};

#[derive(Debug, Clone, Object)]
pub struct PaperOptionOut {
    /// The key a clerk presses.
    pub code: u8,
    pub label: String,
}

#[derive(Debug, Clone, Object)]
pub struct PaperItemOut {
    pub id: String,
    pub kind: ItemKindDto,
    pub text: String,
    pub options: Vec<PaperOptionOut>,
}

#[derive(Debug, Clone, Object)]
pub struct PaperQuestionnaireOut {
    pub group: GroupDto,
    /// In order: one mark per item (text items are keyed as 0).
    pub items: Vec<PaperItemOut>,
}

/// Sheets of a round by state.
#[derive(Debug, Clone, Default, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SheetCountsOut {
    /// Every sheet keyed at least once.
    pub sheets: u64,
    /// Sheets whose response counts (single, matched or resolved).
    pub counted: u64,
    /// First entries waiting for a second clerk.
    pub awaiting_second: u64,
    /// Second entries made (matched, mismatch, resolved).
    pub double_entered: u64,
    /// Double-entered sheets whose entries disagreed (mismatch, resolved).
    pub mismatched: u64,
    /// mismatched ÷ double_entered; null before any second entry.
    pub mismatch_rate: Option<f64>,
    /// Mismatches not yet resolved by a supervisor (not counted).
    pub unresolved: u64,
}

impl SheetCountsOut {
    pub fn of(counts: &[(String, i64)]) -> Self {
        let n = |s: &str| {
            counts
                .iter()
                .filter(|(k, _)| k == s)
                .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
                .sum::<u64>()
        };
        let (single, awaiting, matched, mismatch, resolved) = (
            n(status::SINGLE),
            n(status::AWAITING_SECOND),
            n(status::MATCHED),
            n(status::MISMATCH),
            n(status::RESOLVED),
        );
        let double_entered = matched + mismatch + resolved;
        let mismatched = mismatch + resolved;
        Self {
            sheets: single + awaiting + double_entered,
            counted: single + matched + resolved,
            awaiting_second: awaiting,
            double_entered,
            mismatched,
            mismatch_rate: (double_entered > 0).then(|| mismatched as f64 / double_entered as f64),
            unresolved: mismatch,
        }
    }
}

/// Everything a clerk needs to key a round's sheets.
#[derive(Debug, Clone, Object)]
pub struct PaperEntryOut {
    pub round_id: i64,
    pub round_name: String,
    /// Sheets are keyed twice, by two clerks; only agreeing or resolved ones count.
    pub double_entry: bool,
    pub links: Vec<LinkChoiceOut>,
    pub questionnaires: Vec<PaperQuestionnaireOut>,
    pub counts: SheetCountsOut,
}

/// An organiser's paper settings for a round.
#[derive(Debug, Clone, Object)]
pub struct PaperConfigIn {
    pub double_entry: bool,
    /// Clerk accounts (role clerk) that may key this round's sheets.
    #[oai(default, validator(max_items = 500))]
    pub clerk_ids: Vec<i64>,
}

/// One keyed sheet.
#[derive(Debug, Clone, Object)]
pub struct SheetIn {
    /// Made once per sheet by the entry page; a retry with the same id and
    /// marks is answered with the stored result.
    pub client_id: uuid::Uuid,
    pub link_id: i64,
    /// The serial printed on the sheet (unique per round).
    #[oai(validator(max_length = 64))]
    pub serial: String,
    /// One mark per item, in order: the option code (1–9), 0 blank, x more
    /// than one option marked. Blank and multiple marks are not scored.
    #[oai(validator(max_length = 400))]
    pub marks: String,
}

/// Where two entries of a sheet disagree.
#[derive(Debug, Clone, Object)]
pub struct MismatchOut {
    pub item: String,
    pub first: String,
    pub second: String,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SheetOut {
    pub id: i64,
    pub link_id: i64,
    pub serial: String,
    /// single, awaiting_second, matched, mismatch, resolved
    pub status: String,
    /// The sheet's response counts.
    pub counted: bool,
    pub message: String,
    /// For a mismatch: the items that differ between the two entries.
    pub mismatches: Vec<MismatchOut>,
    /// In the organiser's list only: the marks of each entry, for the
    /// supervisor who settles a mismatch against the paper.
    pub first_marks: Option<String>,
    pub second_marks: Option<String>,
}

fn sheet_out(s: &Sheet, mismatches: Vec<MismatchOut>) -> SheetOut {
    let counted = s.response_client_id.is_some();
    let message = match s.status.as_str() {
        status::AWAITING_SECOND => "第一遍录入已保存，等待另一位录入员录入第二遍",
        status::MISMATCH => "两遍录入不一致，已提交核对，核对前不计入统计",
        status::RESOLVED => "已核对，计入统计",
        _ => "录入成功，计入统计",
    };
    SheetOut {
        id: s.id,
        link_id: s.link_id,
        serial: s.serial.clone(),
        status: s.status.clone(),
        counted,
        message: message.to_string(),
        mismatches,
        first_marks: None,
        second_marks: None,
    }
}

fn diff_out(d: Vec<(String, char, char)>) -> Vec<MismatchOut> {
    d.into_iter()
        .map(|(item, a, b)| MismatchOut {
            item,
            first: a.to_string(),
            second: b.to_string(),
        })
        .collect()
}

#[derive(ApiResponse)]
pub enum SheetResponse {
    /// Stored now.
    #[oai(status = 201)]
    Created(Json<SheetOut>),
    /// This entry was already stored (a retry): the stored result.
    #[oai(status = 200)]
    AlreadyStored(Json<SheetOut>),
}

/// The marks a supervisor settles a sheet with.
#[derive(Debug, Clone, Object)]
pub struct ResolveIn {
    #[oai(validator(max_length = 400))]
    pub marks: String,
}

pub struct PaperApi;

#[OpenApi(tag = "ApiTags::Paper")]
impl PaperApi {
    /// What a clerk needs to key a round's paper sheets (clerks of the
    /// round, organisers): links, questionnaires in key order, counts.
    #[oai(
        path = "/rounds/:id/paper",
        method = "get",
        operation_id = "get_paper_entry"
    )]
    async fn get_paper_entry(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<PaperEntryOut>, ClerkRead> {
        let round = store::rounds::get(&state.db, id.0).await?;
        paper_entry::may_enter(&state, auth.user(), id.0).await?;
        let links = store::links::list(&state.db, &store::scope::Rounds::one(&round.round))
            .await?
            .into_iter()
            .filter_map(LinkChoiceOut::of)
            .collect();
        let mut questionnaires = Vec::new();
        for g in &round.groups {
            let q = store::rounds::questionnaire(
                &state.db,
                &store::scope::Rounds::one(&round.round),
                *g,
            )
            .await?;
            questionnaires.push(PaperQuestionnaireOut {
                group: (*g).into(),
                items: q
                    .items
                    .iter()
                    .map(|i| PaperItemOut {
                        id: i.id.clone(),
                        kind: i.kind.into(),
                        text: i.text.clone(),
                        options: i
                            .options
                            .iter()
                            .map(|o| PaperOptionOut {
                                code: o.code,
                                label: o.label.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
            });
        }
        Ok(Json(PaperEntryOut {
            round_id: round.round.id,
            round_name: round.round.name.clone(),
            double_entry: store::paper::double_entry(
                &state.db,
                &store::scope::Rounds::one(&round.round),
            )
            .await?,
            links,
            questionnaires,
            counts: SheetCountsOut::of(&store::paper::counts(&state.db, &round.round).await?),
        }))
    }

    /// Sets a round's paper entry (organiser): double entry on or off, and
    /// the clerk accounts that may key its sheets (replacing the list).
    #[oai(
        path = "/rounds/:id/paper",
        method = "put",
        operation_id = "configure_paper"
    )]
    async fn configure_paper(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<PaperConfigIn>,
    ) -> Answer<Json<SheetCountsOut>, BodyEdit> {
        let who = auth.require(Role::Organiser)?;
        let round = app::paper::configure(
            state.app(),
            Actor::user(who),
            id.0,
            body.double_entry,
            &body.clerk_ids,
        )
        .await?;
        Ok(Json(SheetCountsOut::of(
            &store::paper::counts(&state.db, &round).await?,
        )))
    }

    /// Key one paper sheet (clerks of the round, organisers). It goes
    /// through the same checks and writer as a phone's answer, marked
    /// `paper`. 409 `sheet_serial_used` when the round already has this
    /// serial (unless this is the second entry of double entry);
    /// `sheet_entry_state` when the second entry would be by the first
    /// clerk. Under double entry the answer says whether the entries agree.
    #[oai(
        path = "/rounds/:id/paper/sheets",
        method = "post",
        operation_id = "enter_paper_sheet"
    )]
    async fn enter_paper_sheet(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        body: Json<SheetIn>,
    ) -> Answer<SheetResponse, BodyUpdate> {
        let who = auth.user();
        store::rounds::get(&state.db, id.0).await?;
        paper_entry::may_enter(&state, who, id.0).await?;
        let serial = normalise_serial(&body.serial).ok_or_else(|| {
            AppError::invalid_field("serial", "问卷编号只能由字母、数字和“-”组成，最长32位")
        })?;
        let Entered {
            sheet,
            created,
            mismatches,
            ..
        } = paper_entry::enter(
            &state,
            who,
            id.0,
            body.link_id,
            &serial,
            &body.marks,
            body.client_id.into(),
        )
        .await?;
        if created {
            // Who keyed which sheet, never its answers.
            store::audit::record(
                &state.db,
                Some(who),
                &who.username,
                "paper.enter",
                format!("round:{}/sheet:{}", id.0, sheet.serial),
                format!("link={} status={}", sheet.link_id, sheet.status),
            )
            .await;
        }
        let out = sheet_out(&sheet, diff_out(mismatches));
        Ok(if created {
            SheetResponse::Created(Json(out))
        } else {
            SheetResponse::AlreadyStored(Json(out))
        })
    }

    /// The round's paper sheets (organiser), e.g. `?status=mismatch` for the
    /// sheets a supervisor must resolve, each with the items that differ.
    #[oai(
        path = "/rounds/:id/paper/sheets",
        method = "get",
        operation_id = "list_paper_sheets"
    )]
    async fn list_paper_sheets(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        status: Query<Option<String>>,
    ) -> Answer<Json<Vec<SheetOut>>, ReviewerQuery> {
        auth.require(Role::Organiser)?;
        let round = store::rounds::get(&state.db, id.0).await?;
        let known = [
            status::SINGLE,
            status::AWAITING_SECOND,
            status::MATCHED,
            status::MISMATCH,
            status::RESOLVED,
        ];
        if let Some(s) = &status.0
            && !known.contains(&s.as_str())
        {
            return Err(AppError::invalid_field("status", format!("未知的状态“{s}”")).into());
        }
        let scoped = store::scope::Rounds::one(&round.round);
        let groups = store::links::groups_of_round(&state.db, &scoped).await?;
        let mut out = Vec::new();
        for s in store::paper::list(&state.db, &scoped, status.0.as_deref()).await? {
            let diff = match (&s.second_marks, groups.get(&s.link_id)) {
                (Some(second), Some(g)) if round.groups.contains(g) => {
                    let q = store::rounds::questionnaire(&state.db, &scoped, *g).await?;
                    crate::domain::collection::mismatches(&q, &s.first_marks, second)
                }
                _ => vec![],
            };
            out.push(SheetOut {
                first_marks: Some(s.first_marks.clone()),
                second_marks: s.second_marks.clone(),
                ..sheet_out(&s, diff_out(diff))
            });
        }
        Ok(Json(out))
    }

    /// Resolve a sheet whose two entries disagree (organiser, as
    /// supervisor): the marks as read on the paper. It then counts.
    #[oai(
        path = "/rounds/:id/paper/sheets/:sheet_id/resolve",
        method = "post",
        operation_id = "resolve_paper_sheet"
    )]
    async fn resolve_paper_sheet(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        sheet_id: Path<i64>,
        body: Json<ResolveIn>,
    ) -> Answer<Json<SheetOut>, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        let sheet = paper_entry::resolve(&state, who, id.0, sheet_id.0, &body.marks).await?;
        store::audit::record(
            &state.db,
            Some(who),
            &who.username,
            "paper.resolve",
            format!("round:{}/sheet:{}", id.0, sheet.serial),
            format!("link={}", sheet.link_id),
        )
        .await;
        Ok(Json(sheet_out(&sheet, vec![])))
    }
}
