//! What the interview API takes and gives: interviewers and their links
//! (organisers), an interviewer's download for offline work, and uploads.

use chrono::{DateTime, Utc};
use poem_openapi::{ApiResponse, Object, payload::Json};

use super::{
    public::{AnswerIn, PublicItem},
    types::{GroupDto, LinkChoiceOut},
};
use crate::error::ErrorBody;

/// A new interviewer account (访谈员) of the round's county.
#[derive(Debug, Clone, Object)]
pub struct InterviewerIn {
    #[oai(validator(min_length = 1, max_length = 64))]
    pub username: String,
    #[oai(default, validator(max_length = 100))]
    pub display_name: String,
    /// The round's links (school and group) it may interview for.
    #[oai(default, validator(max_items = 5000))]
    pub link_ids: Vec<i64>,
}

/// The links an interviewer may interview for in the round (replacing the
/// list; empty: none).
#[derive(Debug, Clone, Object)]
pub struct AssignmentIn {
    #[oai(validator(max_items = 5000))]
    pub link_ids: Vec<i64>,
}

/// An interviewer of the round and its links.
#[derive(Debug, Clone, Object)]
pub struct InterviewerOut {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
    pub link_ids: Vec<i64>,
}

/// A new interviewer with its initial password (shown once).
#[derive(Debug, Clone, Object)]
pub struct InterviewerCreatedOut {
    pub interviewer: InterviewerOut,
    pub password: String,
}

#[derive(ApiResponse)]
pub enum InterviewerCreated {
    /// The account and its links are stored.
    #[oai(status = 201)]
    Created(Json<InterviewerCreatedOut>),
}

/// A group's frozen questionnaire, as read aloud.
#[derive(Debug, Clone, Object)]
pub struct InterviewQuestionnaireOut {
    pub group: GroupDto,
    pub group_label: String,
    pub title: String,
    pub intro: String,
    pub items: Vec<PublicItem>,
    /// The same questionnaire in each language the round offers
    /// respondents (a complete translation), same ids and codes; empty
    /// when the round has Chinese only.
    #[oai(default)]
    pub translations: Vec<InterviewTranslationOut>,
}

/// A questionnaire's texts in another language.
#[derive(Debug, Clone, Object)]
pub struct InterviewTranslationOut {
    /// BCP 47 tag (`en`, `ug` …).
    pub language: String,
    pub title: String,
    pub intro: String,
    pub items: Vec<PublicItem>,
}

/// An open round with the links the account may interview for.
#[derive(Debug, Clone, Object)]
pub struct InterviewRoundOut {
    pub round_id: i64,
    pub round_name: String,
    pub closes_at: DateTime<Utc>,
    /// The links the interviewer may interview for.
    pub links: Vec<LinkChoiceOut>,
    /// The questionnaires of the groups of those links.
    pub questionnaires: Vec<InterviewQuestionnaireOut>,
}

/// What the interviewer page downloads before going offline.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MyInterviewsOut {
    pub username: String,
    pub display_name: String,
    /// When the session ends; uploads after it need a new sign-in (the
    /// saved interviews stay on the device).
    pub session_expires_at: Option<DateTime<Utc>>,
    pub rounds: Vec<InterviewRoundOut>,
}

/// One interview as recorded on the device.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct InterviewIn {
    /// Made once per interview on the device; an upload repeated after a
    /// lost acknowledgement is answered with the stored result.
    pub client_id: uuid::Uuid,
    pub link_id: i64,
    #[oai(validator(max_items = 300))]
    pub answers: Vec<AnswerIn>,
    /// Time from the first item to saving, in milliseconds.
    #[oai(default)]
    pub duration_ms: i64,
    /// When it was saved on the device (the upload time when absent, later
    /// than now, or before the round opened).
    pub recorded_at: Option<DateTime<Utc>>,
}

/// Interviews saved on a device, uploaded together.
#[derive(Debug, Clone, Object)]
pub struct UploadIn {
    #[oai(validator(max_items = 200))]
    pub interviews: Vec<InterviewIn>,
}

/// What became of one uploaded interview.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct UploadResultOut {
    pub client_id: uuid::Uuid,
    /// `stored` (now), `already_stored` (an earlier upload stored it) or
    /// `refused` (kept on the device; `error` says why).
    pub status: String,
    /// The stored answer counts (valid).
    pub counted: bool,
    pub message: String,
    pub error: Option<ErrorBody>,
}

/// An upload's results, one per interview, in order.
#[derive(Debug, Clone, Object)]
pub struct UploadOut {
    pub stored: u32,
    pub already_stored: u32,
    pub refused: u32,
    pub results: Vec<UploadResultOut>,
}
