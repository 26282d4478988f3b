//! sea-orm models, one file per table. Behaviour lives in `store`.

pub mod access_code;
pub mod account;
pub mod audit_entry;
pub mod county;
pub mod deployment_secret;
pub mod device_mark;
pub mod language_tally;
pub mod link;
pub mod option_tally;
pub mod page_translation;
pub mod readiness_school;
pub mod readiness_setting;
pub mod readiness_stage;
pub mod region;
pub mod response;
pub mod response_tally;
pub mod room_session;
pub mod round;
pub mod round_language;
pub mod round_questionnaire;
pub mod round_school;
pub mod round_translation;
pub mod sampling_quota;
pub mod school;
pub mod session;
pub mod timeline_tally;
