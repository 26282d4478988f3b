//! What an account reads of an assessment: its parts in the account's
//! scope, and the county comparison built from each part's own report
//! (`store::reports`, domain scoring) and sampling plan, with the region's
//! summary computed from all shown parts' tallies together.

use super::{
    assessment_types::{
        AssessmentComparisonOut, AssessmentOut, AssessmentPartOut, CountyPartOut, RegionSummaryOut,
        SchoolBelowOut,
    },
    report_types::RateOut,
    reports::county_facts,
    rounds::RoundSummary,
    sampling_types::ProgressOut,
    sampling_types::sampling_out,
};
use crate::{
    auth::{CurrentUser, Role},
    domain::{
        assessment::{Assessment, may_change_part, pooled},
        county::County,
        region::weakest_first,
        round::THRESHOLD,
        sampling::Overrides,
        scoring::{Verdict, describe_rule},
    },
    error::AppError,
    state::AppState,
    store::{self, assessments::Part, reports as data},
};

/// An assessment with the parts the account reads; 404 when it reads none
/// (another region's assessment is as unknown as a missing one).
pub struct Visible {
    pub assessment: Assessment,
    pub parts: Vec<Part>,
    pub out: AssessmentOut,
}

pub struct Names {
    regions: Vec<store::regions::RegionRow>,
    profiles: Vec<County>,
}

impl Names {
    pub async fn load(state: &AppState) -> Result<Self, AppError> {
        Ok(Self {
            regions: store::regions::list(&state.db).await?,
            profiles: store::county::all(&state.db).await?,
        })
    }
    pub fn county(&self, c: i64) -> (String, Option<String>) {
        let node = self.regions.iter().find(|r| r.county_id == Some(c));
        let name = self
            .profiles
            .iter()
            .find(|p| p.id == c && p.profile_set)
            .map(|p| p.name.clone())
            .or_else(|| node.map(|n| n.node.name.clone()))
            .unwrap_or_default();
        (name, node.and_then(|n| n.node.code.clone()))
    }
    /// The county's profile, if entered.
    pub fn profile(&self, c: i64) -> Option<&County> {
        self.profiles.iter().find(|p| p.id == c && p.profile_set)
    }
    pub fn region(&self, id: i64) -> String {
        self.regions
            .iter()
            .find(|r| r.node.id == id)
            .map(|r| r.node.name.clone())
            .unwrap_or_default()
    }
}

impl From<&Part> for RoundSummary {
    fn from(r: &Part) -> Self {
        Self {
            id: r.id,
            name: r.name.clone(),
            purpose: r.purpose.into(),
            status: r.status.into(),
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            county_id: r.county_id,
            assessment_id: Some(r.assessment_id),
        }
    }
}

fn out(a: &Assessment, parts: &[Part], names: &Names, editable: bool) -> AssessmentOut {
    AssessmentOut {
        id: a.id,
        name: a.name.clone(),
        purpose: a.purpose.into(),
        region_id: a.region_id,
        region_name: names.region(a.region_id),
        created_at: a.created_at,
        editable,
        parts: parts
            .iter()
            .map(|r| {
                let c = r.county_id;
                let (county_name, code) = names.county(c);
                AssessmentPartOut {
                    county_id: c,
                    county_name,
                    code,
                    round: RoundSummary::from(r),
                }
            })
            .collect(),
    }
}

async fn editable(state: &AppState, who: &CurrentUser, a: &Assessment) -> Result<bool, AppError> {
    if who.role < Role::Organiser {
        return Ok(false);
    }
    let nodes = store::scope::nodes(&state.db).await?;
    Ok(may_change_part(
        &nodes,
        who.node,
        who.role == Role::Admin,
        a.region_id,
    ))
}

/// The assessment as the account reads it.
pub async fn visible(state: &AppState, who: &CurrentUser, id: i64) -> Result<Visible, AppError> {
    let assessment = store::assessments::get(&state.db, id).await?;
    let parts: Vec<Part> = store::assessments::parts(&state.db, id)
        .await?
        .into_iter()
        .filter(|r| who.scope.contains(r.county_id))
        .collect();
    if parts.is_empty() {
        return Err(AppError::not_found("评估不存在"));
    }
    let names = Names::load(state).await?;
    let editable = editable(state, who, &assessment).await?;
    let out = out(&assessment, &parts, &names, editable);
    Ok(Visible {
        assessment,
        parts,
        out,
    })
}

/// Every assessment with a part the account reads, newest first.
pub async fn list(state: &AppState, who: &CurrentUser) -> Result<Vec<AssessmentOut>, AppError> {
    let names = Names::load(state).await?;
    let mut all = Vec::new();
    for a in store::assessments::list(&state.db, who.scope.ids()).await? {
        let parts: Vec<Part> = store::assessments::parts(&state.db, a.id)
            .await?
            .into_iter()
            .filter(|r| who.scope.contains(r.county_id))
            .collect();
        let editable = editable(state, who, &a).await?;
        all.push(out(&a, &parts, &names, editable));
    }
    Ok(all)
}

fn total_progress(count: u64, quota: Option<i64>) -> ProgressOut {
    ProgressOut {
        count,
        quota,
        percent: quota
            .filter(|q| *q > 0)
            .map(|q| count as f64 / q as f64 * 100.0),
    }
}

/// One county's figures in a comparison: its round's own report (rate
/// with n, interval, verdict, small-n mark), its schools below 85% weakest
/// first, and its valid responses against its sampling plan (`overrides`:
/// the round's own quotas). `rank` is left 0 for the caller's ordering.
pub fn county_part(
    state: &AppState,
    names: &Names,
    d: &data::RoundData,
    overrides: &Overrides,
) -> CountyPartOut {
    let min_n = state.settings.report_min_n;
    let report = d.report(min_n);
    let c = d.detail.round.county_id;
    let facts = county_facts(names.profile(c));
    let sampling = sampling_out(d, &facts, overrides, min_n);
    let (county_name, code) = names.county(c);
    let mut below: Vec<SchoolBelowOut> = report
        .schools
        .iter()
        .filter(|(_, e)| Verdict::of(e) == Verdict::Fail)
        .map(|(s, e)| SchoolBelowOut {
            school_id: s.id,
            code: s.code.clone(),
            name: s.name.clone(),
            rate: RateOut::from(e),
        })
        .collect();
    below.sort_by(|a, b| {
        a.rate
            .rate
            .unwrap_or(0.0)
            .total_cmp(&b.rate.rate.unwrap_or(0.0))
    });
    CountyPartOut {
        rank: 0,
        county_id: c,
        county_name,
        code,
        round: RoundSummary::from(&d.detail.round),
        overall: RateOut::from(&report.overall),
        verdict: report.verdict.into(),
        verdict_label: report.verdict.label_zh().to_string(),
        precision_note: report.precision.note.as_ref().map(|(zh, _)| zh.clone()),
        responses: report.totals.responses,
        valid: report.totals.valid,
        schools: report.schools.len() as u32,
        schools_below: below,
        progress: sampling.total,
        parent_share: sampling.parent_share,
    }
}

/// Each round's comparison row, its data loaded for all of them at once
/// (a fixed number of queries whatever the number of counties), in the
/// order of `round_ids`, with the data for the region's summary.
pub async fn county_parts(
    state: &AppState,
    names: &Names,
    round_ids: &[i64],
) -> Result<(Vec<CountyPartOut>, Vec<data::RoundData>), AppError> {
    let loaded = data::load_many(&state.db, round_ids, data::Contents::Headline).await?;
    let scoped = store::scope::Rounds::new(
        loaded
            .iter()
            .map(|d| (d.detail.round.id, d.detail.round.county_id)),
    );
    let mut quotas = store::quotas::load_many(&state.db, &scoped).await?;
    let rows = loaded
        .iter()
        .map(|d| {
            let overrides = quotas.remove(&d.detail.round.id).unwrap_or_default();
            county_part(state, names, d, &overrides)
        })
        .collect();
    Ok((rows, loaded))
}

/// Ranks rows weakest first (1 = weakest; counties without a rate last).
pub fn rank_weakest_first(rows: &mut [CountyPartOut]) {
    weakest_first(rows, |r| (r.overall.rate, r.county_id));
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i as u32 + 1;
    }
}

/// Valid responses against the sum of the plans (unknown when a county
/// has no plan).
pub fn total_progress_of(rows: &[CountyPartOut]) -> ProgressOut {
    let planned: Option<i64> = rows.iter().map(|r| r.progress.quota).sum();
    let valid: u64 = rows.iter().map(|r| r.progress.count).sum();
    total_progress(valid, planned)
}

/// The county-by-county comparison of the parts the account reads.
pub async fn comparison(state: &AppState, v: Visible) -> Result<AssessmentComparisonOut, AppError> {
    let min_n = state.settings.report_min_n;
    let names = Names::load(state).await?;
    let ids: Vec<i64> = v.parts.iter().map(|r| r.id).collect();
    let (mut rows, loaded) = county_parts(state, &names, &ids).await?;
    rank_weakest_first(&mut rows);
    let inputs: Vec<_> = loaded.iter().map(|d| d.input(min_n)).collect();
    let region =
        pooled(&inputs).ok_or_else(|| AppError::Unexpected("assessment without parts".into()))?;
    let rule = loaded
        .first()
        .map(|d| describe_rule(&d.rule))
        .unwrap_or_default();
    let summary = RegionSummaryOut {
        overall: RateOut::from(&region.overall),
        verdict: region.verdict.into(),
        verdict_label: region.verdict.label_zh().to_string(),
        responses: region.totals.responses,
        valid: region.totals.valid,
        counties: rows.len() as u32,
        counties_pass: passing(&rows),
        schools: rows.iter().map(|r| r.schools).sum(),
        schools_below: rows.iter().map(|r| r.schools_below.len() as u32).sum(),
        progress: total_progress_of(&rows),
    };
    Ok(AssessmentComparisonOut {
        assessment: v.out,
        rule,
        summary_method: "全区汇总认可率：把各县的全部有效问卷合在一起，按本轮计算规则计算（每位答卷人计一次），不是各县认可率的平均数；区间、样本量同此。".to_string(),
        threshold: THRESHOLD,
        summary,
        counties: rows,
    })
}

/// How many of the rows pass (达标).
pub fn passing(rows: &[CountyPartOut]) -> u32 {
    rows.iter()
        .filter(|r| r.verdict_label == Verdict::Pass.label_zh())
        .count() as u32
}
