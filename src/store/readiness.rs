//! Inspection readiness (资源配置): a county's settings and, per school and
//! 学年, the figures the seven resource indicators are computed from.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::{
    domain::readiness::Settings,
    domain::readiness_input::{ReadinessFigures, SchoolYear, StageFigures},
    domain::school::{School, Stage},
    entities::{readiness_school, readiness_setting, readiness_stage, school},
    error::AppError,
};

/// The county's settings, or the inspection's usual ones when none are set.
pub async fn settings(db: &impl ConnectionTrait, county_id: i64) -> Result<Settings, AppError> {
    let Some(s) = readiness_setting::Entity::find_by_id(county_id)
        .one(db)
        .await?
    else {
        return Ok(Settings::default());
    };
    Ok(Settings {
        teaching_point_min_students: u32::try_from(s.teaching_point_min_students).unwrap_or(0),
        facility_weights: [s.weight_primary, s.weight_junior, s.weight_senior],
        near_share: s.near_share,
        min_met: usize::try_from(s.min_met).unwrap_or(0),
        cv_limits: [s.cv_limit_primary, s.cv_limit_junior],
    })
}

/// Stores the settings (checked by the caller).
pub async fn put_settings(
    db: &impl ConnectionTrait,
    county_id: i64,
    s: &Settings,
) -> Result<(), AppError> {
    let model = readiness_setting::ActiveModel {
        county_id: Set(county_id),
        teaching_point_min_students: Set(i32::try_from(s.teaching_point_min_students)
            .map_err(|_| AppError::invalid_field("teaching_point_min_students", "数值过大"))?),
        weight_primary: Set(s.facility_weights[0]),
        weight_junior: Set(s.facility_weights[1]),
        weight_senior: Set(s.facility_weights[2]),
        near_share: Set(s.near_share),
        min_met: Set(i32::try_from(s.min_met).unwrap_or(i32::MAX)),
        cv_limit_primary: Set(s.cv_limits[0]),
        cv_limit_junior: Set(s.cv_limits[1]),
        updated_at: Set(Utc::now()),
    };
    if readiness_setting::Entity::find_by_id(county_id)
        .one(db)
        .await?
        .is_some()
    {
        model.update(db).await?;
    } else {
        model.insert(db).await?;
    }
    Ok(())
}

/// The 学年 the county has data for, newest first.
pub async fn years(db: &impl ConnectionTrait, county_id: i64) -> Result<Vec<String>, AppError> {
    let years: Vec<String> = readiness_school::Entity::find()
        .select_only()
        .column(readiness_school::Column::SchoolYear)
        .distinct()
        .filter(readiness_school::Column::CountyId.eq(county_id))
        .order_by_desc(readiness_school::Column::SchoolYear)
        .into_tuple()
        .all(db)
        .await?;
    Ok(years)
}

/// A school's stored figures for a 学年.
#[derive(Debug, Clone)]
pub struct Entry {
    pub school: School,
    pub figures: ReadinessFigures,
    pub updated_at: chrono::DateTime<Utc>,
}

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

/// Every school with figures for `year`, ordered by school code.
pub async fn entries(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: &SchoolYear,
) -> Result<Vec<Entry>, AppError> {
    let rows = readiness_school::Entity::find()
        .filter(readiness_school::Column::CountyId.eq(county_id))
        .filter(readiness_school::Column::SchoolYear.eq(year.as_str()))
        .all(db)
        .await?;
    let mut stages: BTreeMap<i64, Vec<readiness_stage::Model>> = BTreeMap::new();
    for s in readiness_stage::Entity::find()
        .filter(readiness_stage::Column::CountyId.eq(county_id))
        .filter(readiness_stage::Column::SchoolYear.eq(year.as_str()))
        .all(db)
        .await?
    {
        stages.entry(s.school_id).or_default().push(s);
    }
    let schools: BTreeMap<i64, school::Model> = school::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut out: Vec<Entry> = rows
        .into_iter()
        .filter_map(|r| {
            let school = School::from(schools.get(&r.school_id)?.clone());
            let mut figures = ReadinessFigures {
                teaching_point: r.teaching_point,
                branch_of: r.branch_of,
                senior_students: count(r.senior_students),
                facilities: [
                    r.teaching_area,
                    r.sports_area,
                    r.equipment_value,
                    r.multimedia_rooms,
                ],
                ..Default::default()
            };
            for s in stages.remove(&r.school_id).unwrap_or_default() {
                let split = match (
                    s.teaching_area,
                    s.sports_area,
                    s.equipment_value,
                    s.multimedia_rooms,
                ) {
                    (Some(a), Some(b), Some(c), Some(d)) => Some([a, b, c, d]),
                    _ => None,
                };
                let f = StageFigures {
                    students: count(s.students),
                    qualified_teachers: count(s.qualified_teachers),
                    backbone_teachers: count(s.backbone_teachers),
                    sports_arts_teachers: count(s.sports_arts_teachers),
                    facilities: split,
                };
                match s.stage.as_str() {
                    "primary" => figures.primary = Some(f),
                    "junior" => figures.junior = Some(f),
                    _ => {}
                }
            }
            Some(Entry {
                school,
                figures,
                updated_at: r.updated_at,
            })
        })
        .collect();
    out.sort_by(|a, b| a.school.code.cmp(&b.school.code));
    Ok(out)
}

fn int(field: &str, n: u32) -> Result<i32, AppError> {
    i32::try_from(n).map_err(|_| AppError::invalid_field(field, "数值过大"))
}

/// Replaces a school's figures for `year` (its facts and every 学段).
/// Returns whether the school had figures for that year before.
pub async fn put(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: &SchoolYear,
    school_id: i64,
    f: &ReadinessFigures,
) -> Result<bool, AppError> {
    let existed = remove(db, county_id, year, school_id).await?;
    readiness_school::ActiveModel {
        county_id: Set(county_id),
        school_id: Set(school_id),
        school_year: Set(year.as_str().to_string()),
        teaching_point: Set(f.teaching_point),
        branch_of: Set(f.branch_of),
        senior_students: Set(int("senior_students", f.senior_students)?),
        teaching_area: Set(f.facilities[0]),
        sports_area: Set(f.facilities[1]),
        equipment_value: Set(f.facilities[2]),
        multimedia_rooms: Set(f.facilities[3]),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for stage in Stage::ALL {
        let Some(s) = f.stage(stage) else { continue };
        let split = s.facilities;
        readiness_stage::ActiveModel {
            county_id: Set(county_id),
            school_id: Set(school_id),
            school_year: Set(year.as_str().to_string()),
            stage: Set(stage.code().to_string()),
            students: Set(int("students", s.students)?),
            qualified_teachers: Set(int("qualified_teachers", s.qualified_teachers)?),
            backbone_teachers: Set(int("backbone_teachers", s.backbone_teachers)?),
            sports_arts_teachers: Set(int("sports_arts_teachers", s.sports_arts_teachers)?),
            teaching_area: Set(split.map(|v| v[0])),
            sports_area: Set(split.map(|v| v[1])),
            equipment_value: Set(split.map(|v| v[2])),
            multimedia_rooms: Set(split.map(|v| v[3])),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(existed)
}

/// Removes a school's figures for `year`; whether there were any.
pub async fn remove(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: &SchoolYear,
    school_id: i64,
) -> Result<bool, AppError> {
    readiness_stage::Entity::delete_many()
        .filter(readiness_stage::Column::CountyId.eq(county_id))
        .filter(readiness_stage::Column::SchoolYear.eq(year.as_str()))
        .filter(readiness_stage::Column::SchoolId.eq(school_id))
        .exec(db)
        .await?;
    let gone = readiness_school::Entity::delete_many()
        .filter(readiness_school::Column::CountyId.eq(county_id))
        .filter(readiness_school::Column::SchoolYear.eq(year.as_str()))
        .filter(readiness_school::Column::SchoolId.eq(school_id))
        .exec(db)
        .await?;
    Ok(gone.rows_affected > 0)
}
