//! The region tree: nodes (省, 州市, 县区) and the county row each
//! county-level node carries. A new county-level node gets its county row
//! (profile not yet entered) in the same transaction.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};

use crate::{
    domain::region::{self, DivisionCode, ImportRow, Level, Node, Region},
    entities::{county, region as region_entity},
    error::{AppError, ErrorCode},
};

impl From<region_entity::Model> for Region {
    /// A level code this build does not know (a newer build's) reads as a
    /// county, as the console has always shown it.
    fn from(n: region_entity::Model) -> Self {
        Self {
            id: n.id,
            level: Level::from_code(&n.level).unwrap_or(Level::County),
            code: n.code,
            name: n.name,
            parent_id: n.parent_id,
            created_at: n.created_at,
            updated_at: n.updated_at,
        }
    }
}

/// The tree's first node (a single-county deployment's only one).
pub async fn first(db: &impl ConnectionTrait) -> Result<i64, AppError> {
    let id: Option<i64> = region_entity::Entity::find()
        .select_only()
        .column(region_entity::Column::Id)
        .order_by_asc(region_entity::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    id.ok_or_else(|| AppError::Unexpected("the region tree has no node".into()))
}

/// A node with the county it carries (county-level nodes).
#[derive(Debug, Clone)]
pub struct RegionRow {
    pub node: Region,
    pub county_id: Option<i64>,
}

/// Every node, by id, with its county.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<RegionRow>, AppError> {
    let nodes = region_entity::Entity::find()
        .order_by_asc(region_entity::Column::Id)
        .all(db)
        .await?;
    let counties: BTreeMap<i64, i64> = county::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.region_id.map(|r| (r, c.id)))
        .collect();
    Ok(nodes
        .into_iter()
        .map(|n| RegionRow {
            county_id: counties.get(&n.id).copied(),
            node: n.into(),
        })
        .collect())
}

async fn row(db: &impl ConnectionTrait, id: i64) -> Result<region_entity::Model, AppError> {
    region_entity::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("地区不存在"))
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Region, AppError> {
    Ok(row(db, id).await?.into())
}

/// What a node is made of.
#[derive(Debug, Clone)]
pub struct RegionDraft {
    pub code: DivisionCode,
    pub name: String,
    pub level: Level,
    pub parent_id: Option<i64>,
}

async fn code_taken(
    db: &impl ConnectionTrait,
    code: &str,
    except: Option<i64>,
) -> Result<(), AppError> {
    let other = region_entity::Entity::find()
        .filter(region_entity::Column::Code.eq(code))
        .one(db)
        .await?;
    match other {
        Some(o) if Some(o.id) != except => Err(AppError::conflict(
            ErrorCode::RegionCodeTaken,
            format!("行政区划代码{code}已被“{}”使用", o.name),
        )),
        _ => Ok(()),
    }
}

async fn check_parent(
    db: &impl ConnectionTrait,
    node: Option<i64>,
    level: Level,
    parent: Option<i64>,
) -> Result<(), AppError> {
    let nodes = super::scope::nodes(db).await?;
    let parent = match parent {
        None => None,
        Some(p) => Some(
            nodes
                .iter()
                .find(|n| n.id == p)
                .cloned()
                .ok_or_else(|| AppError::invalid_field("parent_id", "上级地区不存在"))?,
        ),
    };
    region::check_parent(&nodes, node, level, parent.as_ref())
        .map_err(|m| AppError::invalid_field("parent_id", m))
}

async fn insert_node(db: &impl ConnectionTrait, d: &RegionDraft) -> Result<Region, AppError> {
    let now = Utc::now();
    let saved = region_entity::ActiveModel {
        code: Set(Some(d.code.as_str().to_string())),
        name: Set(d.name.clone()),
        level: Set(d.level.code().to_string()),
        parent_id: Set(d.parent_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if d.level == Level::County {
        let next: Option<i64> = county::Entity::find()
            .select_only()
            .column_as(county::Column::Id.max(), "m")
            .into_tuple::<Option<i64>>()
            .one(db)
            .await?
            .flatten();
        county::ActiveModel {
            id: Set(next.unwrap_or(0) + 1),
            name: Set(d.name.clone()),
            admin_code: Set(d.code.as_str().to_string()),
            resident_population: Set(0),
            deputies: Set(None),
            cppcc_members: Set(None),
            small_county_floor: Set(false),
            updated_at: Set(now),
            profile_set: Set(false),
            region_id: Set(Some(saved.id)),
        }
        .insert(db)
        .await?;
    }
    Ok(saved.into())
}

/// A new node; a county-level one gets its county.
pub async fn create(db: &impl ConnectionTrait, d: &RegionDraft) -> Result<Region, AppError> {
    code_taken(db, d.code.as_str(), None).await?;
    check_parent(db, None, d.level, d.parent_id).await?;
    insert_node(db, d).await
}

/// Renames a node, changes its code or moves it (its level stays).
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    code: DivisionCode,
    name: String,
    parent_id: Option<i64>,
) -> Result<Region, AppError> {
    let existing = row(db, id).await?;
    let level = Level::from_code(&existing.level).unwrap_or(Level::County);
    code_taken(db, code.as_str(), Some(id)).await?;
    check_parent(db, Some(id), level, parent_id).await?;
    let mut m: region_entity::ActiveModel = existing.into();
    m.code = Set(Some(code.as_str().to_string()));
    m.name = Set(name);
    m.parent_id = Set(parent_id);
    m.updated_at = Set(Utc::now());
    Ok(m.update(db).await?.into())
}

/// Codes already in the tree, with their levels (for an import's parents).
pub async fn known_codes(db: &impl ConnectionTrait) -> Result<BTreeMap<String, Level>, AppError> {
    Ok(region_entity::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|n| Some((n.code?, Level::from_code(&n.level)?)))
        .collect())
}

/// What an import did.
pub struct ImportOutcome {
    pub created: u32,
    pub updated: u32,
}

/// Stores checked import rows in one transaction, parents first: a code
/// already in the tree is renamed and moved, a new one is created.
pub async fn import(
    db: &(impl ConnectionTrait + TransactionTrait),
    rows: &[ImportRow],
) -> Result<ImportOutcome, AppError> {
    let txn = db.begin().await?;
    let mut outcome = ImportOutcome {
        created: 0,
        updated: 0,
    };
    let mut rows: Vec<&ImportRow> = rows.iter().collect();
    rows.sort_by_key(|r| r.level);
    for r in rows {
        let parent_id = match &r.parent {
            None => None,
            Some(p) => region_entity::Entity::find()
                .filter(region_entity::Column::Code.eq(p.as_str()))
                .one(&txn)
                .await?
                .map(|n| n.id),
        };
        let existing = region_entity::Entity::find()
            .filter(region_entity::Column::Code.eq(r.code.as_str()))
            .one(&txn)
            .await?;
        match existing {
            Some(n) => {
                if n.level != r.level.code() {
                    return Err(AppError::invalid_field(
                        "file",
                        format!("代码{}在系统中已是{}", r.code.as_str(), n.level),
                    ));
                }
                update(&txn, n.id, r.code.clone(), r.name.clone(), parent_id).await?;
                outcome.updated += 1;
            }
            None => {
                let d = RegionDraft {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    level: r.level,
                    parent_id,
                };
                check_parent(&txn, None, d.level, d.parent_id).await?;
                insert_node(&txn, &d).await?;
                outcome.created += 1;
            }
        }
    }
    txn.commit().await?;
    Ok(outcome)
}

/// The nodes as the tree's rules need them.
pub async fn nodes(db: &impl ConnectionTrait) -> Result<Vec<Node>, AppError> {
    super::scope::nodes(db).await
}
