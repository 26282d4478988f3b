//! Where the deployment's hashing key (`keyed`) comes from: the settings,
//! a key file, or (PostgreSQL without either) the database, checked
//! against the fingerprint kept with the data.

use sea_orm::DatabaseConnection;

use crate::{
    config::Settings,
    credentials::random_token,
    keyed::{Keyed, checked, file_key, key_file_beside},
    store::secrets,
};

/// Where an older renke kept the key itself (PostgreSQL still does when no
/// key is configured).
const SECRET_NAME: &str = "hash_key";
/// The key's fingerprint, kept with the data.
const FINGERPRINT_NAME: &str = "hash_key_fingerprint";

/// The deployment's key, from the first of: `RENKE_SECRET`; the file
/// named by `RENKE_SECRET_FILE`; on SQLite, `renke.key` beside the
/// database file (created, mode 0600, on first start; a key an older
/// renke kept in the database moves there). Only a fingerprint of the
/// key is kept with the data, and a key that does not match it is
/// refused unless `rotate` is set: hashes made under the old key
/// (access codes not yet used, device marks) then no longer match.
/// PostgreSQL without either setting keeps a generated key in the
/// database as before (with a warning at start).
pub async fn load(db: &DatabaseConnection, settings: &Settings) -> anyhow::Result<Keyed> {
    let legacy = secrets::get(db, SECRET_NAME).await?;
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
            (
                secrets::get_or_create(db, SECRET_NAME, &random_token(32)).await?,
                true,
            )
        };
    let keyed = Keyed::new(key.as_bytes())?;
    let fingerprint = keyed.fingerprint();
    // Before fingerprints, the key in the database was the reference.
    let expected = match secrets::get(db, FINGERPRINT_NAME).await? {
        Some(f) => Some(f),
        None => legacy
            .as_deref()
            .map(|k| Keyed::new(k.as_bytes()))
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
    secrets::put(db, FINGERPRINT_NAME, &fingerprint).await?;
    if !in_database && legacy.is_some() {
        // The key now lives outside the data (and its backups).
        secrets::delete(db, SECRET_NAME).await?;
    }
    Ok(keyed)
}
