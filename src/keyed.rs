//! Keyed hashes (HMAC-SHA256) under the deployment secret: what renke keeps
//! instead of device cookies and access codes. Without the secret a stolen
//! database cannot be matched against cookies or printed codes.

use chrono::Utc;
use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use sha2::Sha256;

use crate::{config::Settings, credentials::random_token, entities::deployment_secret};

/// Where an older renke kept the key itself (PostgreSQL still does when no
/// key is configured).
const SECRET_NAME: &str = "hash_key";
/// The key's fingerprint, kept with the data.
const FINGERPRINT_NAME: &str = "hash_key_fingerprint";
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

    /// The deployment's key, from the first of: `RENKE_SECRET`; the file
    /// named by `RENKE_SECRET_FILE`; on SQLite, `renke.key` beside the
    /// database file (created, mode 0600, on first start; a key an older
    /// renke kept in the database moves there). Only a fingerprint of the
    /// key is kept with the data, and a key that does not match it is
    /// refused unless `rotate` is set: hashes made under the old key
    /// (access codes not yet used, device marks) then no longer match.
    /// PostgreSQL without either setting keeps a generated key in the
    /// database as before (with a warning at start).
    pub async fn load(db: &impl ConnectionTrait, settings: &Settings) -> anyhow::Result<Self> {
        let legacy = stored(db, SECRET_NAME).await?;
        let (key, in_database) =
            if let Some(secret) = settings.secret.as_deref().filter(|s| !s.is_empty()) {
                (checked(secret, "RENKE_SECRET")?, false)
            } else if let Some(path) = &settings.secret_file {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    anyhow::anyhow!("cannot read RENKE_SECRET_FILE {}: {e}", path.display())
                })?;
                (checked(text.trim(), "RENKE_SECRET_FILE")?, false)
            } else if let Some(path) = key_file_beside(&settings.database_url) {
                (file_key(&path, legacy.as_deref())?, false)
            } else {
                tracing::warn!(
                    "the hashing key is kept in the database (and in its backups): \
                 set RENKE_SECRET_FILE to keep it apart"
                );
                (database_key(db).await?, true)
            };
        let keyed = Self::new(key.as_bytes())?;
        let fingerprint = keyed.fingerprint();
        // Before fingerprints, the key in the database was the reference.
        let expected = match stored(db, FINGERPRINT_NAME).await? {
            Some(f) => Some(f),
            None => legacy
                .as_deref()
                .map(|k| Self::new(k.as_bytes()))
                .transpose()?
                .map(|k| k.fingerprint()),
        };
        if let Some(expected) = expected.filter(|f| *f != fingerprint) {
            if !settings.rotate_secret {
                anyhow::bail!(
                    "密钥与数据不符：此数据库由另一个密钥（RENKE_SECRET / RENKE_SECRET_FILE / \
                     数据库旁的 renke.key）建立。请使用原密钥启动；若确需更换密钥，请设置 \
                     RENKE_ROTATE_SECRET=1 启动一次（尚未使用的访问码和设备标记将全部失效）。 / \
                     The hashing key does not match the fingerprint stored with the data \
                     (expected fingerprint {}…). Start with the original key, or set \
                     RENKE_ROTATE_SECRET=1 once to rotate it: unused access codes and device \
                     marks made under the old key stop matching.",
                    &expected[..12.min(expected.len())]
                );
            }
            tracing::warn!(
                "hashing key rotated (RENKE_ROTATE_SECRET): access codes not yet used and \
                 device marks made under the old key no longer match"
            );
        }
        put(db, FINGERPRINT_NAME, &fingerprint).await?;
        if !in_database && legacy.is_some() {
            // The key now lives outside the data (and its backups).
            deployment_secret::Entity::delete_by_id(SECRET_NAME.to_string())
                .exec(db)
                .await?;
        }
        Ok(keyed)
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

fn checked(secret: &str, name: &str) -> anyhow::Result<String> {
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
fn file_key(path: &std::path::Path, legacy: Option<&str>) -> anyhow::Result<String> {
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

/// The key kept in the database, generated by whichever instance starts first.
async fn database_key(db: &impl ConnectionTrait) -> anyhow::Result<String> {
    deployment_secret::Entity::insert(deployment_secret::ActiveModel {
        name: Set(SECRET_NAME.to_string()),
        value: Set(random_token(32)),
        created_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing_on([deployment_secret::Column::Name])
    .exec(db)
    .await?;
    stored(db, SECRET_NAME)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the deployment secret could not be stored"))
}

async fn stored(db: &impl ConnectionTrait, name: &str) -> anyhow::Result<Option<String>> {
    Ok(deployment_secret::Entity::find_by_id(name.to_string())
        .one(db)
        .await?
        .map(|m| m.value))
}

async fn put(db: &impl ConnectionTrait, name: &str, value: &str) -> anyhow::Result<()> {
    use sea_orm::sea_query::OnConflict;
    deployment_secret::Entity::insert(deployment_secret::ActiveModel {
        name: Set(name.to_string()),
        value: Set(value.to_string()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(deployment_secret::Column::Name)
            .update_column(deployment_secret::Column::Value)
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
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
