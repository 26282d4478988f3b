//! Reading every response of a round (or of a link) fast: for the
//! recomputation of tallies and the integrity scan, which need a few short
//! columns of each of up to millions of responses.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::{domain::submission::ResponseScore, error::AppError};

/// Responses a chunk aims at.
const CHUNK_ROWS: i64 = 20_000;
/// The widest id range one chunk covers.
const MAX_WIDTH: i64 = 1 << 26;

/// Which responses to read.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// Every response of a round, by id ranges through the (round_id, id)
    /// index: the order of the table, so each page is read once.
    Round(i64),
    /// The responses of one link of a round.
    Link { round_id: i64, link_id: i64 },
}

impl Scope {
    fn filter(self, postgres: bool) -> (String, Vec<sea_orm::Value>) {
        let p = |n: usize| {
            if postgres {
                format!("${n}")
            } else {
                "?".into()
            }
        };
        match self {
            Scope::Round(round_id) => (format!("round_id = {}", p(1)), vec![round_id.into()]),
            Scope::Link { round_id, link_id } => (
                format!("round_id = {} AND link_id = {}", p(1), p(2)),
                vec![round_id.into(), link_id.into()],
            ),
        }
    }
}

/// The statements of a scope: the responses with ids in `[from, to)` as
/// their count and one text, a line per response of `id link_id validity
/// answers recognised judged points submitted_at` (seconds since 1970);
/// and the smallest id at or after `from`. The database joins the lines,
/// so the driver hands over one value per chunk instead of eight per
/// response. Chunks are id ranges, not `ORDER BY id LIMIT n`: the plan is
/// then a range scan whatever the planner believes about the table (with
/// stale statistics PostgreSQL sorted the rest of the round for every
/// chunk).
struct ChunkSql {
    chunk: String,
    first: String,
    values: Vec<sea_orm::Value>,
}

impl ChunkSql {
    fn new(backend: DbBackend, scope: Scope) -> Self {
        let postgres = backend == DbBackend::Postgres;
        let (filter, values) = scope.filter(postgres);
        let n = values.len();
        let p = |k: usize| {
            if postgres {
                format!("${}", n + k)
            } else {
                "?".into()
            }
        };
        // Both read the stored instant as seconds since 1970 without
        // formatting it as text first (PostgreSQL: date_part is a double,
        // several times cheaper than extract's numeric).
        let seconds = if postgres {
            "floor(date_part('epoch', submitted_at))::bigint"
        } else {
            "unixepoch(submitted_at)"
        };
        let lines = joined_lines(
            backend,
            &[
                "id",
                "link_id",
                "validity",
                "answers",
                "recognised",
                "judged",
                "points",
                seconds,
            ],
        );
        let chunk = format!(
            "SELECT COUNT(*), {lines} FROM responses WHERE {filter} AND id >= {} AND id < {}",
            p(1),
            p(2)
        );
        let first = format!(
            "SELECT MIN(id) FROM responses WHERE {filter} AND id >= {}",
            p(1)
        );
        Self {
            chunk,
            first,
            values,
        }
    }

    fn statement(&self, backend: DbBackend, sql: &str, more: &[i64]) -> Statement {
        let mut values = self.values.clone();
        values.extend(more.iter().map(|v| sea_orm::Value::from(*v)));
        Statement::from_sql_and_values(backend, sql, values)
    }
}

/// An aggregate that joins `fields` (SQL expressions) of every selected
/// row into one text, a line per row with the fields separated by spaces:
/// the driver then hands over one value instead of one per field and row.
/// (A NULL field would be left out of its line, which then no longer
/// parses: nothing is dropped silently.)
pub fn joined_lines(backend: DbBackend, fields: &[&str]) -> String {
    let line = format!("concat_ws(' ', {})", fields.join(", "));
    if backend == DbBackend::Postgres {
        format!("string_agg({line}, chr(10))")
    } else {
        format!("group_concat({line}, char(10))")
    }
}

/// One response as a chunk's line gives it.
pub struct Line<'a> {
    pub id: i64,
    pub link_id: i64,
    pub validity: &'a str,
    pub answers: &'a str,
    /// The score stored with the response.
    pub stored: ResponseScore,
    /// Seconds since 1970-01-01 UTC.
    pub submitted_at: i64,
}

fn parse_line(line: &str) -> Option<Line<'_>> {
    let mut f = line.split(' ');
    let mut next = || f.next();
    let id = next()?.parse().ok()?;
    let link_id = next()?.parse().ok()?;
    let validity = next()?;
    let answers = next()?;
    let stored = ResponseScore {
        recognised: next()?.parse().ok()?,
        judged: next()?.parse().ok()?,
        points: next()?.parse().ok()?,
    };
    let submitted_at = next()?.parse().ok()?;
    next().is_none().then_some(Line {
        id,
        link_id,
        validity,
        answers,
        stored,
        submitted_at,
    })
}

/// Calls `f` for every response in `scope`, a chunk at a time (in no
/// particular order within a chunk); returns how many there were. The
/// database makes the next chunk while `f` works through the current one.
pub async fn each_response<C, F>(conn: &C, scope: Scope, f: F) -> Result<u64, AppError>
where
    C: ConnectionTrait,
    F: FnMut(Line<'_>) -> Result<(), AppError>,
{
    each_response_in_chunks(conn, scope, CHUNK_ROWS, f).await
}

/// [`each_response`] aiming at `chunk_rows` responses per query (tests use
/// tiny chunks to cross many chunk boundaries and gaps).
pub async fn each_response_in_chunks<C, F>(
    conn: &C,
    scope: Scope,
    chunk_rows: i64,
    mut f: F,
) -> Result<u64, AppError>
where
    C: ConnectionTrait,
    F: FnMut(Line<'_>) -> Result<(), AppError>,
{
    let chunk_rows = chunk_rows.max(1);
    let backend = conn.get_database_backend();
    let sql = ChunkSql::new(backend, scope);
    let mut n = 0u64;
    let Some(mut from) = first_id(conn, &sql, 0).await? else {
        return Ok(0);
    };
    let mut width = chunk_rows;
    let mut current = chunk(conn, &sql, from, width).await?;
    loop {
        let (count, text) = current;
        let chunk_start = from;
        from += width;
        if count == 0 {
            // A gap in the ids: jump to the next response, if any.
            match first_id(conn, &sql, from).await? {
                Some(id) => from = id,
                None => return Ok(n),
            }
        }
        // Aim the next range at CHUNK_ROWS responses.
        width = if count < chunk_rows / 2 {
            (width * 2).min(MAX_WIDTH)
        } else if count > chunk_rows * 2 {
            (width / 2).max(1)
        } else {
            width
        };
        let work = async {
            let mut lines = 0;
            for line in text.iter().flat_map(|t| t.split('\n')) {
                let r = parse_line(line)
                    .ok_or_else(|| AppError::Unexpected(format!("response unreadable: {line}")))?;
                lines += 1;
                f(r)?;
            }
            if lines != count {
                return Err(AppError::Unexpected(format!(
                    "{count} responses from id {chunk_start} on, but {lines} lines"
                )));
            }
            n += lines as u64;
            Ok::<(), AppError>(())
        };
        // Polled first, the next query is on its way before the work starts.
        let (fetched, worked) =
            futures_util::future::join(chunk(conn, &sql, from, width), work).await;
        worked?;
        current = fetched?;
    }
}

/// The smallest id in scope at or after `from`.
async fn first_id<C: ConnectionTrait>(
    conn: &C,
    sql: &ChunkSql,
    from: i64,
) -> Result<Option<i64>, AppError> {
    let stmt = sql.statement(conn.get_database_backend(), &sql.first, &[from]);
    let row = conn.query_one_raw(stmt).await?;
    Ok(row
        .map(|r| r.try_get_by_index::<Option<i64>>(0))
        .transpose()?
        .flatten())
}

/// The responses in scope with ids in `[from, from + width)`: how many,
/// and their lines (none when there are none).
async fn chunk<C: ConnectionTrait>(
    conn: &C,
    sql: &ChunkSql,
    from: i64,
    width: i64,
) -> Result<(i64, Option<String>), AppError> {
    let stmt = sql.statement(
        conn.get_database_backend(),
        &sql.chunk,
        &[from, from + width],
    );
    let Some(row) = conn.query_one_raw(stmt).await? else {
        return Ok((0, None));
    };
    Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_field_by_field() {
        let l = parse_line("42 7 too_fast 1121t 3 4 17 1795967400").unwrap();
        assert_eq!((l.id, l.link_id), (42, 7));
        assert_eq!((l.validity, l.answers), ("too_fast", "1121t"));
        assert_eq!(
            l.stored,
            ResponseScore {
                recognised: 3,
                judged: 4,
                points: 17
            }
        );
        assert_eq!(l.submitted_at, 1_795_967_400);
        assert!(
            parse_line("42 7 valid 11 3 4 17").is_none(),
            "a field missing"
        );
        assert!(parse_line("42 7 valid 11 3 4 17 9 extra").is_none());
        assert!(parse_line("x 7 valid 11 3 4 17 9").is_none());
    }
}
