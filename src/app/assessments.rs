//! Assessments run from above: one assessment over chosen counties, each
//! county's part an ordinary draft round with its links, all made with the
//! audit entry in one transaction.

use super::{Actor, Change, Ctx};
use crate::{
    domain::assessment::Assessment,
    error::AppError,
    store::{self, rounds::RoundSpec},
};

/// Creates the assessment at `region` and one draft round per county (every
/// school of the county taking part when a group answers at school), with
/// the same questionnaires, scale, rule and window. Nothing is stored if any
/// part is refused.
pub async fn create(
    ctx: Ctx<'_>,
    actor: Actor<'_>,
    region: i64,
    counties: &[i64],
    created_by: i64,
    spec: &RoundSpec,
) -> Result<(Assessment, Vec<i64>), AppError> {
    let change = Change::begin(ctx, actor).await?;
    let a = store::assessments::insert(change.db(), region, &spec.name, spec.purpose, created_by)
        .await?;
    // Every school of each county when a group answers at school; none
    // when every group answers at county level (deputies and the like).
    let at_school = spec.groups.iter().any(|g| g.is_school_bound());
    let spec = RoundSpec {
        school_ids: if at_school { None } else { Some(Vec::new()) },
        ..spec.clone()
    };
    let mut rounds = Vec::new();
    for county in counties {
        let d = store::rounds::create(change.db(), *county, &spec, created_by).await?;
        store::assessments::attach(change.db(), d.round.id, a.id).await?;
        rounds.push(d.round.id);
    }
    let detail = format!(
        "{}; counties={}; rounds={}",
        a.name,
        counties
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(","),
        rounds
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    change
        .commit("assessment.create", format!("assessment:{}", a.id), detail)
        .await?;
    Ok((a, rounds))
}
