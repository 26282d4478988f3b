//! Cell values, and what makes them safe and readable in a spreadsheet.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use std::{borrow::Cow, sync::Arc};

use crate::domain::submission::Validity;

/// UTF-8 byte order mark: Excel on Chinese Windows reads a CSV as UTF-8
/// only when it starts with one (otherwise as GBK).
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One cell of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// Text repeated on many rows (a label, a school name), made once.
    Shared(Arc<str>),
    Int(i64),
    /// A rate 0–1, shown as a percentage.
    Pct(f64),
    /// A plain decimal.
    Num(f64),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }
    pub fn opt_pct(v: Option<f64>) -> Self {
        v.map_or(Self::Empty, Self::Pct)
    }
    pub fn opt_text(v: Option<impl Into<String>>) -> Self {
        v.map_or(Self::Empty, |s| Self::Text(s.into()))
    }
    /// The cell as CSV text (already neutralised).
    pub fn csv(&self) -> Cow<'_, str> {
        match self {
            Self::Empty => Cow::Borrowed(""),
            Self::Text(s) => safe(s),
            Self::Shared(s) => safe(s),
            Self::Int(n) => Cow::Owned(n.to_string()),
            Self::Pct(p) => Cow::Owned(format!("{:.2}%", p * 100.0)),
            Self::Num(x) => Cow::Owned(format!("{x:.2}")),
        }
    }
}

/// Neutralises spreadsheet formula injection: text beginning with `=`, `+`,
/// `-`, `@` (or a tab or carriage return, which some programs strip first)
/// gets a leading `'` so it is shown as text and never evaluated.
pub fn safe(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// Validity codes in Chinese (a code this build does not know as itself).
pub fn reason_label(code: &str) -> &str {
    match Validity::from_code(code) {
        Some(v) => v.label_zh(),
        None => code,
    }
}

/// A time as Chinese readers expect it: Beijing time.
pub fn beijing(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_plain_text_is_not() {
        for bad in ["=1+1", "+86 138", "-2", "@SUM(A1)", "\t=x"] {
            assert_eq!(safe(bad), format!("'{bad}"));
        }
        assert_eq!(safe("满意"), "满意");
        assert_eq!(safe(""), "");
        assert_eq!(Cell::text("=HYPERLINK(\"x\")").csv(), "'=HYPERLINK(\"x\")");
        assert_eq!(Cell::Pct(0.8523).csv(), "85.23%");
        assert_eq!(Cell::Int(-3).csv(), "-3", "numbers stay numbers");
    }

    #[test]
    fn times_are_beijing_time() {
        let t = DateTime::parse_from_rfc3339("2026-11-02T16:30:00Z").unwrap();
        assert_eq!(beijing(t.with_timezone(&Utc)), "2026-11-03 00:30:00");
    }
}
