//! The county in every key of a county's tables, on PostgreSQL (#18,
//! docs/scaling.md gap 2). A distributed PostgreSQL engine (Citus) keeps
//! each county's rows on one shard only if every primary key and unique
//! constraint of a distributed table includes the distribution column
//! (`county_id`), and every foreign key between two distributed tables
//! includes it on both sides. This migration rewrites those keys in place:
//!
//! - a primary key or unique constraint or unique index `(a, b)` becomes
//!   `(a, b, county_id)`, under the same name (the county last, so every
//!   lookup that used the key's first columns still uses its index);
//! - a foreign key `(x_id) → parent (id)` between two of these tables
//!   becomes `(x_id, county_id) → parent (id, county_id)`, with the same
//!   actions (`ON DELETE SET NULL` names its own column only, so a row's
//!   county is never cleared).
//!
//! On one database nothing stored or found changes: a row's county is its
//! round's or school's, so a key with the county added matches exactly the
//! rows it matched before. What becomes per county are the natural keys
//! that named no round: a response's client id, a link's token, a room
//! session's code, a school's code. renke still generates tokens and codes
//! unique across counties and refuses a school code another county uses
//! (checks in the store); the database now holds them unique per county,
//! as a distributed engine can.
//!
//! SQLite is never distributed and keeps its keys: its primary keys and
//! column constraints cannot change without rebuilding every table. The
//! statements that name a conflict target name each backend's key
//! (`store::keys` in renke).
//!
//! The keys are read from the catalog, for a fixed list of tables (a
//! migration stays as it ran): `DISTRIBUTED`.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables distributed by county: every table whose rows belong to one
/// county (the reference tables — the region tree, counties, accounts,
/// sessions, texts, secrets, the audit log, cache generations — are not).
pub const DISTRIBUTED: [&str; 29] = [
    "schools",
    "rounds",
    "links",
    "responses",
    "response_tallies",
    "option_tallies",
    "language_tallies",
    "timeline_tallies",
    "mode_tallies",
    "device_link_marks",
    "access_codes",
    "room_sessions",
    "paper_sheets",
    "paper_settings",
    "paper_clerks",
    "round_questionnaires",
    "round_schools",
    "round_languages",
    "round_translations",
    "sampling_quotas",
    "interview_assignments",
    "liaison_assignments",
    "readiness_settings",
    "readiness_schools",
    "readiness_stages",
    "readiness_facts",
    "readiness_checks",
    "readiness_years",
    "readiness_evidence",
];

const COUNTY: &str = "county_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        rewrite(m.get_connection(), Direction::AddCounty).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        rewrite(m.get_connection(), Direction::DropCounty).await
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    AddCounty,
    DropCounty,
}

impl Direction {
    /// The key's columns after the rewrite; `None`: left as it is.
    fn columns(self, cols: &[String]) -> Option<Vec<String>> {
        let has = cols.iter().any(|c| c == COUNTY);
        match self {
            Direction::AddCounty if !has => {
                let mut out = cols.to_vec();
                out.push(COUNTY.to_string());
                Some(out)
            }
            // Only what `AddCounty` made: the county last, after others.
            Direction::DropCounty
                if cols.len() > 1 && cols.last().map(String::as_str) == Some(COUNTY) =>
            {
                Some(cols[..cols.len() - 1].to_vec())
            }
            _ => None,
        }
    }
}

/// A foreign key between two distributed tables.
struct ForeignKey {
    table: String,
    name: String,
    cols: Vec<String>,
    parent: String,
    parent_cols: Vec<String>,
    on_delete: String,
    on_update: String,
}

/// A primary key, unique constraint or unique index of a distributed table.
struct UniqueKey {
    table: String,
    /// The constraint's name (primary key, unique constraint), or the
    /// index's (a unique index without a constraint).
    name: String,
    kind: KeyKind,
    cols: Vec<String>,
    predicate: Option<String>,
}

#[derive(PartialEq, Eq)]
enum KeyKind {
    Primary,
    Constraint,
    Index,
}

fn distributed(table: &str) -> bool {
    DISTRIBUTED.contains(&table)
}

fn split(cols: &str) -> Vec<String> {
    cols.split(',').map(str::to_string).collect()
}

fn quoted(cols: &[String]) -> String {
    cols.iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The foreign-key action clause for a `pg_constraint` action code; `own`:
/// the key's columns but the county, named by `SET NULL`/`SET DEFAULT` on
/// delete (PostgreSQL allows a column list there only).
fn action(code: &str, own: Option<&[String]>) -> Result<String, DbErr> {
    let only = |verb: &str| match own {
        Some(cols) => format!("{verb} ({})", quoted(cols)),
        None => verb.to_string(),
    };
    Ok(match code {
        "a" => "NO ACTION".to_string(),
        "r" => "RESTRICT".to_string(),
        "c" => "CASCADE".to_string(),
        // The row keeps its county.
        "n" => only("SET NULL"),
        "d" => only("SET DEFAULT"),
        other => {
            return Err(DbErr::Migration(format!(
                "unknown foreign key action `{other}`"
            )));
        }
    })
}

async fn foreign_keys(db: &impl ConnectionTrait) -> Result<Vec<ForeignKey>, DbErr> {
    let sql = "SELECT c.conname AS name, c.conrelid::regclass::text AS tbl, \
          c.confrelid::regclass::text AS parent, \
          c.confdeltype::text AS del, c.confupdtype::text AS upd, \
          (SELECT string_agg(a.attname, ',' ORDER BY k.o) \
             FROM unnest(c.conkey) WITH ORDINALITY k(n, o) \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS cols, \
          (SELECT string_agg(a.attname, ',' ORDER BY k.o) \
             FROM unnest(c.confkey) WITH ORDINALITY k(n, o) \
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) AS parent_cols \
        FROM pg_constraint c \
        WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace \
        ORDER BY c.conname";
    let mut out = Vec::new();
    for row in db
        .query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
    {
        let table: String = row.try_get("", "tbl")?;
        let parent: String = row.try_get("", "parent")?;
        if !distributed(&table) || !distributed(&parent) {
            continue;
        }
        out.push(ForeignKey {
            table,
            name: row.try_get("", "name")?,
            cols: split(&row.try_get::<String>("", "cols")?),
            parent,
            parent_cols: split(&row.try_get::<String>("", "parent_cols")?),
            on_delete: row.try_get("", "del")?,
            on_update: row.try_get("", "upd")?,
        });
    }
    Ok(out)
}

async fn unique_keys(db: &impl ConnectionTrait) -> Result<Vec<UniqueKey>, DbErr> {
    let sql = "SELECT i.indexrelid::regclass::text AS index_name, \
          i.indrelid::regclass::text AS tbl, con.conname AS constraint_name, \
          con.contype::text AS contype, i.indnatts AS width, \
          (SELECT string_agg(a.attname, ',' ORDER BY k.o) \
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n) AS cols, \
          (SELECT count(*) FROM unnest(i.indkey::int2[]) k(n) WHERE k.n <> 0) AS plain, \
          pg_get_expr(i.indpred, i.indrelid) AS predicate \
        FROM pg_index i \
        JOIN pg_class t ON t.oid = i.indrelid \
        LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype IN ('p', 'u') \
        WHERE i.indisunique AND t.relnamespace = 'public'::regnamespace \
        ORDER BY 1";
    let mut out = Vec::new();
    for row in db
        .query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
    {
        let table: String = row.try_get("", "tbl")?;
        if !distributed(&table) {
            continue;
        }
        let index: String = row.try_get("", "index_name")?;
        let width: i16 = row.try_get("", "width")?;
        let plain: i64 = row.try_get("", "plain")?;
        if plain != i64::from(width) {
            return Err(DbErr::Migration(format!(
                "unique index {index} on {table} has an expression: not rewritten"
            )));
        }
        let constraint: Option<String> = row.try_get("", "constraint_name")?;
        let contype: Option<String> = row.try_get("", "contype")?;
        let (name, kind) = match (constraint, contype.as_deref()) {
            (Some(c), Some("p")) => (c, KeyKind::Primary),
            (Some(c), _) => (c, KeyKind::Constraint),
            (None, _) => (index, KeyKind::Index),
        };
        out.push(UniqueKey {
            table,
            name,
            kind,
            cols: split(&row.try_get::<String>("", "cols")?),
            predicate: row.try_get("", "predicate")?,
        });
    }
    Ok(out)
}

async fn rewrite(db: &impl ConnectionTrait, direction: Direction) -> Result<(), DbErr> {
    // Foreign keys lean on their parents' keys: dropped first, made again
    // last.
    let fks: Vec<(ForeignKey, Vec<String>, Vec<String>)> = foreign_keys(db)
        .await?
        .into_iter()
        .filter_map(|fk| {
            let cols = direction.columns(&fk.cols)?;
            let parent_cols = direction.columns(&fk.parent_cols)?;
            Some((fk, cols, parent_cols))
        })
        .collect();
    for (fk, _, _) in &fks {
        db.execute_unprepared(&format!(
            "ALTER TABLE \"{}\" DROP CONSTRAINT \"{}\"",
            fk.table, fk.name
        ))
        .await?;
    }
    for key in unique_keys(db).await? {
        let Some(cols) = direction.columns(&key.cols) else {
            continue;
        };
        let sql = match key.kind {
            KeyKind::Primary | KeyKind::Constraint => format!(
                "ALTER TABLE \"{t}\" DROP CONSTRAINT \"{n}\", ADD CONSTRAINT \"{n}\" {k} ({c})",
                t = key.table,
                n = key.name,
                k = if key.kind == KeyKind::Primary {
                    "PRIMARY KEY"
                } else {
                    "UNIQUE"
                },
                c = quoted(&cols)
            ),
            KeyKind::Index => format!(
                "DROP INDEX \"{n}\"; CREATE UNIQUE INDEX \"{n}\" ON \"{t}\" ({c}){w}",
                n = key.name,
                t = key.table,
                c = quoted(&cols),
                w = key
                    .predicate
                    .as_ref()
                    .map(|p| format!(" WHERE {p}"))
                    .unwrap_or_default()
            ),
        };
        db.execute_unprepared(&sql).await?;
    }
    for (fk, cols, parent_cols) in &fks {
        let own: Vec<String> = cols.iter().filter(|c| *c != COUNTY).cloned().collect();
        db.execute_unprepared(&format!(
            "ALTER TABLE \"{t}\" ADD CONSTRAINT \"{n}\" FOREIGN KEY ({c}) \
             REFERENCES \"{p}\" ({pc}) ON DELETE {d} ON UPDATE {u}",
            t = fk.table,
            n = fk.name,
            c = quoted(cols),
            p = fk.parent,
            pc = quoted(parent_cols),
            d = action(&fk.on_delete, Some(&own))?,
            u = action(&fk.on_update, None)?,
        ))
        .await?;
    }
    Ok(())
}
