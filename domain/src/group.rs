//! Respondent groups (调查对象) and the questionnaire family each answers.

use serde::{Deserialize, Serialize};

/// The seven respondent groups of the social recognition survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RespondentGroup {
    /// 学生
    Student,
    /// 家长
    Parent,
    /// 教师
    Teacher,
    /// 校长
    Principal,
    /// 人大代表
    Deputy,
    /// 政协委员
    CppccMember,
    /// 其他群众
    Citizen,
}

/// The three national questionnaire families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// 学生卷
    Student,
    /// 校长教师卷
    Staff,
    /// 社会卷
    Society,
}

impl RespondentGroup {
    pub const ALL: [RespondentGroup; 7] = [
        Self::Student,
        Self::Parent,
        Self::Teacher,
        Self::Principal,
        Self::Deputy,
        Self::CppccMember,
        Self::Citizen,
    ];

    /// The stable machine code used in the API and the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Student => "student",
            Self::Parent => "parent",
            Self::Teacher => "teacher",
            Self::Principal => "principal",
            Self::Deputy => "deputy",
            Self::CppccMember => "cppcc_member",
            Self::Citizen => "citizen",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.code() == code)
    }

    /// Accepts the machine code or the Chinese name.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|g| g.code() == text || g.label_zh() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Student => "学生",
            Self::Parent => "家长",
            Self::Teacher => "教师",
            Self::Principal => "校长",
            Self::Deputy => "人大代表",
            Self::CppccMember => "政协委员",
            Self::Citizen => "其他群众",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Student => "Students",
            Self::Parent => "Parents",
            Self::Teacher => "Teachers",
            Self::Principal => "Principals",
            Self::Deputy => "People's congress deputies",
            Self::CppccMember => "CPPCC members",
            Self::Citizen => "Other citizens",
        }
    }

    /// Students, parents, teachers and principals answer for a school;
    /// the others answer at county level.
    pub fn is_school_bound(self) -> bool {
        matches!(
            self,
            Self::Student | Self::Parent | Self::Teacher | Self::Principal
        )
    }

    pub fn family(self) -> Family {
        match self {
            Self::Student => Family::Student,
            Self::Teacher | Self::Principal => Family::Staff,
            Self::Parent | Self::Deputy | Self::CppccMember | Self::Citizen => Family::Society,
        }
    }
}

impl std::fmt::Display for RespondentGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_chinese_names_parse() {
        for g in RespondentGroup::ALL {
            assert_eq!(RespondentGroup::from_code(g.code()), Some(g));
            assert_eq!(RespondentGroup::parse(g.label_zh()), Some(g));
        }
        assert_eq!(RespondentGroup::parse("老师"), None);
    }

    #[test]
    fn four_groups_are_school_bound() {
        let bound: Vec<_> = RespondentGroup::ALL
            .into_iter()
            .filter(|g| g.is_school_bound())
            .collect();
        assert_eq!(bound.len(), 4);
        assert!(!RespondentGroup::Deputy.is_school_bound());
    }
}
