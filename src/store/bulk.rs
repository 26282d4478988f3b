//! Reading every response of a round (or of a link) fast: for the
//! recomputation of tallies, the integrity scan and the raw-response
//! exports, which need a few columns of each of up to millions of responses.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::{
    domain::{round::Round, submission::ResponseScore},
    error::AppError,
};

/// Responses a chunk aims at.
const CHUNK_ROWS: i64 = 20_000;
/// The widest id range one chunk covers.
const MAX_WIDTH: i64 = 1 << 26;

/// A round as read back, with its county: every scan names both, so that
/// a database distributed by county reads one shard (docs/scaling.md).
/// The county is a condition beside the (round_id, id) index, never an
/// index of its own: the plans stay the range scans measured in
/// bench/README.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundKey {
    pub id: i64,
    pub county: i64,
}

impl RoundKey {
    pub fn of(round: &Round) -> Self {
        Self {
            id: round.id,
            county: round.county_id,
        }
    }
}

/// Which responses to read.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// Every response of a round, by id ranges through the (round_id, id)
    /// index: the order of the table, so each page is read once.
    Round(RoundKey),
    /// The responses of one link of a round.
    Link { round: RoundKey, link_id: i64 },
    /// The responses of a round up to id `last` (what an export fixes when
    /// it starts), of one group only if `group` is given.
    Upto {
        round: RoundKey,
        last: i64,
        group: Option<&'static str>,
    },
}

impl Scope {
    /// The last id to read. It bounds the chunks' id ranges rather than
    /// being a condition of its own: with `id <= ?` beside the range, SQLite
    /// took it as the upper bound and scanned to the end for every chunk.
    fn last(self) -> i64 {
        match self {
            Scope::Upto { last, .. } => last,
            _ => i64::MAX - 1,
        }
    }

    fn filter(self, postgres: bool) -> (String, Vec<sea_orm::Value>) {
        let (round, column, value): (RoundKey, Option<&str>, Option<sea_orm::Value>) = match self {
            Scope::Round(round)
            | Scope::Upto {
                round, group: None, ..
            } => (round, None, None),
            Scope::Link { round, link_id } => (round, Some("link_id"), Some(link_id.into())),
            Scope::Upto {
                round,
                group: Some(group),
                ..
            } => (round, Some("respondent_group"), Some(group.into())),
        };
        let mut conditions = vec![
            ("round_id", sea_orm::Value::from(round.id)),
            ("county_id", round.county.into()),
        ];
        if let (Some(column), Some(value)) = (column, value) {
            conditions.push((column, value));
        }
        let sql = conditions
            .iter()
            .enumerate()
            .map(|(i, (column, _))| {
                if postgres {
                    format!("{column} = ${}", i + 1)
                } else {
                    format!("{column} = ?")
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ");
        (sql, conditions.into_iter().map(|(_, v)| v).collect())
    }
}

/// The statements of a scope: the responses with ids in `[from, to)` (at
/// most a given number, the first by id) as their count, last id and one text, a line per response of the given fields (in id
/// order if asked); and the smallest id at or after `from`. The database
/// joins the lines, so the driver hands over one value per chunk instead of
/// one per field and response. Chunks are id ranges, not `ORDER BY id LIMIT
/// n`: the plan is then a range scan whatever the planner believes about
/// the table (with stale statistics PostgreSQL sorted the rest of the round
/// for every chunk).
struct ChunkSql {
    chunk: String,
    first: String,
    values: Vec<sea_orm::Value>,
}

impl ChunkSql {
    fn new(backend: DbBackend, scope: Scope, fields: &[String], ordered: bool) -> Self {
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
        let lines = joined_lines(backend, fields, ordered.then_some("id"));
        // At most `LIMIT` rows, the first by id, however dense the range:
        // the next chunk then starts after the last id read.
        let chunk = format!(
            "SELECT COUNT(*), MAX(id), {lines} FROM (SELECT * FROM responses \
             WHERE {filter} AND id >= {} AND id < {} ORDER BY id LIMIT {}) AS r",
            p(1),
            p(2),
            p(3)
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
pub fn joined_lines<S: std::borrow::Borrow<str>>(
    backend: DbBackend,
    fields: &[S],
    order_by: Option<&str>,
) -> String {
    let line = format!("concat_ws(' ', {})", fields.join(", "));
    let order = order_by
        .map(|o| format!(" ORDER BY {o}"))
        .unwrap_or_default();
    if backend == DbBackend::Postgres {
        format!("string_agg({line}, chr(10){order})")
    } else {
        format!("group_concat({line}, char(10){order})")
    }
}

/// Seconds since 1970 of the stored instant `column`, without formatting
/// it as text first (PostgreSQL: date_part is a double, several times
/// cheaper than extract's numeric).
pub fn unix_seconds(backend: DbBackend, column: &str) -> String {
    if backend == DbBackend::Postgres {
        format!("floor(date_part('epoch', {column}))::bigint")
    } else {
        format!("unixepoch({column})")
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
    /// The language answered in (`zh`: as written).
    pub language: &'a str,
    /// How it was collected: `web`, `paper` or `interview`.
    pub collection_mode: &'a str,
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
    let language = next()?;
    let collection_mode = next()?;
    next().is_none().then_some(Line {
        id,
        link_id,
        validity,
        answers,
        stored,
        submitted_at,
        language,
        collection_mode,
    })
}

/// The fields of a [`Line`].
fn line_fields(backend: DbBackend) -> Vec<String> {
    let mut fields: Vec<String> = [
        "id",
        "link_id",
        "validity",
        "answers",
        "recognised",
        "judged",
        "points",
    ]
    .map(String::from)
    .to_vec();
    fields.push(unix_seconds(backend, "submitted_at"));
    fields.push("language".to_string());
    fields.push("collection_mode".to_string());
    fields
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
    let chunks = Chunks {
        scope,
        fields: line_fields(conn.get_database_backend()),
        ordered: false,
        rows: chunk_rows,
    };
    chunks
        .each(conn, |lines: &str| {
            let mut n = 0;
            for line in lines.split('\n') {
                let r = parse_line(line)
                    .ok_or_else(|| AppError::Unexpected(format!("response unreadable: {line}")))?;
                n += 1;
                f(r)?;
            }
            Ok(n)
        })
        .await
}

/// How to read the responses of a scope in chunks of joined lines.
pub struct Chunks {
    pub scope: Scope,
    /// SQL expressions over `responses`, one per field of a line.
    pub fields: Vec<String>,
    /// Lines in id order within each chunk (chunks always come in id order).
    pub ordered: bool,
    /// Responses a chunk aims at.
    pub rows: i64,
}

impl Chunks {
    /// Hands `f` the lines of each chunk (never empty), one chunk after
    /// the other; `f` says how many lines it read. Returns the number of
    /// responses. See [`Cursor::step`].
    pub async fn each<C, F>(&self, conn: &C, mut f: F) -> Result<u64, AppError>
    where
        C: ConnectionTrait,
        F: FnMut(&str) -> Result<i64, AppError>,
    {
        let mut cursor = self.open(conn).await?;
        while cursor.step(&mut f).await? {}
        Ok(cursor.responses)
    }

    /// Starts reading: the first chunk is fetched.
    pub async fn open<'c, C: ConnectionTrait>(
        &self,
        conn: &'c C,
    ) -> Result<Cursor<'c, C>, AppError> {
        let rows = self.rows.max(1);
        let backend = conn.get_database_backend();
        let sql = ChunkSql::new(backend, self.scope, &self.fields, self.ordered);
        let mut cursor = Cursor {
            conn,
            sql,
            rows,
            from: 0,
            width: rows,
            last: self.scope.last(),
            current: None,
            responses: 0,
        };
        let first = first_id(conn, &cursor.sql, 0).await?;
        if let Some(from) = first.filter(|id| *id <= cursor.last) {
            cursor.from = from;
            cursor.current = Some(cursor.fetch().await?);
        }
        Ok(cursor)
    }
}

/// Where a reading of chunks is: the chunk in hand and where the next starts.
pub struct Cursor<'c, C> {
    conn: &'c C,
    sql: ChunkSql,
    rows: i64,
    /// First id of the chunk in hand.
    from: i64,
    /// Id range the chunk in hand covers.
    width: i64,
    /// The last id to read.
    last: i64,
    /// The chunk in hand: its count, last id and lines; `None` once all
    /// are read.
    current: Option<Fetched>,
    /// Responses handed over so far.
    pub responses: u64,
}

impl<C: ConnectionTrait> Cursor<'_, C> {
    /// Hands `f` the lines of the chunk in hand, if it has any, while the
    /// database makes the next one; `f` says how many lines it read, which
    /// must be how many responses the chunk has. False once every chunk
    /// has been handed over. Callers may await other things between steps
    /// (an export sends what `f` wrote).
    pub async fn step<F>(&mut self, f: F) -> Result<bool, AppError>
    where
        F: FnOnce(&str) -> Result<i64, AppError>,
    {
        let Some((count, last_read, text)) = self.current.take() else {
            return Ok(false);
        };
        let chunk_start = self.from;
        let full = count >= self.cap();
        self.from = match last_read {
            // The range was denser than a chunk may be: it ended early.
            Some(id) if full => id.saturating_add(1),
            _ => self.from.saturating_add(self.width),
        };
        if count == 0 {
            // A gap in the ids: jump to the next response, if any.
            match first_id(self.conn, &self.sql, self.from).await? {
                Some(id) => self.from = id,
                None => return Ok(false),
            }
        }
        let more = self.from <= self.last;
        // Aim the next range at `rows` responses.
        self.width = if count < self.rows / 2 {
            (self.width * 2).min(MAX_WIDTH)
        } else if full {
            (self.width / 2).max(1)
        } else {
            self.width
        };
        let work = async {
            let lines = match &text {
                Some(t) => f(t)?,
                None => 0,
            };
            if lines != count {
                return Err(AppError::Unexpected(format!(
                    "{count} responses from id {chunk_start} on, but {lines} lines"
                )));
            }
            Ok::<u64, AppError>(lines as u64)
        };
        // Polled first, the next query is on its way before the work starts.
        let next = async {
            if more {
                self.fetch().await.map(Some)
            } else {
                Ok(None)
            }
        };
        let (fetched, worked) = futures_util::future::join(next, work).await;
        self.responses += worked?;
        self.current = fetched?;
        Ok(true)
    }

    /// Most responses one chunk holds: twice what a chunk aims at, so a
    /// dense stretch after sparse ids (a wide range) cannot become one
    /// huge text.
    pub fn cap(&self) -> i64 {
        self.rows.saturating_mul(2)
    }

    /// The chunk from `from`, `width` ids wide but not past `last`, of at
    /// most `cap()` responses.
    async fn fetch(&self) -> Result<Fetched, AppError> {
        let to = self.from.saturating_add(self.width).min(self.last + 1);
        chunk(self.conn, &self.sql, self.from, to, self.cap()).await
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

/// A chunk: how many responses, the last id and their lines.
type Fetched = (i64, Option<i64>, Option<String>);

/// The first `cap` responses in scope with ids in `[from, to)`: how many,
/// the last id, and their lines (none when there are none).
async fn chunk<C: ConnectionTrait>(
    conn: &C,
    sql: &ChunkSql,
    from: i64,
    to: i64,
    cap: i64,
) -> Result<Fetched, AppError> {
    let stmt = sql.statement(conn.get_database_backend(), &sql.chunk, &[from, to, cap]);
    let Some(row) = conn.query_one_raw(stmt).await? else {
        return Ok((0, None, None));
    };
    Ok((
        row.try_get_by_index(0)?,
        row.try_get_by_index(1)?,
        row.try_get_by_index(2)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_field_by_field() {
        let l = parse_line("42 7 too_fast 1121t 3 4 17 1795967400 kk-Arab paper").unwrap();
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
        assert_eq!(l.language, "kk-Arab");
        assert_eq!(l.collection_mode, "paper");
        assert!(
            parse_line("42 7 valid 11 3 4 17 9 zh").is_none(),
            "a field missing"
        );
        assert!(parse_line("42 7 valid 11 3 4 17 9 zh web extra").is_none());
        assert!(parse_line("x 7 valid 11 3 4 17 9 zh web").is_none());
    }
}
