//! A round's additional languages and its translated texts. Both change
//! only while the round is a draft (they freeze with it).

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionSession,
    TransactionTrait,
};
use std::collections::BTreeMap;

use super::rounds::{self, RoundDetail};
use crate::{
    domain::{
        group::RespondentGroup,
        language::{self, Translated, Translations},
        questionnaire::Questionnaire,
        round::Round,
    },
    entities::{round_language, round_translation},
    error::AppError,
    store::scope::Rounds,
};

/// A round's additional languages, in the respondent's switch order.
pub async fn languages(db: &impl ConnectionTrait, round: &Round) -> Result<Vec<String>, AppError> {
    Ok(languages_many(db, &Rounds::one(round))
        .await?
        .remove(&round.id)
        .unwrap_or_default())
}

/// The additional languages of several rounds, by round (one query).
pub async fn languages_many(
    db: &impl ConnectionTrait,
    rounds: &Rounds,
) -> Result<std::collections::HashMap<i64, Vec<String>>, AppError> {
    let mut out: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for l in round_language::Entity::find()
        .filter(rounds.on(
            round_language::Column::RoundId,
            round_language::Column::CountyId,
        ))
        .order_by_asc(round_language::Column::RoundId)
        .order_by_asc(round_language::Column::Position)
        .all(db)
        .await?
    {
        out.entry(l.round_id).or_default().push(l.tag);
    }
    Ok(out)
}

/// Every stored translation of a round.
pub async fn load(db: &impl ConnectionTrait, round: &Round) -> Result<Translations, AppError> {
    Ok(round_translation::Entity::find()
        .filter(Rounds::one(round).on(
            round_translation::Column::RoundId,
            round_translation::Column::CountyId,
        ))
        .all(db)
        .await?
        .into_iter()
        .map(|t| {
            let value = Translated {
                source: t.source,
                text: t.text,
            };
            ((t.tag, t.text_key), value)
        })
        .collect())
}

/// The round's questionnaires, by group.
pub async fn questionnaires(
    db: &impl ConnectionTrait,
    detail: &RoundDetail,
) -> Result<Vec<(RespondentGroup, Questionnaire)>, AppError> {
    let mut out = Vec::with_capacity(detail.groups.len());
    let round = Rounds::one(&detail.round);
    for g in &detail.groups {
        out.push((*g, rounds::questionnaire(db, &round, *g).await?));
    }
    Ok(out)
}

/// Every text the round's questionnaires need translated, with its key
/// and the Chinese source.
pub fn needed(questionnaires: &[(RespondentGroup, Questionnaire)]) -> Vec<(String, String)> {
    questionnaires
        .iter()
        .flat_map(|(g, q)| language::questionnaire_texts(*g, q))
        .collect()
}

/// Replaces the round's additional languages (draft only); translations of
/// a language taken off are deleted with it.
pub async fn set_languages(
    db: &(impl ConnectionTrait + TransactionTrait),
    round: &Round,
    tags: &[String],
) -> Result<(), AppError> {
    let scoped = Rounds::one(round);
    let (round_id, county_id) = (round.id, scoped.county()?);
    let txn = db.begin().await?;
    rounds::claim_draft(&txn, round_id).await?;
    round_language::Entity::delete_many()
        .filter(scoped.on(
            round_language::Column::RoundId,
            round_language::Column::CountyId,
        ))
        .exec(&txn)
        .await?;
    round_translation::Entity::delete_many()
        .filter(scoped.on(
            round_translation::Column::RoundId,
            round_translation::Column::CountyId,
        ))
        .filter(round_translation::Column::Tag.is_not_in(tags.iter().cloned()))
        .exec(&txn)
        .await?;
    if !tags.is_empty() {
        round_language::Entity::insert_many(tags.iter().enumerate().map(|(i, t)| {
            round_language::ActiveModel {
                round_id: Set(round_id),
                tag: Set(t.clone()),
                position: Set(i as i32),
                county_id: Set(county_id),
            }
        }))
        .exec(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Replaces every text of the given languages with those of an imported
/// sheet (draft only): the sheet's languages are exactly as the sheet has
/// them afterwards, the other languages untouched.
pub async fn replace(
    db: &(impl ConnectionTrait + TransactionTrait),
    round: &Round,
    sheet_languages: &[String],
    texts: &Translations,
) -> Result<(), AppError> {
    let scoped = Rounds::one(round);
    let (round_id, county_id) = (round.id, scoped.county()?);
    let txn = db.begin().await?;
    rounds::claim_draft(&txn, round_id).await?;
    round_translation::Entity::delete_many()
        .filter(scoped.on(
            round_translation::Column::RoundId,
            round_translation::Column::CountyId,
        ))
        .filter(round_translation::Column::Tag.is_in(sheet_languages.iter().cloned()))
        .exec(&txn)
        .await?;
    let rows: Vec<round_translation::ActiveModel> = texts
        .iter()
        .filter(|((tag, _), _)| sheet_languages.contains(tag))
        .map(|((tag, key), t)| round_translation::ActiveModel {
            round_id: Set(round_id),
            tag: Set(tag.clone()),
            text_key: Set(key.clone()),
            source: Set(t.source.clone()),
            text: Set(t.text.clone()),
            county_id: Set(county_id),
        })
        .collect();
    // A few hundred texts per language; chunks stay under SQLite's bind limit.
    for chunk in rows.chunks(500) {
        round_translation::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// One language's current texts of one group's questionnaire by key, for
/// the respondent's page and the console's preview.
pub fn texts_for(
    group: RespondentGroup,
    q: &Questionnaire,
    tag: &str,
    all: &Translations,
) -> BTreeMap<String, String> {
    language::current_texts(&language::questionnaire_texts(group, q), tag, all)
}

/// The round's additional languages whose translation is complete (every
/// text translated from the Chinese the questionnaires have): the ones
/// respondents are offered.
pub async fn complete_languages(
    db: &impl ConnectionTrait,
    round: &Round,
) -> Result<Vec<String>, AppError> {
    let tags = languages(db, round).await?;
    if tags.is_empty() {
        return Ok(tags);
    }
    let detail = rounds::get(db, round.id).await?;
    let qs = questionnaires(db, &detail).await?;
    let all = load(db, round).await?;
    Ok(language::completeness(&needed(&qs), &tags, &all)
        .into_iter()
        .filter(|c| c.complete())
        .map(|c| c.language)
        .collect())
}
