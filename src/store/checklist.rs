//! Inspection readiness, 政府保障程度 and 教育质量: per county and 学年 the
//! schools' facts for the computed indicators, the checklist entries, their
//! evidence files (bytes in the database) and the chosen survey round.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::{
    domain::checklist::{Entered, SchoolFacts, Status},
    domain::class_size::GradeCount,
    domain::readiness_input::SchoolYear,
    entities::{readiness_check, readiness_evidence, readiness_fact, readiness_year},
    error::AppError,
};

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn int(field: &str, n: u32) -> Result<i32, AppError> {
    i32::try_from(n).map_err(|_| AppError::invalid_field(field, "数值过大"))
}

/// The per-grade students and classes of a stored row.
fn grades_of(r: &readiness_fact::Model) -> [GradeCount; 9] {
    let pairs = [
        (r.g1_students, r.g1_classes),
        (r.g2_students, r.g2_classes),
        (r.g3_students, r.g3_classes),
        (r.g4_students, r.g4_classes),
        (r.g5_students, r.g5_classes),
        (r.g6_students, r.g6_classes),
        (r.g7_students, r.g7_classes),
        (r.g8_students, r.g8_classes),
        (r.g9_students, r.g9_classes),
    ];
    pairs.map(|(s, c)| GradeCount {
        students: count(s),
        classes: count(c),
    })
}

/// Every school's facts for `year`, by school id.
pub async fn facts(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: &SchoolYear,
) -> Result<HashMap<i64, (SchoolFacts, DateTime<Utc>)>, AppError> {
    Ok(readiness_fact::Entity::find()
        .filter(readiness_fact::Column::CountyId.eq(county_id))
        .filter(readiness_fact::Column::SchoolYear.eq(year.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.school_id,
                (
                    SchoolFacts {
                        primary_classes: count(r.primary_classes),
                        junior_classes: count(r.junior_classes),
                        largest_primary_class: count(r.largest_primary_class),
                        largest_junior_class: count(r.largest_junior_class),
                        music_rooms: count(r.music_rooms),
                        music_min_area: r.music_min_area,
                        art_rooms: count(r.art_rooms),
                        art_min_area: r.art_min_area,
                        cohort_entry: count(r.cohort_entry),
                        transfers_in: count(r.transfers_in),
                        transfers_out: count(r.transfers_out),
                        grade9_students: count(r.grade9_students),
                        grades: grades_of(&r),
                    },
                    r.updated_at,
                ),
            )
        })
        .collect())
}

/// Replaces a school's facts for `year`; whether it had some before.
pub async fn put_facts(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: &SchoolYear,
    school_id: i64,
    f: &SchoolFacts,
) -> Result<bool, AppError> {
    let gone = readiness_fact::Entity::delete_many()
        .filter(readiness_fact::Column::CountyId.eq(county_id))
        .filter(readiness_fact::Column::SchoolYear.eq(year.as_str()))
        .filter(readiness_fact::Column::SchoolId.eq(school_id))
        .exec(db)
        .await?;
    readiness_fact::ActiveModel {
        county_id: Set(county_id),
        school_id: Set(school_id),
        school_year: Set(year.as_str().to_string()),
        primary_classes: Set(int("primary_classes", f.primary_classes)?),
        junior_classes: Set(int("junior_classes", f.junior_classes)?),
        largest_primary_class: Set(int("largest_primary_class", f.largest_primary_class)?),
        largest_junior_class: Set(int("largest_junior_class", f.largest_junior_class)?),
        music_rooms: Set(int("music_rooms", f.music_rooms)?),
        music_min_area: Set(f.music_min_area),
        art_rooms: Set(int("art_rooms", f.art_rooms)?),
        art_min_area: Set(f.art_min_area),
        cohort_entry: Set(int("cohort_entry", f.cohort_entry)?),
        transfers_in: Set(int("transfers_in", f.transfers_in)?),
        transfers_out: Set(int("transfers_out", f.transfers_out)?),
        grade9_students: Set(int("grade9_students", f.grade9_students)?),
        g1_students: Set(int("grades", f.grades[0].students)?),
        g1_classes: Set(int("grades", f.grades[0].classes)?),
        g2_students: Set(int("grades", f.grades[1].students)?),
        g2_classes: Set(int("grades", f.grades[1].classes)?),
        g3_students: Set(int("grades", f.grades[2].students)?),
        g3_classes: Set(int("grades", f.grades[2].classes)?),
        g4_students: Set(int("grades", f.grades[3].students)?),
        g4_classes: Set(int("grades", f.grades[3].classes)?),
        g5_students: Set(int("grades", f.grades[4].students)?),
        g5_classes: Set(int("grades", f.grades[4].classes)?),
        g6_students: Set(int("grades", f.grades[5].students)?),
        g6_classes: Set(int("grades", f.grades[5].classes)?),
        g7_students: Set(int("grades", f.grades[6].students)?),
        g7_classes: Set(int("grades", f.grades[6].classes)?),
        g8_students: Set(int("grades", f.grades[7].students)?),
        g8_classes: Set(int("grades", f.grades[7].classes)?),
        g9_students: Set(int("grades", f.grades[8].students)?),
        g9_classes: Set(int("grades", f.grades[8].classes)?),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(gone.rows_affected > 0)
}

/// A checklist entry with when it was last changed.
#[derive(Debug, Clone)]
pub struct Check {
    pub entered: Entered,
    pub updated_at: DateTime<Utc>,
}

/// Every checklist entry of `year`, by item key.
pub async fn checks(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: &SchoolYear,
) -> Result<HashMap<String, Check>, AppError> {
    Ok(readiness_check::Entity::find()
        .filter(readiness_check::Column::CountyId.eq(county_id))
        .filter(readiness_check::Column::SchoolYear.eq(year.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.item,
                Check {
                    entered: Entered {
                        values: [r.value1, r.value2],
                        occurred: r.occurred,
                        status: r.status.as_deref().and_then(Status::from_code),
                        unit: r.unit,
                        note: r.note,
                    },
                    updated_at: r.updated_at,
                },
            )
        })
        .collect())
}

/// Replaces the entry of one item (checked by the caller).
pub async fn put_check(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: &SchoolYear,
    item: &str,
    e: &Entered,
) -> Result<(), AppError> {
    readiness_check::Entity::delete_many()
        .filter(readiness_check::Column::CountyId.eq(county_id))
        .filter(readiness_check::Column::SchoolYear.eq(year.as_str()))
        .filter(readiness_check::Column::Item.eq(item))
        .exec(db)
        .await?;
    readiness_check::ActiveModel {
        county_id: Set(county_id),
        school_year: Set(year.as_str().to_string()),
        item: Set(item.to_string()),
        value1: Set(e.values[0]),
        value2: Set(e.values[1]),
        occurred: Set(e.occurred),
        status: Set(e.status.map(|s| s.code().to_string())),
        unit: Set(e.unit.clone()),
        note: Set(e.note.clone()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// An evidence file without its bytes.
#[derive(Debug, Clone)]
pub struct EvidenceInfo {
    pub id: i64,
    pub item: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_at: DateTime<Utc>,
}

type InfoRow = (i64, String, String, String, i64, DateTime<Utc>);

fn info((id, item, file_name, content_type, size, uploaded_at): InfoRow) -> EvidenceInfo {
    EvidenceInfo {
        id,
        item,
        file_name,
        content_type,
        size,
        uploaded_at,
    }
}

/// Every evidence file of `year` (not their bytes), oldest first.
pub async fn evidence_list(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: &SchoolYear,
) -> Result<Vec<EvidenceInfo>, AppError> {
    use readiness_evidence::Column as C;
    let rows: Vec<InfoRow> = readiness_evidence::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::Item,
            C::FileName,
            C::ContentType,
            C::Size,
            C::UploadedAt,
        ])
        .filter(C::CountyId.eq(county_id))
        .filter(C::SchoolYear.eq(year.as_str()))
        .order_by_asc(C::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(info).collect())
}

/// Stores an evidence file (checked by the caller).
pub async fn add_evidence(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: &SchoolYear,
    item: &str,
    file_name: &str,
    content_type: &str,
    data: Vec<u8>,
) -> Result<EvidenceInfo, AppError> {
    let size = i64::try_from(data.len()).unwrap_or(i64::MAX);
    let m = readiness_evidence::ActiveModel {
        county_id: Set(county_id),
        school_year: Set(year.as_str().to_string()),
        item: Set(item.to_string()),
        file_name: Set(file_name.to_string()),
        content_type: Set(content_type.to_string()),
        size: Set(size),
        data: Set(data),
        uploaded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(EvidenceInfo {
        id: m.id,
        item: m.item,
        file_name: m.file_name,
        content_type: m.content_type,
        size: m.size,
        uploaded_at: m.uploaded_at,
    })
}

/// An evidence file with its bytes.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub info: EvidenceInfo,
    pub data: Vec<u8>,
}

/// One evidence file of the county with its bytes.
pub async fn evidence(
    db: &impl ConnectionTrait,
    county_id: i64,
    id: i64,
) -> Result<Option<Evidence>, AppError> {
    Ok(readiness_evidence::Entity::find_by_id(id)
        .filter(readiness_evidence::Column::CountyId.eq(county_id))
        .one(db)
        .await?
        .map(|m| Evidence {
            info: EvidenceInfo {
                id: m.id,
                item: m.item,
                file_name: m.file_name,
                content_type: m.content_type,
                size: m.size,
                uploaded_at: m.uploaded_at,
            },
            data: m.data,
        }))
}

/// Removes one evidence file of the county; what it was.
pub async fn remove_evidence(
    db: &impl ConnectionTrait,
    county_id: i64,
    id: i64,
) -> Result<Option<EvidenceInfo>, AppError> {
    use readiness_evidence::Column as C;
    let found: Option<InfoRow> = readiness_evidence::Entity::find_by_id(id)
        .select_only()
        .columns([
            C::Id,
            C::Item,
            C::FileName,
            C::ContentType,
            C::Size,
            C::UploadedAt,
        ])
        .filter(C::CountyId.eq(county_id))
        .into_tuple()
        .one(db)
        .await?;
    let Some(found) = found else { return Ok(None) };
    readiness_evidence::Entity::delete_by_id(id)
        .exec(db)
        .await?;
    Ok(Some(info(found)))
}

/// The survey round chosen for `year`, if any.
pub async fn survey_round(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: &SchoolYear,
) -> Result<Option<i64>, AppError> {
    Ok(readiness_year::Entity::find()
        .filter(readiness_year::Column::CountyId.eq(county_id))
        .filter(readiness_year::Column::SchoolYear.eq(year.as_str()))
        .one(db)
        .await?
        .and_then(|y| y.survey_round_id))
}

/// Sets (or clears) the survey round of `year`.
pub async fn put_survey_round(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: &SchoolYear,
    round: Option<i64>,
) -> Result<(), AppError> {
    readiness_year::Entity::delete_many()
        .filter(readiness_year::Column::CountyId.eq(county_id))
        .filter(readiness_year::Column::SchoolYear.eq(year.as_str()))
        .exec(db)
        .await?;
    readiness_year::ActiveModel {
        county_id: Set(county_id),
        school_year: Set(year.as_str().to_string()),
        survey_round_id: Set(round),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
