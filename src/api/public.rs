//! What respondents use, without login: a link's questionnaire and
//! submitting a response.

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, payload::Json};

use super::{
    ApiTags,
    prepared_json::PreparedJson,
    types::{GroupDto, ItemKindDto, ValidityDto},
};
use crate::error::ErrorCode;
use crate::{
    device,
    domain::{
        questionnaire::ItemKind,
        submission::{RawAnswer, Validity},
    },
    error::{Answer, AppError, PublicRead, PublicWrite},
    state::AppState,
    survey::{self, ResponseInput},
    writer::{Outcome, Receipt},
};

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicOption {
    pub code: u8,
    pub label: String,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicItem {
    pub id: String,
    pub kind: ItemKindDto,
    pub text: String,
    pub required: bool,
    pub options: Vec<PublicOption>,
}

/// A questionnaire as a respondent sees it (no scoring marks).
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicQuestionnaire {
    pub round_name: String,
    pub group: GroupDto,
    pub group_label: String,
    /// None for county-level groups.
    pub school_name: Option<String>,
    pub closes_at: DateTime<Utc>,
    pub title: String,
    pub intro: String,
    pub items: Vec<PublicItem>,
    /// The link admits only respondents with a one-time access code; send it
    /// as `access_code` with the response.
    pub access_code_required: bool,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AnswerIn {
    /// Item id, e.g. `q1`.
    pub item: String,
    /// Option code for choice items.
    pub option: Option<u8>,
    /// Text for free-text items (at most 2,000 characters).
    pub text: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ResponseIn {
    /// Generated once per attempt on the phone; sending it again is harmless.
    pub client_id: uuid::Uuid,
    pub answers: Vec<AnswerIn>,
    /// Time spent answering, in milliseconds.
    #[oai(default)]
    pub duration_ms: i64,
    /// The one-time access code, on links that need one (e.g. `ABCD-EFGH`).
    /// Browsers that entered it on the questionnaire page may omit it: the
    /// page's cookie carries it.
    pub access_code: Option<String>,
    /// The respondent confirmed that another member of the household is
    /// answering on a phone that already answered this questionnaire: within
    /// the round's `shared_device_limit` the response is stored valid and
    /// marked as from a shared device; beyond it, the round's duplicate
    /// policy applies.
    #[oai(default)]
    pub shared_device: bool,
    /// The language the questionnaire was shown in: `zh` (the default) or
    /// one of the round's additional languages (BCP 47, e.g. `ug`); any
    /// other is refused with 422. Scoring does not depend on it; the report
    /// counts responses by it.
    pub language: Option<String>,
    /// On a PC that joined a room session (机房答题, `/r/<code>`): the
    /// signed stamp its page carried. The answer is stored with the session
    /// (no device mark, no access code) while the session lasts, or within
    /// its grace if the questionnaire was shown before it ended; later, 409
    /// `room_session_ended`; a stamp this server did not sign, 422.
    pub room_ticket: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ReceiptOut {
    pub client_id: String,
    pub submitted_at: DateTime<Utc>,
    /// Whether the stored response counts; anything but `valid` is kept
    /// but left out of the rates.
    pub validity: ValidityDto,
    /// `validity` is `valid`.
    pub counted: bool,
    /// Stored as another household member's answer on a shared phone.
    pub shared_device: bool,
    /// What to tell the respondent: 提交成功… for a counted response,
    /// 本次提交已保存，但不计入统计，原因：… otherwise.
    pub message: String,
}

impl From<Receipt> for ReceiptOut {
    fn from(r: Receipt) -> Self {
        Self {
            client_id: r.client_id.to_string(),
            submitted_at: r.submitted_at,
            validity: r.validity.into(),
            counted: r.validity == Validity::Valid,
            shared_device: r.shared_device,
            message: r.validity.receipt_zh(),
        }
    }
}

#[derive(ApiResponse)]
pub enum SubmitResponse {
    /// Stored and committed.
    #[oai(status = 201)]
    Created(Json<ReceiptOut>),
    /// Already stored under this client id with the same answers: the original receipt.
    #[oai(status = 200)]
    AlreadyStored(Json<ReceiptOut>),
}

pub struct PublicApi;

#[OpenApi(tag = "ApiTags::Public")]
impl PublicApi {
    /// The questionnaire behind a link. 404 for an unknown token; 409 with a
    /// message for a disabled link or a round that is not open; 429 with
    /// `Retry-After` when this client asks too often.
    #[oai(
        path = "/public/links/:token",
        method = "get",
        operation_id = "get_public_questionnaire"
    )]
    async fn get_public_questionnaire(
        &self,
        state: Data<&AppState>,
        token: Path<String>,
    ) -> Answer<PreparedJson<PublicQuestionnaire>, PublicRead> {
        let open = survey::open_link(&state, &token.0).await?;
        let body = open.link.public_json.get_or_init(|| {
            PreparedJson::new(&public_questionnaire(&open))
                .bytes()
                .clone()
        });
        Ok(PreparedJson::from_bytes(body.clone()))
    }

    /// Submit a response. 201 once committed; 200 with the original receipt
    /// when the same client id and answers were already stored; 409 when the
    /// client id was used for different answers, the round is not open, this
    /// device already answered and the round refuses repeats
    /// (`duplicate_device`), the access code was used (`access_code_used`), or
    /// a room session's answer came after its grace (`room_session_ended`);
    /// 422 naming the item at fault, or `access_code` when the code is
    /// missing or wrong; 429 with `Retry-After` when this client or this link
    /// receives too many submissions. The device cookie set by the
    /// questionnaire page (`/s/{token}`) is read when present.
    #[oai(
        path = "/public/links/:token/responses",
        method = "post",
        operation_id = "submit_response"
    )]
    async fn submit_response(
        &self,
        state: Data<&AppState>,
        req: &Request,
        token: Path<String>,
        body: Json<ResponseIn>,
    ) -> Answer<SubmitResponse, PublicWrite> {
        let body = body.0;
        let input = ResponseInput {
            client_id: body.client_id.into(),
            duration_ms: body.duration_ms,
            cookies: device::Cookies::of(req),
            access_code: body.access_code,
            shared_device: body.shared_device,
            language: body.language,
            room_ticket: body.room_ticket,
            answers: body
                .answers
                .into_iter()
                .map(|a| RawAnswer {
                    item: a.item,
                    option: a.option,
                    text: a.text,
                })
                .collect(),
        };
        Ok(match survey::submit(&state, &token.0, input).await? {
            Outcome::Created(r) => SubmitResponse::Created(Json(r.into())),
            Outcome::Replayed(r) => SubmitResponse::AlreadyStored(Json(r.into())),
            Outcome::ClientIdReused => {
                return Err(AppError::conflict(
                    ErrorCode::ClientIdReused,
                    "该提交编号已用于另一份不同的答卷",
                )
                .into());
            }
            Outcome::Refused(r) => return Err(survey::refused(r).into()),
        })
    }
}

/// A link's questionnaire as respondents see it.
fn public_questionnaire(open: &survey::OpenLink) -> PublicQuestionnaire {
    let (ctx, q) = (open.ctx(), &open.questionnaire);
    PublicQuestionnaire {
        round_name: ctx.round.name.clone(),
        group: ctx.group.into(),
        group_label: ctx.group.label_zh().into(),
        school_name: ctx.school.as_ref().map(|s| s.name.clone()),
        closes_at: ctx.round.closes_at,
        title: q.title.clone(),
        intro: q.intro.clone(),
        items: public_items(q),
        access_code_required: open.link.codes_required,
    }
}

/// A questionnaire's items as respondents (and interviewers) see them: no
/// scoring marks; scored items are always required.
pub fn public_items(q: &crate::domain::questionnaire::Questionnaire) -> Vec<PublicItem> {
    q.items
        .iter()
        .map(|i| PublicItem {
            id: i.id.clone(),
            kind: i.kind.into(),
            text: i.text.clone(),
            required: i.required || i.kind == ItemKind::Scored,
            options: i
                .options
                .iter()
                .map(|o| PublicOption {
                    code: o.code,
                    label: o.label.clone(),
                })
                .collect(),
        })
        .collect()
}
