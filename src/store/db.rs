//! Connecting to the database and bringing its schema up to date; the
//! health check's ping and the SQLite backup. Re-exported as `renke::db`.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use std::time::Duration;

use crate::{config::Settings, error::AppError};

/// Connects with durable settings: on SQLite, WAL with synchronous=FULL (an
/// acknowledged response survives a power cut) and foreign keys on.
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    connect_pool(settings, settings.db_max_connections).await
}

/// A connection pool of at most `max_connections`; the submission writer
/// uses one of its own with a single connection.
pub async fn connect_pool(
    settings: &Settings,
    max_connections: u32,
) -> anyhow::Result<DatabaseConnection> {
    open_pool(settings, max_connections, false).await
}

/// The submission writer's connection. On PostgreSQL it plans every
/// statement for its parameters (`plan_cache_mode = force_custom_plan`):
/// its statements are prepared once and run thousands of times while the
/// tables they read grow from nothing, and a generic plan chosen while
/// `responses` was small (a sequential scan for the batch's client ids)
/// stayed in use as it grew, taking 20–80 ms per batch.
pub async fn connect_writer(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    open_pool(settings, 1, true).await
}

async fn open_pool(
    settings: &Settings,
    max_connections: u32,
    custom_plans: bool,
) -> anyhow::Result<DatabaseConnection> {
    let url = &settings.database_url;
    let mut opts = ConnectOptions::new(url.clone());
    opts.max_connections(max_connections.max(1))
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        ensure_parent_dir(url)?;
        opts.map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    } else if custom_plans {
        opts.map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
    }
    Ok(Database::connect(opts).await?)
}

fn ensure_parent_dir(url: &str) -> anyhow::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = std::path::Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    Ok(())
}

/// An arbitrary key for PostgreSQL's advisory lock around migrations.
const MIGRATION_LOCK_KEY: i64 = 0x7265_6e6b_6500;

/// Runs pending migrations. On PostgreSQL, several instances starting at
/// once take turns under an advisory lock.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let pool = db.get_postgres_connection_pool();
        let mut conn = pool.acquire().await?;
        sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK_KEY)
            .execute(&mut *conn)
            .await?;
        let result = Migrator::up(db, None).await;
        sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK_KEY)
            .execute(&mut *conn)
            .await?;
        result?;
    } else {
        Migrator::up(db, None).await?;
    }
    Ok(())
}

/// A cheap query proving the database answers.
pub async fn ping(db: &DatabaseConnection) -> Result<(), AppError> {
    db.execute_unprepared("SELECT 1").await?;
    Ok(())
}

/// The pool's open connections and how many of them are idle (metrics).
pub fn pool_use(db: &DatabaseConnection) -> (u32, u32) {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle() as u32)
        }
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle() as u32)
        }
        _ => (0, 0),
    }
}

/// Copies a live SQLite database into `path` with `VACUUM INTO`: one read
/// transaction, so the copy is consistent even while submissions are being
/// written.
pub async fn backup_into(db: &DatabaseConnection, path: &str) -> Result<(), AppError> {
    db.execute_unprepared(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
        .await?;
    Ok(())
}
