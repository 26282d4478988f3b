//! The submission writer: one task that commits queued responses together
//! (group commit). It takes every submission that queued while the previous
//! commit ran, writes them with one multi-row INSERT in one transaction, and
//! answers each only after COMMIT, so an acknowledged response is durable.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, TransactionTrait,
    sea_query::{OnConflict, Query},
};
use std::collections::{HashMap, HashSet};
use tokio::sync::{mpsc, oneshot};

use crate::{
    admission::{self, Refusal},
    config::Settings,
    db,
    domain::{
        round::DuplicatePolicy,
        school::Location,
        submission::{CheckedAnswers, Validity},
    },
    entities::response,
    error::AppError,
};
use std::sync::Arc;

/// Most submissions written by one INSERT (keeps under SQLite's bind limit).
const MAX_BATCH: usize = 512;
/// Submissions that may wait for the writer before callers get 503.
const QUEUE_DEPTH: usize = 8192;

/// A checked response ready to store.
#[derive(Debug, Clone)]
pub struct Submission {
    pub client_id: String,
    pub round_id: i64,
    pub link_id: i64,
    pub school_id: Option<i64>,
    pub group: String,
    pub submitted_at: DateTime<Utc>,
    pub duration_ms: i64,
    /// Valid, or the reason it is not (e.g. too fast); admission may flag
    /// it as a duplicate device.
    pub validity: Validity,
    pub answers: CheckedAnswers,
    /// Keyed hash of the device cookie, when the browser sent one.
    pub device_hash: Option<String>,
    /// What a second response from that device gets.
    pub duplicate_policy: DuplicatePolicy,
    /// The respondent confirmed another household member is answering on a
    /// phone that already answered; after admission: stored as such.
    pub shared_device: bool,
    /// The round's most answers from one device on one link (see
    /// `rounds.shared_device_limit`).
    pub shared_device_limit: i32,
    /// Keyed hash of the one-time access code, on links that need one.
    pub access_code_hash: Option<String>,
    /// Where the respondent lives, as answered on a county-level group's
    /// questionnaire (`PlaceItem::for_group`); counted in the tallies.
    pub place: Option<Location>,
}

/// Proof that a response is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub client_id: String,
    pub submitted_at: DateTime<Utc>,
    /// Whether the stored response counts, as stored.
    pub validity: Validity,
    /// Stored as another household member's answer on a shared phone.
    pub shared_device: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Stored now.
    Created(Receipt),
    /// The same answers were already stored under this client id.
    Replayed(Receipt),
    /// A different body was already stored under this client id.
    ClientIdReused,
    /// Turned away by admission (duplicate device, used or unknown code).
    Refused(Refusal),
}

type Reply = oneshot::Sender<Result<Outcome, String>>;

/// A handle to the writer task; cheap to clone.
#[derive(Clone)]
pub struct SubmissionWriter {
    tx: mpsc::Sender<(Submission, Reply)>,
}

impl SubmissionWriter {
    /// Starts the writer task on a connection of its own (one connection: a
    /// single writer is what group commit needs). After a failed write the
    /// connection is closed and a fresh one opened, so a connection left in
    /// an unknown transaction state (e.g. after "disk full") is never reused.
    /// The task ends when every handle is dropped and the queue is drained,
    /// so in-flight submissions finish at shutdown.
    pub async fn start_dedicated(
        settings: Arc<Settings>,
    ) -> anyhow::Result<(Self, tokio::task::JoinHandle<()>)> {
        let conn = db::connect_pool(&settings, 1).await?;
        let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
        let handle = tokio::spawn(run(Some(conn), Some(settings), rx));
        Ok((Self { tx }, handle))
    }

    /// Starts the writer on a given connection, without reconnecting (for
    /// command-line tools).
    pub fn start(db: DatabaseConnection) -> (Self, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
        let handle = tokio::spawn(run(Some(db), None, rx));
        (Self { tx }, handle)
    }

    /// Queues a submission and waits until it is committed.
    pub async fn submit(&self, s: Submission) -> Result<Outcome, AppError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .try_send((s, reply))
            .map_err(|_| AppError::Unavailable("submission queue full or closed".into()))?;
        match rx.await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(e)) => Err(AppError::Unavailable(e)),
            Err(_) => Err(AppError::Unavailable("writer stopped".into())),
        }
    }
}

/// Replaces the writer's connection after a failure; `None` while the
/// database cannot be reached (the next batch tries again).
async fn renew(
    old: Option<DatabaseConnection>,
    settings: &Option<Arc<Settings>>,
) -> Option<DatabaseConnection> {
    let Some(settings) = settings else {
        return old;
    };
    if let Some(old) = old {
        // Closing rolls back whatever the connection may still hold.
        let _ = old.close().await;
    }
    match db::connect_pool(settings, 1).await {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!(error = %e, "writer could not reconnect");
            None
        }
    }
}

async fn run(
    mut conn: Option<DatabaseConnection>,
    settings: Option<Arc<Settings>>,
    mut rx: mpsc::Receiver<(Submission, Reply)>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if conn.is_none() {
            conn = renew(None, &settings).await;
        }
        let Some(db) = conn.clone() else {
            for (_, reply) in batch.drain(..) {
                let _ = reply.send(Err("database unreachable".to_string()));
            }
            continue;
        };
        let subs: Vec<&Submission> = batch.iter().map(|(s, _)| s).collect();
        let first = write_batch(&db, &subs).await;
        if first.is_err() {
            conn = renew(conn.take(), &settings).await;
        }
        match first {
            Ok(outcomes) => {
                for ((_, reply), o) in batch.drain(..).zip(outcomes) {
                    let _ = reply.send(Ok(o));
                }
            }
            Err(e) if batch.len() > 1 => {
                // One bad row must not fail its neighbours: retry one by one.
                tracing::warn!(error = %e, size = batch.len(), "batch failed; retrying singly");
                for (s, reply) in batch.drain(..) {
                    let Some(db) = conn.clone() else {
                        let _ = reply.send(Err("database unreachable".to_string()));
                        continue;
                    };
                    let r = write_batch(&db, &[&s])
                        .await
                        .map(|mut o| o.remove(0))
                        .map_err(|e| e.to_string());
                    if r.is_err() {
                        conn = renew(conn.take(), &settings).await;
                    }
                    let _ = reply.send(r);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "submission write failed");
                for (_, reply) in batch.drain(..) {
                    let _ = reply.send(Err(e.to_string()));
                }
            }
        }
    }
    tracing::info!("submission writer stopped");
}

/// How long the writer waits in all for another connection's write (a
/// rebuild of tallies, a login's audit row) before the batch fails.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);

/// Begins the batch's transaction holding the write lock from the start
/// (SQLite `BEGIN IMMEDIATE`). A deferred transaction reads first and is
/// refused at once when it then tries to write after another connection
/// wrote; an immediate one waits for the lock within the busy timeout, and
/// is retried here past it, so submissions wait for others' writes rather
/// than fail. (PostgreSQL locks rows, not the database: a plain BEGIN.)
async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions};
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    loop {
        match db.begin_with_options(options).await {
            Err(e) if is_busy(&e) && started.elapsed() < LOCK_PATIENCE => {
                tracing::warn!("database busy; the writer waits for the write lock");
            }
            other => return other,
        }
    }
}

/// SQLite's "database is locked" (SQLITE_BUSY) after its busy timeout.
fn is_busy(e: &DbErr) -> bool {
    let text = e.to_string();
    text.contains("database is locked") || text.contains("(code: 5)")
}

/// Writes a batch in one transaction and tells each submission what happened.
async fn write_batch(
    db: &DatabaseConnection,
    batch: &[&Submission],
) -> Result<Vec<Outcome>, DbErr> {
    use response::Column as C;
    let txn = begin_write(db).await?;
    // Duplicate devices and access codes are decided in this transaction;
    // `subs` carry their final validity.
    let admitted = admission::admit(&txn, batch).await?;
    let subs: Vec<&Submission> = admitted.rows.iter().collect();
    let mut insert = Query::insert();
    insert
        .into_table(response::Entity)
        .columns([
            C::ClientId,
            C::RoundId,
            C::LinkId,
            C::SchoolId,
            C::RespondentGroup,
            C::SubmittedAt,
            C::DurationMs,
            C::Validity,
            C::Answers,
            C::Texts,
            C::Recognised,
            C::Judged,
            C::Points,
            C::Fingerprint,
            C::SharedDevice,
        ])
        .on_conflict(OnConflict::column(C::ClientId).do_nothing().to_owned())
        .returning_all();
    for s in &subs {
        let texts = if s.answers.texts.is_empty() {
            None
        } else {
            serde_json::to_string(&s.answers.texts).ok()
        };
        insert
            .values([
                s.client_id.clone().into(),
                s.round_id.into(),
                s.link_id.into(),
                s.school_id.into(),
                s.group.clone().into(),
                s.submitted_at.into(),
                s.duration_ms.into(),
                s.validity.code().into(),
                s.answers.encoded.clone().into(),
                texts.into(),
                s.answers.score.recognised.into(),
                s.answers.score.judged.into(),
                s.answers.score.points.into(),
                s.answers.fingerprint.clone().into(),
                s.shared_device.into(),
            ])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    // The INSERT returns the rows it stored; only client ids it skipped
    // (a replay, or a reused id) are read back, which is rarely any.
    let mut stored: HashMap<String, response::Model> = HashMap::new();
    if !subs.is_empty() {
        for row in txn.query_all(&insert).await? {
            let m = response::Model::from_query_result(&row, "")?;
            stored.insert(m.client_id.clone(), m);
        }
    }
    let inserted: HashSet<String> = stored.keys().cloned().collect();
    let skipped: Vec<String> = subs
        .iter()
        .filter(|s| !inserted.contains(&s.client_id))
        .map(|s| s.client_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if !skipped.is_empty() {
        for m in response::Entity::find()
            .filter(C::ClientId.is_in(skipped))
            .all(&txn)
            .await?
        {
            stored.insert(m.client_id.clone(), m);
        }
    }
    let places: HashMap<&str, Option<Location>> = subs
        .iter()
        .map(|s| (s.client_id.as_str(), s.place))
        .collect();
    let new_rows: Vec<(&response::Model, Option<Location>)> = inserted
        .iter()
        .filter_map(|id| Some((stored.get(id)?, *places.get(id.as_str())?)))
        .collect();
    crate::store::tallies::apply_batch(&txn, &new_rows).await?;
    txn.commit().await?;

    let mut claimed = HashSet::new();
    Ok(batch
        .iter()
        .map(|s| {
            if let Some(r) = admitted.refused.get(&s.client_id) {
                return Outcome::Refused(*r);
            }
            let Some(row) = stored.get(&s.client_id) else {
                return Outcome::ClientIdReused;
            };
            let receipt = Receipt {
                client_id: s.client_id.clone(),
                submitted_at: row.submitted_at,
                // Only known codes are ever written.
                validity: Validity::from_code(&row.validity).unwrap_or(Validity::Valid),
                shared_device: row.shared_device,
            };
            if inserted.contains(&s.client_id) && claimed.insert(s.client_id.clone()) {
                Outcome::Created(receipt)
            } else if row.fingerprint == s.answers.fingerprint && row.link_id == s.link_id {
                Outcome::Replayed(receipt)
            } else {
                Outcome::ClientIdReused
            }
        })
        .collect())
}
