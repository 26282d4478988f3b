//! The session settings of the server's database connections, read back
//! from the database itself: what the writer and the request pool were
//! opened with is what their statements run under.

use crate::helpers::{DropDatabase, fresh_database};
use renke::config::Settings;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

async fn text(db: &DatabaseConnection, sql: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query runs")
        .expect("one row");
    match db.get_database_backend() {
        DbBackend::Sqlite => row
            .try_get_by_index::<i64>(0)
            .map(|n| n.to_string())
            .or_else(|_| row.try_get_by_index::<String>(0))
            .expect("a value"),
        _ => row.try_get_by_index::<String>(0).expect("a text"),
    }
}

/// On PostgreSQL the writer plans every statement for its parameters: its
/// prepared statements run thousands of times while `responses` grows from
/// nothing, and a generic plan made while the table was small (a sequential
/// scan for a batch's client ids) cost 20–80 ms a batch as it grew. The
/// request pool keeps PostgreSQL's default. On SQLite both are durable
/// (WAL, synchronous=FULL) and check foreign keys.
#[tokio::test]
async fn the_writer_and_the_pool_run_with_their_session_settings() {
    let (url, _dir) = fresh_database().await;
    let _drop = DropDatabase::of(&url);
    let settings = Settings::for_test(&url);
    let pool = renke::db::connect(&settings).await.expect("pool");
    let writer = renke::db::connect_writer(&settings).await.expect("writer");
    match pool.get_database_backend() {
        DbBackend::Postgres => {
            assert_eq!(
                text(&writer, "SHOW plan_cache_mode").await,
                "force_custom_plan"
            );
            assert_eq!(text(&pool, "SHOW plan_cache_mode").await, "auto");
        }
        _ => {
            for db in [&writer, &pool] {
                assert_eq!(text(db, "PRAGMA journal_mode").await, "wal");
                assert_eq!(text(db, "PRAGMA synchronous").await, "2", "FULL");
                assert_eq!(text(db, "PRAGMA foreign_keys").await, "1");
            }
        }
    }
}
