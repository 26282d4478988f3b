//! The application: connect, migrate, bootstrap, bind, serve, shut down
//! gracefully.

use poem::{
    EndpointExt, Route, Server,
    listener::{Acceptor, Listener, TcpAcceptor, TcpListener},
    middleware::{CatchPanic, Compression},
};
use sea_orm::DatabaseConnection;
use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use crate::{
    api, auth,
    config::Settings,
    deployment_key,
    heavy::Heavy,
    link_cache::{GENERATION_POLL, LinkCache},
    metrics::Metrics,
    pages,
    ratelimit::RateLimiter,
    security,
    state::AppState,
    store,
    store::db,
    throttle::LoginThrottle,
    writer::SubmissionWriter,
};

pub struct Application {
    acceptor: TcpAcceptor,
    addr: SocketAddr,
    /// The metrics listener (`RENKE_METRICS_BIND`), when configured.
    metrics: Option<(TcpAcceptor, SocketAddr)>,
    state: AppState,
    writer_task: tokio::task::JoinHandle<()>,
    initial_admin_password: Option<String>,
}

impl Application {
    /// Connects, migrates, creates the first admin, and binds the port
    /// (port 0 picks a free one; see `port()`).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = db::connect(&settings).await?;
        db::migrate(&db).await?;
        let initial_admin_password = bootstrap_admin(&db).await?;
        let keyed = deployment_key::load(&db, &settings).await?;
        let limiter = Arc::new(RateLimiter::new(&settings));
        crate::scrape::check_settings(&settings)?;
        let (acceptor, addr) = bind(settings.bind).await?;
        let metrics = match settings.metrics_bind {
            Some(at) => Some(bind(at).await?),
            None => None,
        };
        // Links fall back to the bound address when no public URL is set:
        // use the real port, not the 0 of a test's `127.0.0.1:0`.
        let settings = Arc::new(Settings {
            bind: addr,
            ..settings
        });
        let counters = Arc::new(Metrics::default());
        let (writer, writer_task) =
            SubmissionWriter::start_dedicated(settings.clone(), counters.clone()).await?;
        Ok(Self {
            acceptor,
            addr,
            metrics,
            state: AppState {
                db,
                settings,
                writer,
                login_throttle: Arc::new(LoginThrottle::default()),
                throttle_notes: Arc::default(),
                keyed,
                limiter,
                links: Arc::new(LinkCache::default()),
                heavy: Heavy::default(),
                metrics: counters,
            },
            writer_task,
            initial_admin_password,
        })
    }

    /// The password of the `admin` account created on this first start, if any.
    pub fn initial_admin_password(&self) -> Option<&str> {
        self.initial_admin_password.as_deref()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The port of the metrics listener, when there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(_, a)| a.port())
    }

    pub fn db(&self) -> DatabaseConnection {
        self.state.db.clone()
    }

    /// Serves until `shutdown` resolves, lets in-flight requests finish, then
    /// drains the submission queue so every accepted response is committed.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self {
            acceptor,
            addr,
            metrics,
            state,
            writer_task,
            ..
        } = self;
        let metrics_server = metrics.map(|(acceptor, at)| {
            tracing::info!(addr = %at, "metrics listening");
            let server =
                Server::new_with_acceptor(acceptor).run(crate::scrape::routes(state.clone()));
            tokio::spawn(server)
        });
        tracing::info!(%addr, "renke listening");
        if let Some(url) = &state.settings.public_url {
            tracing::info!(public_url = %url, "survey links use this base URL");
        }
        let sweeper = sweep_room_sessions(state.clone());
        let watcher = watch_link_generation(state.clone());
        let app = routes(state);
        Server::new_with_acceptor(acceptor)
            .run_with_graceful_shutdown(app, shutdown, Some(Duration::from_secs(30)))
            .await?;
        // The routes are gone; the background tasks hold the last other
        // handles of the state (and with it of the writer): once they stop,
        // the writer finishes what is queued and stops.
        if let Some(task) = metrics_server {
            task.abort();
            let _ = task.await;
        }
        for task in [sweeper, watcher] {
            task.abort();
            let _ = task.await;
        }
        match tokio::time::timeout(Duration::from_secs(30), writer_task).await {
            Ok(_) => tracing::info!("shut down cleanly"),
            Err(_) => tracing::error!("submission writer did not finish in 30 s"),
        }
        Ok(())
    }
}

/// Every minute, room sessions that ran out get their audit entry (the
/// caller aborts the task at shutdown: it holds a handle of the writer).
fn sweep_room_sessions(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            crate::app::rooms::record_expired_or_warn(state.app()).await;
        }
    })
}

/// Every [`GENERATION_POLL`], the links' shared generation: the link cache
/// forgets its contexts when another instance changed a round, a link or a
/// school, and trusts them longer while the reads succeed (`link_cache`).
/// A failed read is logged once, not every second of an outage.
fn watch_link_generation(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(GENERATION_POLL);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            every.tick().await;
            match store::generations::links(&state.db).await {
                Ok(g) => {
                    state.links.observe_generation(g);
                    if failing {
                        tracing::info!("link generation readable again");
                    }
                    failing = false;
                }
                Err(e) => {
                    if !failing {
                        tracing::warn!(error = %e, "cannot read the link generation; link contexts are kept for 3 s only");
                    }
                    failing = true;
                }
            }
        }
    })
}

/// The whole HTTP surface.
pub fn routes(state: AppState) -> impl poem::Endpoint {
    let api_service = api::service(state.settings.public_url.as_deref());
    api::allow::install(&api_service.spec());
    let spec = api_service.spec_endpoint();
    let docs = api_service.swagger_ui();
    Route::new()
        .nest("/api/docs", docs)
        .at("/api/openapi.json", spec)
        .nest(
            "/api",
            api_service
                .around(crate::limits::limit_body)
                .catch_all_error(api::json_error)
                .around(api::allow::allow_header),
        )
        .at("/healthz", poem::get(api::health::healthz))
        .nest("/", pages::routes())
        .around(crate::scrape::on_main)
        .around(crate::respondent_gate::respondent_limits)
        .around(security::headers)
        .with(CatchPanic::new())
        .with(Compression::new())
        // Outside the compression, which would decode request bodies.
        .around(crate::limits::refuse_encoded_bodies)
        .around(crate::request_log::log_requests)
        .data(state)
}

/// Binds `at` (port 0 picks a free one) and reads the address it got.
async fn bind(at: SocketAddr) -> anyhow::Result<(TcpAcceptor, SocketAddr)> {
    let acceptor = TcpListener::bind(at).into_acceptor().await?;
    let addr = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| anyhow::anyhow!("could not read the bound address"))?;
    Ok((acceptor, addr))
}

/// On first start with no accounts, creates `admin` with a random password
/// printed once in the log.
pub(crate) async fn bootstrap_admin(db: &DatabaseConnection) -> anyhow::Result<Option<String>> {
    if store::accounts::count(db).await? > 0 {
        return Ok(None);
    }
    let password = auth::random_password();
    if let Err(e) =
        store::accounts::create(db, "admin", "系统管理员", auth::Role::Admin, &password).await
    {
        // Another instance starting at the same moment may have won the race.
        if store::accounts::count(db).await? > 0 {
            return Ok(None);
        }
        return Err(anyhow::anyhow!("could not create the first admin: {e}"));
    }
    tracing::warn!(
        "first start: created account `admin` with password `{password}` — log in and change it; it is not shown again"
    );
    Ok(Some(password))
}
