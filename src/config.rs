//! Settings: defaults, overridden by `RENKE_*` environment variables, then by
//! command-line flags.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;

#[derive(Debug, Parser)]
#[command(
    name = "renke",
    version,
    about = "renke 认可 — 义务教育优质均衡发展社会认可度调查"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Write a consistent copy of the SQLite database while renke serves
    /// (for PostgreSQL use pg_dump; see the README).
    Backup {
        /// Where to write the copy; must not exist yet.
        file: std::path::PathBuf,
    },
    /// Manage accounts from the command line.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Print the OpenAPI spec (JSON) and exit; needs no database.
    Openapi,
    /// Fill the configured database with a demo county, an open round and
    /// synthetic responses, and print how to log in.
    Demo,
}

#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Create an account and print its generated password.
    Create {
        username: String,
        /// admin, organiser or reviewer
        #[arg(long, default_value = "organiser")]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Set a new random password for an account and revoke its sessions.
    ResetPassword { username: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Clone, Args)]
pub struct Settings {
    /// Address and port to listen on.
    #[arg(
        long,
        env = "RENKE_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,
    /// sqlite://path or postgres://user@host/db
    #[arg(
        long,
        env = "RENKE_DATABASE_URL",
        default_value = "sqlite://data/renke.db",
        global = true
    )]
    pub database_url: String,
    /// Public base URL put in survey links and QR codes, e.g. https://renke.example.gov.cn
    #[arg(long, env = "RENKE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    #[arg(
        long,
        env = "RENKE_LOG_FORMAT",
        value_enum,
        default_value = "pretty",
        global = true
    )]
    pub log_format: LogFormat,
    /// How long a login session lasts, in hours.
    #[arg(long, env = "RENKE_SESSION_HOURS", default_value_t = 12, global = true)]
    pub session_hours: i64,
    /// Largest number of database connections in the pool.
    #[arg(
        long,
        env = "RENKE_DB_MAX_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    pub db_max_connections: u32,
    /// Mark the session cookie Secure (set when served over HTTPS).
    #[arg(
        long,
        env = "RENKE_SECURE_COOKIES",
        default_value_t = false,
        global = true
    )]
    pub secure_cookies: bool,
    /// Key for the keyed hashes of device cookies and access codes. Unset:
    /// one is generated on first start and kept in the database, shared by
    /// every instance using it.
    #[arg(long, env = "RENKE_SECRET", global = true, hide_env_values = true)]
    pub secret: Option<String>,
    /// A file holding the hashing key (the production setting: keep it out
    /// of the database and its backups). Unset on SQLite: `renke.key` beside
    /// the database file.
    #[arg(long, env = "RENKE_SECRET_FILE", global = true)]
    pub secret_file: Option<std::path::PathBuf>,
    /// Accept a hashing key that does not match the one the data was made
    /// with (unused access codes and device marks stop matching).
    #[arg(
        long,
        env = "RENKE_ROTATE_SECRET",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new(),
        global = true
    )]
    pub rotate_secret: bool,
    /// Header carrying the client address set by a trusted reverse proxy
    /// (e.g. X-Forwarded-For; its last entry is used). Unset: the socket address.
    #[arg(long, env = "RENKE_TRUSTED_PROXY_HEADER", global = true)]
    pub trusted_proxy_header: Option<String>,
    /// Respondent requests (pages and public API) allowed per client address
    /// per minute; 0 turns the limit off. Generous: parents behind one mobile
    /// carrier's NAT share an address.
    #[arg(
        long,
        env = "RENKE_RATE_PER_ADDRESS",
        default_value_t = 300,
        global = true
    )]
    pub rate_per_address: u32,
    /// Submissions and access-code attempts allowed per survey link per
    /// minute; 0 turns the limit off.
    #[arg(
        long,
        env = "RENKE_RATE_PER_LINK",
        default_value_t = 600,
        global = true
    )]
    pub rate_per_link: u32,
    /// Reports mark rates from fewer valid responses than this as "small sample".
    #[arg(long, env = "RENKE_REPORT_MIN_N", default_value_t = 30, global = true)]
    pub report_min_n: u64,
}

impl std::fmt::Debug for Settings {
    // The database URL may carry a password: keep it out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("database_url", &redact_url(&self.database_url))
            .field("public_url", &self.public_url)
            .field("log_format", &self.log_format)
            .field("session_hours", &self.session_hours)
            .field("db_max_connections", &self.db_max_connections)
            .field("secure_cookies", &self.secure_cookies)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("secret_file", &self.secret_file)
            .field("rotate_secret", &self.rotate_secret)
            .field("trusted_proxy_header", &self.trusted_proxy_header)
            .field("rate_per_address", &self.rate_per_address)
            .field("rate_per_link", &self.rate_per_link)
            .field("report_min_n", &self.report_min_n)
            .finish()
    }
}

/// Replaces the password in `scheme://user:password@host` with `***`.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((creds, host)) = rest.split_once('@') {
            if let Some((user, _)) = creds.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

impl Settings {
    /// Settings for tests: port 0 and the given database.
    pub fn for_test(database_url: &str) -> Self {
        Self {
            bind: "127.0.0.1:0".parse().expect("static address"),
            database_url: database_url.to_string(),
            public_url: None,
            log_format: LogFormat::Pretty,
            session_hours: 12,
            db_max_connections: 4,
            secure_cookies: false,
            secret: None,
            secret_file: None,
            rotate_secret: false,
            trusted_proxy_header: None,
            // Tests submit many responses from one address; the rate-limit
            // tests set their own limits.
            rate_per_address: 0,
            rate_per_link: 0,
            report_min_n: 30,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://renke:s3cret@db:5432/renke"),
            "postgres://renke:***@db:5432/renke"
        );
        assert_eq!(
            redact_url("sqlite://data/renke.db"),
            "sqlite://data/renke.db"
        );
        let mut s = Settings::for_test("postgres://a:b@c/d");
        s.secret = Some("very-secret-key".into());
        let shown = format!("{s:?}");
        assert!(!shown.contains(":b@"));
        assert!(!shown.contains("very-secret-key"));
    }
}
