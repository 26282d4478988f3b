//! Adding rows to an additive table (the tallies) with one statement whose
//! text never changes: the rows travel as one JSON parameter that the
//! database unpacks (`jsonb_each` on SQLite, `jsonb_array_elements` on
//! PostgreSQL). On SQLite `jsonb_each` hands each row over as binary JSON:
//! `json_each` gave it as text, parsed again for every column read from it
//! (measured: more time in SQLite's JSON code than the parse it saved).
//! A multi-row `VALUES` list has a different text for every
//! row count, so each batch was parsed and planned afresh and the driver's
//! statement cache thrashed; this one is prepared once per connection.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use std::fmt::Write as _;

use crate::error::AppError;

/// Rows per statement: bounds the JSON text (a rebuild adds a whole
/// round's tallies at once).
const ROWS_PER_STATEMENT: usize = 5_000;

/// How a column's value is read back from the JSON row on PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BigInt,
    Int,
    Text,
}

impl Kind {
    fn postgres_cast(self) -> &'static str {
        match self {
            Kind::BigInt => "::bigint",
            Kind::Int => "::integer",
            Kind::Text => "",
        }
    }
}

/// An additive table: rows keyed by `keys`; a row added under a stored key
/// adds its `sums` to the stored ones (the other columns keep the stored
/// values).
pub struct Additive<'a> {
    pub table: &'a str,
    /// Every column in the order of a row's values.
    pub columns: Vec<(&'a str, Kind)>,
    /// The conflict target (a unique index).
    pub keys: Vec<&'a str>,
    /// The columns added up; any other column is written with a new row
    /// and never changed.
    pub sums: Vec<&'a str>,
}

impl Additive<'_> {
    /// The statement, for a backend: one parameter, the rows as a JSON
    /// array of arrays.
    pub fn sql(&self, backend: DbBackend) -> String {
        let postgres = backend == DbBackend::Postgres;
        let names: Vec<&str> = self.columns.iter().map(|(c, _)| *c).collect();
        let mut sql = format!("INSERT INTO {} ({}) SELECT ", self.table, names.join(", "));
        for (i, (_, kind)) in self.columns.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            if postgres {
                let _ = write!(sql, "(r->>{i}){}", kind.postgres_cast());
            } else {
                let _ = write!(sql, "value->>{i}");
            }
        }
        if postgres {
            sql.push_str(" FROM jsonb_array_elements($1::text::jsonb) AS r");
        } else {
            // `WHERE true`: SQLite's parser needs it between a SELECT and
            // its upsert clause.
            sql.push_str(" FROM jsonb_each(jsonb(?)) WHERE true");
        }
        let _ = write!(
            sql,
            " ON CONFLICT ({}) DO UPDATE SET ",
            self.keys.join(", ")
        );
        for (i, c) in self.sums.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "{c} = {t}.{c} + excluded.{c}", t = self.table);
        }
        sql
    }

    /// Adds `rows` (each: one value per column, in `columns`' order).
    pub async fn add(
        &self,
        db: &impl ConnectionTrait,
        rows: &[Vec<Value>],
    ) -> Result<(), AppError> {
        let backend = db.get_database_backend();
        let sql = self.sql(backend);
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let json = json_rows(chunk, self.columns.len())?;
            db.execute_raw(Statement::from_sql_and_values(backend, &sql, [json.into()]))
                .await?;
        }
        Ok(())
    }
}

/// Rows as a JSON array of arrays of integers, texts and nulls.
fn json_rows(rows: &[Vec<Value>], width: usize) -> Result<String, AppError> {
    let mut out = String::with_capacity(rows.len() * width * 8 + 2);
    out.push('[');
    for (i, row) in rows.iter().enumerate() {
        if row.len() != width {
            return Err(AppError::Unexpected(format!(
                "a tally row has {} values for {width} columns",
                row.len()
            )));
        }
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        for (j, v) in row.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            json_cell(&mut out, v)?;
        }
        out.push(']');
    }
    out.push(']');
    Ok(out)
}

fn json_cell(out: &mut String, v: &Value) -> Result<(), AppError> {
    match v {
        Value::BigInt(Some(n)) => {
            let _ = write!(out, "{n}");
        }
        Value::Int(Some(n)) => {
            let _ = write!(out, "{n}");
        }
        Value::String(Some(s)) => {
            // serde_json escapes exactly what JSON requires.
            out.push_str(&serde_json::Value::from(s.as_str()).to_string());
        }
        Value::BigInt(None) | Value::Int(None) | Value::String(None) => out.push_str("null"),
        other => {
            return Err(AppError::Unexpected(format!(
                "a tally value of an unexpected type: {other:?}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_json_with_texts_escaped_and_nulls_kept() {
        let rows = vec![
            vec![
                Value::from(1_i64),
                Value::from("a\"b\\c"),
                Value::from(3_i32),
            ],
            vec![Value::from(i64::MAX), Value::from("县"), Value::Int(None)],
        ];
        assert_eq!(
            json_rows(&rows, 3).unwrap(),
            format!("[[1,\"a\\\"b\\\\c\",3],[{},\"县\",null]]", i64::MAX)
        );
        assert!(json_rows(&rows, 2).is_err());
        assert!(json_cell(&mut String::new(), &Value::Double(Some(1.0))).is_err());
    }

    #[test]
    fn the_statement_reads_each_column_from_its_place_in_the_row() {
        let t = Additive {
            table: "t",
            columns: vec![("k", Kind::Text), ("c", Kind::BigInt), ("s", Kind::Int)],
            keys: vec!["k"],
            sums: vec!["s"],
        };
        assert_eq!(
            t.sql(DbBackend::Sqlite),
            "INSERT INTO t (k, c, s) SELECT value->>0, value->>1, value->>2 \
             FROM jsonb_each(jsonb(?)) WHERE true ON CONFLICT (k) DO UPDATE SET s = t.s + excluded.s"
        );
        assert_eq!(
            t.sql(DbBackend::Postgres),
            "INSERT INTO t (k, c, s) SELECT (r->>0), (r->>1)::bigint, (r->>2)::integer \
             FROM jsonb_array_elements($1::text::jsonb) AS r \
             ON CONFLICT (k) DO UPDATE SET s = t.s + excluded.s"
        );
    }
}
