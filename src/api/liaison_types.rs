//! What the liaison API takes and gives: liaisons and their schools
//! (organisers), and a liaison's own schools, links and room sessions with
//! their answer counts (counts only: a liaison reads no rates or answers).

use chrono::{DateTime, Utc};
use poem_openapi::{ApiResponse, Object, payload::Json};

use super::types::GroupDto;

/// A new liaison account (学校联络员) of the round's county.
#[derive(Debug, Clone, Object)]
pub struct LiaisonIn {
    #[oai(validator(min_length = 1, max_length = 64))]
    pub username: String,
    #[oai(default, validator(max_length = 100))]
    pub display_name: String,
    /// The county's schools it runs computer-room sessions for in the round.
    #[oai(default, validator(max_items = 5000))]
    pub school_ids: Vec<i64>,
}

/// The schools a liaison runs room sessions for in the round (replacing
/// the list; empty: unassigned from the round).
#[derive(Debug, Clone, Object)]
pub struct LiaisonAssignIn {
    #[oai(validator(max_items = 5000))]
    pub school_ids: Vec<i64>,
}

/// A liaison of the round and its schools.
#[derive(Debug, Clone, Object)]
pub struct LiaisonOut {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
    pub school_ids: Vec<i64>,
}

/// A new liaison with its initial password (shown once).
#[derive(Debug, Clone, Object)]
pub struct LiaisonCreatedOut {
    pub liaison: LiaisonOut,
    pub password: String,
}

#[derive(ApiResponse)]
pub enum LiaisonCreated {
    /// The account and its schools are stored.
    #[oai(status = 201)]
    Created(Json<LiaisonCreatedOut>),
}

/// A room session as its liaison sees it: the code and times, and how many
/// answers it gathered (no rates, no answers, no integrity comparison).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LiaisonSessionOut {
    pub id: i64,
    pub round_id: i64,
    pub link_id: i64,
    /// The 8-digit code the room's PCs type at `/r`.
    pub code: String,
    /// The page the room's PCs open (`{base}/r/{code}`).
    pub url: String,
    /// Who opened it, as the audit log names them.
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    /// No new pupil starts after this (closing early moves it).
    pub expires_at: DateTime<Utc>,
    pub grace_minutes: i32,
    pub closed_at: Option<DateTime<Utc>>,
    /// New pupils may start now.
    pub open: bool,
    /// Answers stored in the session (all of them, counted or not).
    pub answers: u64,
}

#[derive(ApiResponse)]
pub enum LiaisonOpened {
    /// The session is open; show its code or URL on the room's projector.
    #[oai(status = 201)]
    Created(Json<LiaisonSessionOut>),
}

/// A link of an assigned school: its group, its address, its sessions.
#[derive(Debug, Clone, Object)]
pub struct LiaisonLinkOut {
    pub id: i64,
    pub group: GroupDto,
    pub group_label: String,
    /// The link's own page (`{base}/s/{token}`).
    pub url: String,
    pub enabled: bool,
    /// The link's room sessions, newest first.
    pub sessions: Vec<LiaisonSessionOut>,
}

/// An assigned school of a round.
#[derive(Debug, Clone, Object)]
pub struct LiaisonSchoolOut {
    pub school_id: i64,
    pub school_name: String,
    pub links: Vec<LiaisonLinkOut>,
}

/// A round the liaison is assigned schools in.
#[derive(Debug, Clone, Object)]
pub struct LiaisonRoundOut {
    pub round_id: i64,
    pub round_name: String,
    /// The round takes answers now (sessions may be opened).
    pub accepting: bool,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub schools: Vec<LiaisonSchoolOut>,
}

/// The logged-in account's schools, links and room sessions (我的机房场次).
#[derive(Debug, Clone, Object)]
pub struct MyRoomsOut {
    pub username: String,
    pub display_name: String,
    pub rounds: Vec<LiaisonRoundOut>,
}
