//! Rules of the survey with no HTTP or SQL in them.

pub mod area;
pub mod group;
pub mod integrity;
pub mod questionnaire;
pub mod report;
pub mod report_counts;
pub mod round;
pub mod sampling;
pub mod sampling_shares;
pub mod school;
pub mod scoring;
pub mod submission;
pub mod tally;
pub mod templates;
pub mod timeline;
