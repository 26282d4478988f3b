//! Login throttling: too many failed logins for one account, or from one
//! address, lock further attempts for a while. Kept in memory per instance;
//! nothing about addresses is stored.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failures allowed per account within the window.
pub const PER_ACCOUNT: usize = 5;
/// Failures allowed per client address within the window.
pub const PER_ADDRESS: usize = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginThrottle {
    /// Seconds until another attempt is allowed, if locked.
    pub fn locked_for(&self, account: &str, address: &str) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = None;
        for (key, limit) in [
            (account_key(account), PER_ACCOUNT),
            (address_key(address), PER_ADDRESS),
        ] {
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

    pub fn failed(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            // Bound memory under a spray of usernames: forget expired entries.
            map.retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for key in [account_key(account), address_key(address)] {
            map.entry(key).or_default().push(now);
        }
    }

    pub fn succeeded(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&account_key(account));
    }
}

fn account_key(a: &str) -> String {
    format!("u:{}", a.to_lowercase())
}

fn address_key(a: &str) -> String {
    format!("a:{a}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_account_and_success_unlocks() {
        let t = LoginThrottle::default();
        for _ in 0..PER_ACCOUNT - 1 {
            t.failed("admin", "1.1.1.1");
        }
        assert_eq!(t.locked_for("admin", "1.1.1.1"), None);
        t.failed("admin", "1.1.1.1");
        let wait = t.locked_for("Admin", "2.2.2.2").expect("locked");
        assert!(wait > 800 && wait <= 900);
        assert_eq!(t.locked_for("other", "2.2.2.2"), None);
        t.succeeded("admin");
        assert_eq!(t.locked_for("admin", "2.2.2.2"), None);
    }

    #[test]
    fn many_failures_from_one_address_lock_it() {
        let t = LoginThrottle::default();
        for i in 0..PER_ADDRESS {
            t.failed(&format!("user{i}"), "9.9.9.9");
        }
        assert!(t.locked_for("fresh", "9.9.9.9").is_some());
        assert!(t.locked_for("fresh", "8.8.8.8").is_none());
    }
}
