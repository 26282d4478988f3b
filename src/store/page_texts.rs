//! The deployment's translation set of the respondent pages' fixed texts.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionSession,
    TransactionTrait,
};
use std::collections::BTreeMap;

use crate::{entities::page_translation, error::AppError};

/// Every text of the set by (language, key).
pub async fn all(
    db: &impl ConnectionTrait,
) -> Result<BTreeMap<(String, String), String>, AppError> {
    Ok(page_translation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| ((t.tag, t.text_key), t.text))
        .collect())
}

/// One language's texts by key.
pub async fn of_language(
    db: &impl ConnectionTrait,
    tag: &str,
) -> Result<BTreeMap<String, String>, AppError> {
    Ok(page_translation::Entity::find()
        .filter(page_translation::Column::Tag.eq(tag))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.text_key, t.text))
        .collect())
}

/// Replaces the texts of the given languages (the others untouched).
pub async fn replace(
    db: &(impl ConnectionTrait + TransactionTrait),
    languages: &[String],
    texts: &BTreeMap<(String, String), String>,
) -> Result<(), AppError> {
    let txn = db.begin().await?;
    page_translation::Entity::delete_many()
        .filter(page_translation::Column::Tag.is_in(languages.iter().cloned()))
        .exec(&txn)
        .await?;
    let rows: Vec<page_translation::ActiveModel> = texts
        .iter()
        .filter(|((tag, _), _)| languages.contains(tag))
        .map(|((tag, key), text)| page_translation::ActiveModel {
            tag: Set(tag.clone()),
            text_key: Set(key.clone()),
            text: Set(text.clone()),
        })
        .collect();
    for chunk in rows.chunks(500) {
        page_translation::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
