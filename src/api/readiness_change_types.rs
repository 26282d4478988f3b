//! The change between two 学年 as the API shows it.

use poem_openapi::Object;

use super::checklist_types::CheckStatusDto;
use super::types::{IndicatorDto, StageDto};
use crate::{app::checklist::YearChange, domain::checklist::Part};

/// A first-level indicator's status in both years.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct StatusChangeOut {
    /// resource, guarantee, quality, recognition, veto
    pub key: String,
    pub label_zh: String,
    pub before: CheckStatusDto,
    pub after: CheckStatusDto,
    /// e.g. "政府保障程度：未达标→达标"; "…：未变（达标）".
    pub text_zh: String,
}

/// One indicator's CV in both years.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CvChangeOut {
    pub stage: StageDto,
    pub indicator: IndicatorDto,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// after − before
    pub change: Option<f64>,
    pub limit: f64,
    pub text_zh: String,
}

/// The schools of a 学段 meeting the school rule in both years.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SchoolsChangeOut {
    pub stage: StageDto,
    pub passing_before: u32,
    pub counted_before: u32,
    pub passing_after: u32,
    pub counted_after: u32,
    pub text_zh: String,
}

/// What changed between two 学年.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ReadinessChangeOut {
    pub from_year: String,
    pub school_year: String,
    pub indicators: Vec<StatusChangeOut>,
    pub cvs: Vec<CvChangeOut>,
    pub schools: Vec<SchoolsChangeOut>,
}

fn n(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl From<&YearChange> for ReadinessChangeOut {
    fn from(c: &YearChange) -> Self {
        let (b, a) = (&c.before, &c.after);
        let lines = [
            (
                "resource",
                "资源配置",
                b.resource_status(),
                a.resource_status(),
            ),
            (
                "guarantee",
                "政府保障程度",
                b.checklist.status(Part::Guarantee),
                a.checklist.status(Part::Guarantee),
            ),
            (
                "quality",
                "教育质量",
                b.checklist.status(Part::Quality),
                a.checklist.status(Part::Quality),
            ),
            (
                "recognition",
                "社会认可度",
                b.recognition.status,
                a.recognition.status,
            ),
            (
                "veto",
                "否决事项",
                b.checklist.status(Part::Veto),
                a.checklist.status(Part::Veto),
            ),
        ];
        Self {
            from_year: b.checklist.year.as_str().to_string(),
            school_year: a.checklist.year.as_str().to_string(),
            indicators: lines
                .into_iter()
                .map(|(key, label, before, after)| StatusChangeOut {
                    key: key.to_string(),
                    label_zh: label.to_string(),
                    before: before.into(),
                    after: after.into(),
                    text_zh: if before == after {
                        format!("{label}：未变（{}）", after.label_zh())
                    } else {
                        format!("{label}：{}→{}", before.label_zh(), after.label_zh())
                    },
                })
                .collect(),
            cvs: c
                .resource
                .cvs
                .iter()
                .map(|x| CvChangeOut {
                    stage: x.stage.into(),
                    indicator: x.indicator.into(),
                    before: x.before,
                    after: x.after,
                    change: x.change,
                    limit: x.limit,
                    text_zh: x.text_zh.clone(),
                })
                .collect(),
            schools: c
                .resource
                .schools
                .iter()
                .map(|x| SchoolsChangeOut {
                    stage: x.stage.into(),
                    passing_before: n(x.before.0),
                    counted_before: n(x.before.1),
                    passing_after: n(x.after.0),
                    counted_after: n(x.after.1),
                    text_zh: x.text_zh.clone(),
                })
                .collect(),
        }
    }
}
