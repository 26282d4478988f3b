//! The client id of a submission: the UUID a respondent's page (or a
//! clerk's, or an interviewer's phone) makes once per attempt, so that
//! sending the same answers again stores them once.

use std::fmt;

/// A submission's client id, held as it is stored: a UUID in lower-case
/// hyphenated form (`67e55044-10b1-426f-9247-bb680e5fe0c8`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(String);

impl ClientId {
    /// Any spelling of a UUID the API accepts for `client_id` (hyphenated,
    /// 32 hex digits, braced or `urn:uuid:`, either case), in its stored form.
    pub fn parse(text: &str) -> Result<Self, String> {
        uuid::Uuid::parse_str(text)
            .map(Self::from)
            .map_err(|_| format!("client_id须为UUID，收到“{text}”"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<uuid::Uuid> for ClientId {
    fn from(id: uuid::Uuid) -> Self {
        Self(id.hyphenated().to_string())
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

    #[test]
    fn every_spelling_of_a_uuid_reads_as_its_stored_form() {
        for text in [
            ID,
            "67E55044-10B1-426F-9247-BB680E5FE0C8",
            "67e5504410b1426f9247bb680e5fe0c8",
            "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
            "urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8",
        ] {
            let id = ClientId::parse(text).unwrap();
            assert_eq!(id.as_str(), ID, "{text}");
            assert_eq!(id.to_string(), ID);
        }
    }

    #[test]
    fn what_is_no_uuid_is_refused() {
        for text in ["", "abc", "67e55044-10b1-426f-9247-bb680e5fe0c", "1 OR 1=1"] {
            assert!(ClientId::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn a_uuid_becomes_its_stored_form() {
        let u = uuid::Uuid::parse_str(ID).unwrap();
        assert_eq!(ClientId::from(u), ClientId::parse(ID).unwrap());
    }
}
