//! The valid responses of a round read once and folded under every
//! formula and reading: the what-if recomputation and the report's
//! sensitivity table. Reads only; the round is never changed.

use sea_orm::ConnectionTrait;
use std::collections::HashMap;

use super::{
    bulk::{self, Scope},
    reports::RoundData,
};
use crate::{
    domain::{tally::VALID, whatif::WhatIf},
    error::AppError,
};

/// Folds every valid response of the round into a [`WhatIf`]: from the
/// round's tallies (already in `data`; no query) when they keep the
/// middle-option counts, else by one scan of the round's responses
/// (tallies written before those counts were kept, until rebuilt; callers
/// hold a heavy-work permit).
pub async fn fold<'a>(
    db: &impl ConnectionTrait,
    data: &'a RoundData,
    min_n: u64,
) -> Result<WhatIf<'a>, AppError> {
    let mut w = WhatIf::new(&data.rule, &data.detail.groups, &data.questionnaires, min_n);
    let groups: HashMap<i64, _> = data.links.iter().map(|l| (l.id, l.group)).collect();
    if w.add_tallies(&data.tallies, |link| groups.get(&link).copied()) {
        return Ok(w);
    }
    fold_responses(db, data, min_n).await
}

/// Folds every valid response of the round into a [`WhatIf`] by one scan
/// of the round's responses (what [`fold`] does when the tallies do not
/// keep middle-option counts).
pub async fn fold_responses<'a>(
    db: &impl ConnectionTrait,
    data: &'a RoundData,
    min_n: u64,
) -> Result<WhatIf<'a>, AppError> {
    let mut w = WhatIf::new(&data.rule, &data.detail.groups, &data.questionnaires, min_n);
    let groups: HashMap<i64, _> = data.links.iter().map(|l| (l.id, l.group)).collect();
    bulk::each_response(
        db,
        Scope::Round(bulk::RoundKey::of(&data.detail.round)),
        |r| {
            if r.validity == VALID.code()
                && let Some(g) = groups.get(&r.link_id)
            {
                w.add(*g, r.answers);
            }
            Ok(())
        },
    )
    .await?;
    Ok(w)
}
