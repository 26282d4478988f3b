//! Rate limits on the respondent's side, per client address and per survey
//! link, kept in memory only (nothing about addresses is ever stored). Each
//! instance limits on its own; behind a load balancer the limits apply per
//! instance.

use poem::Request;
use std::{collections::HashMap, net::IpAddr, sync::Mutex, time::Instant};

use crate::{config::Settings, error::AppError};

/// Buckets kept before idle ones are swept.
const SWEEP_AT: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr),
    Link(String),
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets: a full minute's allowance may be spent at once, and it
/// refills evenly over the minute.
pub struct RateLimiter {
    per_address: u32,
    per_link: u32,
    trusted_header: Option<String>,
    buckets: Mutex<HashMap<Key, Bucket>>,
}

impl RateLimiter {
    pub fn new(settings: &Settings) -> Self {
        Self {
            per_address: settings.rate_per_address,
            per_link: settings.rate_per_link,
            trusted_header: settings
                .trusted_proxy_header
                .clone()
                .filter(|h| !h.trim().is_empty()),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a respondent request from this client.
    pub fn check_address(&self, req: &Request) -> Result<(), AppError> {
        match self.client_address(req) {
            Some(ip) => self.take(Key::Address(network_of(ip)), self.per_address),
            None => Ok(()),
        }
    }

    /// Counts a submission or access-code attempt on a link.
    pub fn check_link(&self, token: &str) -> Result<(), AppError> {
        self.take(Key::Link(token.to_string()), self.per_link)
    }

    /// The client's address: from the trusted proxy header when one is
    /// configured (its last entry, the one the proxy itself added), else the
    /// socket's peer.
    pub fn client_address(&self, req: &Request) -> Option<IpAddr> {
        if let Some(name) = &self.trusted_header {
            let from_header = req
                .headers()
                .get_all(name.as_str())
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|part| parse_ip(part.trim()))
                .last();
            if from_header.is_some() {
                return from_header;
            }
        }
        req.remote_addr().as_socket_addr().map(|a| a.ip())
    }

    fn take(&self, key: Key, per_minute: u32) -> Result<(), AppError> {
        if per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(per_minute);
        let rate = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= SWEEP_AT {
            // Buckets that have refilled completely carry no information.
            buckets
                .retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < capacity);
        }
        let b = buckets.entry(key).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(capacity);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - b.tokens) / rate).ceil();
            Err(AppError::RateLimited {
                retry_after_secs: (wait as u64).max(1),
            })
        }
    }
}

/// `203.0.113.7`, `[2001:db8::1]:443`, `203.0.113.7:8080` or a bare IPv6.
fn parse_ip(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = s.parse::<std::net::SocketAddr>() {
        return Some(sa.ip());
    }
    None
}

/// One household or phone usually holds a whole IPv6 /64: limit that.
fn network_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_address: u32, header: Option<&str>) -> RateLimiter {
        let mut s = Settings::for_test("sqlite::memory:");
        s.rate_per_address = per_address;
        s.rate_per_link = 2;
        s.trusted_proxy_header = header.map(str::to_string);
        RateLimiter::new(&s)
    }

    #[test]
    fn a_bucket_allows_its_minute_then_says_when_to_retry() {
        let l = limiter(3, None);
        for _ in 0..2 {
            assert!(l.check_link("abc").is_ok());
        }
        match l.check_link("abc") {
            Err(AppError::RateLimited { retry_after_secs }) => {
                assert!((1..=31).contains(&retry_after_secs))
            }
            other => panic!("{other:?}"),
        }
        assert!(l.check_link("other").is_ok(), "links are counted apart");
    }

    #[test]
    fn the_trusted_header_decides_the_address_only_when_configured() {
        let req = Request::builder()
            .header("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
            .finish();
        assert_eq!(
            limiter(1, Some("x-forwarded-for")).client_address(&req),
            Some("203.0.113.9".parse().unwrap())
        );
        // Not configured: a client cannot choose its address by a header.
        assert_eq!(limiter(1, None).client_address(&req), None);
    }

    #[test]
    fn ipv6_clients_are_grouped_by_their_64() {
        assert_eq!(
            network_of("2001:db8:1:2:aaaa::1".parse().unwrap()),
            "2001:db8:1:2::".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            network_of("::ffff:192.0.2.1".parse().unwrap()),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
    }
}
