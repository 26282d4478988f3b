//! Reading every response of a round (or of a link) fast: for the
//! recomputation of tallies and the integrity scan, which need a few short
//! columns of each of up to millions of responses.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::{domain::submission::ResponseScore, error::AppError};

/// Responses read per query.
const CHUNK_ROWS: i64 = 20_000;

/// Which responses to read.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// Every response of a round, in id order (the order of the table:
    /// each page is read once).
    Round(i64),
    /// The responses of one link of a round.
    Link { round_id: i64, link_id: i64 },
}

/// The next responses after an id, at most `CHUNK_ROWS`: their largest id,
/// and the responses as one text, a line per response of `id link_id
/// validity answers recognised judged points submitted_at` (seconds since
/// 1970). The database joins the lines, so the driver hands over one value
/// per chunk instead of eight per response. Line order is irrelevant.
fn chunk_sql(backend: DbBackend, scope: Scope) -> String {
    let postgres = backend == DbBackend::Postgres;
    let p = |n: usize| {
        if postgres {
            format!("${n}")
        } else {
            "?".into()
        }
    };
    let filter = match scope {
        Scope::Round(_) => format!("round_id = {} AND id > {}", p(1), p(2)),
        Scope::Link { .. } => format!(
            "round_id = {} AND link_id = {} AND id > {}",
            p(1),
            p(2),
            p(3)
        ),
    };
    let limit = p(match scope {
        Scope::Round(_) => 3,
        Scope::Link { .. } => 4,
    });
    let (agg, newline, seconds) = if postgres {
        (
            "string_agg",
            "chr(10)",
            "floor(extract(epoch FROM submitted_at))::bigint",
        )
    } else {
        (
            "group_concat",
            "char(10)",
            "CAST(strftime('%s', submitted_at) AS INTEGER)",
        )
    };
    format!(
        "SELECT MAX(id), {agg}(id || ' ' || link_id || ' ' || validity || ' ' || answers \
         || ' ' || recognised || ' ' || judged || ' ' || points || ' ' || {seconds}, {newline}) \
         FROM (SELECT id, link_id, validity, answers, recognised, judged, points, submitted_at \
         FROM responses WHERE {filter} ORDER BY id LIMIT {limit}) AS chunk"
    )
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
pub async fn each_response<C, F>(conn: &C, scope: Scope, mut f: F) -> Result<u64, AppError>
where
    C: ConnectionTrait,
    F: FnMut(Line<'_>) -> Result<(), AppError>,
{
    let sql = chunk_sql(conn.get_database_backend(), scope);
    let mut n = 0u64;
    let mut next = chunk(conn, &sql, scope, 0).await?;
    while let Some((last, text)) = next {
        let work = async {
            for line in text.split('\n') {
                let r = parse_line(line)
                    .ok_or_else(|| AppError::Unexpected(format!("response unreadable: {line}")))?;
                n += 1;
                f(r)?;
            }
            Ok::<(), AppError>(())
        };
        // Polled first, the query is on its way before the work starts.
        let (fetched, worked) =
            futures_util::future::join(chunk(conn, &sql, scope, last), work).await;
        worked?;
        next = fetched?;
    }
    Ok(n)
}

/// The chunk after response id `after`: its largest id and its lines.
async fn chunk<C: ConnectionTrait>(
    conn: &C,
    sql: &str,
    scope: Scope,
    after: i64,
) -> Result<Option<(i64, String)>, AppError> {
    let mut values: Vec<sea_orm::Value> = match scope {
        Scope::Round(round_id) => vec![round_id.into()],
        Scope::Link { round_id, link_id } => vec![round_id.into(), link_id.into()],
    };
    values.extend([after.into(), CHUNK_ROWS.into()]);
    let stmt = Statement::from_sql_and_values(conn.get_database_backend(), sql, values);
    let Some(row) = conn.query_one_raw(stmt).await? else {
        return Ok(None);
    };
    let last: Option<i64> = row.try_get_by_index(0)?;
    let text: Option<String> = row.try_get_by_index(1)?;
    Ok(last.zip(text))
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
