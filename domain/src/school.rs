//! Schools: the national school code, kinds and locations, and the rules a
//! school record must satisfy.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// 学校标识码: exactly ten digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchoolCode(String);

impl SchoolCode {
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.len() == 10 && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(t.to_string()))
        } else {
            Err(format!("学校标识码必须是10位数字，收到“{t}”"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// School kinds as the statistics use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolKind {
    /// 小学
    Primary,
    /// 初中
    Junior,
    /// 九年一贯制学校
    NineYear,
    /// 十二年一贯制学校
    TwelveYear,
    /// 完全中学
    Complete,
    /// 特殊教育学校
    Special,
}

impl SchoolKind {
    pub const ALL: [SchoolKind; 6] = [
        Self::Primary,
        Self::Junior,
        Self::NineYear,
        Self::TwelveYear,
        Self::Complete,
        Self::Special,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Primary => "primary",
            Self::Junior => "junior",
            Self::NineYear => "nine_year",
            Self::TwelveYear => "twelve_year",
            Self::Complete => "complete",
            Self::Special => "special",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Primary => "小学",
            Self::Junior => "初中",
            Self::NineYear => "九年一贯制",
            Self::TwelveYear => "十二年一贯制",
            Self::Complete => "完全中学",
            Self::Special => "特殊教育学校",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    /// Accepts the code, the Chinese name, and the common long forms
    /// (九年一贯制学校, 十二年一贯制学校).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let t = t
            .strip_suffix("学校")
            .filter(|s| !s.is_empty() && *s != "特殊教育")
            .unwrap_or(t);
        Self::ALL
            .into_iter()
            .find(|k| k.code() == t || k.label_zh() == t)
    }
    pub fn has_primary_section(self) -> bool {
        !matches!(self, Self::Junior | Self::Complete)
    }
    pub fn has_junior_section(self) -> bool {
        !matches!(self, Self::Primary)
    }
}

/// 城区 / 镇区 / 乡村
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    Urban,
    Town,
    Rural,
}

impl Location {
    pub const ALL: [Location; 3] = [Self::Urban, Self::Town, Self::Rural];
    pub fn code(self) -> &'static str {
        match self {
            Self::Urban => "urban",
            Self::Town => "town",
            Self::Rural => "rural",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Urban => "城区",
            Self::Town => "镇区",
            Self::Rural => "乡村",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|l| l.code() == t || l.label_zh() == t)
    }
}

/// A stored school.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    pub id: i64,
    /// 学校标识码, as stored.
    pub code: String,
    pub name: String,
    pub kind: SchoolKind,
    pub location: Location,
    pub primary_students: i32,
    pub junior_students: i32,
    pub teachers: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The county the school belongs to (required on both databases;
    /// rows from before counties were recorded are the first county's).
    pub county_id: i64,
}

/// A school record as entered or imported, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolDraft {
    pub code: SchoolCode,
    pub name: String,
    pub kind: SchoolKind,
    pub location: Location,
    pub primary_students: i32,
    pub junior_students: i32,
    pub teachers: i32,
}

/// Raw, untrusted field values of one school.
#[derive(Debug, Clone, Default)]
pub struct SchoolInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub location: String,
    pub primary_students: String,
    pub junior_students: String,
    pub teachers: String,
}

fn count(field: &str, text: &str) -> Result<i32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    // Excel often writes whole numbers as "120.0".
    let t = t.strip_suffix(".0").unwrap_or(t);
    t.parse::<i32>()
        .ok()
        .filter(|n| (0..=100_000).contains(n))
        .ok_or_else(|| format!("{field}必须是0到100000之间的整数，收到“{}”", text.trim()))
}

impl SchoolInput {
    /// Checks every field and returns all problems at once.
    pub fn validate(&self) -> Result<SchoolDraft, Vec<String>> {
        let mut errors = Vec::new();
        let code = SchoolCode::parse(&self.code)
            .map_err(|e| errors.push(e))
            .ok();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.push("学校名称不能为空".to_string());
        } else if name.chars().count() > 100 {
            errors.push("学校名称不能超过100个字".to_string());
        }
        let kind = SchoolKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(format!(
                "学校类型无效：“{}”（可选：小学、初中、九年一贯制、十二年一贯制、完全中学、特殊教育学校）",
                self.kind.trim()
            ));
        }
        let location = Location::parse(&self.location);
        if location.is_none() {
            errors.push(format!(
                "所在地无效：“{}”（可选：城区、镇区、乡村）",
                self.location.trim()
            ));
        }
        let primary = count("小学在校生数", &self.primary_students)
            .map_err(|e| errors.push(e))
            .ok();
        let junior = count("初中在校生数", &self.junior_students)
            .map_err(|e| errors.push(e))
            .ok();
        let teachers = count("教师数", &self.teachers)
            .map_err(|e| errors.push(e))
            .ok();
        if let (Some(kind), Some(p), Some(j)) = (kind, primary, junior) {
            if !kind.has_primary_section() && p > 0 {
                errors.push(format!("{}没有小学部，小学在校生数应为0", kind.label_zh()));
            }
            if !kind.has_junior_section() && j > 0 {
                errors.push(format!("{}没有初中部，初中在校生数应为0", kind.label_zh()));
            }
        }
        match (code, kind, location, primary, junior, teachers) {
            (Some(code), Some(kind), Some(location), Some(p), Some(j), Some(t))
                if errors.is_empty() =>
            {
                Ok(SchoolDraft {
                    code,
                    name,
                    kind,
                    location,
                    primary_students: p,
                    junior_students: j,
                    teachers: t,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A 学段 of compulsory education (the sampling plan calls it a grade
/// band, readiness a 学段).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 小学
    Primary,
    /// 初中
    Junior,
}

impl Stage {
    pub const ALL: [Stage; 2] = [Self::Primary, Self::Junior];
    pub fn code(self) -> &'static str {
        match self {
            Self::Primary => "primary",
            Self::Junior => "junior",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Primary => "小学",
            Self::Junior => "初中",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Primary => "Primary",
            Self::Junior => "Junior secondary",
        }
    }
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SchoolInput {
        SchoolInput {
            code: "2165000001".into(),
            name: "第一小学".into(),
            kind: "小学".into(),
            location: "城区".into(),
            primary_students: "1200".into(),
            junior_students: "".into(),
            teachers: "80.0".into(),
        }
    }

    #[test]
    fn a_good_row_validates() {
        let d = input().validate().unwrap();
        assert_eq!(d.code.as_str(), "2165000001");
        assert_eq!(d.junior_students, 0);
        assert_eq!(d.teachers, 80);
        assert_eq!(d.kind, SchoolKind::Primary);
    }

    #[test]
    fn every_problem_is_reported() {
        let mut i = input();
        i.code = "12345".into();
        i.kind = "大学".into();
        i.location = "郊区".into();
        i.teachers = "-3".into();
        let errs = i.validate().unwrap_err();
        assert_eq!(errs.len(), 4, "{errs:?}");
    }

    #[test]
    fn sections_must_match_the_kind() {
        let mut i = input();
        i.junior_students = "30".into();
        let errs = i.validate().unwrap_err();
        assert!(errs[0].contains("没有初中部"));
    }

    #[test]
    fn long_kind_names_parse() {
        assert_eq!(
            SchoolKind::parse("九年一贯制学校"),
            Some(SchoolKind::NineYear)
        );
        assert_eq!(SchoolKind::parse("特殊教育学校"), Some(SchoolKind::Special));
        assert_eq!(SchoolKind::parse("nine_year"), Some(SchoolKind::NineYear));
    }
}
