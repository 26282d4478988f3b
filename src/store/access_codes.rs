//! One-time access codes of a link: generated in bulk, stored as keyed
//! hashes, consumed by the writer in its transaction (see `admission`).

use chrono::Utc;
use rand::Rng;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
    sea_query::Expr,
};
use std::collections::BTreeSet;

use crate::{
    entities::{access_code, link},
    error::AppError,
    keyed::Keyed,
};

/// Characters a printed code may use: no 0/O, 1/I/L look-alikes.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters per code: 31⁸ ≈ 8.5 × 10¹¹ possibilities.
pub const CODE_LEN: usize = 8;
/// Most codes a link may have.
pub const MAX_PER_LINK: u64 = 20_000;

/// What a code is worth on a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeState {
    Unused,
    Used,
    Unknown,
}

/// Normalises what a respondent typed: full-width letters (a Chinese input
/// method's) to ASCII, upper case, spaces and dashes dropped.
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// How a code is printed: `ABCD-EFGH`.
pub fn display(code: &str) -> String {
    let (a, b) = code.split_at(code.len() / 2);
    format!("{a}-{b}")
}

pub fn hash(keyed: &Keyed, link_id: i64, normalised: &str) -> String {
    keyed.hash("access_code", &[&link_id.to_string(), normalised])
}

fn random_code(rng: &mut impl Rng) -> String {
    (0..CODE_LEN)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// Creates `count` new codes and returns them in printable form; they are
/// never shown again.
pub async fn generate(
    db: &impl ConnectionTrait,
    keyed: &Keyed,
    link_id: i64,
    count: usize,
) -> Result<Vec<String>, AppError> {
    let (total, _) = counts(db, link_id).await?;
    if total + count as u64 > MAX_PER_LINK {
        return Err(AppError::invalid_field(
            "count",
            format!("每个链接最多{MAX_PER_LINK}个访问码，已有{total}个"),
        ));
    }
    let mut made: BTreeSet<String> = BTreeSet::new();
    // A clash with an existing code is astronomically rare (31⁸ codes); the
    // loop only tops up the ones a clash removed.
    while made.len() < count {
        let mut fresh: Vec<(String, String)> = {
            let mut rng = rand::rng();
            let mut v = BTreeSet::new();
            while v.len() < count - made.len() {
                let c = random_code(&mut rng);
                if !made.contains(&c) {
                    v.insert(c);
                }
            }
            v.into_iter()
                .map(|c| (hash(keyed, link_id, &c), c))
                .collect()
        };
        for chunk in fresh.clone().chunks(500) {
            let taken: BTreeSet<String> = access_code::Entity::find()
                .filter(access_code::Column::LinkId.eq(link_id))
                .filter(access_code::Column::CodeHash.is_in(chunk.iter().map(|(h, _)| h.clone())))
                .all(db)
                .await?
                .into_iter()
                .map(|c| c.code_hash)
                .collect();
            fresh.retain(|(h, _)| !taken.contains(h));
        }
        let now = Utc::now();
        let county_id: i64 = link::Entity::find_by_id(link_id)
            .select_only()
            .column(link::Column::CountyId)
            .into_tuple()
            .one(db)
            .await?
            .ok_or_else(|| AppError::not_found("链接不存在"))?;
        for chunk in fresh.chunks(500) {
            access_code::Entity::insert_many(chunk.iter().map(|(h, _)| access_code::ActiveModel {
                link_id: Set(link_id),
                county_id: Set(county_id),
                code_hash: Set(h.clone()),
                used: Set(false),
                created_at: Set(now),
                ..Default::default()
            }))
            .exec(db)
            .await?;
        }
        made.extend(fresh.into_iter().map(|(_, c)| c));
    }
    Ok(made.iter().map(|c| display(c)).collect())
}

/// (all codes, used codes) of a link.
pub async fn counts(db: &impl ConnectionTrait, link_id: i64) -> Result<(u64, u64), AppError> {
    let all = access_code::Entity::find()
        .filter(access_code::Column::LinkId.eq(link_id))
        .count(db)
        .await?;
    let used = access_code::Entity::find()
        .filter(access_code::Column::LinkId.eq(link_id))
        .filter(access_code::Column::Used.eq(true))
        .count(db)
        .await?;
    Ok((all, used))
}

/// A link with codes admits only respondents holding one.
pub async fn required(db: &impl ConnectionTrait, link_id: i64) -> Result<bool, AppError> {
    Ok(access_code::Entity::find()
        .filter(access_code::Column::LinkId.eq(link_id))
        .one(db)
        .await?
        .is_some())
}

pub async fn state(
    db: &impl ConnectionTrait,
    link_id: i64,
    code_hash: &str,
) -> Result<CodeState, AppError> {
    Ok(
        match access_code::Entity::find()
            .filter(access_code::Column::LinkId.eq(link_id))
            .filter(access_code::Column::CodeHash.eq(code_hash))
            .one(db)
            .await?
        {
            None => CodeState::Unknown,
            Some(c) if c.used => CodeState::Used,
            Some(_) => CodeState::Unused,
        },
    )
}

/// Uses up a code of a link (in `county`) for one submission; what the
/// code was worth before: `Unused` (this submission used it), `Used` or
/// `Unknown`.
pub async fn consume(
    txn: &impl ConnectionTrait,
    county: i64,
    link_id: i64,
    code_hash: &str,
) -> Result<CodeState, AppError> {
    use access_code::Column as C;
    let done = access_code::Entity::update_many()
        .col_expr(C::Used, Expr::value(true))
        .filter(C::CountyId.eq(county))
        .filter(C::LinkId.eq(link_id))
        .filter(C::CodeHash.eq(code_hash))
        .filter(C::Used.eq(false))
        .exec(txn)
        .await?;
    if done.rows_affected == 1 {
        return Ok(CodeState::Unused);
    }
    let exists = access_code::Entity::find()
        .filter(C::CountyId.eq(county))
        .filter(C::LinkId.eq(link_id))
        .filter(C::CodeHash.eq(code_hash))
        .one(txn)
        .await?
        .is_some();
    Ok(if exists {
        CodeState::Used
    } else {
        CodeState::Unknown
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_codes_are_normalised() {
        assert_eq!(normalise(" abcd-efgh "), "ABCDEFGH");
        assert_eq!(normalise("ＡＢＣＤ－２３４５"), "ABCD2345");
        assert_eq!(display("ABCDEFGH"), "ABCD-EFGH");
    }

    #[test]
    fn codes_use_only_the_unambiguous_alphabet() {
        let mut rng = rand::rng();
        for _ in 0..200 {
            let c = random_code(&mut rng);
            assert_eq!(c.len(), CODE_LEN);
            assert!(c.bytes().all(|b| ALPHABET.contains(&b)), "{c}");
            assert_eq!(normalise(&display(&c)), c);
        }
    }
}
