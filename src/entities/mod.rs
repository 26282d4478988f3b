//! sea-orm models, one file per table. Behaviour lives in `store`.

pub mod access_code;
pub mod account;
pub mod audit_entry;
pub mod county;
pub mod deployment_secret;
pub mod device_mark;
pub mod link;
pub mod option_tally;
pub mod paper_clerk;
pub mod paper_setting;
pub mod paper_sheet;
pub mod response;
pub mod response_tally;
pub mod round;
pub mod round_questionnaire;
pub mod round_school;
pub mod sampling_quota;
pub mod school;
pub mod session;
pub mod timeline_tally;
