//! Rounds: created, edited while a draft, opened, closed, deleted; their
//! questionnaires and sampling quotas.
//!
//! A round that is a county's part of an assessment run from above shares
//! its settings with the other parts: changing its window, rule or
//! questionnaire, opening or closing it, does the same to every part in
//! the same transaction (the auth layer lets only accounts at or above the
//! assessment's node do so). Quotas, links and deletion stay per part.

use super::{Actor, Change, Ctx};
use crate::{
    domain::{group::RespondentGroup, questionnaire::Questionnaire},
    error::AppError,
    store::{
        self,
        quotas::QuotaChange,
        rounds::{RoundDetail, RoundSpec},
    },
};

fn target(id: i64) -> String {
    format!("round:{id}")
}

/// The other parts of the assessment a round belongs to (none for a
/// county's own round).
async fn siblings(change: &Change<'_>, id: i64) -> Result<Vec<i64>, AppError> {
    let mut all = store::assessments::siblings(change.db(), id).await?;
    all.retain(|r| *r != id);
    Ok(all)
}

/// Creates a draft round with its questionnaires (copied from the
/// templates) and links.
pub async fn create(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    county: i64,
    created_by: i64,
    spec: &RoundSpec,
) -> Result<RoundDetail, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let d = store::rounds::create(change.db(), county, spec, created_by).await?;
    let name = d.round.name.clone();
    change
        .commit("round.create", target(d.round.id), name)
        .await?;
    Ok(d)
}

/// Changes a draft round; refused once it is open.
pub async fn update(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    id: i64,
    spec: &RoundSpec,
) -> Result<RoundDetail, AppError> {
    let mut change = Change::begin(ctx, actor).await?;
    let d = store::rounds::update(change.db(), id, spec).await?;
    for other in siblings(&change, id).await? {
        // Each part keeps its own county's schools.
        let mine = store::rounds::get(change.db(), other).await?;
        let spec = RoundSpec {
            school_ids: spec.school_ids.as_ref().map(|_| mine.school_ids.clone()),
            ..spec.clone()
        };
        store::rounds::update(change.db(), other, &spec).await?;
    }
    change.links_changed();
    let name = d.round.name.clone();
    change.commit("round.update", target(id), name).await?;
    Ok(d)
}

/// Deletes a draft round.
pub async fn delete(ctx: Ctx<'_>, actor: Actor<'_>, id: i64) -> Result<(), AppError> {
    let mut change = Change::begin(ctx, actor).await?;
    change.in_county(
        store::scope::Rounds::read(change.db(), id)
            .await?
            .county()?,
    );
    store::rounds::delete_draft(change.db(), id).await?;
    change.links_changed();
    change.commit("round.delete", target(id), "").await
}

/// Opens a draft round: its questionnaires, schools and rule freeze.
pub async fn open(ctx: Ctx<'_>, actor: Actor<'_>, id: i64) -> Result<RoundDetail, AppError> {
    let mut change = Change::begin(ctx, actor).await?;
    let d = store::rounds::open(change.db(), id).await?;
    for other in siblings(&change, id).await? {
        store::rounds::open(change.db(), other).await?;
    }
    change.links_changed();
    change.commit("round.open", target(id), "").await?;
    Ok(d)
}

/// Closes an open round; the marks of devices that answered it go.
pub async fn close(ctx: Ctx<'_>, actor: Actor<'_>, id: i64) -> Result<RoundDetail, AppError> {
    let mut change = Change::begin(ctx, actor).await?;
    let d = store::rounds::close(change.db(), id).await?;
    for other in siblings(&change, id).await? {
        store::rounds::close(change.db(), other).await?;
    }
    change.links_changed();
    change.commit("round.close", target(id), "").await?;
    Ok(d)
}

/// Replaces a group's questionnaire while the round is a draft.
pub async fn put_questionnaire(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    id: i64,
    group: RespondentGroup,
    q: &Questionnaire,
) -> Result<(), AppError> {
    let change = Change::begin(ctx, actor).await?;
    store::rounds::put_questionnaire(change.db(), id, group, q).await?;
    for other in siblings(&change, id).await? {
        store::rounds::put_questionnaire(change.db(), other, group, q).await?;
    }
    let target = format!("round:{id}/{}", group.label_zh());
    change.commit("questionnaire.update", target, "").await
}

/// Overrides (or, with no quota, restores) sampling quotas of a round.
pub async fn put_quotas(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    id: i64,
    changes: &[QuotaChange],
) -> Result<(), AppError> {
    let change = Change::begin(ctx, actor).await?;
    let round = store::scope::Rounds::read(change.db(), id).await?;
    store::quotas::apply(change.db(), &round, changes).await?;
    let detail = changes
        .iter()
        .map(|c| {
            let school = c
                .school_id
                .map(|s| format!("school:{s}/"))
                .unwrap_or_default();
            let quota = c.quota.map(|q| q.to_string()).unwrap_or("-".into());
            format!("{school}{}={quota}", c.group.code())
        })
        .collect::<Vec<_>>()
        .join(" ");
    change.commit("quotas.update", target(id), detail).await
}

/// Replaces a round's tallies with a recomputation from its responses
/// (writers wait meanwhile); returns how the stored ones differed.
pub async fn rebuild_tallies(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    id: i64,
) -> Result<store::recompute::TallyCheck, AppError> {
    let change = Change::begin(ctx, actor).await?;
    let rebuilt = store::recompute::rebuild_in(change.db(), id).await?;
    let detail = format!("responses={}", rebuilt.responses());
    change.commit("tallies.rebuild", target(id), detail).await?;
    Ok(rebuilt.compare())
}
