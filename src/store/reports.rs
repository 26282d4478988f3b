//! What reports are computed from: a round's rule, schools, links,
//! questionnaires and tallies (no response is read), and the one scan of
//! raw responses the integrity panel needs.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};

use crate::{
    domain::{
        collection::{CollectionMode, ModeClass},
        group::RespondentGroup,
        integrity::{
            Burst, BurstRule, IdenticalStats, examine, pack_vector, scored_vector, unpack_vector,
        },
        questionnaire::{ItemKind, Questionnaire},
        report::{self, LinkInfo, Report, ReportInput, SchoolInfo},
        round::ScoringRule,
        school::Location,
        submission::Validity,
        tally::{Tallies, VALID},
    },
    entities::{link, response, round_school, school},
    error::AppError,
    store::{
        bulk::{self, Scope},
        rounds::{self, RoundDetail},
        scope::Rounds,
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
    /// The round's additional languages.
    pub languages: Vec<String>,
    /// Valid responses from a shared household phone, by link.
    pub shared: HashMap<i64, u64>,
    /// Responses by collection mode, validity and judged answers.
    pub modes: Vec<ModeClass>,
    /// Paper sheets by entry state (`store::paper::status`).
    pub sheets: Vec<(String, i64)>,
    /// The round's room sessions (oldest first) with their answers.
    pub rooms: Vec<(super::rooms::RoomSession, super::rooms::SessionCounts)>,
    /// The responses of paper sheets keyed twice (matched or resolved), as
    /// `modes` classes them.
    pub paper_double: Vec<ModeClass>,
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

/// How much of a round's report a load must support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contents {
    /// Everything: the rates per item too (a round's report).
    Full,
    /// The rates overall, per group, per school and per location, the
    /// totals and the verdict — what a comparison row shows. The option
    /// counts (the largest tally table) are read only for rounds whose
    /// formula computes the rate from them ([`Formula::counts_answers`]);
    /// the other rounds' item rates come out empty, so such data must never
    /// make a report shown or exported as a round's own.
    ///
    /// [`Formula::counts_answers`]: crate::domain::round::Formula::counts_answers
    Headline,
}

/// Loads a round's report data: a handful of small queries.
pub async fn load(db: &impl ConnectionTrait, round_id: i64) -> Result<RoundData, AppError> {
    load_many(db, &[round_id], Contents::Full)
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("测评轮次不存在"))
}

/// Loads the report data of several rounds (a comparison's counties), in
/// the order of `round_ids`, in a fixed number of queries whatever their
/// number: one per table, over all the rounds at once. Any id that is no
/// round: 404.
pub async fn load_many(
    db: &impl ConnectionTrait,
    round_ids: &[i64],
    contents: Contents,
) -> Result<Vec<RoundData>, AppError> {
    let details = rounds::get_many(db, round_ids).await?;
    if details.len() != round_ids.len() {
        return Err(AppError::not_found("测评轮次不存在"));
    }
    // Every query below reads child rows of these rounds: by round and
    // county (`scope::Rounds`).
    let scoped = Rounds::new(details.iter().map(|d| (d.round.id, d.round.county_id)));
    let mut schools = schools_of(db, &scoped).await?;
    let mut links: HashMap<i64, Vec<LinkInfo>> = HashMap::new();
    for l in link::Entity::find()
        .filter(scoped.on(link::Column::RoundId, link::Column::CountyId))
        .all(db)
        .await?
    {
        if let Some(group) = RespondentGroup::from_code(&l.respondent_group) {
            links.entry(l.round_id).or_default().push(LinkInfo {
                id: l.id,
                school_id: l.school_id,
                group,
            });
        }
    }
    let mut questionnaires = rounds::questionnaires_many(db, &scoped).await?;
    let counted_by_answer = match contents {
        Contents::Full => scoped.clone(),
        Contents::Headline => Rounds::new(
            details
                .iter()
                .filter(|d| d.scoring_rule().formula.counts_answers())
                .map(|d| (d.round.id, d.round.county_id)),
        ),
    };
    let mut tallies =
        tallies::load_many(db, &scoped, tallies::OptionRows::Valid(&counted_by_answer)).await?;
    let mut shared = shared_by_link(db, &scoped).await?;
    let mut languages = super::translations::languages_many(db, &scoped).await?;
    let mut paper_double = double_entered_classes(db, &scoped).await?;
    let mut sheets = super::paper::counts_many(db, &scoped).await?;
    let mut rooms = super::rooms::with_counts_many(db, &scoped).await?;
    let mut out = Vec::with_capacity(details.len());
    for detail in details {
        let id = detail.round.id;
        let mut own = questionnaires.remove(&id).unwrap_or_default();
        let mut by_group = BTreeMap::new();
        for g in &detail.groups {
            let q = own
                .remove(g)
                .ok_or_else(|| AppError::not_found(format!("本轮没有“{}”问卷", g.label_zh())))?;
            by_group.insert(*g, q);
        }
        let tallies = tallies.remove(&id).unwrap_or_default();
        let mut rooms = rooms.remove(&id).unwrap_or_default();
        rooms.reverse();
        out.push(RoundData {
            rule: detail.scoring_rule(),
            schools: schools.remove(&id).unwrap_or_default(),
            links: links.remove(&id).unwrap_or_default(),
            questionnaires: by_group,
            modes: mode_classes(&tallies),
            tallies,
            languages: languages.remove(&id).unwrap_or_default(),
            shared: shared.remove(&id).unwrap_or_default(),
            sheets: sheets.remove(&id).unwrap_or_default(),
            rooms,
            paper_double: paper_double.remove(&id).unwrap_or_default(),
            detail,
        });
    }
    Ok(out)
}

/// A round's responses by collection mode, validity and judged answers,
/// with the sums a rate needs, summed over links from the round's mode
/// tallies (no response is read).
pub fn mode_classes(tallies: &Tallies) -> Vec<ModeClass> {
    let mut by_class: BTreeMap<(CollectionMode, Validity, i32), ModeClass> = BTreeMap::new();
    for (k, s) in &tallies.modes {
        let c = by_class
            .entry((k.mode, k.validity, k.judged))
            .or_insert(ModeClass {
                mode: k.mode,
                valid: k.validity == VALID,
                judged: i64::from(k.judged),
                responses: 0,
                recognised: 0,
                points: 0,
                points_sq: 0,
            });
        c.responses += s.responses;
        c.recognised += s.recognised;
        c.points += s.points;
        c.points_sq += s.points_sq;
    }
    by_class.into_values().collect()
}

/// The responses of paper sheets keyed twice (matched or resolved), as
/// [`mode_classes`] classes them, by round: read through the sheets'
/// client ids (unique), so only those responses are touched.
pub async fn double_entered_classes(
    db: &impl ConnectionTrait,
    rounds: &Rounds,
) -> Result<HashMap<i64, Vec<ModeClass>>, AppError> {
    use crate::{entities::paper_sheet, store::paper::status};
    use response::Column as C;
    use sea_orm::{
        QuerySelect,
        sea_query::{Expr, ExprTrait},
    };
    let sheets = sea_orm::sea_query::Query::select()
        .column(paper_sheet::Column::ResponseClientId)
        .from(paper_sheet::Entity)
        .cond_where(rounds.on(paper_sheet::Column::RoundId, paper_sheet::Column::CountyId))
        .and_where(paper_sheet::Column::Status.is_in([status::MATCHED, status::RESOLVED]))
        .and_where(paper_sheet::Column::ResponseClientId.is_not_null())
        .to_owned();
    type Row = (i64, String, i32, i64, Option<i64>, Option<i64>, Option<i64>);
    let rows: Vec<Row> = response::Entity::find()
        .select_only()
        .column(C::RoundId)
        .column(C::Validity)
        .column(C::Judged)
        .column_as(Expr::col(C::Id).count(), "n")
        // SUM of an integer column is a bigint on PostgreSQL too.
        .column_as(Expr::col(C::Recognised).sum(), "recognised")
        .column_as(Expr::col(C::Points).sum(), "points")
        .column_as(
            Expr::col(C::Points).mul(Expr::col(C::Points)).sum(),
            "points_sq",
        )
        .filter(C::ClientId.in_subquery(sheets))
        .filter(rounds.on(C::RoundId, C::CountyId))
        .filter(C::CollectionMode.eq(CollectionMode::Paper.code()))
        .group_by(C::RoundId)
        .group_by(C::Validity)
        .group_by(C::Judged)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<ModeClass>> = HashMap::new();
    for (round_id, validity, judged, n, recognised, points, points_sq) in rows {
        out.entry(round_id).or_default().push(ModeClass {
            mode: CollectionMode::Paper,
            valid: validity == VALID.code(),
            judged: i64::from(judged),
            responses: n,
            recognised: recognised.unwrap_or(0),
            points: points.unwrap_or(0),
            points_sq: points_sq.unwrap_or(0),
        });
    }
    Ok(out)
}

/// Valid responses from a shared household phone, by round and link (read
/// through the (round, shared_device, link) index: only the shared rows).
pub async fn shared_by_link(
    db: &impl ConnectionTrait,
    rounds: &Rounds,
) -> Result<HashMap<i64, HashMap<i64, u64>>, AppError> {
    use response::Column as C;
    use sea_orm::{
        QuerySelect,
        sea_query::{Expr, ExprTrait},
    };
    let rows: Vec<(i64, i64, i64)> = response::Entity::find()
        .select_only()
        .column(C::RoundId)
        .column(C::LinkId)
        .column_as(Expr::col(C::Id).count(), "n")
        .filter(rounds.on(C::RoundId, C::CountyId))
        .filter(C::SharedDevice.eq(true))
        .filter(C::Validity.eq(VALID.code()))
        .group_by(C::RoundId)
        .group_by(C::LinkId)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, HashMap<i64, u64>> = HashMap::new();
    for (round_id, link, n) in rows {
        out.entry(round_id)
            .or_default()
            .insert(link, u64::try_from(n).unwrap_or(0));
    }
    Ok(out)
}

/// The rounds' schools as reports see them, by round: as they were when
/// the round opened (the copy kept with the round), or as they are now for
/// a draft (the only case that reads the schools themselves).
async fn schools_of(
    db: &impl ConnectionTrait,
    rounds: &Rounds,
) -> Result<HashMap<i64, Vec<SchoolInfo>>, AppError> {
    let kept = round_school::Entity::find()
        .filter(rounds.on(
            round_school::Column::RoundId,
            round_school::Column::CountyId,
        ))
        .all(db)
        .await?;
    let unfrozen: Vec<i64> = kept
        .iter()
        .filter(|r| r.school_code.is_none() || r.school_name.is_none())
        .map(|r| r.school_id)
        .collect();
    let live: HashMap<i64, school::Model> = if unfrozen.is_empty() {
        HashMap::new()
    } else {
        school::Entity::find()
            .filter(school::Column::Id.is_in(unfrozen))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect()
    };
    let mut out: HashMap<i64, Vec<SchoolInfo>> = HashMap::new();
    for r in kept {
        let round_id = r.round_id;
        let info = match (r.school_code, r.school_name) {
            (Some(code), Some(name)) => Some(SchoolInfo {
                id: r.school_id,
                code,
                name,
                location: r
                    .location
                    .as_deref()
                    .and_then(Location::from_code)
                    .unwrap_or(Location::Urban),
                enrolment: i64::from(r.primary_students.unwrap_or(0))
                    + i64::from(r.junior_students.unwrap_or(0)),
                primary: i64::from(r.primary_students.unwrap_or(0)),
                junior: i64::from(r.junior_students.unwrap_or(0)),
                teachers: r.teachers.map(i64::from),
            }),
            _ => live.get(&r.school_id).map(|s| SchoolInfo {
                id: s.id,
                location: Location::from_code(&s.location).unwrap_or(Location::Urban),
                enrolment: i64::from(s.primary_students) + i64::from(s.junior_students),
                primary: i64::from(s.primary_students),
                junior: i64::from(s.junior_students),
                teachers: Some(i64::from(s.teachers)),
                code: s.code.clone(),
                name: s.name.clone(),
            }),
        };
        if let Some(info) = info {
            out.entry(round_id).or_default().push(info);
        }
    }
    for schools in out.values_mut() {
        schools.sort_by(|a, b| a.code.cmp(&b.code));
    }
    Ok(out)
}

/// When each valid response of a link arrived, and its scored answers.
type Arrivals = Vec<(DateTime<Utc>, String)>;

/// Identical answer vectors and bursts among one link's valid responses.
pub struct LinkIntegrity {
    pub link: LinkInfo,
    pub stats: IdenticalStats,
    pub bursts: Vec<Burst>,
}

/// One link's valid responses as the scan gathers them: packed (32 bytes
/// each) while every vector fits, as text otherwise.
enum Gathered {
    Packed(Vec<(i64, u128)>),
    Plain(Arrivals),
}

fn instant(unix_seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(unix_seconds, 0).unwrap_or_default()
}

impl Gathered {
    fn push(&mut self, at: i64, answers: &str, positions: &[usize]) {
        if let Gathered::Packed(packed) = self {
            match pack_vector(answers, positions) {
                Some(bits) => return packed.push((at, bits)),
                None => {
                    let plain = packed
                        .drain(..)
                        .map(|(t, bits)| (instant(t), unpack_vector(bits, positions.len())))
                        .collect();
                    *self = Gathered::Plain(plain);
                }
            }
        }
        if let Gathered::Plain(plain) = self {
            plain.push((instant(at), scored_vector(answers, positions)));
        }
    }

    fn arrivals(self, positions: &[usize]) -> Arrivals {
        match self {
            Gathered::Packed(packed) => packed
                .into_iter()
                .map(|(t, bits)| (instant(t), unpack_vector(bits, positions.len())))
                .collect(),
            Gathered::Plain(plain) => plain,
        }
    }
}

/// The integrity scan of a round, apart by how the responses were
/// collected: identical phone answers, identical keyed sheets and identical
/// interviews are different signals and never mixed.
#[derive(Default)]
pub struct Integrity {
    /// Phone (web) answers: identical vectors and bursts.
    pub phone: Vec<LinkIntegrity>,
    /// Keyed paper sheets: identical sheets of one link (a sheet keyed
    /// twice, photocopies). Bursts are not looked for: keying is bursty.
    pub paper: Vec<LinkIntegrity>,
    /// On-site interviews: identical interviews of one link (uploaded in
    /// batches, so no bursts either).
    pub interview: Vec<LinkIntegrity>,
}

/// Examines the valid responses of a round, link by link and source by
/// source, from one read of the round in table order (reading link by link
/// was a random page read per response on a large round).
pub async fn integrity(
    db: &DatabaseConnection,
    data: &RoundData,
    rule: BurstRule,
) -> Result<Integrity, AppError> {
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
    let none: &[usize] = &[];
    let positions = |link: &LinkInfo| scored.get(&link.group).map_or(none, Vec::as_slice);
    let links: HashMap<i64, &LinkInfo> = data.links.iter().map(|l| (l.id, l)).collect();
    let mut gathered: HashMap<(CollectionMode, i64), (&LinkInfo, Gathered)> = HashMap::new();
    bulk::each_response(
        db,
        Scope::Round(bulk::RoundKey::of(&data.detail.round)),
        |r| {
            if r.validity == VALID.code() {
                let mode =
                    CollectionMode::from_code(r.collection_mode).unwrap_or(CollectionMode::Web);
                if let Some(link) = links.get(&r.link_id) {
                    let (link, g) = gathered
                        .entry((mode, r.link_id))
                        .or_insert_with(|| (link, Gathered::Packed(Vec::new())));
                    g.push(r.submitted_at, r.answers, positions(link));
                }
            }
            Ok(())
        },
    )
    .await?;
    let mut gathered: Vec<((CollectionMode, i64), (&LinkInfo, Gathered))> =
        gathered.into_iter().collect();
    gathered.sort_by_key(|(k, _)| *k);
    let mut out = Integrity::default();
    for ((mode, _), (link, g)) in gathered {
        let arrivals = g.arrivals(positions(link));
        if arrivals.is_empty() {
            continue;
        }
        let (stats, bursts) = examine(&arrivals, rule);
        let found = LinkIntegrity {
            link: link.clone(),
            stats,
            bursts,
        };
        match mode {
            CollectionMode::Web => out.phone.push(found),
            CollectionMode::Paper => out.paper.push(LinkIntegrity {
                bursts: vec![],
                ..found
            }),
            CollectionMode::Interview => out.interview.push(LinkIntegrity {
                bursts: vec![],
                ..found
            }),
        }
    }
    crate::memory::release_freed();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathered_vectors_fall_back_to_text_and_lose_nothing() {
        let positions = [0, 1, 2];
        let mut g = Gathered::Packed(Vec::new());
        g.push(100, "123", &positions);
        g.push(200, "45", &positions);
        assert!(matches!(g, Gathered::Packed(_)), "digits pack");
        g.push(300, "1x3", &positions);
        assert!(
            matches!(g, Gathered::Plain(_)),
            "a non-digit code turns the link to text"
        );
        g.push(400, "555", &positions);
        let expected: Arrivals = [(100, "123"), (200, "450"), (300, "1x3"), (400, "555")]
            .into_iter()
            .map(|(t, v)| (instant(t), v.to_string()))
            .collect();
        assert_eq!(g.arrivals(&positions), expected);
        let mut g = Gathered::Packed(Vec::new());
        g.push(100, "123", &positions);
        assert_eq!(g.arrivals(&positions), expected[..1].to_vec());
    }
}
