//! Rate limits on the respondent's side, kept in memory only (nothing about
//! addresses is ever stored). Each instance limits on its own; behind a load
//! balancer the limits apply per instance.
//!
//! They tell junk from people: an honest respondent costs one page and one
//! valid submission, an abuser sends unknown tokens, invalid bodies and
//! floods of pages. So per client address only refusals (any 4xx answer)
//! and page fetches far above a crowd's are charged, and per link only
//! well-formed submissions and access-code attempts.

use poem::Request;
use std::{
    collections::HashMap,
    net::{IpAddr, Ipv6Addr},
    sync::Mutex,
    time::Instant,
};

use crate::{config::Settings, error::AppError};

/// Buckets kept before idle ones are swept.
const SWEEP_AT: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// Refused or malformed requests from an address (its /64 for IPv6).
    Refusals(IpAddr),
    /// Page fetches from an address.
    Pages(IpAddr),
    /// Well-formed submissions and access-code attempts on a link.
    Link(i64),
    /// Well-formed submissions in a room session (机房答题): the room's
    /// crowd has its own allowance, apart from the link's.
    Room(i64),
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets: a full minute's allowance may be spent at once, and it
/// refills evenly over the minute.
pub struct RateLimiter {
    refusals_per_address: u32,
    pages_per_address: u32,
    per_link: u32,
    trusted_header: Option<String>,
    buckets: Mutex<HashMap<Key, Bucket>>,
}

impl RateLimiter {
    pub fn new(settings: &Settings) -> Self {
        Self {
            refusals_per_address: settings.rate_per_address,
            pages_per_address: settings.pages_per_address,
            per_link: settings.rate_per_link,
            trusted_header: settings.trusted_proxy_header.clone(),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The network a respondent request comes from (see [`client_network`]).
    pub fn network_of(&self, req: &Request) -> Option<IpAddr> {
        client_network(req, self.trusted_header.as_deref())
    }

    /// Refuses every respondent request from a network that spent its
    /// allowance of refusals; charges nothing.
    pub fn admit(&self, net: IpAddr) -> Result<(), AppError> {
        self.spend(Key::Refusals(net), self.refusals_per_address, 0.0)
    }

    /// Counts a page fetch from this network.
    pub fn check_page(&self, net: IpAddr) -> Result<(), AppError> {
        self.spend(Key::Pages(net), self.pages_per_address, 1.0)
    }

    /// Counts a refused or malformed request from this network.
    pub fn charge_refusal(&self, net: IpAddr) {
        // Already refused: only the charge matters, not the answer.
        let _ = self.spend(Key::Refusals(net), self.refusals_per_address, 1.0);
    }

    /// Counts a well-formed submission or an access-code attempt on a link.
    pub fn check_link(&self, link_id: i64) -> Result<(), AppError> {
        self.spend(Key::Link(link_id), self.per_link, 1.0)
    }

    /// Counts a well-formed submission in a room session: a room answers
    /// on its own allowance (the link's rate), so a class in the computer
    /// room neither spends the link's allowance nor is locked out by junk
    /// on the link; nobody outside the session gains anything.
    pub fn check_room(&self, session_id: i64) -> Result<(), AppError> {
        self.spend(Key::Room(session_id), self.per_link, 1.0)
    }

    /// Takes `cost` tokens if the bucket holds at least one (a cost of 0
    /// only looks); otherwise says when it will.
    fn spend(&self, key: Key, per_minute: u32, cost: f64) -> Result<(), AppError> {
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
            // Every bucket refills completely within a minute, and a full
            // bucket carries no information.
            buckets.retain(|_, b| now.duration_since(b.at).as_secs() < 60);
        }
        let b = buckets.entry(key).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(capacity);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens = (b.tokens - cost).max(0.0);
            Ok(())
        } else {
            let wait = ((1.0 - b.tokens) / rate).ceil();
            Err(AppError::RateLimited {
                retry_after_secs: (wait as u64).max(1),
            })
        }
    }
}

/// The client's network, the one rule for every limit (respondents and
/// logins): the address from the trusted proxy header when one is
/// configured (its last entry, the one the proxy itself added), else the
/// socket's peer; IPv6 grouped by its /64, IPv4-mapped IPv6 as IPv4.
pub fn client_network(req: &Request, trusted_header: Option<&str>) -> Option<IpAddr> {
    if let Some(name) = trusted_header.map(str::trim).filter(|h| !h.is_empty()) {
        let from_header = req
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|part| parse_ip(part.trim()))
            .next_back();
        if let Some(ip) = from_header {
            return Some(network_of(ip));
        }
    }
    req.remote_addr()
        .as_socket_addr()
        .map(|a| network_of(a.ip()))
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
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
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
        s.pages_per_address = 2;
        s.rate_per_link = 2;
        s.trusted_proxy_header = header.map(str::to_string);
        RateLimiter::new(&s)
    }

    #[test]
    fn a_bucket_allows_its_minute_then_says_when_to_retry() {
        let l = limiter(3, None);
        for _ in 0..2 {
            assert!(l.check_link(1).is_ok());
        }
        match l.check_link(1) {
            Err(AppError::RateLimited { retry_after_secs }) => {
                assert!((1..=31).contains(&retry_after_secs))
            }
            other => panic!("{other:?}"),
        }
        assert!(l.check_link(2).is_ok(), "links are counted apart");
    }

    #[test]
    fn only_refusals_close_an_address() {
        let l = limiter(3, None);
        let net: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..10 {
            assert!(l.admit(net).is_ok(), "admitting costs nothing");
        }
        for _ in 0..3 {
            l.charge_refusal(net);
        }
        assert!(l.admit(net).is_err());
        assert!(l.admit("192.0.2.2".parse().unwrap()).is_ok());
        // Pages are counted in their own bucket.
        let other: IpAddr = "192.0.2.3".parse().unwrap();
        assert!(l.check_page(other).is_ok() && l.check_page(other).is_ok());
        assert!(l.check_page(other).is_err());
        assert!(l.admit(other).is_ok());
    }

    #[test]
    fn the_trusted_header_decides_the_address_only_when_configured() {
        let req = Request::builder()
            .header("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
            .finish();
        assert_eq!(
            limiter(1, Some("x-forwarded-for")).network_of(&req),
            Some("203.0.113.9".parse().unwrap())
        );
        // Not configured: a client cannot choose its address by a header.
        assert_eq!(limiter(1, None).network_of(&req), None);
        assert_eq!(limiter(1, Some(" ")).network_of(&req), None);
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
        let req = Request::builder()
            .header("X-Forwarded-For", "[2001:db8:1:2:bbbb::9]:443")
            .finish();
        assert_eq!(
            client_network(&req, Some("X-Forwarded-For")),
            Some("2001:db8:1:2::".parse().unwrap())
        );
    }
}
