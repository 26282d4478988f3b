//! What reports are computed from: a round's rule, schools, links,
//! questionnaires and tallies (no response is read), and the one scan of
//! raw responses the integrity panel needs.

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::BTreeMap;

use crate::{
    domain::{
        group::RespondentGroup,
        integrity::{Burst, BurstRule, IdenticalStats, examine, scored_vector},
        questionnaire::{ItemKind, Questionnaire},
        report::{self, LinkInfo, Report, ReportInput, SchoolInfo},
        round::ScoringRule,
        school::Location,
        tally::{Tallies, VALID},
    },
    entities::{link, response, school},
    error::AppError,
    store::{
        rounds::{self, RoundDetail},
        tallies,
    },
};

/// A round with everything its report is computed from.
pub struct RoundData {
    pub detail: RoundDetail,
    pub rule: ScoringRule,
    pub schools: Vec<SchoolInfo>,
    pub links: Vec<LinkInfo>,
    pub questionnaires: BTreeMap<RespondentGroup, Questionnaire>,
    pub tallies: Tallies,
}

impl RoundData {
    pub fn input(&self, min_n: u64) -> ReportInput<'_> {
        ReportInput {
            rule: &self.rule,
            min_n,
            groups: &self.detail.groups,
            schools: &self.schools,
            links: &self.links,
            questionnaires: &self.questionnaires,
            tallies: &self.tallies,
        }
    }

    pub fn report(&self, min_n: u64) -> Report {
        report::compute(&self.input(min_n))
    }

    pub fn school(&self, id: Option<i64>) -> Option<&SchoolInfo> {
        id.and_then(|id| self.schools.iter().find(|s| s.id == id))
    }
}

/// Loads a round's report data: a handful of small queries.
pub async fn load(db: &impl ConnectionTrait, round_id: i64) -> Result<RoundData, AppError> {
    let detail = rounds::get(db, round_id).await?;
    let rule = detail.scoring_rule();
    let schools = school::Entity::find()
        .filter(school::Column::Id.is_in(detail.school_ids.clone()))
        .order_by_asc(school::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|s| SchoolInfo {
            id: s.id,
            location: Location::from_code(&s.location).unwrap_or(Location::Urban),
            enrolment: i64::from(s.primary_students) + i64::from(s.junior_students),
            code: s.code,
            name: s.name,
        })
        .collect();
    let links = link::Entity::find()
        .filter(link::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|l| {
            RespondentGroup::from_code(&l.respondent_group).map(|group| LinkInfo {
                id: l.id,
                school_id: l.school_id,
                group,
            })
        })
        .collect();
    let mut questionnaires = BTreeMap::new();
    for g in &detail.groups {
        questionnaires.insert(*g, rounds::questionnaire(db, round_id, *g).await?);
    }
    let tallies = tallies::load(db, round_id, false).await?;
    Ok(RoundData {
        detail,
        rule,
        schools,
        links,
        questionnaires,
        tallies,
    })
}

/// When each valid response of a link arrived, and its scored answers.
type Arrivals = Vec<(DateTime<Utc>, String)>;

/// Identical answer vectors and bursts among one link's valid responses.
pub struct LinkIntegrity {
    pub link: LinkInfo,
    pub stats: IdenticalStats,
    pub bursts: Vec<Burst>,
}

/// Examines the valid responses of a round link by link. Streams them in
/// link order; only one link's (vector, time) pairs are held at a time.
pub async fn integrity(
    db: &DatabaseConnection,
    data: &RoundData,
    rule: BurstRule,
) -> Result<Vec<LinkIntegrity>, AppError> {
    let scored: BTreeMap<RespondentGroup, Vec<usize>> = data
        .questionnaires
        .iter()
        .map(|(g, q)| {
            let positions = q
                .items
                .iter()
                .enumerate()
                .filter(|(_, i)| i.kind == ItemKind::Scored)
                .map(|(n, _)| n);
            (*g, positions.collect())
        })
        .collect();
    let links: BTreeMap<i64, LinkInfo> = data.links.iter().map(|l| (l.id, *l)).collect();
    use response::Column as C;
    let mut stream = response::Entity::find()
        .select_only()
        .columns([C::LinkId, C::SubmittedAt, C::Answers])
        .filter(C::RoundId.eq(data.detail.round.id))
        .filter(C::Validity.eq(VALID))
        .order_by_asc(C::LinkId)
        .order_by_asc(C::Id)
        .into_tuple::<(i64, DateTime<Utc>, String)>()
        .stream(db)
        .await?;
    let mut out = Vec::new();
    let mut current: Option<(LinkInfo, Arrivals)> = None;
    let finish = |out: &mut Vec<LinkIntegrity>, cur: Option<(LinkInfo, Arrivals)>| {
        if let Some((link, arrivals)) = cur {
            let (stats, bursts) = examine(&arrivals, rule);
            out.push(LinkIntegrity {
                link,
                stats,
                bursts,
            });
        }
    };
    while let Some((link_id, at, answers)) = stream.try_next().await? {
        let Some(link) = links.get(&link_id) else {
            continue;
        };
        if current.as_ref().is_none_or(|(l, _)| l.id != link_id) {
            finish(&mut out, current.take());
            current = Some((*link, Vec::new()));
        }
        let positions = scored
            .get(&link.group)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some((_, arrivals)) = current.as_mut() {
            arrivals.push((at, scored_vector(&answers, positions)));
        }
    }
    finish(&mut out, current.take());
    Ok(out)
}
