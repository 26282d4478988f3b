//! renke's survey rules with no HTTP, SQL or async runtime in them: a crate of
//! its own, so a dependency on the web or database layers does not compile.

pub mod account;
pub mod area;
pub mod assessment;
pub mod audit;
pub mod checklist;
pub mod class_size;
pub mod client_id;
pub mod collection;
pub mod county;
pub mod error_code;
pub mod group;
pub mod integrity;
pub mod language;
pub mod link;
pub mod page_texts;
pub mod questionnaire;
pub mod readiness;
pub mod readiness_change;
pub mod readiness_input;
pub mod region;
pub mod report;
pub mod report_counts;
pub mod report_languages;
pub mod rooms;
pub mod round;
pub mod sampling;
pub mod sampling_shares;
pub mod scales;
pub mod school;
pub mod scoring;
pub mod sources;
pub mod submission;
pub mod tally;
pub mod templates;
pub mod timeline;
pub mod whatif;

#[cfg(test)]
mod purity {
    /// The rules stay free of the web, database and runtime layers: none of
    /// them may become a dependency of this crate.
    #[test]
    fn depends_on_no_web_database_or_runtime_crate() {
        let manifest = include_str!("../Cargo.toml");
        let deps = manifest
            .split("\n[dependencies]")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .expect("a [dependencies] table");
        let names: Vec<&str> = deps
            .lines()
            .filter_map(|l| l.split('=').next())
            .map(str::trim)
            .filter(|n| !n.is_empty() && !n.starts_with('#'))
            .collect();
        assert!(names.contains(&"serde"), "{names:?}");
        for banned in [
            "poem",
            "sea-orm",
            "sqlx",
            "tokio",
            "reqwest",
            "migration",
            "renke",
        ] {
            assert!(
                !names.iter().any(|n| n.starts_with(banned)),
                "{banned} in {names:?}"
            );
        }
    }
}
