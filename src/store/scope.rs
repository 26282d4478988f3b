//! The one place tenant queries are scoped by county. An account's
//! [`Scope`] is the set of counties beneath its node (admins: all); lists
//! of schools and rounds are filtered by it here, and every operation that
//! names a round or a school by id passes [`visible`] first (the API's
//! login check calls it), so another county's ids answer 404.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};

pub use crate::domain::region::{Level, Node, Scope};
use crate::{
    credentials::CurrentUser,
    domain::region,
    entities::{county, region as region_entity, round, school},
    error::AppError,
};

/// Where an account stands: its node, that node's level, and the counties
/// beneath it.
#[derive(Debug, Clone)]
pub struct Standing {
    pub node: i64,
    pub level: Level,
    pub scope: Scope,
}

/// Every node of the tree (a few thousand rows at most: a whole country).
pub async fn nodes(db: &impl ConnectionTrait) -> Result<Vec<Node>, AppError> {
    let rows: Vec<(i64, Option<i64>, String)> = region_entity::Entity::find()
        .select_only()
        .column(region_entity::Column::Id)
        .column(region_entity::Column::ParentId)
        .column(region_entity::Column::Level)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, parent, level)| {
            Level::from_code(&level).map(|level| Node { id, parent, level })
        })
        .collect())
}

/// The counties (county ids) whose nodes lie at or beneath `node`.
pub async fn counties_beneath(db: &impl ConnectionTrait, node: i64) -> Result<Vec<i64>, AppError> {
    let all = nodes(db).await?;
    let under = region::beneath(&all, node);
    Ok(county::Entity::find()
        .select_only()
        .column(county::Column::Id)
        .filter(county::Column::RegionId.is_in(under))
        .order_by_asc(county::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// The standing of an account at `node` (none: the tree's first node);
/// admins see every county.
pub async fn standing(
    db: &impl ConnectionTrait,
    node: Option<i64>,
    admin: bool,
) -> Result<Standing, AppError> {
    let all = nodes(db).await?;
    let node = node
        .and_then(|n| all.iter().find(|x| x.id == n))
        .or_else(|| all.iter().min_by_key(|x| x.id))
        .cloned()
        .unwrap_or(Node {
            id: 1,
            parent: None,
            level: Level::County,
        });
    let scope = if admin {
        Scope::All
    } else {
        let under = region::beneath(&all, node.id);
        Scope::counties(
            county::Entity::find()
                .select_only()
                .column(county::Column::Id)
                .filter(county::Column::RegionId.is_in(under))
                .into_tuple::<i64>()
                .all(db)
                .await?,
        )
    };
    Ok(Standing {
        node: node.id,
        level: node.level,
        scope,
    })
}

/// Restricts a query of a tenant table to the scope's counties.
pub fn filter<E: EntityTrait>(
    scope: &Scope,
    select: Select<E>,
    county_column: impl ColumnTrait,
) -> Select<E> {
    match scope.ids() {
        None => select,
        Some(ids) => select.filter(county_column.is_in(ids)),
    }
}

/// Rounds as read back from the database, with the counties they belong
/// to: what every query of their child rows (links, tallies, responses,
/// …) filters by, `round_id IN (…) AND county_id IN (…)`, in
/// [`Rounds::on`]. The round ids alone pick the right rows on one
/// database; the counties let a database distributed by county
/// (docs/scaling.md) read only their shards. Made only from rounds read
/// back, so the counties are the rounds' own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rounds {
    ids: Vec<i64>,
    counties: Vec<i64>,
}

impl Rounds {
    /// From (round id, its county) pairs.
    pub fn new(rounds: impl IntoIterator<Item = (i64, i64)>) -> Self {
        let mut ids = Vec::new();
        let mut counties = Vec::new();
        for (id, county) in rounds {
            ids.push(id);
            if !counties.contains(&county) {
                counties.push(county);
            }
        }
        Self { ids, counties }
    }

    /// One round, read back.
    pub fn one(round: &crate::domain::round::Round) -> Self {
        Self::new([(round.id, round.county_id)])
    }

    /// One round known by id: its county read back (one query), for the
    /// callers that hold no round. A missing round: 404.
    pub async fn read(db: &impl ConnectionTrait, round_id: i64) -> Result<Self, AppError> {
        let county: Option<i64> = round::Entity::find_by_id(round_id)
            .select_only()
            .column(round::Column::CountyId)
            .into_tuple()
            .one(db)
            .await?;
        let county = county.ok_or_else(|| AppError::not_found("测评轮次不存在"))?;
        Ok(Self::new([(round_id, county)]))
    }

    pub fn ids(&self) -> &[i64] {
        &self.ids
    }

    /// The id of the one round these are: for the writers beneath one
    /// round. Several rounds (or none) are an error.
    pub fn one_id(&self) -> Result<i64, AppError> {
        match self.ids.as_slice() {
            [id] => Ok(*id),
            _ => Err(AppError::Unexpected(format!(
                "expected one round, got {:?}",
                self.ids
            ))),
        }
    }

    /// The one county of these rounds: what a row written beneath them
    /// carries. Rounds of several counties are an error, never a row filed
    /// under the wrong county.
    pub fn county(&self) -> Result<i64, AppError> {
        match self.counties.as_slice() {
            [c] => Ok(*c),
            _ => Err(AppError::Unexpected(format!(
                "rows beneath rounds {:?} need exactly one county",
                self.ids
            ))),
        }
    }

    /// The condition on a child table with these columns.
    pub fn on(&self, round: impl ColumnTrait, county: impl ColumnTrait) -> Condition {
        Condition::all()
            .add(round.is_in(self.ids.iter().copied()))
            .add(self.in_counties(county))
    }

    /// Only the rounds' counties, on a table whose rows are named by
    /// another key (the schools of a round's links).
    pub fn in_counties(&self, county: impl ColumnTrait) -> Condition {
        Condition::all().add(county.is_in(self.counties.iter().copied()))
    }
}

/// A tenant row named by id in a request's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Round(i64),
    School(i64),
}

impl Target {
    /// The target an API path names (`/api/rounds/{id}…`, `/api/schools/{id}…`).
    pub fn of_path(path: &str) -> Option<Self> {
        // Inside the API the path is relative to `/api`.
        let path = path.strip_prefix("/api").unwrap_or(path);
        let mut parts = path.trim_start_matches('/').split('/');
        let kind = parts.next()?;
        let id: i64 = parts.next()?.parse().ok()?;
        match kind {
            "rounds" => Some(Self::Round(id)),
            "schools" => Some(Self::School(id)),
            _ => None,
        }
    }
}

/// The county a round or school belongs to; none when there is no such row.
pub async fn county_of(db: &impl ConnectionTrait, target: Target) -> Result<Option<i64>, AppError> {
    let found: Option<i64> = match target {
        Target::Round(id) => {
            round::Entity::find_by_id(id)
                .select_only()
                .column(round::Column::CountyId)
                .into_tuple()
                .one(db)
                .await?
        }
        Target::School(id) => {
            school::Entity::find_by_id(id)
                .select_only()
                .column(school::Column::CountyId)
                .into_tuple()
                .one(db)
                .await?
        }
    };
    Ok(found)
}

/// Passes when the target exists inside the scope. A row of another county
/// answers exactly as a missing one (404): no existence oracle.
pub async fn visible(
    db: &impl ConnectionTrait,
    scope: &Scope,
    target: Target,
) -> Result<i64, AppError> {
    match county_of(db, target).await? {
        Some(c) if scope.contains(c) => Ok(c),
        _ => Err(AppError::not_found(match target {
            Target::Round(_) => "测评轮次不存在",
            Target::School(_) => "学校不存在",
        })),
    }
}

/// The county a request acts on: the one asked for (404 outside the
/// scope), or the only county the scope holds.
pub async fn pick(
    db: &impl ConnectionTrait,
    scope: &Scope,
    asked: Option<i64>,
) -> Result<i64, AppError> {
    let visible: Vec<i64> = filter(
        scope,
        county::Entity::find()
            .select_only()
            .column(county::Column::Id),
        county::Column::Id,
    )
    .order_by_asc(county::Column::Id)
    .into_tuple()
    .all(db)
    .await?;
    match asked {
        Some(c) if visible.contains(&c) => Ok(c),
        Some(_) => Err(AppError::not_found("县不存在")),
        None => match visible.as_slice() {
            [one] => Ok(*one),
            [] => Err(AppError::not_found("本账号所在地区下没有县")),
            _ => Err(AppError::invalid_field(
                "county_id",
                "本账号可查看多个县，请指定县（county_id）",
            )),
        },
    }
}

/// The scope narrowed to one county when a list asks for it (404 outside
/// the scope), else the whole scope.
pub async fn narrow(
    db: &impl ConnectionTrait,
    scope: &Scope,
    asked: Option<i64>,
) -> Result<Scope, AppError> {
    match asked {
        None => Ok(scope.clone()),
        Some(_) => Ok(Scope::counties([pick(db, scope, asked).await?])),
    }
}

/// The county a change acts on (see [`pick`]): 403 for an account that
/// reads that county but may not change it (above a county), 404 for a
/// county it cannot see.
pub async fn pick_writable(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    asked: Option<i64>,
) -> Result<i64, AppError> {
    let writes = user.write_scope();
    let read_only = match asked {
        Some(c) => user.scope.contains(c) && !writes.contains(c),
        None => writes.ids().is_some_and(|ids| ids.is_empty()),
    };
    if read_only {
        return Err(AppError::Forbidden(
            "州市、省级账号只能查看县的数据，由县级账号修改".to_string(),
        ));
    }
    pick(db, &writes, asked).await
}

#[cfg(test)]
mod tests {
    use super::{Rounds, Target};
    use crate::entities::option_tally::{Column, Entity};
    use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};

    /// The WHERE clause of a query of option tallies.
    fn sql(rounds: &Rounds) -> String {
        let text = Entity::find()
            .filter(rounds.on(Column::RoundId, Column::CountyId))
            .build(DbBackend::Postgres)
            .to_string();
        text.split_once(" WHERE ")
            .map(|(_, w)| w.to_string())
            .unwrap_or(text)
    }

    #[test]
    fn child_rows_are_read_by_round_and_county() {
        let rounds = Rounds::new([(7, 3), (9, 5), (11, 3)]);
        assert_eq!(rounds.ids(), &[7, 9, 11]);
        let text = sql(&rounds);
        assert!(
            text.contains(r#""option_tallies"."round_id" IN (7, 9, 11) AND "option_tallies"."county_id" IN (3, 5)"#),
            "{text}"
        );
    }

    #[test]
    fn writes_beneath_rounds_need_one_round_and_one_county() {
        let one = Rounds::new([(7, 3)]);
        assert_eq!((one.one_id().ok(), one.county().ok()), (Some(7), Some(3)));
        let same_county = Rounds::new([(7, 3), (8, 3)]);
        assert!(same_county.one_id().is_err());
        assert_eq!(same_county.county().ok(), Some(3));
        assert!(Rounds::new([(7, 3), (9, 5)]).county().is_err());
    }

    #[test]
    fn paths_name_their_targets() {
        assert_eq!(
            Target::of_path("/api/rounds/7/links/3"),
            Some(Target::Round(7))
        );
        assert_eq!(Target::of_path("/api/schools/12"), Some(Target::School(12)));
        assert_eq!(Target::of_path("/api/schools/import"), None);
        assert_eq!(Target::of_path("/api/rounds"), None);
        assert_eq!(Target::of_path("/api/accounts/3"), None);
        assert_eq!(Target::of_path("/rounds/4/report"), Some(Target::Round(4)));
    }
}
