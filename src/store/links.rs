//! Survey links: one per (round, school, group) for school-bound groups and
//! one per (round, group) for county-level groups, each with a random token.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

use crate::{
    credentials::random_token,
    domain::{group::RespondentGroup, link::Link, round::Round, school::School},
    entities::{link, round, school},
    error::AppError,
    store::scope::Rounds,
};

impl From<link::Model> for Link {
    fn from(l: link::Model) -> Self {
        Self {
            id: l.id,
            round_id: l.round_id,
            school_id: l.school_id,
            group: RespondentGroup::from_code(&l.respondent_group),
            token: l.token,
            enabled: l.enabled,
            created_at: l.created_at,
            county_id: l.county_id,
        }
    }
}

/// Which group each link of a round is for (the live monitor polls this:
/// no school lookup).
pub async fn groups_of_round(
    db: &impl ConnectionTrait,
    round: &Rounds,
) -> Result<HashMap<i64, RespondentGroup>, AppError> {
    Ok(link::Entity::find()
        .select_only()
        .columns([link::Column::Id, link::Column::RespondentGroup])
        .filter(round.on(link::Column::RoundId, link::Column::CountyId))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(link_id, group)| Some((link_id, RespondentGroup::from_code(&group)?)))
        .collect())
}

/// Creates missing links and removes ones the round (one round, read
/// back) no longer needs. Only called while the round is a draft, so no
/// removed link has responses.
pub async fn sync(
    db: &impl ConnectionTrait,
    round: &Rounds,
    groups: &[RespondentGroup],
    school_ids: &[i64],
) -> Result<(), AppError> {
    let mut wanted: Vec<(Option<i64>, RespondentGroup)> = Vec::new();
    for g in groups {
        if g.is_school_bound() {
            wanted.extend(school_ids.iter().map(|s| (Some(*s), *g)));
        } else {
            wanted.push((None, *g));
        }
    }
    let existing = link::Entity::find()
        .filter(round.on(link::Column::RoundId, link::Column::CountyId))
        .all(db)
        .await?;
    let dropped: Vec<i64> = existing
        .iter()
        .filter(|l| {
            !wanted
                .iter()
                .any(|(s, g)| *s == l.school_id && g.code() == l.respondent_group)
        })
        .map(|l| l.id)
        .collect();
    if !dropped.is_empty() {
        link::Entity::delete_many()
            .filter(link::Column::Id.is_in(dropped))
            .filter(round.on(link::Column::RoundId, link::Column::CountyId))
            .exec(db)
            .await?;
    }
    let (round_id, county_id) = (round.one_id()?, round.county()?);
    for (school_id, g) in wanted {
        let present = existing
            .iter()
            .any(|l| l.school_id == school_id && l.respondent_group == g.code());
        if !present {
            link::ActiveModel {
                round_id: Set(round_id),
                county_id: Set(county_id),
                school_id: Set(school_id),
                respondent_group: Set(g.code().to_string()),
                // 16 bytes: 128 bits, unguessable.
                token: Set(random_token(16)),
                enabled: Set(true),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// A link with the school it belongs to.
pub struct LinkRow {
    pub link: Link,
    pub school: Option<School>,
}

/// A round's links (`round`: one round, read back) with their schools.
pub async fn list(db: &impl ConnectionTrait, round: &Rounds) -> Result<Vec<LinkRow>, AppError> {
    let links = link::Entity::find()
        .filter(round.on(link::Column::RoundId, link::Column::CountyId))
        .order_by_asc(link::Column::Id)
        .all(db)
        .await?;
    // Only the round's own schools (a province holds thousands).
    let ids: std::collections::BTreeSet<i64> = links.iter().filter_map(|l| l.school_id).collect();
    let schools: HashMap<i64, school::Model> = school::Entity::find()
        .filter(school::Column::Id.is_in(ids))
        .filter(round.in_counties(school::Column::CountyId))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut rows: Vec<LinkRow> = links
        .into_iter()
        .map(|l| LinkRow {
            school: l
                .school_id
                .and_then(|id| schools.get(&id).cloned())
                .map(Into::into),
            link: l.into(),
        })
        .collect();
    let group_pos = |g: Option<RespondentGroup>| {
        g.and_then(|g| RespondentGroup::ALL.iter().position(|x| *x == g))
            .unwrap_or(99)
    };
    rows.sort_by(|a, b| {
        let ka = (
            a.school.is_none(),
            a.school.as_ref().map(|s| s.code.clone()),
            group_pos(a.link.group),
        );
        let kb = (
            b.school.is_none(),
            b.school.as_ref().map(|s| s.code.clone()),
            group_pos(b.link.group),
        );
        ka.cmp(&kb)
    });
    Ok(rows)
}

/// A link of a round (`round`: one round, read back); 404 for a link of
/// another round.
pub async fn get(
    db: &impl ConnectionTrait,
    round: &Rounds,
    link_id: i64,
) -> Result<Link, AppError> {
    link::Entity::find_by_id(link_id)
        .filter(round.on(link::Column::RoundId, link::Column::CountyId))
        .one(db)
        .await?
        .map(Into::into)
        .ok_or_else(|| AppError::not_found("链接不存在"))
}

/// Switches one of the round's links on or off (`round`: one round, read
/// back).
pub async fn set_enabled(
    db: &impl ConnectionTrait,
    round: &Rounds,
    link_id: i64,
    enabled: bool,
) -> Result<Link, AppError> {
    let l = link::Entity::find_by_id(link_id)
        .filter(round.on(link::Column::RoundId, link::Column::CountyId))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("链接不存在"))?;
    let mut m: link::ActiveModel = l.into();
    m.enabled = Set(enabled);
    Ok(m.update(db).await?.into())
}

/// Everything the public questionnaire needs about a link.
#[derive(Debug, Clone)]
pub struct LinkContext {
    pub link: Link,
    pub round: Round,
    pub school: Option<School>,
    pub group: RespondentGroup,
}

pub async fn find_by_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<LinkContext>, AppError> {
    if token.len() > 64 {
        return Ok(None);
    }
    // One query: the link with its round and school.
    let Some((l, Some(r), school)) = link::Entity::find()
        .filter(link::Column::Token.eq(token))
        .find_also_related(round::Entity)
        .find_also_related(school::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(group) = RespondentGroup::from_code(&l.respondent_group) else {
        return Ok(None);
    };
    Ok(Some(LinkContext {
        link: l.into(),
        round: r.into(),
        school: school.map(Into::into),
        group,
    }))
}
