//! Settings: defaults, overridden by a settings file (TOML, `--config` or
//! `RENKE_CONFIG`), then by `RENKE_*` environment variables, then by
//! command-line flags. The file's keys are the flags' names with `_` for
//! `-` (`rate_per_link = 500`); see `renke.example.toml`.

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::{ffi::OsString, net::SocketAddr, path::Path};

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

/// Default refused or malformed respondent requests per address per minute.
pub const DEFAULT_RATE_PER_ADDRESS: u32 = 120;
/// Default respondent page fetches per address per minute.
pub const DEFAULT_PAGES_PER_ADDRESS: u32 = 3_000;
/// Default well-formed submissions and code attempts per link per minute.
pub const DEFAULT_RATE_PER_LINK: u32 = 2_000;

#[derive(Clone, Args)]
pub struct Settings {
    /// A settings file (TOML) beneath the RENKE_* variables and the flags;
    /// see renke.example.toml.
    #[arg(long, env = "RENKE_CONFIG", global = true)]
    pub config: Option<std::path::PathBuf>,
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
    /// Refused or malformed respondent requests (unknown tokens, invalid
    /// bodies, any 4xx answer) allowed per client address per minute; past
    /// it the address is paused. Valid submissions are never charged, so a
    /// crowd behind one address never reaches it. 0 turns the limit off.
    #[arg(
        long,
        env = "RENKE_RATE_PER_ADDRESS",
        default_value_t = DEFAULT_RATE_PER_ADDRESS,
        global = true
    )]
    pub rate_per_address: u32,
    /// Respondent page fetches (`GET /s/…` and `GET /api/public/…`) allowed
    /// per client address per minute: far above a parents' meeting of 1,000
    /// behind one address. 0 turns the limit off.
    #[arg(
        long,
        env = "RENKE_PAGES_PER_ADDRESS",
        default_value_t = DEFAULT_PAGES_PER_ADDRESS,
        global = true
    )]
    pub pages_per_address: u32,
    /// Well-formed submissions and access-code attempts (form, API or
    /// cookie) allowed per survey link per minute; junk is not charged.
    /// 0 turns the limit off.
    #[arg(
        long,
        env = "RENKE_RATE_PER_LINK",
        default_value_t = DEFAULT_RATE_PER_LINK,
        global = true
    )]
    pub rate_per_link: u32,
    /// Reports mark rates from fewer valid responses than this as "small sample".
    #[arg(long, env = "RENKE_REPORT_MIN_N", default_value_t = 30, global = true)]
    pub report_min_n: u64,
    /// Serve `/metrics` (Prometheus) on this address only, a listener of its
    /// own, e.g. 127.0.0.1:9464. Unset: no metrics listener.
    #[arg(long, env = "RENKE_METRICS_BIND", global = true)]
    pub metrics_bind: Option<SocketAddr>,
    /// Bearer token (≥ 16 characters) for `/metrics`: on the main listener
    /// when no metrics address is set (without it `/metrics` answers 404),
    /// and required on the metrics listener too when set.
    #[arg(
        long,
        env = "RENKE_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
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
            .field("pages_per_address", &self.pages_per_address)
            .field("rate_per_link", &self.rate_per_link)
            .field("report_min_n", &self.report_min_n)
            .field("config", &self.config)
            .field("metrics_bind", &self.metrics_bind)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// What a setting takes in the settings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Integer,
    Boolean,
}

impl Kind {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Kind::Text => ("字符串", "a string"),
            Kind::Integer => ("整数", "an integer"),
            Kind::Boolean => ("true 或 false", "true or false"),
        }
    }
}

/// Every setting a settings file may hold: the fields of `Settings` (but
/// `config`), named as in `Settings`.
const FILE_KEYS: &[(&str, Kind)] = &[
    ("bind", Kind::Text),
    ("database_url", Kind::Text),
    ("public_url", Kind::Text),
    ("log_format", Kind::Text),
    ("session_hours", Kind::Integer),
    ("db_max_connections", Kind::Integer),
    ("secure_cookies", Kind::Boolean),
    ("secret", Kind::Text),
    ("secret_file", Kind::Text),
    ("rotate_secret", Kind::Boolean),
    ("trusted_proxy_header", Kind::Text),
    ("rate_per_address", Kind::Integer),
    ("pages_per_address", Kind::Integer),
    ("rate_per_link", Kind::Integer),
    ("report_min_n", Kind::Integer),
    ("metrics_bind", Kind::Text),
    ("metrics_token", Kind::Text),
];

impl Cli {
    /// Reads the flags, the `RENKE_*` variables and the settings file they
    /// name (flag > variable > file > default). A wrong flag (or `--help`)
    /// exits as clap does; a wrong settings file is an error naming the key.
    pub fn load() -> anyhow::Result<Self> {
        Self::load_from(std::env::args_os())
    }

    pub fn load_from<T: Into<OsString>>(args: impl IntoIterator<Item = T>) -> anyhow::Result<Self> {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let mut cmd = Cli::command();
        if let Some(path) = config_path(&args) {
            for (key, value) in read_settings_file(&path, &cmd)? {
                // Read once at start: the file's values become the defaults.
                let value: &'static str = value.leak();
                cmd = cmd.mut_arg(key, |a| a.default_value(value));
            }
        }
        let matches = cmd.try_get_matches_from(args).unwrap_or_else(|e| e.exit());
        Ok(Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit()))
    }
}

/// The settings file named by `--config` (or `--config=`), else `RENKE_CONFIG`.
fn config_path(args: &[OsString]) -> Option<std::path::PathBuf> {
    let mut it = args.iter().skip(1);
    while let Some(arg) = it.next() {
        let Some(arg) = arg.to_str() else { continue };
        if arg == "--config" {
            return it.next().map(Into::into);
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Some(path.into());
        }
    }
    std::env::var_os("RENKE_CONFIG")
        .filter(|v| !v.is_empty())
        .map(Into::into)
}

/// The settings of a TOML file as the flags' values, each checked as its
/// flag would be: an unknown key, a wrong type or a bad value is refused
/// with a message (Chinese, then English) naming the key.
fn read_settings_file(
    path: &Path,
    cmd: &clap::Command,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    let p = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        anyhow::anyhow!("无法读取设置文件 {p}：{e}\ncannot read the settings file {p}: {e}")
    })?;
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        anyhow::anyhow!(
            "设置文件 {p} 不是有效的 TOML：{e}\nthe settings file {p} is not valid TOML: {e}"
        )
    })?;
    let mut out = Vec::new();
    for (key, item) in doc.as_table().iter() {
        let Some(&(name, kind)) = FILE_KEYS.iter().find(|(k, _)| *k == key) else {
            let known = FILE_KEYS
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
                .join(", ");
            anyhow::bail!(
                "设置文件 {p} 中有未知的设置 `{key}`（可用的设置：{known}）\n\
                 unknown setting `{key}` in the settings file {p} (known settings: {known})"
            );
        };
        use toml_edit::Value;
        let value = match (kind, item.as_value()) {
            (Kind::Text, Some(Value::String(s))) => s.value().clone(),
            (Kind::Integer, Some(Value::Integer(i))) => i.value().to_string(),
            (Kind::Boolean, Some(Value::Boolean(b))) => b.value().to_string(),
            _ => {
                let (zh, en) = kind.names();
                let got = item.type_name();
                anyhow::bail!(
                    "设置文件 {p} 中 `{key}` 应为{zh}，而不是 {got}\n\
                     `{key}` in the settings file {p} must be {en}, not {got}"
                );
            }
        };
        if kind != Kind::Boolean {
            check_value(cmd, name, &value).map_err(|why| {
                anyhow::anyhow!(
                    "设置文件 {p} 中 `{key}` 的值无效：{why}\n\
                     invalid value of `{key}` in the settings file {p}: {why}"
                )
            })?;
        }
        out.push((name, value));
    }
    Ok(out)
}

/// Parses `value` as the flag of setting `name` alone (no variables), so
/// that a bad value in the file is refused even when a variable overrides it.
fn check_value(cmd: &clap::Command, name: &str, value: &str) -> Result<(), String> {
    let long = cmd
        .get_arguments()
        .find(|a| a.get_id() == name)
        .and_then(|a| a.get_long())
        .ok_or_else(|| format!("no flag for `{name}`"))?;
    cmd.clone()
        .mut_args(|a| a.env(None::<&str>))
        .try_get_matches_from(["renke".to_string(), format!("--{long}={value}")])
        .map(|_| ())
        .map_err(|e| {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            first.trim_start_matches("error: ").to_string()
        })
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
            pages_per_address: 0,
            rate_per_link: 0,
            report_min_n: 30,
            config: None,
            metrics_bind: None,
            metrics_token: None,
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
    fn every_setting_can_be_set_in_the_file() {
        let cmd = Cli::command();
        let ids: Vec<&str> = cmd
            .get_arguments()
            .filter(|a| a.get_long().is_some() && a.get_id() != "config")
            .map(|a| a.get_id().as_str())
            .filter(|id| !["help", "version"].contains(id))
            .collect();
        let keys: Vec<&str> = FILE_KEYS.iter().map(|(k, _)| *k).collect();
        assert_eq!(ids, keys);
    }

    fn file(text: &str) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("renke.toml");
        std::fs::write(&path, text).expect("write");
        (dir, path.display().to_string())
    }

    #[test]
    fn the_file_sets_values_and_a_flag_overrides_it() {
        let (_dir, path) = file("rate_per_link = 77\nreport_min_n = 12\nsecure_cookies = true\n");
        let cli =
            Cli::load_from(["renke", "--config", &path, "--report-min-n", "40"]).expect("load");
        assert_eq!(cli.settings.rate_per_link, 77);
        assert_eq!(cli.settings.report_min_n, 40);
        assert!(cli.settings.secure_cookies);
    }

    #[test]
    fn the_example_file_is_a_valid_settings_file() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("renke.example.toml");
        let values = read_settings_file(&path, &Cli::command()).expect("the example reads");
        assert!(
            values
                .iter()
                .any(|(k, v)| *k == "bind" && v == "127.0.0.1:8080")
        );
        assert!(
            values
                .iter()
                .any(|(k, v)| *k == "secure_cookies" && v == "false")
        );
    }

    #[test]
    fn unknown_keys_wrong_types_and_bad_values_name_the_key() {
        for (text, key) in [
            ("rate_per_lnk = 5\n", "`rate_per_lnk`"),
            ("rate_per_link = \"many\"\n", "`rate_per_link`"),
            ("bind = \"nowhere\"\n", "`bind`"),
            ("log_format = \"xml\"\n", "`log_format`"),
            ("[metrics]\ntoken = \"x\"\n", "`metrics`"),
        ] {
            let (_dir, path) = file(text);
            let err = Cli::load_from(["renke", "--config", &path])
                .expect_err(text)
                .to_string();
            assert!(err.contains(key), "{text}: {err}");
            assert!(err.contains("设置文件"), "{err}");
        }
    }

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
