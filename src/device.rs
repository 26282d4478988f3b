//! The respondent's cookies: a random device id per round (HttpOnly; only
//! its keyed hash is stored, once the device has answered) and, on links
//! with access codes, the code the respondent entered.

use poem::Request;

use crate::{credentials::random_token, keyed::Keyed};

/// How long the cookies last: well past any survey window.
pub const MAX_AGE_SECS: i64 = 180 * 24 * 3600;
/// An access code is remembered for a day, enough to finish the questionnaire.
pub const CODE_MAX_AGE_SECS: i64 = 24 * 3600;

pub fn device_cookie(round_id: i64) -> String {
    format!("renke_device_{round_id}")
}

pub fn code_cookie(link_id: i64) -> String {
    format!("renke_code_{link_id}")
}

/// A fresh device id: 128 random bits.
pub fn new_id() -> String {
    random_token(16)
}

/// The keyed hash stored for a device that answered a round.
pub fn hash(keyed: &Keyed, round_id: i64, device_id: &str) -> String {
    keyed.hash("device", &[&round_id.to_string(), device_id])
}

/// The cookies a request carries, keeping only plausible values (random
/// ids and codes: letters, digits, `-` and `_`, at most 64 characters).
#[derive(Debug, Clone, Default)]
pub struct Cookies(Vec<(String, String)>);

impl Cookies {
    pub fn of(req: &Request) -> Self {
        Self(
            req.headers()
                .get_all(poem::http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .filter_map(|pair| pair.trim().split_once('='))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .filter(|(_, v)| {
                    !v.is_empty()
                        && v.len() <= 64
                        && v.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A `Set-Cookie` value: HttpOnly, whole site (pages and API), Lax.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name_and_odd_values_ignored() {
        let req = Request::builder()
            .header("Cookie", "a=1; renke_device_3=AbC-_9; renke_code_4=x y")
            .finish();
        let c = Cookies::of(&req);
        assert_eq!(c.get("renke_device_3"), Some("AbC-_9"));
        assert_eq!(c.get("renke_code_4"), None);
        assert_eq!(c.get("missing"), None);
        assert!(set_cookie("n", "v", 60, true).ends_with("Max-Age=60; Secure"));
    }
}
