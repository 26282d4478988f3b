//! The 资源配置 evaluation as the API answers it: the matrix, the CVs, the
//! schools that must improve and by how much (in Chinese), and the what-if.

use poem_openapi::Object;

use super::readiness_types::{
    IndicatorInfoDto, ReadinessFiguresDto, ReadinessSettingsDto, ReadinessStageDto, indicator_infos,
};
use super::types::{IndicatorDto, ReadinessStatusDto, StageDto};
use crate::{
    app::readiness::Evaluation,
    domain::readiness::{ResourceReport, Status},
};

/// One unmet indicator of a school.
#[derive(Debug, Clone, Object)]
pub struct ReadinessGapDto {
    pub indicator: IndicatorDto,
    pub label_zh: String,
    pub status: ReadinessStatusDto,
    pub value: f64,
    pub standard: f64,
    /// More resource to reach the standard (teachers, m², 元, rooms).
    pub gap: f64,
    /// e.g. "还差3名教师达到标准".
    pub gap_zh: String,
}

/// A school (in one 学段) with at least one indicator below its standard.
#[derive(Debug, Clone, Object)]
pub struct ReadinessImproveDto {
    pub school_id: i64,
    pub name: String,
    pub stage: StageDto,
    pub met: u32,
    /// Still passes the school rule (≥ 6 met, the rest ≥ 85%).
    pub passes: bool,
    pub gaps: Vec<ReadinessGapDto>,
    /// The whole finding in one Chinese sentence.
    pub summary_zh: String,
}

/// A school left out of the evaluation, and why.
#[derive(Debug, Clone, Object)]
pub struct ReadinessExcludedDto {
    pub school_id: i64,
    pub name: String,
    pub reason_zh: String,
}

/// A compulsory school with no figures for the 学年.
#[derive(Debug, Clone, Object)]
pub struct ReadinessMissingDto {
    pub school_id: i64,
    pub code: String,
    pub name: String,
}

/// A branch campus merged into its school.
#[derive(Debug, Clone, Object)]
pub struct ReadinessMergedDto {
    pub branch_id: i64,
    pub school_id: i64,
}

/// 资源配置 of a county for one 学年.
#[derive(Debug, Clone, Object)]
pub struct ReadinessReportDto {
    /// 学年, e.g. 2025-2026
    pub school_year: String,
    pub settings: ReadinessSettingsDto,
    pub indicators: Vec<IndicatorInfoDto>,
    /// Every 学段 with students: the 7 × schools matrix and the CVs.
    pub stages: Vec<ReadinessStageDto>,
    /// Schools below a standard, those failing the school rule first.
    pub improve: Vec<ReadinessImproveDto>,
    /// Each CV above its limit, in Chinese.
    pub cv_failures_zh: Vec<String>,
    pub excluded: Vec<ReadinessExcludedDto>,
    pub merged: Vec<ReadinessMergedDto>,
    pub missing: Vec<ReadinessMissingDto>,
    /// Every 学段 passes the school rule and every CV limit.
    pub passes: bool,
    /// The verdict in one Chinese sentence.
    pub summary_zh: String,
}

pub(crate) fn improve(report: &ResourceReport) -> Vec<ReadinessImproveDto> {
    let mut out: Vec<ReadinessImproveDto> = report
        .stages
        .iter()
        .flat_map(|s| s.schools.iter().map(move |row| (s.stage, row)))
        .filter(|(_, row)| row.cells.iter().any(|c| c.status != Status::Met))
        .map(|(stage, row)| {
            let gaps: Vec<ReadinessGapDto> = row
                .cells
                .iter()
                .filter_map(|c| {
                    Some(ReadinessGapDto {
                        indicator: c.indicator.into(),
                        label_zh: c.indicator.label_zh().into(),
                        status: c.status.into(),
                        value: c.value,
                        standard: c.standard,
                        gap: c.gap,
                        gap_zh: c.gap_zh()?,
                    })
                })
                .collect();
            let verdict = if row.passes {
                "达到学校要求，仍有指标未达标"
            } else {
                "未达到学校要求"
            };
            let detail: Vec<String> = gaps
                .iter()
                .map(|g| format!("{}{}", g.label_zh, g.gap_zh))
                .collect();
            ReadinessImproveDto {
                school_id: row.school_id,
                name: row.name.clone(),
                stage: stage.into(),
                met: u32::try_from(row.met).unwrap_or(0),
                passes: row.passes,
                summary_zh: format!(
                    "{}（{}）达标{}项，{verdict}：{}",
                    row.name,
                    stage.label_zh(),
                    row.met,
                    detail.join("；")
                ),
                gaps,
            }
        })
        .collect();
    out.sort_by_key(|i| (i.passes, i.met));
    out
}

pub(crate) fn cv_failures(report: &ResourceReport) -> Vec<String> {
    report
        .stages
        .iter()
        .flat_map(|s| {
            s.cvs.iter().filter(|c| !c.passes).map(move |c| {
                format!(
                    "{}{}的差异系数为{:.4}，超过上限{:.2}",
                    s.stage.label_zh(),
                    c.indicator.label_zh(),
                    c.cv.unwrap_or(0.0),
                    c.limit
                )
            })
        })
        .collect()
}

impl From<&Evaluation> for ReadinessReportDto {
    fn from(e: &Evaluation) -> Self {
        let r = &e.report;
        let improve = improve(r);
        let cv_failures_zh = cv_failures(r);
        let failing = improve.iter().filter(|i| !i.passes).count();
        let summary_zh = if r.stages.is_empty() {
            format!("{}学年还没有资源配置数据", e.year.as_str())
        } else if r.passes {
            format!(
                "{}学年资源配置达标：每所学校达到要求，各项差异系数均在上限以内",
                e.year.as_str()
            )
        } else {
            format!(
                "{}学年资源配置未达标：{}所（学段）学校未达到要求，{}项差异系数超过上限",
                e.year.as_str(),
                failing,
                cv_failures_zh.len()
            )
        };
        Self {
            school_year: e.year.as_str().to_string(),
            settings: e.settings.clone().into(),
            indicators: indicator_infos(),
            stages: r.stages.iter().map(Into::into).collect(),
            improve,
            cv_failures_zh,
            excluded: r
                .excluded
                .iter()
                .map(|x| ReadinessExcludedDto {
                    school_id: x.school_id,
                    name: x.name.clone(),
                    reason_zh: x.reason_zh.clone(),
                })
                .collect(),
            merged: r
                .merged
                .iter()
                .map(|(b, s)| ReadinessMergedDto {
                    branch_id: *b,
                    school_id: *s,
                })
                .collect(),
            missing: e
                .missing
                .iter()
                .map(|s| ReadinessMissingDto {
                    school_id: s.id,
                    code: s.code.clone(),
                    name: s.name.clone(),
                })
                .collect(),
            passes: r.passes,
            summary_zh,
        }
    }
}

/// Change one school's figures and see what moves; nothing is stored.
#[derive(Debug, Clone, Object)]
pub struct ReadinessWhatIfIn {
    pub school_id: i64,
    /// The school's figures as they would be.
    pub figures: ReadinessFiguresDto,
}

/// A CV before and after.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CvMoveDto {
    pub stage: StageDto,
    pub indicator: IndicatorDto,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub limit: f64,
    pub passes_before: bool,
    pub passes_after: bool,
}

/// A school's count of met indicators before and after.
#[derive(Debug, Clone, Object)]
pub struct MetMoveDto {
    pub stage: StageDto,
    pub school_id: i64,
    pub name: String,
    pub met_before: u32,
    pub met_after: u32,
    pub passes_before: bool,
    pub passes_after: bool,
}

/// What the change would move.
#[derive(Debug, Clone, Object)]
pub struct ReadinessWhatIfOut {
    pub cvs: Vec<CvMoveDto>,
    pub schools: Vec<MetMoveDto>,
    pub passes_before: bool,
    pub passes_after: bool,
    /// The county's evaluation as it would be.
    pub after: ReadinessReportDto,
}

/// Compares two evaluations of the same county.
pub fn what_if(before: &Evaluation, after: &Evaluation) -> ReadinessWhatIfOut {
    let mut cvs = Vec::new();
    let mut schools = Vec::new();
    for sa in &after.report.stages {
        let sb = before.report.stages.iter().find(|s| s.stage == sa.stage);
        for ca in &sa.cvs {
            let cb = sb.and_then(|s| s.cvs.iter().find(|c| c.indicator == ca.indicator));
            cvs.push(CvMoveDto {
                stage: sa.stage.into(),
                indicator: ca.indicator.into(),
                before: cb.and_then(|c| c.cv),
                after: ca.cv,
                limit: ca.limit,
                passes_before: cb.is_none_or(|c| c.passes),
                passes_after: ca.passes,
            });
        }
        for ra in &sa.schools {
            let rb = sb.and_then(|s| s.schools.iter().find(|r| r.school_id == ra.school_id));
            if rb.is_some_and(|rb| rb.met == ra.met && rb.passes == ra.passes) {
                continue;
            }
            schools.push(MetMoveDto {
                stage: sa.stage.into(),
                school_id: ra.school_id,
                name: ra.name.clone(),
                met_before: rb.map_or(0, |r| u32::try_from(r.met).unwrap_or(0)),
                met_after: u32::try_from(ra.met).unwrap_or(0),
                passes_before: rb.is_some_and(|r| r.passes),
                passes_after: ra.passes,
            });
        }
    }
    ReadinessWhatIfOut {
        cvs,
        schools,
        passes_before: before.report.passes,
        passes_after: after.report.passes,
        after: after.into(),
    }
}
