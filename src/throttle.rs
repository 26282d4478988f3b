//! Login throttling: too many failed logins for one account, or from one
//! client network, lock further attempts for a while. Kept in memory per
//! instance; nothing about addresses is stored. Bounded whatever is sent:
//! usernames are kept as a 16-byte hash, addresses as their network (see
//! `ratelimit::client_network`), and past [`MAX_KEYS`] entries the oldest
//! are forgotten.

use sha2::{Digest, Sha256};
use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failures allowed per account within the window.
pub const PER_ACCOUNT: usize = 5;
/// Failures allowed per client network within the window.
pub const PER_ADDRESS: usize = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Accounts and networks remembered at most (a few MB).
pub const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// The hash of the lower-cased username: any length sent costs 16 bytes.
    Account([u8; 16]),
    Address(IpAddr),
}

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<Key, Vec<Instant>>>,
}

impl LoginThrottle {
    /// Seconds until another attempt is allowed, if locked.
    pub fn locked_for(&self, account: &str, address: Option<IpAddr>) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = None;
        for (key, limit) in keys(account, address) {
            if let Some(times) = map.get_mut(&key) {
                times.retain(|t| now.duration_since(*t) < WINDOW);
                if times.len() >= limit {
                    let oldest = times[times.len() - limit];
                    let secs = WINDOW
                        .saturating_sub(now.duration_since(oldest))
                        .as_secs()
                        .max(1);
                    wait = Some(wait.map_or(secs, |w: u64| w.max(secs)));
                }
            }
        }
        wait
    }

    pub fn failed(&self, account: &str, address: Option<IpAddr>) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_KEYS {
            forget_oldest(&mut map, now);
        }
        for (key, limit) in keys(account, address) {
            let times = map.entry(key).or_default();
            times.push(now);
            // Only the last `limit` failures decide a lock.
            if times.len() > limit {
                let extra = times.len() - limit;
                times.drain(..extra);
            }
        }
    }

    pub fn succeeded(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&account_key(account));
    }

    /// Accounts and networks remembered now.
    pub fn len(&self) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Drops expired entries, then, if a spray of usernames or addresses still
/// fills the map, the tenth whose last failure is oldest.
fn forget_oldest(map: &mut HashMap<Key, Vec<Instant>>, now: Instant) {
    map.retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
    if map.len() < MAX_KEYS {
        return;
    }
    let mut last: Vec<(Instant, Key)> = map
        .iter()
        .filter_map(|(k, v)| v.last().map(|t| (*t, *k)))
        .collect();
    last.sort_unstable_by_key(|(t, _)| *t);
    for (_, k) in last.iter().take(MAX_KEYS / 10) {
        map.remove(k);
    }
}

fn keys(account: &str, address: Option<IpAddr>) -> impl Iterator<Item = (Key, usize)> {
    std::iter::once((account_key(account), PER_ACCOUNT))
        .chain(address.map(|a| (Key::Address(a), PER_ADDRESS)))
}

fn account_key(a: &str) -> Key {
    let digest = Sha256::digest(a.to_lowercase().as_bytes());
    let mut k = [0u8; 16];
    k.copy_from_slice(&digest[..16]);
    Key::Account(k)
}

/// When each account's throttling was last written to the audit log: the
/// entry is written once per throttle window, not once per refused attempt.
#[derive(Default)]
pub struct ThrottleNotes {
    noted: std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>,
}

impl ThrottleNotes {
    /// Most accounts remembered; past it, expired notes are forgotten.
    const MAX: usize = 10_000;

    /// True the first time `account` is throttled in a window.
    pub fn first_in_window(&self, account: &str) -> bool {
        let now = std::time::Instant::now();
        let window = WINDOW;
        let key: String = account.to_lowercase().chars().take(64).collect();
        let mut noted = self.noted.lock().unwrap_or_else(|p| p.into_inner());
        if noted.len() >= Self::MAX {
            noted.retain(|_, t| now.duration_since(*t) < window);
            if noted.len() >= Self::MAX {
                // Every note is fresh: a spray of names; record none of them.
                return false;
            }
        }
        match noted.get(&key) {
            Some(t) if now.duration_since(*t) < window => false,
            _ => {
                noted.insert(key, now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn five_failures_lock_the_account_and_success_unlocks() {
        let t = LoginThrottle::default();
        for _ in 0..PER_ACCOUNT - 1 {
            t.failed("admin", ip("1.1.1.1"));
        }
        assert_eq!(t.locked_for("admin", ip("1.1.1.1")), None);
        t.failed("admin", ip("1.1.1.1"));
        let wait = t.locked_for("Admin", ip("2.2.2.2")).expect("locked");
        assert!(wait > 800 && wait <= 900);
        assert_eq!(t.locked_for("other", ip("2.2.2.2")), None);
        t.succeeded("admin");
        assert_eq!(t.locked_for("admin", ip("2.2.2.2")), None);
    }

    #[test]
    fn many_failures_from_one_address_lock_it() {
        let t = LoginThrottle::default();
        for i in 0..PER_ADDRESS {
            t.failed(&format!("user{i}"), ip("9.9.9.9"));
        }
        assert!(t.locked_for("fresh", ip("9.9.9.9")).is_some());
        assert!(t.locked_for("fresh", ip("8.8.8.8")).is_none());
    }

    #[test]
    fn oversized_usernames_and_sprays_stay_bounded() {
        let t = LoginThrottle::default();
        let huge = "x".repeat(1 << 20);
        for _ in 0..3 * PER_ACCOUNT {
            t.failed(&huge, ip("9.9.9.9"));
        }
        assert!(t.locked_for(&huge, None).is_some());
        let map = t.failures.lock().unwrap();
        // One entry per account and per network, each at most `limit` times.
        assert_eq!(map.len(), 2);
        assert!(map.values().all(|v| v.len() <= PER_ADDRESS));
        drop(map);

        for i in 0..MAX_KEYS + 5_000 {
            t.failed(&format!("spray{i}"), None);
        }
        assert!(t.len() <= MAX_KEYS, "{}", t.len());
        // The newest failures are still remembered.
        for _ in 0..PER_ACCOUNT - 1 {
            t.failed(&format!("spray{}", MAX_KEYS + 4_999), None);
        }
        assert!(
            t.locked_for(&format!("spray{}", MAX_KEYS + 4_999), None)
                .is_some()
        );
    }
}
