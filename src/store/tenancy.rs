//! Every tenant row carries its county (#18, docs/scaling.md): the rows
//! beneath a round — links, responses, tallies, device marks, sessions,
//! paper, the round's frozen parts — store the round's county themselves,
//! written with the row (the distribution column of a distributed
//! PostgreSQL). This module names those tables and checks that each row's
//! county is its round's.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::error::AppError;

/// The tables whose rows hang off a round by `round_id` and carry its
/// county (access codes hang off a link: [`THROUGH_LINK`]).
pub const THROUGH_ROUND: [&str; 17] = [
    "links",
    "responses",
    "response_tallies",
    "option_tallies",
    "language_tallies",
    "timeline_tallies",
    "mode_tallies",
    "device_link_marks",
    "room_sessions",
    "paper_sheets",
    "paper_settings",
    "paper_clerks",
    "round_questionnaires",
    "round_schools",
    "round_languages",
    "round_translations",
    "sampling_quotas",
];

/// (table, parent table, key to it) for rows reached through a link.
pub const THROUGH_LINK: [(&str, &str, &str); 1] = [("access_codes", "links", "link_id")];

/// The tables whose rows are a county's own, beside those beneath its
/// rounds: its schools and rounds, its readiness data, who may interview or
/// run rooms in its rounds.
pub const OWN: [&str; 11] = [
    "schools",
    "rounds",
    "readiness_settings",
    "readiness_schools",
    "readiness_stages",
    "readiness_facts",
    "readiness_checks",
    "readiness_years",
    "readiness_evidence",
    "interview_assignments",
    "liaison_assignments",
];

/// Every table distributed by county (docs/scaling.md): the county's own
/// and those beneath its rounds and links. Their keys name the county on
/// PostgreSQL ([`conflict_target`]).
pub fn distributed() -> impl Iterator<Item = &'static str> {
    OWN.into_iter()
        .chain(THROUGH_ROUND)
        .chain(THROUGH_LINK.map(|(table, _, _)| table))
}

/// Tables that carry a county on some rows but are not distributed: the
/// audit log, whose entries about the tree, accounts and logins carry none
/// (docs/scaling.md gap 3).
pub const REFERENCE_WITH_COUNTY: [&str; 1] = ["audit_log"];

/// One table's rows by the county they carry, and how many carry another
/// county than their round's (or none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCounties {
    pub table: &'static str,
    /// County id → rows carrying it (no key: rows carrying none).
    pub rows: BTreeMap<Option<i64>, i64>,
    pub mismatched: i64,
}

/// Each tenant table's rows by county, with the rows whose county is not
/// their parent's: a full scan of every table, for tests and checks, never
/// for a request.
pub async fn check(db: &impl ConnectionTrait) -> Result<Vec<TableCounties>, AppError> {
    let tables = THROUGH_ROUND
        .iter()
        .map(|t| (*t, "rounds", "round_id"))
        .chain(THROUGH_LINK);
    let mut out = Vec::new();
    for (table, parent, key) in tables {
        let sql = format!(
            "SELECT t.county_id AS county, COUNT(*) AS n, \
               CAST(SUM(CASE WHEN t.county_id IS NULL OR t.county_id <> p.county_id \
                 THEN 1 ELSE 0 END) AS BIGINT) AS bad \
             FROM {table} t JOIN {parent} p ON p.id = t.{key} GROUP BY t.county_id"
        );
        let mut found = TableCounties {
            table,
            rows: BTreeMap::new(),
            mismatched: 0,
        };
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await?;
        for row in rows {
            let county: Option<i64> = row.try_get("", "county")?;
            let n: i64 = row.try_get("", "n")?;
            let bad: i64 = row.try_get("", "bad")?;
            found.rows.insert(county, n);
            found.mismatched += bad;
        }
        out.push(found);
    }
    Ok(out)
}

/// A conflict target naming one of a county's tables' keys, as the backend
/// holds it: on PostgreSQL every primary key and unique constraint of such
/// a table ends with `county_id` (migration `m20261211_dk0001`, the keys a
/// distributed engine requires: docs/scaling.md); SQLite, never
/// distributed, keeps the keys it was created with. An `ON CONFLICT`
/// target must name a key exactly, so it is built here.
pub fn conflict_target<C: Copy>(backend: DbBackend, key: &[C], county: C) -> Vec<C> {
    let mut columns = key.to_vec();
    if backend == DbBackend::Postgres {
        columns.push(county);
    }
    columns
}
