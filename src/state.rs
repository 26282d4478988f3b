//! The state every request handler is given, built by `startup`. Kept apart
//! from `startup` so that handlers, pages and middleware depend on it
//! without depending on the application that serves them.

use sea_orm::DatabaseConnection;
use std::sync::Arc;

use crate::{
    config::Settings,
    heavy::Heavy,
    keyed::Keyed,
    link_cache::LinkCache,
    metrics::Metrics,
    ratelimit::RateLimiter,
    throttle::{LoginThrottle, ThrottleNotes},
    writer::SubmissionWriter,
};

/// Shared state handed to every request.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub writer: SubmissionWriter,
    pub login_throttle: Arc<LoginThrottle>,
    /// Throttled logins already written to the audit log in this window.
    pub throttle_notes: Arc<ThrottleNotes>,
    /// Key of the hashes kept for devices and access codes.
    pub keyed: Keyed,
    pub limiter: Arc<RateLimiter>,
    /// Links and frozen questionnaires the respondent's side reads.
    pub links: Arc<LinkCache>,
    /// Permits for heavy requests (QR ZIPs, posters, scans), see `heavy`.
    pub heavy: Heavy,
    /// Counters for the `/metrics` scrape (see `scrape`).
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// What use-cases (`app`) need: the database and the caches to clear.
    pub fn app(&self) -> crate::app::Ctx<'_> {
        crate::app::Ctx::new(&self.db, &self.links)
    }
}
