//! The submission writer: one task that commits queued responses together
//! (group commit). It takes every submission that queued while the previous
//! commit ran, writes them with one multi-row INSERT in one transaction, and
//! answers each only after COMMIT, so an acknowledged response is durable.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use std::collections::{HashMap, HashSet};
use tokio::sync::{mpsc, oneshot};

pub use crate::admission::Submission;
use crate::{
    admission::{self, Admitted, ClientKey, DeviceKey, Refusal, SheetClaim},
    config::Settings,
    domain::{client_id::ClientId, school::Location, submission::Validity},
    error::AppError,
    metrics::Metrics,
    store::db,
    store::{self, access_codes::CodeState, responses::StoredResponse},
};
use std::sync::Arc;

/// Most submissions written by one INSERT (keeps under SQLite's bind limit).
const MAX_BATCH: usize = 512;
/// Submissions that may wait for the writer before callers get 503.
const QUEUE_DEPTH: usize = 8192;

/// Proof that a response is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub client_id: ClientId,
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
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<(Self, tokio::task::JoinHandle<()>)> {
        let conn = db::connect_writer(&settings).await?;
        let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
        let handle = tokio::spawn(run(Some(conn), Some(settings), rx, metrics));
        Ok((Self { tx }, handle))
    }

    /// Starts the writer on a given connection, without reconnecting (for
    /// command-line tools).
    pub fn start(db: DatabaseConnection) -> (Self, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
        let handle = tokio::spawn(run(Some(db), None, rx, Arc::default()));
        (Self { tx }, handle)
    }

    /// Submissions waiting for the writer, and the most that may wait.
    pub fn queue(&self) -> (usize, usize) {
        let most = self.tx.max_capacity();
        (most - self.tx.capacity(), most)
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
    match db::connect_writer(settings).await {
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
    metrics: Arc<Metrics>,
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
        let started = std::time::Instant::now();
        let first = write_batch(&db, &subs).await;
        if first.is_ok() {
            metrics.batch_committed(subs.len(), started.elapsed());
        }
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
                tracing::warn!(error = %detail(&e), size = batch.len(), "batch failed; retrying singly");
                for (s, reply) in batch.drain(..) {
                    let Some(db) = conn.clone() else {
                        let _ = reply.send(Err("database unreachable".to_string()));
                        continue;
                    };
                    let r = write_batch(&db, &[&s])
                        .await
                        .map(|mut o| o.remove(0))
                        .map_err(|e| detail(&e));
                    if r.is_err() {
                        conn = renew(conn.take(), &settings).await;
                    }
                    let _ = reply.send(r);
                }
            }
            Err(e) => {
                tracing::error!(error = %detail(&e), "submission write failed");
                for (_, reply) in batch.drain(..) {
                    let _ = reply.send(Err(detail(&e)));
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
async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
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

/// What a failed write says, in the log and to the waiting request: the
/// database's own words for a database error.
fn detail(e: &AppError) -> String {
    match e {
        AppError::Db(e) => e.to_string(),
        e => e.to_string(),
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
) -> Result<Vec<Outcome>, AppError> {
    let txn = begin_write(db).await?;
    // Duplicate devices and access codes are decided in this transaction;
    // `subs` carry their final validity.
    let admitted = admit(&txn, batch).await?;
    let subs: Vec<&Submission> = admitted.rows.iter().collect();
    // The INSERT returns the rows it stored; only client ids it skipped
    // (a replay, or a reused id) are read back, which is rarely any.
    // Keyed as responses are: a client id under its link's county.
    let mut stored: HashMap<ClientKey, StoredResponse> = HashMap::new();
    for m in store::responses::insert(&txn, &subs).await? {
        stored.insert((m.county_id, m.client_id.clone()), m);
    }
    let inserted: HashSet<ClientKey> = stored.keys().cloned().collect();
    let skipped: Vec<(i64, &ClientId)> = subs
        .iter()
        .filter(|s| !inserted.contains(&s.key()))
        .map(|s| (s.county_id, &s.client_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if !skipped.is_empty() {
        for (key, m) in store::responses::by_client_ids(&txn, &skipped).await? {
            stored.insert(key, m);
        }
    }
    let facts: HashMap<ClientKey, (Option<Location>, i32)> = subs
        .iter()
        .map(|s| (s.key(), (s.place, s.middle)))
        .collect();
    let new_rows: Vec<(&StoredResponse, Option<Location>, i32)> = inserted
        .iter()
        .filter_map(|id| {
            let (place, middle) = *facts.get(id)?;
            Some((stored.get(id)?, place, middle))
        })
        .collect();
    store::tallies::apply_batch(&txn, &new_rows).await?;
    txn.commit().await?;

    let mut claimed = HashSet::new();
    Ok(batch
        .iter()
        .map(|s| {
            let key = s.key();
            if let Some(r) = admitted.refused.get(&key) {
                return Outcome::Refused(*r);
            }
            let Some(row) = stored.get(&key) else {
                return Outcome::ClientIdReused;
            };
            let receipt = Receipt {
                client_id: s.client_id.clone(),
                submitted_at: row.submitted_at,
                validity: row.validity,
                shared_device: row.shared_device,
            };
            if inserted.contains(&key) && claimed.insert(key) {
                Outcome::Created(receipt)
            } else if row.fingerprint == s.answers.fingerprint && row.link_id == s.link_id {
                Outcome::Replayed(receipt)
            } else {
                Outcome::ClientIdReused
            }
        })
        .collect())
}

/// Decides every submission of a batch (the rules: `admission`), claiming
/// device marks and using up access codes in the batch's transaction.
async fn admit(txn: &DatabaseTransaction, batch: &[&Submission]) -> Result<Admitted, AppError> {
    let asked: Vec<(i64, &ClientId)> = batch.iter().map(|s| (s.county_id, &s.client_id)).collect();
    let stored = store::responses::stored_client_ids(txn, &asked).await?;
    let fresh = admission::fresh(batch, &stored);

    let wanted: HashSet<DeviceKey> = fresh
        .iter()
        .filter_map(|s| admission::legacy_key(s))
        .collect();
    let counties: HashMap<i64, i64> = batch.iter().map(|s| (s.round_id, s.county_id)).collect();
    let legacy = store::devices::legacy_marks(txn, &wanted, &counties).await?;
    let mut first = admission::first_claims(&fresh, &legacy);
    let mut claimed: HashMap<DeviceKey, ClientId> = HashMap::new();
    for key in store::devices::claim(txn, first.keys(), &counties).await? {
        if let Some(client_id) = first.remove(&key) {
            claimed.insert(key, client_id);
        }
    }
    let mut refused = HashMap::new();
    let mut flagged = HashSet::new();
    let mut shared: HashMap<ClientKey, DeviceKey> = HashMap::new();
    for s in &fresh {
        let Some(key) = admission::deciding_key(s, &legacy) else {
            continue;
        };
        if claimed.get(&key) == Some(&s.client_id) {
            continue;
        }
        if admission::may_share(s)
            && store::devices::share(txn, s.county_id, &key, s.shared_device_limit).await?
        {
            shared.insert(s.key(), key);
            continue;
        }
        match admission::repeat(s.duplicate_policy) {
            Some(r) => {
                refused.insert(s.key(), r);
            }
            None => {
                flagged.insert(s.key());
            }
        }
    }
    for s in &fresh {
        let Some(code_hash) = &s.access_code_hash else {
            continue;
        };
        if refused.contains_key(&s.key()) {
            continue;
        }
        let refusal =
            match store::access_codes::consume(txn, s.county_id, s.link_id, code_hash).await? {
                CodeState::Unused => continue,
                CodeState::Used => Refusal::AccessCodeUsed,
                CodeState::Unknown => Refusal::AccessCodeUnknown,
            };
        refused.insert(s.key(), refusal);
        // Nothing is stored for it, so its device has not answered.
        if let Some(key) = admission::device_key(s).filter(|k| claimed.get(k) == Some(&s.client_id))
        {
            store::devices::release(txn, s.county_id, key).await?;
        }
        if let Some(key) = shared.remove(&s.key()) {
            store::devices::unshare(txn, s.county_id, &key).await?;
        }
    }
    // A paper sheet's serial counts once per round: claimed here, in the
    // transaction that stores its response (paper sheets carry no device
    // mark and no access code, so nothing else needs releasing).
    for s in &fresh {
        let Some(claim) = &s.sheet else {
            continue;
        };
        if refused.contains_key(&s.key()) {
            continue;
        }
        let claimed = match claim {
            SheetClaim::New(sheet) => store::paper::claim_new(txn, sheet, &s.client_id).await?,
            SheetClaim::Finalise { sheet_id, status } => {
                store::paper::finalise(txn, s.county_id, *sheet_id, status, &s.client_id).await?
            }
        };
        if !claimed {
            refused.insert(s.key(), Refusal::SheetSerialUsed);
        }
    }
    Ok(admission::admitted(batch, refused, &flagged, &shared))
}
