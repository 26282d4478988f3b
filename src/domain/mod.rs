//! Rules of the survey with no HTTP or SQL in them.

pub mod group;
pub mod questionnaire;
pub mod round;
pub mod school;
pub mod submission;
pub mod templates;
