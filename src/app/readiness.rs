//! Inspection readiness (资源配置): the county's settings, each school's
//! figures per 学年 (console edits and the all-or-nothing import), and the
//! evaluation with its what-if. Every change writes its audit entry in the
//! same transaction.

use std::collections::HashMap;

use sea_orm::DatabaseConnection;

use super::{Actor, Change, Ctx};
use crate::{
    domain::{
        readiness::{ResourceReport, SchoolInput, Settings, evaluate},
        readiness_input::{ReadinessFigures, SchoolYear},
        region::Scope,
        school::{School, SchoolKind},
    },
    error::AppError,
    import::readiness::Parsed,
    store,
};

/// Checks and stores the county's settings.
pub async fn put_settings(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    s: &Settings,
) -> Result<(), AppError> {
    s.validate().map_err(AppError::validation)?;
    let change = Change::begin(ctx, actor).await?;
    store::county::require_profile(change.db(), county).await?;
    store::readiness::put_settings(change.db(), county, s).await?;
    let detail = format!(
        "教学点下限{} 折算系数{:?} 比例{} 须达标{}项 差异系数上限{:?}",
        s.teaching_point_min_students, s.facility_weights, s.near_share, s.min_met, s.cv_limits
    );
    change
        .commit("readiness.settings", format!("county:{county}"), detail)
        .await
}

/// Checks a school's figures against its type and its branch link.
fn check(
    s: &School,
    f: &ReadinessFigures,
    schools: &HashMap<i64, School>,
) -> Result<(), Vec<String>> {
    let mut errors = f.check(s.kind).err().unwrap_or_default();
    if let Some(parent) = f.branch_of {
        if parent == s.id {
            errors.push("所属学校不能是本校".to_string());
        } else if !schools.contains_key(&parent) {
            errors.push(format!("所属学校（编号{parent}）不存在"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn by_id(list: Vec<School>) -> HashMap<i64, School> {
    list.into_iter().map(|s| (s.id, s)).collect()
}

/// One county's schools (another county's school ids are unknown: 404).
fn county_scope(county: i64) -> Scope {
    Scope::counties([county])
}

/// Enters (or replaces) one school's figures for a 学年.
pub async fn put_entry(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    year: &SchoolYear,
    school_id: i64,
    f: &ReadinessFigures,
) -> Result<(), AppError> {
    let change = Change::begin(ctx, actor).await?;
    store::county::require_profile(change.db(), county).await?;
    let schools = by_id(store::schools::list(change.db(), &county_scope(county)).await?);
    let s = schools
        .get(&school_id)
        .ok_or_else(|| AppError::not_found("学校不存在"))?;
    check(s, f, &schools).map_err(|errs| AppError::with_details(errs.join("；"), errs))?;
    let existed = store::readiness::put(change.db(), county, year, school_id, f).await?;
    let action = if existed { "更新" } else { "新增" };
    change
        .commit(
            "readiness.entry",
            format!("school:{school_id}"),
            format!(
                "{} {} {}{action}资源配置数据",
                year.as_str(),
                s.code,
                s.name
            ),
        )
        .await
}

/// Removes one school's figures for a 学年.
pub async fn remove_entry(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    year: &SchoolYear,
    school_id: i64,
) -> Result<(), AppError> {
    let change = Change::begin(ctx, actor).await?;
    store::county::require_profile(change.db(), county).await?;
    if !store::readiness::remove(change.db(), county, year, school_id).await? {
        return Err(AppError::not_found("该学校在此学年没有资源配置数据"));
    }
    change
        .commit(
            "readiness.entry.delete",
            format!("school:{school_id}"),
            year.as_str().to_string(),
        )
        .await
}

/// What an import did.
pub struct ImportOutcome {
    pub created: u32,
    pub updated: u32,
}

/// Stores every row of an import, or nothing: a row naming an unknown
/// school, a 学段 its type does not have, or an unknown parent is refused
/// with its line.
pub async fn import(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    year: &SchoolYear,
    parsed: Parsed,
) -> Result<ImportOutcome, AppError> {
    let change = Change::begin(ctx, actor).await?;
    store::county::require_profile(change.db(), county).await?;
    let schools = by_id(store::schools::list(change.db(), &county_scope(county)).await?);
    let by_code: HashMap<&str, &School> = schools.values().map(|s| (s.code.as_str(), s)).collect();
    let mut errors = parsed.errors;
    let mut ready = Vec::new();
    for mut row in parsed.rows {
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
        if let Some(parent) = &row.branch_of {
            match by_code.get(parent.as_str()) {
                Some(p) => row.figures.branch_of = Some(p.id),
                None => {
                    errors.push((
                        row.line,
                        format!(
                            "第{}行：所属学校标识码{}不在学校名单中",
                            row.line,
                            parent.as_str()
                        ),
                    ));
                    continue;
                }
            }
        }
        match check(s, &row.figures, &schools) {
            Ok(()) => ready.push((s.id, row.figures)),
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
    let mut outcome = ImportOutcome {
        created: 0,
        updated: 0,
    };
    for (id, f) in &ready {
        if store::readiness::put(change.db(), county, year, *id, f).await? {
            outcome.updated += 1;
        } else {
            outcome.created += 1;
        }
    }
    let detail = format!(
        "{} 新增{} 更新{}",
        year.as_str(),
        outcome.created,
        outcome.updated
    );
    change
        .commit("readiness.import", format!("county:{county}"), detail)
        .await?;
    Ok(outcome)
}

/// The figures of a 学年 as the evaluation takes them, with the county's
/// compulsory schools that have none.
pub struct Evaluation {
    pub year: SchoolYear,
    pub settings: Settings,
    pub inputs: Vec<SchoolInput>,
    pub report: ResourceReport,
    /// Compulsory-education schools with no figures for the year.
    pub missing: Vec<School>,
}

/// Loads a 学年's figures and evaluates them under the county's settings.
pub async fn evaluation(
    db: &DatabaseConnection,
    county: i64,
    year: SchoolYear,
) -> Result<Evaluation, AppError> {
    store::county::require_profile(db, county).await?;
    let settings = store::readiness::settings(db, county).await?;
    let entries = store::readiness::entries(db, county, &year).await?;
    let inputs: Vec<SchoolInput> = entries
        .iter()
        .map(|e| {
            e.figures
                .to_input(e.school.id, &e.school.name, e.school.kind)
        })
        .collect();
    let missing = store::schools::list(db, &county_scope(county))
        .await?
        .into_iter()
        .filter(|s| s.kind != SchoolKind::Special)
        .filter(|s| !entries.iter().any(|e| e.school.id == s.id))
        .collect();
    let report = evaluate(&inputs, &settings);
    Ok(Evaluation {
        year,
        settings,
        inputs,
        report,
        missing,
    })
}

/// The county's settings (the defaults until it sets its own).
pub async fn settings(db: &DatabaseConnection, county: i64) -> Result<Settings, AppError> {
    match store::county::get(db, county).await? {
        Some(c) => store::readiness::settings(db, c.id).await,
        None => Ok(Settings::default()),
    }
}

/// The 学年's evaluation as it is, and as it would be with one school's
/// figures changed (nothing is stored).
pub async fn what_if(
    db: &DatabaseConnection,
    county: i64,
    year: SchoolYear,
    school_id: i64,
    f: &ReadinessFigures,
) -> Result<(Evaluation, Evaluation), AppError> {
    let before = evaluation(db, county, year).await?;
    let schools = by_id(store::schools::list(db, &county_scope(county)).await?);
    let s = schools
        .get(&school_id)
        .ok_or_else(|| AppError::not_found("学校不存在"))?;
    check(s, f, &schools).map_err(|errs| AppError::with_details(errs.join("；"), errs))?;
    let mut inputs = before.inputs.clone();
    let changed = f.to_input(s.id, &s.name, s.kind);
    match inputs.iter_mut().find(|i| i.school_id == school_id) {
        Some(slot) => *slot = changed,
        None => inputs.push(changed),
    }
    let after = Evaluation {
        year: before.year.clone(),
        settings: before.settings.clone(),
        report: evaluate(&inputs, &before.settings),
        missing: before
            .missing
            .iter()
            .filter(|m| m.id != school_id)
            .cloned()
            .collect(),
        inputs,
    };
    Ok((before, after))
}

/// Every school's stored figures for a 学年.
pub async fn entries(
    db: &DatabaseConnection,
    county: i64,
    year: &SchoolYear,
) -> Result<Vec<store::readiness::Entry>, AppError> {
    store::county::require_profile(db, county).await?;
    store::readiness::entries(db, county, year).await
}

/// The 学年 the county has figures for, newest first (none before the
/// county profile is set).
pub async fn years(db: &DatabaseConnection, county: i64) -> Result<Vec<String>, AppError> {
    match store::county::get(db, county).await? {
        Some(c) => store::readiness::years(db, c.id).await,
        None => Ok(vec![]),
    }
}
