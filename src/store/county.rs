//! The county profile: one row, id 1.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use crate::{entities::county, error::AppError};

pub async fn get(db: &impl ConnectionTrait) -> Result<Option<county::Model>, AppError> {
    Ok(county::Entity::find_by_id(1).one(db).await?)
}

pub async fn put(
    db: &impl ConnectionTrait,
    name: &str,
    admin_code: &str,
    resident_population: i64,
) -> Result<county::Model, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid_field("name", "县名须为1到100个字"));
    }
    let code = admin_code.trim();
    if !(code.len() == 6 || code.len() == 12) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::invalid_field(
            "admin_code",
            "行政区划代码须为6位或12位数字",
        ));
    }
    if !(1..=50_000_000).contains(&resident_population) {
        return Err(AppError::invalid_field(
            "resident_population",
            "常住人口须在1到5000万之间",
        ));
    }
    let model = county::ActiveModel {
        id: Set(1),
        name: Set(name.to_string()),
        admin_code: Set(code.to_string()),
        resident_population: Set(resident_population),
        updated_at: Set(Utc::now()),
    };
    let saved = if get(db).await?.is_some() {
        model.update(db).await?
    } else {
        model.insert(db).await?
    };
    Ok(saved)
}
