//! Inspection readiness, 资源配置 (resource allocation): the seven
//! per-school resource indicators per 学段, the school rule (at least six of
//! seven met, the rest at 85% of the standard or more), the student-weighted
//! coefficient of variation (差异系数) per indicator and 学段 against its
//! limit, and what each school still lacks — in the resource's own units.
//!
//! Every choice the inspection leaves to practice (which schools count, the
//! student weights that split a 一贯制 school's facilities, the 85% share,
//! the limits) lives in [`Settings`], so a county can see and change it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::school::SchoolKind;
pub use crate::school::Stage;

/// The seven resource indicators, in the inspection's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// 每百名学生拥有高于规定学历的教师数 (小学 专科及以上, 初中 本科及以上)
    QualifiedTeachers,
    /// 每百名学生拥有县级以上骨干教师数
    BackboneTeachers,
    /// 每百名学生拥有体育、艺术（美术、音乐）专任教师数
    SportsArtsTeachers,
    /// 生均教学及辅助用房面积
    TeachingArea,
    /// 生均体育运动场馆面积
    SportsArea,
    /// 生均教学仪器设备值
    EquipmentValue,
    /// 每百名学生拥有网络多媒体教室数
    MultimediaRooms,
}

/// How many indicators there are.
pub const INDICATORS: usize = 7;

impl Indicator {
    pub const ALL: [Indicator; INDICATORS] = [
        Self::QualifiedTeachers,
        Self::BackboneTeachers,
        Self::SportsArtsTeachers,
        Self::TeachingArea,
        Self::SportsArea,
        Self::EquipmentValue,
        Self::MultimediaRooms,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::QualifiedTeachers => "qualified_teachers",
            Self::BackboneTeachers => "backbone_teachers",
            Self::SportsArtsTeachers => "sports_arts_teachers",
            Self::TeachingArea => "teaching_area",
            Self::SportsArea => "sports_area",
            Self::EquipmentValue => "equipment_value",
            Self::MultimediaRooms => "multimedia_rooms",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.code() == c)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::QualifiedTeachers => "每百名学生拥有高于规定学历的教师数",
            Self::BackboneTeachers => "每百名学生拥有县级以上骨干教师数",
            Self::SportsArtsTeachers => "每百名学生拥有体育、艺术（美术、音乐）专任教师数",
            Self::TeachingArea => "生均教学及辅助用房面积",
            Self::SportsArea => "生均体育运动场馆面积",
            Self::EquipmentValue => "生均教学仪器设备值",
            Self::MultimediaRooms => "每百名学生拥有网络多媒体教室数",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::QualifiedTeachers => "Teachers above the required qualification per 100 students",
            Self::BackboneTeachers => "County-level (or higher) key teachers per 100 students",
            Self::SportsArtsTeachers => "PE and arts (art, music) teachers per 100 students",
            Self::TeachingArea => "Teaching and auxiliary floor area per student (m²)",
            Self::SportsArea => "Sports ground and hall area per student (m²)",
            Self::EquipmentValue => "Teaching equipment value per student (yuan)",
            Self::MultimediaRooms => "Networked multimedia classrooms per 100 students",
        }
    }
    /// What the school's total is counted in.
    pub fn unit_zh(self) -> &'static str {
        match self {
            Self::QualifiedTeachers | Self::BackboneTeachers | Self::SportsArtsTeachers => "名教师",
            Self::TeachingArea | Self::SportsArea => "平方米",
            Self::EquipmentValue => "元",
            Self::MultimediaRooms => "间",
        }
    }
    /// Per 100 students (teachers, rooms) rather than per student.
    pub fn per_hundred(self) -> bool {
        matches!(
            self,
            Self::QualifiedTeachers
                | Self::BackboneTeachers
                | Self::SportsArtsTeachers
                | Self::MultimediaRooms
        )
    }
    /// Counted in whole units (people, rooms): a gap is rounded up.
    pub fn whole_units(self) -> bool {
        self.per_hundred()
    }
    /// A teacher indicator uses each 学段's own teachers; the others are
    /// facilities, split between the 学段 of a school that has several.
    pub fn is_teachers(self) -> bool {
        matches!(
            self,
            Self::QualifiedTeachers | Self::BackboneTeachers | Self::SportsArtsTeachers
        )
    }
    /// The standard value (基本值) for `stage`.
    pub fn standard(self, stage: Stage) -> f64 {
        let (primary, junior) = match self {
            Self::QualifiedTeachers => (4.2, 5.3),
            Self::BackboneTeachers => (1.0, 1.0),
            Self::SportsArtsTeachers => (0.9, 0.9),
            Self::TeachingArea => (4.5, 5.8),
            Self::SportsArea => (7.5, 10.2),
            Self::EquipmentValue => (2000.0, 2500.0),
            Self::MultimediaRooms => (2.3, 2.4),
        };
        match stage {
            Stage::Primary => primary,
            Stage::Junior => junior,
        }
    }
    /// The indicator's value for `total` resource and `students`.
    pub fn value(self, total: f64, students: u32) -> f64 {
        if students == 0 {
            return 0.0;
        }
        let per = total / f64::from(students);
        if self.per_hundred() { per * 100.0 } else { per }
    }
    /// The total resource `students` need to reach `value`.
    fn total_for(self, value: f64, students: u32) -> f64 {
        let t = value * f64::from(students);
        if self.per_hundred() { t / 100.0 } else { t }
    }
}

/// The choices published practice differs on, with the inspection's usual
/// values as defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Teaching points (教学点) with fewer students are left out.
    pub teaching_point_min_students: u32,
    /// Student weights 小学 : 初中 : 高中 that split a school's facilities
    /// between its 学段 when the county has not entered the split.
    pub facility_weights: [f64; 3],
    /// The share of the standard every indicator a school does not meet
    /// must still reach.
    pub near_share: f64,
    /// How many of the seven a school must meet.
    pub min_met: usize,
    /// The CV limits, 小学 and 初中.
    pub cv_limits: [f64; 2],
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            teaching_point_min_students: 50,
            facility_weights: [1.0, 1.1, 1.32],
            near_share: 0.85,
            min_met: 6,
            cv_limits: [0.50, 0.45],
        }
    }
}

impl Settings {
    pub fn cv_limit(&self, stage: Stage) -> f64 {
        self.cv_limits[stage.index()]
    }
    /// Whether the values make sense: positive weights, a share in (0, 1],
    /// at most seven, limits above zero.
    pub fn validate(&self) -> Result<(), String> {
        if self
            .facility_weights
            .iter()
            .any(|w| !(w.is_finite() && *w > 0.0))
        {
            return Err("学段折算系数必须为正数".into());
        }
        if !(self.near_share > 0.0 && self.near_share <= 1.0) {
            return Err("未达标指标应达到的比例必须在0到1之间".into());
        }
        if self.min_met > INDICATORS {
            return Err("须达标的指标数不能超过7项".into());
        }
        if self.cv_limits.iter().any(|l| !(l.is_finite() && *l > 0.0)) {
            return Err("差异系数上限必须为正数".into());
        }
        Ok(())
    }
}

/// One 学段 of a school as the county enters it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageInput {
    pub students: u32,
    /// The 学段's own teachers: above the required qualification, county
    /// key teachers, PE and arts teachers.
    pub teachers: [f64; 3],
    /// The 学段's share of the four facilities when the county entered it;
    /// otherwise the school's facilities are split by student weights.
    #[serde(default)]
    pub facilities: Option<[f64; 4]>,
}

/// One school's resource data for a school year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolInput {
    pub school_id: i64,
    pub name: String,
    pub kind: SchoolKind,
    /// A teaching point (教学点).
    #[serde(default)]
    pub teaching_point: bool,
    /// A branch campus is merged into this school.
    #[serde(default)]
    pub branch_of: Option<i64>,
    pub primary: StageInput,
    pub junior: StageInput,
    /// 高中 students of a 十二年一贯制 or 完全中学, for the facility split.
    #[serde(default)]
    pub senior_students: u32,
    /// The school's facilities: teaching and auxiliary area (m²), sports
    /// area (m²), equipment value (元), networked multimedia classrooms.
    pub facilities: [f64; 4],
}

impl SchoolInput {
    fn stage(&self, stage: Stage) -> &StageInput {
        match stage {
            Stage::Primary => &self.primary,
            Stage::Junior => &self.junior,
        }
    }
    fn students(&self) -> u32 {
        self.primary.students + self.junior.students + self.senior_students
    }
    /// Adds a branch campus's figures.
    fn absorb(&mut self, branch: &SchoolInput) {
        for (mine, theirs) in [
            (&mut self.primary, &branch.primary),
            (&mut self.junior, &branch.junior),
        ] {
            mine.students += theirs.students;
            for (a, b) in mine.teachers.iter_mut().zip(theirs.teachers) {
                *a += b;
            }
            mine.facilities = match (mine.facilities, theirs.facilities) {
                (Some(a), Some(b)) => Some(std::array::from_fn(|k| a[k] + b[k])),
                _ => None,
            };
        }
        self.senior_students += branch.senior_students;
        for (a, b) in self.facilities.iter_mut().zip(branch.facilities) {
            *a += b;
        }
    }
    /// The 学段's resource totals, in [`Indicator::ALL`] order.
    fn totals(&self, stage: Stage, weights: &[f64; 3]) -> [f64; INDICATORS] {
        let s = self.stage(stage);
        let facilities = s.facilities.unwrap_or_else(|| {
            let weighted = [
                f64::from(self.primary.students) * weights[0],
                f64::from(self.junior.students) * weights[1],
                f64::from(self.senior_students) * weights[2],
            ];
            let all: f64 = weighted.iter().sum();
            let share = if all > 0.0 {
                weighted[stage.index()] / all
            } else {
                0.0
            };
            self.facilities.map(|f| f * share)
        });
        [
            s.teachers[0],
            s.teachers[1],
            s.teachers[2],
            facilities[0],
            facilities[1],
            facilities[2],
            facilities[3],
        ]
    }
}

/// Where a school stands on one indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// At or above the standard.
    Met,
    /// Below the standard, at or above its 85%.
    Near,
    /// Below 85% of the standard.
    Failing,
}

impl Status {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Met => "达标",
            Self::Near => "未达标（达到85%以上）",
            Self::Failing => "未达标（低于85%）",
        }
    }
}

/// One school's figure for one indicator, with what it came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub indicator: Indicator,
    /// The resource the value came from (teachers, m², 元, rooms).
    pub total: f64,
    pub value: f64,
    pub standard: f64,
    pub status: Status,
    /// More resource needed to reach the standard (0 when met); whole
    /// teachers or rooms for those indicators.
    pub gap: f64,
    /// More resource needed to reach 85% of the standard.
    pub gap_to_near: f64,
}

impl Cell {
    fn new(indicator: Indicator, stage: Stage, total: f64, students: u32, near: f64) -> Self {
        let standard = indicator.standard(stage);
        let value = indicator.value(total, students);
        // Compared with a tolerance of rounding: 4.2 per hundred is met by
        // 21 teachers for 500 students however the division rounds.
        let at_least = |v: f64, t: f64| v >= t - 1e-9 * t.abs().max(1.0);
        let status = if at_least(value, standard) {
            Status::Met
        } else if at_least(value, standard * near) {
            Status::Near
        } else {
            Status::Failing
        };
        let missing = |target: f64| {
            let m = (indicator.total_for(target, students) - total).max(0.0);
            if indicator.whole_units() {
                (m - 1e-9).ceil().max(0.0)
            } else {
                m
            }
        };
        Self {
            indicator,
            total,
            value,
            standard,
            status,
            gap: if status == Status::Met {
                0.0
            } else {
                missing(standard)
            },
            gap_to_near: if status == Status::Failing {
                missing(standard * near)
            } else {
                0.0
            },
        }
    }

    /// What the school lacks, in Chinese: "还差3名教师达到标准".
    pub fn gap_zh(&self) -> Option<String> {
        if self.status == Status::Met {
            return None;
        }
        // What is missing, rounded up: teachers, rooms and 元 whole, areas
        // to a tenth of a square metre.
        let amount = |v: f64| {
            if self.indicator.whole_units() || self.indicator == Indicator::EquipmentValue {
                format!("{:.0}", (v - 1e-9).ceil())
            } else {
                let tenths = format!("{:.1}", (v * 10.0 - 1e-6).ceil() / 10.0);
                tenths.trim_end_matches(".0").to_string()
            }
        };
        let unit = self.indicator.unit_zh();
        Some(match self.status {
            Status::Failing => format!(
                "还差{}{unit}达到标准的85%，差{}{unit}达到标准",
                amount(self.gap_to_near),
                amount(self.gap)
            ),
            _ => format!("还差{}{unit}达到标准", amount(self.gap)),
        })
    }
}

/// One school in one 学段.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolRow {
    pub school_id: i64,
    pub name: String,
    pub students: u32,
    pub cells: Vec<Cell>,
    /// Indicators met.
    pub met: usize,
    /// At least `min_met` met and none below 85% of its standard.
    pub passes: bool,
}

/// The coefficient of variation of one indicator across a 学段's schools.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvRow {
    pub indicator: Indicator,
    pub schools: usize,
    pub students: u64,
    /// X̄: the county's total resource per student (per 100 students where
    /// the indicator is).
    pub mean: f64,
    /// S, the student-weighted standard deviation.
    pub sd: f64,
    /// S ÷ X̄; none when there is no school or no resource at all.
    pub cv: Option<f64>,
    pub limit: f64,
    pub passes: bool,
    /// The schools that contribute most to the spread: id and share of
    /// S² (largest first, at most three), with whether they lie below X̄.
    pub drivers: Vec<Driver>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    pub school_id: i64,
    pub name: String,
    /// Share of the weighted variance, 0–1.
    pub share: f64,
    pub below_mean: bool,
}

/// One 学段 of the county.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageReport {
    pub stage: Stage,
    pub schools: Vec<SchoolRow>,
    pub cvs: Vec<CvRow>,
    /// Every school passes the school rule.
    pub schools_pass: bool,
    /// Every indicator's CV is within its limit.
    pub cvs_pass: bool,
}

/// A school left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Excluded {
    pub school_id: i64,
    pub name: String,
    pub reason_zh: String,
}

/// 资源配置 for a county: every 学段 that has students.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceReport {
    pub settings: Settings,
    pub stages: Vec<StageReport>,
    pub excluded: Vec<Excluded>,
    /// Branch campuses merged: (branch id, school id).
    pub merged: Vec<(i64, i64)>,
    /// Every 学段 passes both rules (and there is at least one).
    pub passes: bool,
}

/// The student-weighted coefficient of variation of per-student values
/// over `(students, total)` pairs: X̄ = Σ total ÷ Σ students,
/// S = √(Σ (nᵢ/N)(xᵢ − X̄)²), CV = S ÷ X̄. Returns (X̄, S, CV); CV is none
/// when there are no students or no resource.
pub fn weighted_cv(schools: &[(u32, f64)]) -> (f64, f64, Option<f64>) {
    let n: f64 = schools.iter().map(|(s, _)| f64::from(*s)).sum();
    if n <= 0.0 {
        return (0.0, 0.0, None);
    }
    let mean = schools.iter().map(|(_, t)| t).sum::<f64>() / n;
    let var: f64 = schools
        .iter()
        .filter(|(s, _)| *s > 0)
        .map(|(s, t)| {
            let x = t / f64::from(*s);
            f64::from(*s) / n * (x - mean).powi(2)
        })
        .sum();
    let sd = var.sqrt();
    (mean, sd, (mean > 0.0).then(|| sd / mean))
}

/// Evaluates the county's schools under `settings`.
pub fn evaluate(schools: &[SchoolInput], settings: &Settings) -> ResourceReport {
    let (counted, excluded, merged) = counted_schools(schools, settings);
    let stages: Vec<StageReport> = Stage::ALL
        .into_iter()
        .filter_map(|stage| stage_report(&counted, stage, settings))
        .collect();
    let passes = !stages.is_empty() && stages.iter().all(|s| s.schools_pass && s.cvs_pass);
    ResourceReport {
        settings: settings.clone(),
        stages,
        excluded,
        merged,
        passes,
    }
}

/// The schools that count: branches merged into their school, special
/// schools and small teaching points left out.
fn counted_schools(
    schools: &[SchoolInput],
    settings: &Settings,
) -> (Vec<SchoolInput>, Vec<Excluded>, Vec<(i64, i64)>) {
    let mut by_id: BTreeMap<i64, SchoolInput> = BTreeMap::new();
    let mut order = Vec::new();
    for s in schools.iter().filter(|s| s.branch_of.is_none()) {
        if by_id.insert(s.school_id, s.clone()).is_none() {
            order.push(s.school_id);
        }
    }
    let mut merged = Vec::new();
    for b in schools.iter().filter(|s| s.branch_of.is_some()) {
        match b.branch_of.and_then(|p| by_id.get_mut(&p)) {
            Some(parent) => {
                parent.absorb(b);
                merged.push((b.school_id, parent.school_id));
            }
            // A branch whose school is not in the list counts on its own.
            None => {
                if by_id.insert(b.school_id, b.clone()).is_none() {
                    order.push(b.school_id);
                }
            }
        }
    }
    let mut counted = Vec::new();
    let mut excluded = Vec::new();
    for id in order {
        let Some(s) = by_id.remove(&id) else { continue };
        let reason = if s.kind == SchoolKind::Special {
            Some("特殊教育学校不参与计算".to_string())
        } else if s.teaching_point && s.students() < settings.teaching_point_min_students {
            Some(format!(
                "学生数少于{}人的教学点不参与计算",
                settings.teaching_point_min_students
            ))
        } else {
            None
        };
        match reason {
            Some(reason_zh) => excluded.push(Excluded {
                school_id: s.school_id,
                name: s.name.clone(),
                reason_zh,
            }),
            None => counted.push(s),
        }
    }
    (counted, excluded, merged)
}

fn stage_report(schools: &[SchoolInput], stage: Stage, settings: &Settings) -> Option<StageReport> {
    let present: Vec<(&SchoolInput, [f64; INDICATORS])> = schools
        .iter()
        .filter(|s| s.stage(stage).students > 0)
        .map(|s| (s, s.totals(stage, &settings.facility_weights)))
        .collect();
    if present.is_empty() {
        return None;
    }
    let rows: Vec<SchoolRow> = present
        .iter()
        .map(|(s, totals)| {
            let students = s.stage(stage).students;
            let cells: Vec<Cell> = Indicator::ALL
                .iter()
                .zip(totals)
                .map(|(i, t)| Cell::new(*i, stage, *t, students, settings.near_share))
                .collect();
            let met = cells.iter().filter(|c| c.status == Status::Met).count();
            let passes =
                met >= settings.min_met && cells.iter().all(|c| c.status != Status::Failing);
            SchoolRow {
                school_id: s.school_id,
                name: s.name.clone(),
                students,
                cells,
                met,
                passes,
            }
        })
        .collect();
    let limit = settings.cv_limit(stage);
    let cvs: Vec<CvRow> = Indicator::ALL
        .iter()
        .enumerate()
        .map(|(k, indicator)| {
            let pairs: Vec<(u32, f64)> = present
                .iter()
                .map(|(s, totals)| (s.stage(stage).students, totals[k]))
                .collect();
            let (mean, sd, cv) = weighted_cv(&pairs);
            let scale = if indicator.per_hundred() { 100.0 } else { 1.0 };
            let n: f64 = pairs.iter().map(|(s, _)| f64::from(*s)).sum();
            let var = sd * sd;
            let mut drivers: Vec<Driver> = present
                .iter()
                .zip(&pairs)
                .filter(|(_, (s, _))| *s > 0 && var > 0.0)
                .map(|((school, _), (s, t))| {
                    let x = t / f64::from(*s);
                    Driver {
                        school_id: school.school_id,
                        name: school.name.clone(),
                        share: f64::from(*s) / n * (x - mean).powi(2) / var,
                        below_mean: x < mean,
                    }
                })
                .collect();
            drivers.sort_by(|a, b| b.share.total_cmp(&a.share));
            drivers.truncate(3);
            CvRow {
                indicator: *indicator,
                schools: pairs.len(),
                students: pairs.iter().map(|(s, _)| u64::from(*s)).sum(),
                mean: mean * scale,
                sd: sd * scale,
                cv,
                limit,
                // No resource at all anywhere is no spread to judge; the
                // schools' own rule fails them instead.
                passes: cv.is_none_or(|c| c <= limit + 1e-12),
                drivers,
            }
        })
        .collect();
    Some(StageReport {
        stage,
        schools_pass: rows.iter().all(|r| r.passes),
        cvs_pass: cvs.iter().all(|c| c.passes),
        schools: rows,
        cvs,
    })
}

#[cfg(test)]
#[path = "readiness_tests.rs"]
mod tests;
