//! The checklist of 政府保障程度 and 教育质量, the schools' facts, evidence
//! files and the overview of the four first-level indicators, as the API
//! shows them.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};

use super::types::SchoolKindDto;
use crate::{
    app::checklist::{Checklist, Line, Overview},
    domain::checklist::{Compare, Entered, Part, SchoolFacts, Status, Threshold},
    domain::class_size::{GRADES, GradeCount},
    domain::school::School,
    error::AppError,
    store::checklist::EvidenceInfo,
};

/// A checklist item's status: met 达标, unmet 未达标, pending 待核实.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum CheckStatusDto {
    Met,
    Unmet,
    Pending,
}

impl From<Status> for CheckStatusDto {
    fn from(s: Status) -> Self {
        match s {
            Status::Met => Self::Met,
            Status::Unmet => Self::Unmet,
            Status::Pending => Self::Pending,
        }
    }
}

impl From<CheckStatusDto> for Status {
    fn from(s: CheckStatusDto) -> Self {
        match s {
            CheckStatusDto::Met => Self::Met,
            CheckStatusDto::Unmet => Self::Unmet,
            CheckStatusDto::Pending => Self::Pending,
        }
    }
}

/// The part of the indicator system: guarantee 政府保障程度, quality
/// 教育质量, veto 否决事项.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum CheckPartDto {
    Guarantee,
    Quality,
    Veto,
}

impl From<Part> for CheckPartDto {
    fn from(p: Part) -> Self {
        match p {
            Part::Guarantee => Self::Guarantee,
            Part::Quality => Self::Quality,
            Part::Veto => Self::Veto,
        }
    }
}

/// A numeric threshold of an item.
#[derive(Debug, Clone, Object)]
pub struct ThresholdOut {
    /// What the value is, e.g. 交流轮岗教师比例.
    pub label: String,
    /// e.g. "≥ 10%", "< 0.15".
    pub text: String,
    /// at_least (≥) or below (<).
    pub compare: String,
    pub value: f64,
    pub unit: String,
}

impl From<&Threshold> for ThresholdOut {
    fn from(t: &Threshold) -> Self {
        Self {
            label: t.label.to_string(),
            text: t.text(),
            compare: match t.compare {
                Compare::AtLeast => "at_least",
                Compare::Below => "below",
            }
            .to_string(),
            value: t.value,
            unit: t.unit.to_string(),
        }
    }
}

/// An evidence file (its bytes at `download_url`).
#[derive(Debug, Clone, Object)]
pub struct EvidenceOut {
    pub id: i64,
    /// The item key, e.g. g7.
    pub item: String,
    pub file_name: String,
    /// The type recognised from the file's bytes.
    pub content_type: String,
    pub size: i64,
    pub uploaded_at: DateTime<Utc>,
    /// Relative to the API root.
    pub download_url: String,
}

impl From<&EvidenceInfo> for EvidenceOut {
    fn from(e: &EvidenceInfo) -> Self {
        Self {
            id: e.id,
            item: e.item.clone(),
            file_name: e.file_name.clone(),
            content_type: e.content_type.clone(),
            size: e.size,
            uploaded_at: e.uploaded_at,
            download_url: format!("/readiness/evidence/{}", e.id),
        }
    }
}

/// A school failing a computed indicator.
#[derive(Debug, Clone, Object)]
pub struct CheckGapOut {
    pub school_id: i64,
    pub name: String,
    /// What fails and by how much, in Chinese.
    pub text_zh: String,
}

/// One checklist line.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CheckLineOut {
    /// g1…g15 (政府保障程度), q1…q9 (教育质量), v1…v4 (否决事项).
    pub key: String,
    pub part: CheckPartDto,
    /// Its number in the part.
    pub no: u32,
    /// The indicator's text from the annex.
    pub text: String,
    /// 责任单位: the county's entry, else the annex's.
    pub responsible_unit: String,
    /// Numeric thresholds an entered value is judged by (value1, value2).
    pub thresholds: Vec<ThresholdOut>,
    /// renke computes it from the schools' facts.
    pub computed: bool,
    /// The computed figure: 巩固率 in %, else the schools that fail.
    pub computed_value: Option<f64>,
    pub computed_value_zh: Option<String>,
    /// The numbers the computed figure came from.
    pub basis_zh: Option<String>,
    /// Schools failing a computed indicator.
    pub schools: Vec<CheckGapOut>,
    pub value1: Option<f64>,
    pub value2: Option<f64>,
    /// A veto item: whether it happened.
    pub occurred: Option<bool>,
    /// The status the county set.
    pub entered_status: Option<CheckStatusDto>,
    /// The status that counts: computed from data, judged from the values,
    /// or as set (待核实 until then).
    pub status: CheckStatusDto,
    pub status_zh: String,
    /// What fails and by how much, in Chinese.
    pub gaps_zh: Vec<String>,
    pub note: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    pub evidence: Vec<EvidenceOut>,
}

impl From<&Line> for CheckLineOut {
    fn from(l: &Line) -> Self {
        let e = l
            .entered
            .as_ref()
            .map(|c| c.entered.clone())
            .unwrap_or_default();
        Self {
            key: l.item.key.to_string(),
            part: l.item.part.into(),
            no: u32::from(l.item.no),
            text: l.item.text.to_string(),
            responsible_unit: e.unit.clone().unwrap_or_else(|| l.item.unit.to_string()),
            thresholds: l.item.thresholds.iter().map(Into::into).collect(),
            computed: l.item.computed.is_some(),
            computed_value: l.finding.as_ref().and_then(|f| f.value),
            computed_value_zh: l.finding.as_ref().map(|f| f.value_zh.clone()),
            basis_zh: l.finding.as_ref().map(|f| f.basis_zh.clone()),
            schools: l
                .finding
                .iter()
                .flat_map(|f| &f.gaps)
                .map(|g| CheckGapOut {
                    school_id: g.school_id,
                    name: g.name.clone(),
                    text_zh: g.text_zh.clone(),
                })
                .collect(),
            value1: e.values[0],
            value2: e.values[1],
            occurred: e.occurred,
            entered_status: e.status.map(Into::into),
            status: l.status.into(),
            status_zh: l.status.label_zh().to_string(),
            gaps_zh: l.gaps.clone(),
            note: e.note,
            updated_at: l.entered.as_ref().map(|c| c.updated_at),
            evidence: l.evidence.iter().map(Into::into).collect(),
        }
    }
}

/// A part's status.
#[derive(Debug, Clone, Object)]
pub struct CheckPartOut {
    pub part: CheckPartDto,
    pub label_zh: String,
    pub status: CheckStatusDto,
    pub status_zh: String,
    pub met: u32,
    pub unmet: u32,
    pub pending: u32,
}

/// The checklist of a county for one 学年.
#[derive(Debug, Clone, Object)]
pub struct ChecklistOut {
    pub school_year: String,
    pub parts: Vec<CheckPartOut>,
    pub items: Vec<CheckLineOut>,
}

fn part_out(c: &Checklist, part: Part) -> CheckPartOut {
    let n = |s: Status| {
        u32::try_from(
            c.lines
                .iter()
                .filter(|l| l.item.part == part && l.status == s)
                .count(),
        )
        .unwrap_or(0)
    };
    let status = c.status(part);
    CheckPartOut {
        part: part.into(),
        label_zh: part.label_zh().to_string(),
        status: status.into(),
        status_zh: status.label_zh().to_string(),
        met: n(Status::Met),
        unmet: n(Status::Unmet),
        pending: n(Status::Pending),
    }
}

impl From<&Checklist> for ChecklistOut {
    fn from(c: &Checklist) -> Self {
        Self {
            school_year: c.year.as_str().to_string(),
            parts: Part::ALL.iter().map(|p| part_out(c, *p)).collect(),
            items: c.lines.iter().map(Into::into).collect(),
        }
    }
}

/// A county's entry for one item. Values only for an item with
/// thresholds (value2 for its second), occurred only for a veto item.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CheckIn {
    pub value1: Option<f64>,
    pub value2: Option<f64>,
    /// A veto item: whether it happened (true fails the county).
    pub occurred: Option<bool>,
    /// For items renke cannot judge from a value.
    pub status: Option<CheckStatusDto>,
    /// 责任单位 (absent: the annex's).
    pub responsible_unit: Option<String>,
    pub note: Option<String>,
}

fn text(t: &Option<String>) -> Option<String> {
    t.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

impl From<&CheckIn> for Entered {
    fn from(c: &CheckIn) -> Self {
        Self {
            values: [c.value1, c.value2],
            occurred: c.occurred,
            status: c.status.map(Into::into),
            unit: text(&c.responsible_unit),
            note: text(&c.note),
        }
    }
}

/// A school's facts for the computed indicators (absent counts are 0).
#[derive(Debug, Clone, Object)]
pub struct SchoolFactsDto {
    /// 小学班级数
    #[oai(default)]
    pub primary_classes: u32,
    /// 小学最大班额 (0: not given)
    #[oai(default)]
    pub largest_primary_class: u32,
    /// 初中班级数
    #[oai(default)]
    pub junior_classes: u32,
    /// 初中最大班额 (0: not given)
    #[oai(default)]
    pub largest_junior_class: u32,
    /// 音乐专用教室数
    #[oai(default)]
    pub music_rooms: u32,
    /// The smallest music room's area (m²).
    #[oai(default)]
    pub music_min_area: f64,
    /// 美术专用教室数
    #[oai(default)]
    pub art_rooms: u32,
    /// The smallest art room's area (m²).
    #[oai(default)]
    pub art_min_area: f64,
    /// 三年前初一入学人数
    #[oai(default)]
    pub cohort_entry: u32,
    /// 转入人数 (of that cohort since)
    #[oai(default)]
    pub transfers_in: u32,
    /// 转出人数 (incl. deaths)
    #[oai(default)]
    pub transfers_out: u32,
    /// 初三在校生数
    #[oai(default)]
    pub grade9_students: u32,
    /// Per-grade students and classes (一年级 … 九年级); a grade absent
    /// is not given. The class-size indicator is computed from them.
    #[oai(default)]
    pub grades: Vec<GradeCountDto>,
}

/// One grade's students and classes.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct GradeCountDto {
    /// 1 (一年级) … 9 (九年级); 1–6 小学, 7–9 初中.
    pub grade: u8,
    /// 学生数
    pub students: u32,
    /// 班级数
    pub classes: u32,
    /// 平均班额 (students ÷ classes), in answers only.
    #[oai(read_only)]
    pub average: Option<f64>,
}

impl SchoolFactsDto {
    /// The facts, or 422 naming `grades` for a grade outside 1–9 or given
    /// twice.
    pub fn to_facts(&self) -> Result<SchoolFacts, AppError> {
        let mut f = SchoolFacts::from(self);
        let mut seen = [false; 9];
        for g in &self.grades {
            let i = usize::from(g.grade);
            if !(1..=9).contains(&i) {
                return Err(AppError::invalid_field(
                    "grades",
                    format!("年级须为1到9，收到{}", g.grade),
                ));
            }
            if std::mem::replace(&mut seen[i - 1], true) {
                return Err(AppError::invalid_field(
                    "grades",
                    format!("{}填写了两次", GRADES[i - 1]),
                ));
            }
            f.grades[i - 1] = GradeCount {
                students: g.students,
                classes: g.classes,
            };
        }
        Ok(f)
    }
}

impl From<&SchoolFactsDto> for SchoolFacts {
    /// Every field but the grades (see `to_facts`).
    fn from(d: &SchoolFactsDto) -> Self {
        Self {
            primary_classes: d.primary_classes,
            junior_classes: d.junior_classes,
            largest_primary_class: d.largest_primary_class,
            largest_junior_class: d.largest_junior_class,
            music_rooms: d.music_rooms,
            music_min_area: d.music_min_area,
            art_rooms: d.art_rooms,
            art_min_area: d.art_min_area,
            cohort_entry: d.cohort_entry,
            transfers_in: d.transfers_in,
            transfers_out: d.transfers_out,
            grade9_students: d.grade9_students,
            grades: Default::default(),
        }
    }
}

impl From<&SchoolFacts> for SchoolFactsDto {
    fn from(f: &SchoolFacts) -> Self {
        Self {
            primary_classes: f.primary_classes,
            junior_classes: f.junior_classes,
            largest_primary_class: f.largest_primary_class,
            largest_junior_class: f.largest_junior_class,
            music_rooms: f.music_rooms,
            music_min_area: f.music_min_area,
            art_rooms: f.art_rooms,
            art_min_area: f.art_min_area,
            cohort_entry: f.cohort_entry,
            transfers_in: f.transfers_in,
            transfers_out: f.transfers_out,
            grade9_students: f.grade9_students,
            grades: f
                .grades
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_given())
                .map(|(i, c)| GradeCountDto {
                    grade: u8::try_from(i + 1).unwrap_or(9),
                    students: c.students,
                    classes: c.classes,
                    average: c.average().map(|a| (a * 10.0).round() / 10.0),
                })
                .collect(),
        }
    }
}

/// A school's stored facts for a 学年.
#[derive(Debug, Clone, Object)]
pub struct SchoolFactsEntryOut {
    pub school_id: i64,
    pub code: String,
    pub name: String,
    pub kind: SchoolKindDto,
    pub facts: SchoolFactsDto,
    pub updated_at: DateTime<Utc>,
}

impl From<&(School, SchoolFacts, DateTime<Utc>)> for SchoolFactsEntryOut {
    fn from((s, f, at): &(School, SchoolFacts, DateTime<Utc>)) -> Self {
        Self {
            school_id: s.id,
            code: s.code.clone(),
            name: s.name.clone(),
            kind: s.kind.into(),
            facts: f.into(),
            updated_at: *at,
        }
    }
}

/// The survey round whose rate is the 学年's 社会认可度.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SurveyRoundIn {
    /// A round of the county; absent: its latest opened round.
    pub round_id: Option<i64>,
}

/// One first-level indicator (or the veto items) at a glance.
#[derive(Debug, Clone, Object)]
pub struct IndicatorLineOut {
    /// resource 资源配置, guarantee 政府保障程度, quality 教育质量,
    /// recognition 社会认可度, veto 否决事项.
    pub key: String,
    pub label_zh: String,
    pub status: CheckStatusDto,
    pub status_zh: String,
    /// The finding in one Chinese sentence.
    pub summary_zh: String,
    /// What fails and by how much.
    pub failing_zh: Vec<String>,
}

/// The 社会认可度 line's round and rate.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RecognitionOut {
    pub round_id: Option<i64>,
    pub round_name: Option<String>,
    /// The county chose the round for the 学年 (else: its latest opened).
    pub chosen: bool,
    /// 0–1, from the round's report.
    pub rate: Option<f64>,
    pub n: u64,
    /// 0.85
    pub threshold: f64,
}

/// The four first-level indicators of a county for one 学年.
#[derive(Debug, Clone, Object)]
pub struct OverviewOut {
    pub school_year: String,
    /// All four and the veto items together.
    pub status: CheckStatusDto,
    pub status_zh: String,
    pub summary_zh: String,
    pub indicators: Vec<IndicatorLineOut>,
    pub recognition: RecognitionOut,
}

fn line(
    key: &str,
    label: &str,
    status: Status,
    summary: String,
    failing: Vec<String>,
) -> IndicatorLineOut {
    IndicatorLineOut {
        key: key.to_string(),
        label_zh: label.to_string(),
        status: status.into(),
        status_zh: status.label_zh().to_string(),
        summary_zh: summary,
        failing_zh: failing,
    }
}

fn part_line(o: &Overview, key: &str, part: Part) -> IndicatorLineOut {
    let c = &o.checklist;
    let lines: Vec<&Line> = c.lines.iter().filter(|l| l.item.part == part).collect();
    let count = |s: Status| lines.iter().filter(|l| l.status == s).count();
    let failing = lines
        .iter()
        .filter(|l| l.status == Status::Unmet)
        .map(|l| {
            let what = if l.gaps.is_empty() {
                l.item.text.to_string()
            } else {
                l.gaps.join("；")
            };
            format!("第{}项：{what}", l.item.no)
        })
        .collect();
    let summary = format!(
        "{}项中达标{}项、未达标{}项、待核实{}项",
        lines.len(),
        count(Status::Met),
        count(Status::Unmet),
        count(Status::Pending)
    );
    line(key, part.label_zh(), c.status(part), summary, failing)
}

impl From<&Overview> for OverviewOut {
    fn from(o: &Overview) -> Self {
        let resource = {
            let r = &o.resource.report;
            let mut failing: Vec<String> = super::readiness_report::improve(r)
                .into_iter()
                .filter(|i| !i.passes)
                .map(|i| i.summary_zh)
                .collect();
            failing.extend(super::readiness_report::cv_failures(r));
            let summary = if o.resource.inputs.is_empty() {
                "还没有资源配置数据".to_string()
            } else if r.passes {
                "每所学校达到要求，各项差异系数均在上限以内".to_string()
            } else {
                format!("{}处未达到要求", failing.len())
            };
            line(
                "resource",
                "资源配置",
                o.resource_status(),
                summary,
                failing,
            )
        };
        let rec = &o.recognition;
        let recognition = {
            let summary = match (&rec.round, rec.rate) {
                (None, _) => "尚无测评轮次".to_string(),
                (Some(r), None) => format!("“{}”尚无有效答卷", r.name),
                (Some(r), Some(rate)) => format!(
                    "“{}”社会认可度{:.1}%（{}份），标准85%",
                    r.name,
                    rate * 100.0,
                    rec.n
                ),
            };
            let failing = match rec.rate {
                Some(rate) if rec.status == Status::Unmet => {
                    vec![format!("认可度比85%低{:.1}个百分点", (0.85 - rate) * 100.0)]
                }
                _ => vec![],
            };
            line("recognition", "社会认可度", rec.status, summary, failing)
        };
        let indicators = vec![
            resource,
            part_line(o, "guarantee", Part::Guarantee),
            part_line(o, "quality", Part::Quality),
            recognition,
            part_line(o, "veto", Part::Veto),
        ];
        let status = o.status();
        let unmet: Vec<&str> = indicators
            .iter()
            .filter(|i| i.status == CheckStatusDto::Unmet)
            .map(|i| i.label_zh.as_str())
            .collect();
        let summary_zh = match status {
            Status::Met => format!("{}学年四项一级指标均达标", o.checklist.year.as_str()),
            Status::Unmet => format!(
                "{}学年未达标：{}",
                o.checklist.year.as_str(),
                unmet.join("、")
            ),
            Status::Pending => format!(
                "{}学年尚无未达标项，仍有待核实的指标",
                o.checklist.year.as_str()
            ),
        };
        Self {
            school_year: o.checklist.year.as_str().to_string(),
            status: status.into(),
            status_zh: status.label_zh().to_string(),
            summary_zh,
            indicators,
            recognition: RecognitionOut {
                round_id: rec.round.as_ref().map(|r| r.id),
                round_name: rec.round.as_ref().map(|r| r.name.clone()),
                chosen: rec.chosen,
                rate: rec.rate,
                n: rec.n,
                threshold: 0.85,
            },
        }
    }
}
