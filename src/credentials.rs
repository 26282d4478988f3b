//! Credentials with no HTTP and no SQL in them: the logged-in account (its
//! [`Role`] is the domain crate's, re-exported here), password hashing
//! (Argon2 off the async workers), random tokens and passwords, and the
//! hash session tokens are stored as. The store and the HTTP layer (`auth`)
//! both build on it.

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::domain::region::{Level, Scope};
use crate::error::AppError;

pub use crate::domain::account::Role;

/// Why the thing a request names in its path is out of the account's reach
/// (decided when the login is checked, answered by [`CurrentUser::require`]).
#[derive(Debug, Clone)]
pub enum Denial {
    /// Another county's (or no) row: 404, exactly as a missing one.
    NotFound(String),
    /// A county the account reads but may not change: 403 to a write (a
    /// request that is not GET or HEAD) and to any operation that needs
    /// more than a reviewer (printing codes or sheets, say).
    ReadOnly { message: String, write_method: bool },
}

/// The logged-in account behind a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub role: Role,
    /// Hash of the session token used for this request (for logout).
    pub session_hash: String,
    /// The node of the region tree the account belongs to, and its level.
    pub node: i64,
    pub level: Level,
    /// The counties beneath the node (every county for admins): what the
    /// account reads.
    pub scope: Scope,
    /// Set when the request names a round or school outside the scope.
    pub denial: Option<Denial>,
}

impl CurrentUser {
    /// The counties the account may change: its own county when it sits
    /// at a county's node, every county for admins, none above a county
    /// (prefecture and province accounts read their counties' data).
    pub fn write_scope(&self) -> Scope {
        if self.role == Role::Admin {
            Scope::All
        } else if self.level == Level::County {
            self.scope.clone()
        } else {
            Scope::counties([])
        }
    }

    /// Refuses with 403 unless the account has at least `role`; before
    /// that, 404 when the request names another county's round or school
    /// (whatever the role: no existence oracle); after it, 403 when it
    /// would change a county the account only reads.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if let Some(Denial::NotFound(m)) = &self.denial {
            return Err(AppError::not_found(m.clone()));
        }
        if self.role >= role {
            match &self.denial {
                Some(Denial::ReadOnly {
                    message,
                    write_method,
                }) if *write_method || role > Role::Reviewer => {
                    Err(AppError::Forbidden(message.clone()))
                }
                _ => Ok(()),
            }
        } else {
            Err(AppError::Forbidden(format!(
                "需要“{}”权限，当前账号为“{}”",
                role.label_zh(),
                self.role.label_zh()
            )))
        }
    }
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Unexpected(format!("password hashing failed: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Argon2 is built to be slow (tens of milliseconds of CPU): it runs on
/// tokio's blocking pool, at most one per core at a time, so a burst of
/// logins neither stalls the async workers (respondents, the writer) nor
/// fills the blocking pool.
async fn off_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let permits = PERMITS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    let _permit = permits
        .acquire()
        .await
        .map_err(|e| AppError::Unexpected(format!("password semaphore: {e}")))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Unexpected(format!("password hashing task: {e}")))
}

/// [`verify_password`] off the async workers.
pub async fn verify_password_async(password: &str, hash: &str) -> Result<bool, AppError> {
    let (password, hash) = (password.to_string(), hash.to_string());
    off_workers(move || verify_password(&password, &hash)).await
}

/// [`hash_password`] off the async workers.
pub async fn hash_password_async(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    off_workers(move || hash_password(&password)).await?
}

/// A hash to verify against when the account does not exist, so that a
/// wrong username takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("renke-dummy-password").unwrap_or_default())
}

/// A random URL-safe token with `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A readable random password (no look-alike characters).
pub fn random_password() -> String {
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

/// Session tokens are stored only as this hash.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_wrong_ones_do_not() {
        let h = hash_password("正确的密码").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token(32);
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32));
        assert_eq!(token_hash(&a).len(), 64);
    }

    #[test]
    fn roles_include_the_ones_below() {
        let u = CurrentUser {
            id: 1,
            username: "a".into(),
            role: Role::Organiser,
            session_hash: String::new(),
            node: 1,
            level: Level::County,
            scope: Scope::counties([1]),
            denial: None,
        };
        assert!(u.require(Role::Reviewer).is_ok());
        assert!(u.require(Role::Organiser).is_ok());
        assert!(u.require(Role::Admin).is_err());
    }

    #[test]
    fn a_liaison_is_below_every_other_role_and_codes_round_trip() {
        let all = [
            Role::Liaison,
            Role::Interviewer,
            Role::Clerk,
            Role::Reviewer,
            Role::Organiser,
            Role::Admin,
        ];
        for r in all {
            assert_eq!(Role::from_code(r.code()), Some(r));
            if r != Role::Liaison {
                assert!(Role::Liaison < r, "{r:?}");
            }
        }
        let u = CurrentUser {
            id: 1,
            username: "l".into(),
            role: Role::Liaison,
            session_hash: String::new(),
            node: 1,
            level: Level::County,
            scope: Scope::counties([1]),
            denial: None,
        };
        assert!(u.require(Role::Liaison).is_ok());
        for r in &all[1..] {
            assert!(
                matches!(u.require(*r), Err(AppError::Forbidden(_))),
                "{r:?}"
            );
        }
        assert_eq!(Role::Liaison.label_zh(), "学校联络员");
    }
}
