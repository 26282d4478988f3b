//! DTOs of the readiness API: settings, a school's figures, and the
//! 资源配置 evaluation with every number it came from.

use poem_openapi::Object;

use super::types::{IndicatorDto, ReadinessStatusDto, SchoolKindDto, StageDto};
use crate::{
    domain::{
        readiness::{self as r, Indicator, Settings},
        readiness_input::{ReadinessFigures, StageFigures},
        school::Stage,
    },
    store::readiness::Entry,
};

/// The choices published practice differs on (defaults: the inspection's
/// usual values).
#[derive(Debug, Clone, Object)]
pub struct ReadinessSettingsDto {
    /// Teaching points (教学点) with fewer students are left out (default 50).
    pub teaching_point_min_students: u32,
    /// Student weights 小学 : 初中 : 高中 splitting a 一贯制 school's
    /// facilities (default 1 : 1.1 : 1.32).
    pub weight_primary: f64,
    pub weight_junior: f64,
    pub weight_senior: f64,
    /// The share of the standard an unmet indicator must reach (0.85).
    pub near_share: f64,
    /// How many of the seven a school must meet (6).
    pub min_met: u32,
    /// CV limits: 小学 0.50, 初中 0.45.
    pub cv_limit_primary: f64,
    pub cv_limit_junior: f64,
}

impl From<Settings> for ReadinessSettingsDto {
    fn from(s: Settings) -> Self {
        Self {
            teaching_point_min_students: s.teaching_point_min_students,
            weight_primary: s.facility_weights[0],
            weight_junior: s.facility_weights[1],
            weight_senior: s.facility_weights[2],
            near_share: s.near_share,
            min_met: u32::try_from(s.min_met).unwrap_or(u32::MAX),
            cv_limit_primary: s.cv_limits[0],
            cv_limit_junior: s.cv_limits[1],
        }
    }
}

impl From<&ReadinessSettingsDto> for Settings {
    fn from(d: &ReadinessSettingsDto) -> Self {
        Self {
            teaching_point_min_students: d.teaching_point_min_students,
            facility_weights: [d.weight_primary, d.weight_junior, d.weight_senior],
            near_share: d.near_share,
            min_met: usize::try_from(d.min_met).unwrap_or(usize::MAX),
            cv_limits: [d.cv_limit_primary, d.cv_limit_junior],
        }
    }
}

/// The four facilities: 教学及辅助用房面积 (m²), 体育运动场馆面积 (m²),
/// 教学仪器设备值 (元), 网络多媒体教室数.
#[derive(Debug, Clone, Object)]
pub struct FacilitiesDto {
    pub teaching_area: f64,
    pub sports_area: f64,
    pub equipment_value: f64,
    pub multimedia_rooms: f64,
}

impl From<[f64; 4]> for FacilitiesDto {
    fn from(f: [f64; 4]) -> Self {
        Self {
            teaching_area: f[0],
            sports_area: f[1],
            equipment_value: f[2],
            multimedia_rooms: f[3],
        }
    }
}

impl From<&FacilitiesDto> for [f64; 4] {
    fn from(f: &FacilitiesDto) -> Self {
        [
            f.teaching_area,
            f.sports_area,
            f.equipment_value,
            f.multimedia_rooms,
        ]
    }
}

/// One 学段's students and teachers.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct StageFiguresDto {
    pub students: u32,
    /// 高于规定学历 (小学 专科及以上, 初中 本科及以上)
    #[oai(default)]
    pub qualified_teachers: u32,
    /// 县级以上骨干教师
    #[oai(default)]
    pub backbone_teachers: u32,
    /// 体育、艺术（美术、音乐）专任教师
    #[oai(default)]
    pub sports_arts_teachers: u32,
    /// This 学段's share of the facilities, when the county enters the
    /// split; absent: split by student weights.
    pub facilities: Option<FacilitiesDto>,
}

impl From<&StageFigures> for StageFiguresDto {
    fn from(s: &StageFigures) -> Self {
        Self {
            students: s.students,
            qualified_teachers: s.qualified_teachers,
            backbone_teachers: s.backbone_teachers,
            sports_arts_teachers: s.sports_arts_teachers,
            facilities: s.facilities.map(Into::into),
        }
    }
}

impl From<&StageFiguresDto> for StageFigures {
    fn from(s: &StageFiguresDto) -> Self {
        Self {
            students: s.students,
            qualified_teachers: s.qualified_teachers,
            backbone_teachers: s.backbone_teachers,
            sports_arts_teachers: s.sports_arts_teachers,
            facilities: s.facilities.as_ref().map(Into::into),
        }
    }
}

/// A school's figures for a 学年, as entered.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ReadinessFiguresDto {
    /// 教学点
    #[oai(default)]
    pub teaching_point: bool,
    /// The school (id) a branch campus belongs to.
    pub branch_of: Option<i64>,
    pub primary: Option<StageFiguresDto>,
    pub junior: Option<StageFiguresDto>,
    /// 高中 students (十二年一贯制, 完全中学), for the facility split.
    #[oai(default)]
    pub senior_students: u32,
    /// The whole school's facilities.
    pub facilities: FacilitiesDto,
}

impl From<&ReadinessFigures> for ReadinessFiguresDto {
    fn from(f: &ReadinessFigures) -> Self {
        Self {
            teaching_point: f.teaching_point,
            branch_of: f.branch_of,
            primary: f.primary.as_ref().map(Into::into),
            junior: f.junior.as_ref().map(Into::into),
            senior_students: f.senior_students,
            facilities: f.facilities.into(),
        }
    }
}

impl From<&ReadinessFiguresDto> for ReadinessFigures {
    fn from(f: &ReadinessFiguresDto) -> Self {
        Self {
            teaching_point: f.teaching_point,
            branch_of: f.branch_of,
            primary: f.primary.as_ref().map(Into::into),
            junior: f.junior.as_ref().map(Into::into),
            senior_students: f.senior_students,
            facilities: (&f.facilities).into(),
        }
    }
}

/// A school's stored figures.
#[derive(Debug, Clone, Object)]
pub struct ReadinessEntryDto {
    pub school_id: i64,
    pub code: String,
    pub name: String,
    pub kind: SchoolKindDto,
    pub figures: ReadinessFiguresDto,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<&Entry> for ReadinessEntryDto {
    fn from(e: &Entry) -> Self {
        Self {
            school_id: e.school.id,
            code: e.school.code.clone(),
            name: e.school.name.clone(),
            kind: e.school.kind.into(),
            figures: (&e.figures).into(),
            updated_at: e.updated_at,
        }
    }
}

/// An indicator's labels and standards (基本值).
#[derive(Debug, Clone, Object)]
pub struct IndicatorInfoDto {
    pub indicator: IndicatorDto,
    /// 1–7
    pub number: u32,
    pub label_zh: String,
    pub label_en: String,
    /// What a school's total is counted in (名教师, 平方米, 元, 间).
    pub unit_zh: String,
    /// Per 100 students rather than per student.
    pub per_hundred: bool,
    pub standard_primary: f64,
    pub standard_junior: f64,
}

pub fn indicator_infos() -> Vec<IndicatorInfoDto> {
    Indicator::ALL
        .iter()
        .zip(1..)
        .map(|(i, number)| IndicatorInfoDto {
            indicator: (*i).into(),
            number,
            label_zh: i.label_zh().into(),
            label_en: i.label_en().into(),
            unit_zh: i.unit_zh().into(),
            per_hundred: i.per_hundred(),
            standard_primary: i.standard(Stage::Primary),
            standard_junior: i.standard(Stage::Junior),
        })
        .collect()
}

/// One school's figure on one indicator, with what it came from.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ReadinessCellDto {
    pub indicator: IndicatorDto,
    /// The resource (teachers, m², 元, rooms) the value came from.
    pub total: f64,
    /// 实际值
    pub value: f64,
    /// 基本值 (the standard)
    pub standard: f64,
    pub status: ReadinessStatusDto,
    /// More resource needed to reach the standard (0 when met).
    pub gap: f64,
    /// More resource needed to reach 85% of the standard.
    pub gap_to_near: f64,
    /// What the school lacks, in Chinese; absent when met.
    pub gap_zh: Option<String>,
}

impl From<&r::Cell> for ReadinessCellDto {
    fn from(c: &r::Cell) -> Self {
        Self {
            indicator: c.indicator.into(),
            total: c.total,
            value: c.value,
            standard: c.standard,
            status: c.status.into(),
            gap: c.gap,
            gap_to_near: c.gap_to_near,
            gap_zh: c.gap_zh(),
        }
    }
}

/// One school in one 学段.
#[derive(Debug, Clone, Object)]
pub struct ReadinessSchoolRowDto {
    pub school_id: i64,
    pub name: String,
    pub students: u32,
    pub cells: Vec<ReadinessCellDto>,
    /// Indicators met (of 7).
    pub met: u32,
    /// At least `min_met` met and none below 85% of its standard.
    pub passes: bool,
}

/// A school that drives an indicator's spread.
#[derive(Debug, Clone, Object)]
pub struct CvDriverDto {
    pub school_id: i64,
    pub name: String,
    /// Share of the weighted variance, 0–1.
    pub share: f64,
    pub below_mean: bool,
}

/// The student-weighted coefficient of variation of one indicator.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CvRowDto {
    pub indicator: IndicatorDto,
    pub schools: u32,
    pub students: u64,
    /// X̄ = county total ÷ county students (per 100 where the indicator is).
    pub mean: f64,
    /// S, the student-weighted standard deviation.
    pub sd: f64,
    /// S ÷ X̄; absent when there is no resource at all.
    pub cv: Option<f64>,
    pub limit: f64,
    pub passes: bool,
    pub drivers: Vec<CvDriverDto>,
}

/// One 学段 of the county.
#[derive(Debug, Clone, Object)]
pub struct ReadinessStageDto {
    pub stage: StageDto,
    pub schools: Vec<ReadinessSchoolRowDto>,
    pub cvs: Vec<CvRowDto>,
    pub schools_pass: bool,
    pub cvs_pass: bool,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<&r::StageReport> for ReadinessStageDto {
    fn from(s: &r::StageReport) -> Self {
        Self {
            stage: s.stage.into(),
            schools: s
                .schools
                .iter()
                .map(|row| ReadinessSchoolRowDto {
                    school_id: row.school_id,
                    name: row.name.clone(),
                    students: row.students,
                    cells: row.cells.iter().map(Into::into).collect(),
                    met: count(row.met),
                    passes: row.passes,
                })
                .collect(),
            cvs: s
                .cvs
                .iter()
                .map(|c| CvRowDto {
                    indicator: c.indicator.into(),
                    schools: count(c.schools),
                    students: c.students,
                    mean: c.mean,
                    sd: c.sd,
                    cv: c.cv,
                    limit: c.limit,
                    passes: c.passes,
                    drivers: c
                        .drivers
                        .iter()
                        .map(|d| CvDriverDto {
                            school_id: d.school_id,
                            name: d.name.clone(),
                            share: d.share,
                            below_mean: d.below_mean,
                        })
                        .collect(),
                })
                .collect(),
            schools_pass: s.schools_pass,
            cvs_pass: s.cvs_pass,
        }
    }
}
