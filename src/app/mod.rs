//! Use-cases: one function per action an organiser or admin takes (and the
//! few an account takes on itself). Each makes its change and writes its
//! audit entry in one database transaction, so an action is either stored
//! with its entry or not at all; after the commit, [`Change::commit`] drops
//! what the caches hold about what changed. Handlers and the command line
//! call these; they never write the audit log themselves.

pub mod accounts;
pub mod assessments;
pub mod checklist;
pub mod exports;
pub mod interviews;
pub mod liaisons;
pub mod links;
pub mod page_texts;
pub mod paper;
pub mod readiness;
pub mod regions;
pub mod rooms;
pub mod rounds;
pub mod schools;
pub mod sessions;
pub mod translations;

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

use crate::{credentials::CurrentUser, error::AppError, link_cache::LinkCache, store};

/// What a use-case needs besides its arguments: the database, and the
/// caches to clear after a commit (none for the command line: another
/// process's cache expires on its own within its TTL).
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub db: &'a DatabaseConnection,
    pub links: Option<&'a LinkCache>,
}

impl<'a> Ctx<'a> {
    pub fn new(db: &'a DatabaseConnection, links: &'a LinkCache) -> Self {
        Self {
            db,
            links: Some(links),
        }
    }

    /// Without caches (the command line, demo data).
    pub fn without_caches(db: &'a DatabaseConnection) -> Self {
        Self { db, links: None }
    }
}

/// Who does it, as the audit log names them.
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    account: Option<&'a CurrentUser>,
    name: &'a str,
}

impl<'a> Actor<'a> {
    /// A logged-in account.
    pub fn user(u: &'a CurrentUser) -> Self {
        Self {
            account: Some(u),
            name: &u.username,
        }
    }

    /// Someone named but not logged in (a login).
    pub fn named(name: &'a str) -> Self {
        Self {
            account: None,
            name,
        }
    }

    /// The account's id, if logged in.
    pub fn account_id(&self) -> Option<i64> {
        self.account.map(|u| u.id)
    }

    /// The name the audit log gives.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// renke itself, acting on time (a room session that ran out).
    pub const SYSTEM: Actor<'static> = Actor {
        account: None,
        name: "系统（自动）",
    };

    /// `renke admin …` on the server's command line.
    pub const CLI: Actor<'static> = Actor {
        account: None,
        name: "命令行 (renke admin)",
    };
}

/// What a committed change makes stale.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stale {
    /// Link contexts (a round, a link, its access codes or a school changed).
    pub links: bool,
}

/// One action in progress: its transaction, who does it, and what it makes
/// stale. Dropped without [`Change::commit`], nothing is stored.
pub struct Change<'a> {
    txn: DatabaseTransaction,
    ctx: Ctx<'a>,
    actor: Actor<'a>,
    stale: Stale,
    /// The county the change is about, when its target does not say (a
    /// county-wide change) or its row is gone by the commit (a deletion).
    county: Option<i64>,
}

impl<'a> Change<'a> {
    /// Begins the transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first is
    /// refused when it then writes after another connection did.
    pub async fn begin(ctx: Ctx<'a>, actor: Actor<'a>) -> Result<Self, AppError> {
        let txn = ctx
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        Ok(Self {
            txn,
            ctx,
            actor,
            stale: Stale::default(),
            county: None,
        })
    }

    /// The transaction to read and write through.
    pub fn db(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// The change is about `county`'s rows: its audit entry carries it.
    pub fn in_county(&mut self, county: i64) {
        self.county = Some(county);
    }

    /// The change touches what the respondent's side caches about links.
    pub fn links_changed(&mut self) {
        self.stale.links = true;
    }

    /// Writes the audit entry, commits both, then clears stale caches. An
    /// entry that cannot be written fails the whole action.
    pub async fn commit(
        self,
        action: &str,
        target: impl Into<String>,
        detail: impl Into<String>,
    ) -> Result<(), AppError> {
        store::audit::insert(
            &self.txn,
            self.actor.account.map(|u| u.id),
            self.actor.name,
            action,
            &target.into(),
            &detail.into(),
            self.county,
        )
        .await?;
        if self.stale.links {
            // Every instance's link contexts, through the shared generation.
            store::generations::bump_links(&self.txn).await?;
        }
        self.txn.commit().await?;
        after_commit(self.ctx, self.stale);
        Ok(())
    }
}

/// The one place caches learn of committed changes.
fn after_commit(ctx: Ctx<'_>, stale: Stale) {
    if stale.links
        && let Some(links) = ctx.links
    {
        links.links_changed();
    }
}
