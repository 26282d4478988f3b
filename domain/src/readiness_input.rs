//! Readiness data as a county enters or imports it: the 学年 it belongs to,
//! and one school's figures checked for plausibility before anything is
//! stored (non-negative, within ranges a real school reaches, students > 0).

use crate::readiness::{SchoolInput, StageInput};
use crate::school::{SchoolKind, Stage};

/// 学年, written "2025-2026": two years, the second one after the first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchoolYear(String);

impl SchoolYear {
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let bad = || format!("学年格式应为“2025-2026”，收到“{t}”");
        let (a, b) = t.split_once('-').ok_or_else(bad)?;
        let ok = |s: &str| s.len() == 4 && s.bytes().all(|c| c.is_ascii_digit());
        if !ok(a) || !ok(b) {
            return Err(bad());
        }
        let (a, b): (u32, u32) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
        if !(2000..=2100).contains(&a) || b != a + 1 {
            return Err(bad());
        }
        Ok(Self(t.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The 学年 before, e.g. 2024-2025 for 2025-2026 (none before 2000).
    pub fn previous(&self) -> Option<Self> {
        let first: u32 = self.0.get(..4)?.parse().ok()?;
        Self::parse(&format!("{}-{}", first.checked_sub(1)?, first)).ok()
    }
}

/// One 学段's figures as entered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StageFigures {
    pub students: u32,
    /// 高于规定学历的教师数 (小学 专科及以上, 初中 本科及以上)
    pub qualified_teachers: u32,
    /// 县级以上骨干教师数
    pub backbone_teachers: u32,
    /// 体育、艺术（美术、音乐）专任教师数
    pub sports_arts_teachers: u32,
    /// The 学段's share of the four facilities, when the county entered the
    /// split; otherwise the school's are split by student weights.
    pub facilities: Option<[f64; 4]>,
}

/// One school's readiness figures for a 学年, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadinessFigures {
    /// 教学点
    pub teaching_point: bool,
    /// The school a branch campus belongs to.
    pub branch_of: Option<i64>,
    pub primary: Option<StageFigures>,
    pub junior: Option<StageFigures>,
    /// 高中 students (十二年一贯制, 完全中学), for the facility split.
    pub senior_students: u32,
    /// 教学及辅助用房面积 (m²), 体育运动场馆面积 (m²), 教学仪器设备值 (元),
    /// 网络多媒体教室数.
    pub facilities: [f64; 4],
}

/// Most students a 学段 of one school can plausibly have.
pub const MAX_STUDENTS: u32 = 20_000;
/// Most floor or sports area a school can plausibly have (m²).
pub const MAX_AREA: f64 = 2_000_000.0;
/// Most equipment value a school can plausibly have (元).
pub const MAX_EQUIPMENT: f64 = 1_000_000_000.0;

/// The facility columns: label and upper bound.
pub const FACILITIES: [(&str, f64); 4] = [
    ("教学及辅助用房面积", MAX_AREA),
    ("体育运动场馆面积", MAX_AREA),
    ("教学仪器设备值", MAX_EQUIPMENT),
    ("网络多媒体教室数", 5_000.0),
];

impl ReadinessFigures {
    pub fn stage(&self, stage: Stage) -> Option<&StageFigures> {
        match stage {
            Stage::Primary => self.primary.as_ref(),
            Stage::Junior => self.junior.as_ref(),
        }
    }

    /// Every problem at once, in Chinese; `kind` is the school's type.
    pub fn check(&self, kind: SchoolKind) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        for stage in Stage::ALL {
            let has = match stage {
                Stage::Primary => kind.has_primary_section(),
                Stage::Junior => kind.has_junior_section(),
            };
            let Some(f) = self.stage(stage) else { continue };
            let name = stage.label_zh();
            if !has && f.students > 0 {
                errors.push(format!(
                    "{}没有{name}部，{name}在校生数应为0",
                    kind.label_zh()
                ));
            }
            if f.students > MAX_STUDENTS {
                errors.push(format!("{name}在校生数不能超过{MAX_STUDENTS}"));
            }
            for (label, n) in [
                ("高于规定学历教师数", f.qualified_teachers),
                ("县级以上骨干教师数", f.backbone_teachers),
                ("体育艺术专任教师数", f.sports_arts_teachers),
            ] {
                if n > f.students {
                    errors.push(format!(
                        "{name}{label}（{n}）多于{name}在校生数（{}），请核对",
                        f.students
                    ));
                }
            }
            if f.students == 0
                && f.qualified_teachers + f.backbone_teachers + f.sports_arts_teachers > 0
            {
                errors.push(format!("{name}有教师而在校生数为0，请核对"));
            }
            if let Some(split) = f.facilities {
                check_facilities(name, &split, &mut errors);
            }
        }
        let students = self.primary.as_ref().map_or(0, |f| f.students)
            + self.junior.as_ref().map_or(0, |f| f.students);
        if students == 0 && errors.is_empty() {
            errors.push("小学与初中在校生数不能都为0".to_string());
        }
        if self.senior_students > MAX_STUDENTS {
            errors.push(format!("高中在校生数不能超过{MAX_STUDENTS}"));
        }
        if self.senior_students > 0
            && !matches!(kind, SchoolKind::TwelveYear | SchoolKind::Complete)
        {
            errors.push(format!("{}没有高中部，高中在校生数应为0", kind.label_zh()));
        }
        check_facilities("", &self.facilities, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The domain's input for [`crate::readiness::evaluate`].
    pub fn to_input(&self, school_id: i64, name: &str, kind: SchoolKind) -> SchoolInput {
        let stage = |f: Option<&StageFigures>| {
            f.map(|f| StageInput {
                students: f.students,
                teachers: [
                    f64::from(f.qualified_teachers),
                    f64::from(f.backbone_teachers),
                    f64::from(f.sports_arts_teachers),
                ],
                facilities: f.facilities,
            })
            .unwrap_or_default()
        };
        SchoolInput {
            school_id,
            name: name.to_string(),
            kind,
            teaching_point: self.teaching_point,
            branch_of: self.branch_of,
            primary: stage(self.primary.as_ref()),
            junior: stage(self.junior.as_ref()),
            senior_students: self.senior_students,
            facilities: self.facilities,
        }
    }
}

fn check_facilities(prefix: &str, values: &[f64; 4], errors: &mut Vec<String>) {
    for ((label, max), v) in FACILITIES.iter().zip(values) {
        if !v.is_finite() || *v < 0.0 {
            errors.push(format!("{prefix}{label}不能为负数"));
        } else if v > max {
            errors.push(format!("{prefix}{label}不能超过{max}"));
        }
    }
    if values[3].fract() != 0.0 {
        errors.push(format!("{prefix}网络多媒体教室数必须是整数"));
    }
}

/// A count cell: empty is 0, "120.0" is 120; anything else names the field.
pub fn parse_count(field: &str, text: &str) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    let t = t.strip_suffix(".0").unwrap_or(t);
    t.parse::<u32>()
        .ok()
        .filter(|n| *n <= 1_000_000)
        .ok_or_else(|| format!("{field}必须是不小于0的整数，收到“{}”", text.trim()))
}

/// An amount cell (m², 元): empty is 0; thousands separators are allowed.
pub fn parse_amount(field: &str, text: &str) -> Result<f64, String> {
    let t = text.trim().replace([',', '，'], "");
    if t.is_empty() {
        return Ok(0.0);
    }
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("{field}必须是不小于0的数，收到“{}”", text.trim()))
}

/// 是 / 否 (also 1/0, Y/N, true/false); empty is 否.
pub fn parse_yes_no(field: &str, text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "" | "否" | "0" | "n" | "no" | "false" => Ok(false),
        "是" | "1" | "y" | "yes" | "true" => Ok(true),
        other => Err(format!("{field}应填“是”或“否”，收到“{other}”")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> ReadinessFigures {
        ReadinessFigures {
            primary: Some(StageFigures {
                students: 500,
                qualified_teachers: 25,
                backbone_teachers: 5,
                sports_arts_teachers: 5,
                facilities: None,
            }),
            facilities: [2500.0, 4000.0, 1_100_000.0, 12.0],
            ..Default::default()
        }
    }

    #[test]
    fn school_years_parse_only_consecutive_years() {
        assert_eq!(
            SchoolYear::parse(" 2025-2026 ").unwrap().as_str(),
            "2025-2026"
        );
        for bad in [
            "2025",
            "2025-2027",
            "25-26",
            "2025—2026",
            "abcd-efgh",
            "2026-2025",
        ] {
            assert!(SchoolYear::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_plausible_school_passes() {
        assert_eq!(figures().check(SchoolKind::Primary), Ok(()));
    }

    #[test]
    fn every_problem_is_named() {
        let mut f = figures();
        f.junior = Some(StageFigures {
            students: 30,
            ..Default::default()
        });
        f.facilities[0] = -1.0;
        f.facilities[3] = 2.5;
        f.primary.as_mut().unwrap().backbone_teachers = 900;
        let errs = f.check(SchoolKind::Primary).unwrap_err();
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("没有初中部")), "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("不能为负数")), "{errs:?}");
    }

    #[test]
    fn students_must_be_above_zero() {
        let mut f = figures();
        f.primary.as_mut().unwrap().students = 0;
        f.primary.as_mut().unwrap().qualified_teachers = 0;
        f.primary.as_mut().unwrap().backbone_teachers = 0;
        f.primary.as_mut().unwrap().sports_arts_teachers = 0;
        let errs = f.check(SchoolKind::Primary).unwrap_err();
        assert_eq!(errs, ["小学与初中在校生数不能都为0"]);
    }

    #[test]
    fn cells_parse_or_say_why() {
        assert_eq!(parse_count("x", " 120.0 "), Ok(120));
        assert!(
            parse_count("小学在校生数", "-3")
                .unwrap_err()
                .contains("小学在校生数")
        );
        assert_eq!(parse_amount("x", "1,250.5"), Ok(1250.5));
        assert!(parse_amount("x", "-1").is_err());
        assert!(parse_amount("x", "NaN").is_err());
        assert_eq!(parse_yes_no("x", "是"), Ok(true));
        assert!(parse_yes_no("x", "也许").is_err());
    }
}
