//! Keyed hashes (HMAC-SHA256) under the deployment secret: what renke keeps
//! instead of device cookies and access codes. Without the secret a stolen
//! database cannot be matched against cookies or printed codes. Which key a
//! deployment uses is decided in `deployment_key`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::credentials::random_token;

/// The key file's name, beside an SQLite database.
pub const KEY_FILE: &str = "renke.key";
const MIN_SECRET_LEN: usize = 16;

/// The deployment's hashing key.
#[derive(Clone)]
pub struct Keyed {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Keyed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keyed(***)")
    }
}

impl Keyed {
    pub fn new(key: &[u8]) -> anyhow::Result<Self> {
        Ok(Self {
            mac: Hmac::new_from_slice(key)?,
        })
    }

    /// A keyed hash of a constant: tells whether two keys are the same
    /// without revealing either.
    pub fn fingerprint(&self) -> String {
        self.hash("fingerprint", &["renke"])
    }

    /// Hex HMAC of `parts` under this key; `purpose` keeps hashes made for
    /// different jobs apart.
    pub fn hash(&self, purpose: &str, parts: &[&str]) -> String {
        let mut mac = self.mac.clone();
        mac.update(purpose.as_bytes());
        for p in parts {
            mac.update(&[0]);
            mac.update(p.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }
}

pub(crate) fn checked(secret: &str, name: &str) -> anyhow::Result<String> {
    if secret.len() < MIN_SECRET_LEN {
        anyhow::bail!("{name} must be at least {MIN_SECRET_LEN} characters");
    }
    Ok(secret.to_string())
}

/// `renke.key` beside an SQLite database file; `None` for PostgreSQL and
/// in-memory databases.
pub fn key_file_beside(database_url: &str) -> Option<std::path::PathBuf> {
    let path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return None;
    }
    let dir = std::path::Path::new(path).parent()?;
    Some(dir.join(KEY_FILE))
}

/// The key in `path`; created (mode 0600) with `legacy` or a new random
/// key when missing.
pub(crate) fn file_key(path: &std::path::Path, legacy: Option<&str>) -> anyhow::Result<String> {
    use std::io::Write;
    match std::fs::read_to_string(path) {
        Ok(text) => return checked(text.trim(), &path.display().to_string()),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            anyhow::bail!("cannot read the key file {}: {e}", path.display())
        }
        Err(_) => {}
    }
    let key = legacy
        .map(str::to_string)
        .unwrap_or_else(|| random_token(32));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(key.as_bytes())?;
            file.sync_all()?;
            tracing::info!(file = %path.display(), "hashing key kept in its own file (back it up apart from the database)");
            Ok(key)
        }
        // Another instance wrote it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => checked(
            std::fs::read_to_string(path)?.trim(),
            &path.display().to_string(),
        ),
        Err(e) => anyhow::bail!("cannot create the key file {}: {e}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_depend_on_key_purpose_and_parts() {
        let a = Keyed::new(b"0123456789abcdef").unwrap();
        let b = Keyed::new(b"fedcba9876543210").unwrap();
        let h = a.hash("device", &["1", "abc"]);
        assert_eq!(h.len(), 64);
        assert_eq!(h, a.hash("device", &["1", "abc"]));
        assert_ne!(h, b.hash("device", &["1", "abc"]));
        assert_ne!(h, a.hash("code", &["1", "abc"]));
        assert_ne!(h, a.hash("device", &["1a", "bc"]));
        assert_eq!(format!("{a:?}"), "Keyed(***)");
    }

    #[test]
    fn the_key_file_sits_beside_an_sqlite_database() {
        assert_eq!(
            key_file_beside("sqlite://data/renke.db?mode=rwc"),
            Some(std::path::PathBuf::from("data/renke.key"))
        );
        assert_eq!(
            key_file_beside("sqlite:///var/lib/renke/renke.db"),
            Some(std::path::PathBuf::from("/var/lib/renke/renke.key"))
        );
        assert_eq!(key_file_beside("sqlite::memory:"), None);
        assert_eq!(key_file_beside("postgres://u@h/renke"), None);
    }
}
