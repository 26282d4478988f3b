//! The closed list of codes an error answer can carry (`{"code", "message"}`):
//! clients match on these, never on the message.

/// Declares the codes once: the enum, its wire string and the full list.
macro_rules! error_codes {
    ($($(#[$m:meta])* $v:ident = $s:literal),* $(,)?) => {
        /// What went wrong, as a stable machine-readable code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($(#[$m])* $v),* }

        impl ErrorCode {
            pub const ALL: &[ErrorCode] = &[$(Self::$v),*];

            /// The code as it travels (snake_case).
            pub fn code(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
        }
    };
}

error_codes! {
    /// The request could not be read (400).
    BadRequest = "bad_request",
    /// Not logged in, or the session expired (401).
    Unauthorized = "unauthorized",
    /// Wrong username or password (401, the same for both).
    InvalidCredentials = "invalid_credentials",
    /// This role may not do this (403).
    Forbidden = "forbidden",
    /// No such resource or route (404).
    NotFound = "not_found",
    /// The route exists, not with this method (405).
    MethodNotAllowed = "method_not_allowed",
    /// The access code was already used (409).
    AccessCodeUsed = "access_code_used",
    /// The submission's client id was used with other answers (409).
    ClientIdReused = "client_id_reused",
    /// The device already answered and the round refuses duplicates (409).
    DuplicateDevice = "duplicate_device",
    /// The last enabled admin cannot be demoted or disabled (409).
    LastAdmin = "last_admin",
    /// The link is disabled (409).
    LinkDisabled = "link_disabled",
    /// Another region has this division code (409).
    RegionCodeTaken = "region_code_taken",
    /// The round is already open (409).
    RoundAlreadyOpen = "round_already_open",
    /// The round has closed (409).
    RoundClosed = "round_closed",
    /// The round has opened: its settings and questionnaires are frozen (409).
    RoundFrozen = "round_frozen",
    /// The round is not open, or its window has not begun (409).
    RoundNotOpen = "round_not_open",
    /// The round's closing time has passed (409).
    RoundWindowPassed = "round_window_passed",
    /// The room session (机房答题) has ended, or the answer came after its
    /// grace (409).
    RoomSessionEnded = "room_session_ended",
    /// A round with school-bound groups has no schools (409).
    RoundWithoutSchools = "round_without_schools",
    /// Another school has this code (409).
    SchoolCodeTaken = "school_code_taken",
    /// The school has taken part in a round (409).
    SchoolInUse = "school_in_use",
    /// A paper sheet with this serial is already entered in the round (409).
    SheetSerialUsed = "sheet_serial_used",
    /// The sheet's entries are final or wait for another clerk (409).
    SheetEntryState = "sheet_entry_state",
    /// Another account has this username (409).
    UsernameTaken = "username_taken",
    /// The body is larger than allowed (413).
    PayloadTooLarge = "payload_too_large",
    /// The body's type or encoding is not accepted (415).
    UnsupportedMediaType = "unsupported_media_type",
    /// The content breaks a rule; `field` and `details` say where (422).
    ValidationFailed = "validation_failed",
    /// Too many requests (429).
    RateLimited = "rate_limited",
    /// Something failed inside renke (500).
    Internal = "internal",
    /// The database is unavailable right now (503).
    Unavailable = "unavailable",
    /// Any other status an unknown route or method produced.
    Error = "error",
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_are_distinct_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.code()), "{c:?} twice");
            assert!(
                c.code()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
        }
        assert_eq!(seen.len(), 31);
    }
}
