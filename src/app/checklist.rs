//! Inspection readiness, 政府保障程度 and 教育质量: the schools' facts for
//! the computed indicators (console edits and an all-or-nothing import),
//! the checklist entries, their evidence files, the survey round whose rate
//! is the county's 社会认可度, and the overview of the four first-level
//! indicators. Every change writes its audit entry in the same transaction.

use std::collections::HashMap;

use sea_orm::DatabaseConnection;

use super::{Actor, Change, Ctx};
use crate::{
    domain::{
        checklist::{
            self, EVIDENCE_MAX_BYTES, Entered, FactSchool, FileKind, Finding, Item, Part,
            SchoolFacts, Status,
        },
        readiness_input::SchoolYear,
        region::Scope,
        round::Round,
        school::{School, SchoolKind},
        scoring::Verdict,
    },
    error::AppError,
    import::checklist::ParsedFacts,
    store::{
        self,
        checklist::{Evidence, EvidenceInfo},
    },
};

/// The item with this key (404 otherwise).
pub fn item(key: &str) -> Result<&'static Item, AppError> {
    checklist::find(key).ok_or_else(|| AppError::not_found("没有这个检查项"))
}

fn school_of(schools: &[School], school_id: i64) -> Result<&School, AppError> {
    schools
        .iter()
        .find(|s| s.id == school_id)
        .ok_or_else(|| AppError::not_found("学校不存在"))
}

/// Enters (or replaces) one school's facts for a 学年.
pub async fn put_facts(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    year: &SchoolYear,
    school_id: i64,
    f: &SchoolFacts,
) -> Result<(), AppError> {
    let change = Change::begin(ctx, actor).await?;
    store::county::require_profile(change.db(), county).await?;
    let schools = store::schools::list(change.db(), &Scope::counties([county])).await?;
    let s = school_of(&schools, school_id)?;
    f.check(s.kind)
        .map_err(|errs| AppError::with_details(errs.join("；"), errs))?;
    let existed = store::checklist::put_facts(change.db(), county, year, school_id, f).await?;
    let action = if existed { "更新" } else { "新增" };
    change
        .commit(
            "readiness.facts",
            format!("school:{school_id}"),
            format!(
                "{} {} {}{action}班额、专用教室、巩固率数据",
                year.as_str(),
                s.code,
                s.name
            ),
        )
        .await
}

/// What an import did.
pub struct FactsOutcome {
    pub created: u32,
    pub updated: u32,
}

/// Stores every row of a facts import, or nothing: a row naming a school
/// that is not the county's, or facts its type cannot have, is refused with
/// its line.
pub async fn import_facts(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    year: &SchoolYear,
    parsed: ParsedFacts,
) -> Result<FactsOutcome, AppError> {
    let change = Change::begin(ctx, actor).await?;
    store::county::require_profile(change.db(), county).await?;
    let schools = store::schools::list(change.db(), &Scope::counties([county])).await?;
    let by_code: HashMap<&str, &School> = schools.iter().map(|s| (s.code.as_str(), s)).collect();
    let mut errors = parsed.errors;
    let mut ready = Vec::new();
    for row in parsed.rows {
        let Some(s) = by_code.get(row.code.as_str()) else {
            errors.push((
                row.line,
                format!(
                    "第{}行：学校标识码{}不在学校名单中，请先导入学校",
                    row.line,
                    row.code.as_str()
                ),
            ));
            continue;
        };
        match row.facts.check(s.kind) {
            Ok(()) => ready.push((s.id, row.facts)),
            Err(problems) => errors.push((
                row.line,
                format!("第{}行（{}）：{}", row.line, s.name, problems.join("；")),
            )),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|(line, _)| *line);
        return Err(AppError::with_details(
            format!("导入失败：{}处错误，未保存任何数据", errors.len()),
            errors.into_iter().map(|(_, e)| e).collect(),
        ));
    }
    let mut outcome = FactsOutcome {
        created: 0,
        updated: 0,
    };
    for (id, f) in &ready {
        if store::checklist::put_facts(change.db(), county, year, *id, f).await? {
            outcome.updated += 1;
        } else {
            outcome.created += 1;
        }
    }
    let detail = format!(
        "{} 班额、专用教室、巩固率数据 新增{} 更新{}",
        year.as_str(),
        outcome.created,
        outcome.updated
    );
    change
        .commit("readiness.facts.import", format!("county:{county}"), detail)
        .await?;
    Ok(outcome)
}

/// Enters (or replaces) the county's entry for one item.
pub async fn put_check(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    year: &SchoolYear,
    key: &str,
    e: &Entered,
) -> Result<(), AppError> {
    let it = item(key)?;
    e.check(it)
        .map_err(|errs| AppError::with_details(errs.join("；"), errs))?;
    let change = Change::begin(ctx, actor).await?;
    store::county::require_profile(change.db(), county).await?;
    store::checklist::put_check(change.db(), county, year, it.key, e).await?;
    let (status, _) = e.judge(it);
    let mut detail = format!(
        "{} {}{} {}",
        year.as_str(),
        it.part.label_zh(),
        it.no,
        status.label_zh()
    );
    for v in e.values.iter().flatten() {
        detail.push_str(&format!(" {}", checklist::number(*v)));
    }
    if let Some(o) = e.occurred {
        detail.push_str(if o { " 发生" } else { " 未发生" });
    }
    change
        .commit("readiness.check", format!("county:{county}"), detail)
        .await
}

/// Stores an evidence file of an item: at most 10 MB (413), a PDF, image
/// or spreadsheet by its bytes (422 naming what it is not). Nothing is
/// stored on a refusal.
/// Most characters of an evidence file's given name.
pub const MAX_FILE_NAME: usize = 255;

/// Stores an evidence file: 413 over the size limit; 422 for an empty
/// file or an overlong name; 415 when its bytes are no accepted type or
/// disagree with the declared `Content-Type`.
pub async fn add_evidence(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    year: &SchoolYear,
    key: &str,
    file_name: &str,
    declared: Option<&str>,
    data: Vec<u8>,
) -> Result<EvidenceInfo, AppError> {
    let it = item(key)?;
    if data.len() > EVIDENCE_MAX_BYTES {
        return Err(AppError::PayloadTooLarge(format!(
            "证据文件不能超过{}MB",
            EVIDENCE_MAX_BYTES >> 20
        )));
    }
    if data.is_empty() {
        return Err(AppError::invalid_field("file", "文件是空的"));
    }
    if file_name.chars().count() > MAX_FILE_NAME {
        return Err(AppError::invalid_field(
            "file_name",
            format!("文件名不能超过{MAX_FILE_NAME}个字符"),
        ));
    }
    // The bytes decide; a declared type must agree with them.
    let kind = FileKind::sniff(&data).map_err(AppError::UnsupportedMediaType)?;
    FileKind::check_declared(declared, kind).map_err(AppError::UnsupportedMediaType)?;
    let name = checklist::evidence_name(file_name, kind);
    let change = Change::begin(ctx, actor).await?;
    store::county::require_profile(change.db(), county).await?;
    let stored = store::checklist::add_evidence(
        change.db(),
        county,
        year,
        it.key,
        &name,
        kind.content_type(),
        data,
    )
    .await?;
    change
        .commit(
            "readiness.evidence",
            format!("evidence:{}", stored.id),
            format!(
                "{} {}{} 上传{}“{}”（{}字节）",
                year.as_str(),
                it.part.label_zh(),
                it.no,
                kind.label_zh(),
                stored.file_name,
                stored.size
            ),
        )
        .await?;
    Ok(stored)
}

/// Removes an evidence file of the county.
pub async fn remove_evidence(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    id: i64,
) -> Result<(), AppError> {
    let change = Change::begin(ctx, actor).await?;
    let gone = store::checklist::remove_evidence(change.db(), county, id)
        .await?
        .ok_or_else(|| AppError::not_found("证据文件不存在"))?;
    change
        .commit(
            "readiness.evidence.delete",
            format!("evidence:{id}"),
            format!("删除{}的证据文件“{}”", gone.item, gone.file_name),
        )
        .await
}

/// Chooses the survey round whose rate is the 学年's 社会认可度 (none:
/// the county's latest opened round).
pub async fn put_survey_round(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    year: &SchoolYear,
    round: Option<i64>,
) -> Result<(), AppError> {
    let change = Change::begin(ctx, actor).await?;
    store::county::require_profile(change.db(), county).await?;
    if let Some(r) = round {
        let detail = store::rounds::get(change.db(), r).await?;
        if detail.round.county_id != county {
            return Err(AppError::not_found("测评轮次不存在"));
        }
    }
    store::checklist::put_survey_round(change.db(), county, year, round).await?;
    let detail = match round {
        Some(r) => format!("{} 社会认可度取自轮次{r}", year.as_str()),
        None => format!("{} 社会认可度取最近开启的轮次", year.as_str()),
    };
    change
        .commit("readiness.survey_round", format!("county:{county}"), detail)
        .await
}

/// One checklist line as shown.
pub struct Line {
    pub item: &'static Item,
    pub entered: Option<store::checklist::Check>,
    /// The computed result of a computed item.
    pub finding: Option<Finding>,
    /// The status that counts: computed, judged from the values, or set.
    pub status: Status,
    /// What fails and by how much.
    pub gaps: Vec<String>,
    pub evidence: Vec<EvidenceInfo>,
}

/// The checklist of a 学年, and the schools' facts it was computed from.
pub struct Checklist {
    pub year: SchoolYear,
    pub lines: Vec<Line>,
    pub schools: Vec<FactSchool>,
}

impl Checklist {
    /// A part's status from its lines.
    pub fn status(&self, part: Part) -> Status {
        Status::of_all(
            self.lines
                .iter()
                .filter(|l| l.item.part == part)
                .map(|l| l.status),
        )
    }
}

/// The county's compulsory schools with their enrolment for the year (the
/// 资源配置 figures when entered, the school list otherwise) and facts.
async fn fact_schools(
    db: &DatabaseConnection,
    county: i64,
    year: &SchoolYear,
) -> Result<Vec<FactSchool>, AppError> {
    let schools = store::schools::list(db, &Scope::counties([county])).await?;
    let figures: HashMap<i64, _> = store::readiness::entries(db, county, year)
        .await?
        .into_iter()
        .map(|e| (e.school.id, e.figures))
        .collect();
    let mut facts = store::checklist::facts(db, county, year).await?;
    Ok(schools
        .iter()
        .filter(|s| s.kind != SchoolKind::Special)
        .filter(|s| {
            !figures
                .get(&s.id)
                .is_some_and(|f| f.teaching_point || f.branch_of.is_some())
        })
        .map(|s| {
            let (p, j) = match figures.get(&s.id) {
                Some(f) => (
                    f.primary.as_ref().map_or(0, |x| x.students),
                    f.junior.as_ref().map_or(0, |x| x.students),
                ),
                None => (
                    u32::try_from(s.primary_students).unwrap_or(0),
                    u32::try_from(s.junior_students).unwrap_or(0),
                ),
            };
            FactSchool {
                school_id: s.id,
                name: s.name.clone(),
                kind: s.kind,
                primary_students: p,
                junior_students: j,
                facts: facts.remove(&s.id).map(|(f, _)| f),
            }
        })
        .collect())
}

/// The checklist of a 学年: every item with its computed or entered
/// status, what fails, and its evidence.
pub async fn checklist(
    db: &DatabaseConnection,
    county: i64,
    year: SchoolYear,
) -> Result<Checklist, AppError> {
    store::county::require_profile(db, county).await?;
    let schools = fact_schools(db, county, &year).await?;
    let mut checks = store::checklist::checks(db, county, &year).await?;
    let mut evidence: HashMap<String, Vec<EvidenceInfo>> = HashMap::new();
    for e in store::checklist::evidence_list(db, county, &year).await? {
        evidence.entry(e.item.clone()).or_default().push(e);
    }
    let lines = checklist::ITEMS
        .iter()
        .map(|it| {
            let entered = checks.remove(it.key);
            let e = entered
                .as_ref()
                .map(|c| c.entered.clone())
                .unwrap_or_default();
            let finding = it.computed.map(|c| checklist::compute(c, &schools));
            let (status, gaps) = match &finding {
                // Computed from data; with no data, as the county set it.
                Some(f) if f.status != Status::Pending => {
                    (f.status, f.gaps.iter().map(|g| g.text_zh.clone()).collect())
                }
                Some(f) => (
                    e.status.unwrap_or(Status::Pending),
                    f.gaps.iter().map(|g| g.text_zh.clone()).collect(),
                ),
                None => e.judge(it),
            };
            Line {
                item: it,
                entered,
                finding,
                status,
                gaps,
                evidence: evidence.remove(it.key).unwrap_or_default(),
            }
        })
        .collect();
    Ok(Checklist {
        year,
        lines,
        schools,
    })
}

/// Every school's facts for a 学年.
pub async fn facts(
    db: &DatabaseConnection,
    county: i64,
    year: &SchoolYear,
) -> Result<Vec<(School, SchoolFacts, chrono::DateTime<chrono::Utc>)>, AppError> {
    store::county::require_profile(db, county).await?;
    let schools = store::schools::list(db, &Scope::counties([county])).await?;
    let mut facts = store::checklist::facts(db, county, year).await?;
    Ok(schools
        .into_iter()
        .filter_map(|s| facts.remove(&s.id).map(|(f, at)| (s, f, at)))
        .collect())
}

/// An evidence file of the county with its bytes (404 otherwise).
pub async fn evidence(db: &DatabaseConnection, county: i64, id: i64) -> Result<Evidence, AppError> {
    store::checklist::evidence(db, county, id)
        .await?
        .ok_or_else(|| AppError::not_found("证据文件不存在"))
}

/// The 社会认可度 line: the chosen round (or the latest opened one) and
/// its rate from the round's report.
pub struct Recognition {
    pub round: Option<Round>,
    /// Whether the round was chosen for the year (not the latest by default).
    pub chosen: bool,
    pub rate: Option<f64>,
    pub n: u64,
    pub status: Status,
}

pub async fn recognition(
    db: &DatabaseConnection,
    county: i64,
    year: &SchoolYear,
    min_n: u64,
) -> Result<Recognition, AppError> {
    let chosen = store::checklist::survey_round(db, county, year).await?;
    let round = match chosen {
        Some(id) => Some(store::rounds::get(db, id).await?.round),
        None => store::rounds::latest_opened_by_county(db, &[county], None)
            .await?
            .remove(&county),
    };
    let Some(round) = round else {
        return Ok(Recognition {
            round: None,
            chosen: false,
            rate: None,
            n: 0,
            status: Status::Pending,
        });
    };
    let report = store::reports::load(db, round.id).await?.report(min_n);
    let status = match report.verdict {
        Verdict::Pass => Status::Met,
        Verdict::Fail => Status::Unmet,
        Verdict::NoData => Status::Pending,
    };
    Ok(Recognition {
        round: Some(round),
        chosen: chosen.is_some(),
        rate: report.overall.rate,
        n: report.overall.n,
        status,
    })
}

/// The four first-level indicators (and the veto items) of a 学年.
pub struct Overview {
    pub resource: super::readiness::Evaluation,
    pub checklist: Checklist,
    pub recognition: Recognition,
}

impl Overview {
    /// 资源配置: met when every 学段 passes both rules; pending without
    /// figures.
    pub fn resource_status(&self) -> Status {
        if self.resource.inputs.is_empty() {
            Status::Pending
        } else if self.resource.report.passes {
            Status::Met
        } else {
            Status::Unmet
        }
    }
    /// All four and the veto items.
    pub fn status(&self) -> Status {
        Status::of_all([
            self.resource_status(),
            self.checklist.status(Part::Guarantee),
            self.checklist.status(Part::Quality),
            self.checklist.status(Part::Veto),
            self.recognition.status,
        ])
    }
}

pub async fn overview(
    db: &DatabaseConnection,
    county: i64,
    year: SchoolYear,
    min_n: u64,
) -> Result<Overview, AppError> {
    let resource = super::readiness::evaluation(db, county, year.clone()).await?;
    let recognition = recognition(db, county, &year, min_n).await?;
    let checklist = checklist(db, county, year).await?;
    Ok(Overview {
        resource,
        checklist,
        recognition,
    })
}

/// Two 学年 side by side: the four first-level indicators' status in each
/// and what moved in 资源配置 (CVs, schools passing).
pub struct YearChange {
    pub before: Overview,
    pub after: Overview,
    pub resource: crate::domain::readiness_change::Change,
}

/// Compares `year` with `from` (none: the 学年 before); `from` must be
/// earlier (422 otherwise).
pub async fn change(
    db: &DatabaseConnection,
    county: i64,
    year: SchoolYear,
    from: Option<SchoolYear>,
    min_n: u64,
) -> Result<YearChange, AppError> {
    let from = match from {
        Some(f) if f < year => f,
        Some(_) => {
            return Err(AppError::invalid_field("from", "比较的学年须早于所选学年"));
        }
        None => year
            .previous()
            .ok_or_else(|| AppError::invalid_field("from", "没有更早的学年"))?,
    };
    let before = overview(db, county, from, min_n).await?;
    let after = overview(db, county, year, min_n).await?;
    let resource =
        crate::domain::readiness_change::compare(&before.resource.report, &after.resource.report);
    Ok(YearChange {
        before,
        after,
        resource,
    })
}
