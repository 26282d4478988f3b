//! Schools: CRUD and the all-or-nothing import.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};

use crate::error::ErrorCode;
use crate::{
    domain::school::{Location, School, SchoolDraft, SchoolKind},
    entities::{round_school, school},
    error::AppError,
};

impl From<school::Model> for School {
    /// A kind or location code this build does not know (a newer build's)
    /// reads as 小学 and 城区, as the console has always shown it.
    fn from(s: school::Model) -> Self {
        Self {
            id: s.id,
            kind: SchoolKind::from_code(&s.kind).unwrap_or(SchoolKind::Primary),
            location: Location::from_code(&s.location).unwrap_or(Location::Urban),
            code: s.code,
            name: s.name,
            primary_students: s.primary_students,
            junior_students: s.junior_students,
            teachers: s.teachers,
            created_at: s.created_at,
            updated_at: s.updated_at,
            county_id: s.county_id,
        }
    }
}

/// The schools of the scope's counties, by code.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &super::scope::Scope,
) -> Result<Vec<School>, AppError> {
    Ok(
        super::scope::filter(scope, school::Entity::find(), school::Column::CountyId)
            .order_by_asc(school::Column::Code)
            .all(db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    )
}

/// How many schools there are.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    Ok(school::Entity::find().count(db).await?)
}

async fn row(db: &impl ConnectionTrait, id: i64) -> Result<school::Model, AppError> {
    school::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("学校不存在"))
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<School, AppError> {
    Ok(row(db, id).await?.into())
}

async fn find_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<school::Model>, AppError> {
    Ok(school::Entity::find()
        .filter(school::Column::Code.eq(code))
        .one(db)
        .await?)
}

fn apply(m: &mut school::ActiveModel, d: &SchoolDraft) {
    m.code = Set(d.code.as_str().to_string());
    m.name = Set(d.name.clone());
    m.kind = Set(d.kind.code().to_string());
    m.location = Set(d.location.code().to_string());
    m.primary_students = Set(d.primary_students);
    m.junior_students = Set(d.junior_students);
    m.teachers = Set(d.teachers);
    m.updated_at = Set(Utc::now());
}

/// A school of `county`.
pub async fn create(
    db: &impl ConnectionTrait,
    county: i64,
    d: &SchoolDraft,
) -> Result<School, AppError> {
    if find_by_code(db, d.code.as_str()).await?.is_some() {
        return Err(AppError::conflict(
            ErrorCode::SchoolCodeTaken,
            format!("学校标识码{}已存在", d.code.as_str()),
        ));
    }
    let mut m = school::ActiveModel {
        created_at: Set(Utc::now()),
        county_id: Set(county),
        ..Default::default()
    };
    apply(&mut m, d);
    Ok(m.insert(db).await?.into())
}

pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    d: &SchoolDraft,
) -> Result<School, AppError> {
    let existing = row(db, id).await?;
    if let Some(other) = find_by_code(db, d.code.as_str()).await? {
        if other.id != id {
            // Another county's school is not named to this one.
            let message = if other.county_id == existing.county_id {
                format!("学校标识码{}已被“{}”使用", d.code.as_str(), other.name)
            } else {
                format!("学校标识码{}已被其他县的学校使用", d.code.as_str())
            };
            return Err(AppError::conflict(ErrorCode::SchoolCodeTaken, message));
        }
    }
    let mut m: school::ActiveModel = existing.into();
    apply(&mut m, d);
    Ok(m.update(db).await?.into())
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), AppError> {
    row(db, id).await?;
    let used = round_school::Entity::find()
        .filter(round_school::Column::SchoolId.eq(id))
        .count(db)
        .await?;
    if used > 0 {
        return Err(AppError::conflict(
            ErrorCode::SchoolInUse,
            "该学校已参加测评轮次，不能删除",
        ));
    }
    school::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// What an import did.
pub struct ImportOutcome {
    pub created: u32,
    pub updated: u32,
}

/// Inserts new schools into `county` and updates existing ones (matched by
/// code), all in one transaction. A code another county's school has is
/// refused (422): an import never reaches across counties.
pub async fn import(
    db: &(impl ConnectionTrait + TransactionTrait),
    county: i64,
    drafts: &[SchoolDraft],
) -> Result<ImportOutcome, AppError> {
    let txn = db.begin().await?;
    let mut outcome = ImportOutcome {
        created: 0,
        updated: 0,
    };
    for d in drafts {
        match find_by_code(&txn, d.code.as_str()).await? {
            Some(existing) if existing.county_id != county => {
                return Err(AppError::invalid_field(
                    "file",
                    format!(
                        "学校标识码{}已被其他县的学校使用，未保存任何数据",
                        d.code.as_str()
                    ),
                ));
            }
            Some(existing) => {
                let mut m: school::ActiveModel = existing.into();
                apply(&mut m, d);
                m.update(&txn).await?;
                outcome.updated += 1;
            }
            None => {
                let mut m = school::ActiveModel {
                    created_at: Set(Utc::now()),
                    county_id: Set(county),
                    ..Default::default()
                };
                apply(&mut m, d);
                m.insert(&txn).await?;
                outcome.created += 1;
            }
        }
    }
    txn.commit().await?;
    Ok(outcome)
}
