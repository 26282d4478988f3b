//! Accounts: the roles an account may hold, and an account as the rest of
//! renke reads it (its password hash never travels with it).

use chrono::{DateTime, Utc};

/// What an account may do. Each role includes the ones below it:
/// admin ⊇ organiser ⊇ reviewer ⊇ clerk ⊇ interviewer ⊇ liaison. Clerks,
/// interviewers and liaisons are field roles: each acts only on its own
/// assignments (checked where it acts), and none reads any result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// 学校联络员: runs computer-room sessions for the schools of a round
    /// assigned to it and sees their answer counts; reads nothing else
    /// (lowest, so every other role's operation refuses it).
    Liaison,
    /// 访谈员: records on-site interviews for the links assigned to it and
    /// uploads them; reads nothing but its assignments (lowest, so every
    /// reviewer read and every clerk's keying refuses it).
    Interviewer,
    /// 录入员: keys paper sheets of the rounds assigned to it; reads no
    /// results (below reviewer, so every reviewer read refuses it).
    Clerk,
    /// Reads rounds, reports and exports; changes nothing.
    Reviewer,
    /// Manages the county, schools and rounds.
    Organiser,
    /// Also manages accounts.
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Self::Liaison => "liaison",
            Self::Interviewer => "interviewer",
            Self::Clerk => "clerk",
            Self::Reviewer => "reviewer",
            Self::Organiser => "organiser",
            Self::Admin => "admin",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        [
            Self::Liaison,
            Self::Interviewer,
            Self::Clerk,
            Self::Reviewer,
            Self::Organiser,
            Self::Admin,
        ]
        .into_iter()
        .find(|r| r.code() == c)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Liaison => "学校联络员",
            Self::Interviewer => "访谈员",
            Self::Clerk => "录入员",
            Self::Reviewer => "评估查看",
            Self::Organiser => "组织管理",
            Self::Admin => "系统管理员",
        }
    }
}

/// An account, without its password hash (the login path reads that on
/// its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The node of the region tree the account belongs to.
    pub region_id: Option<i64>,
}
