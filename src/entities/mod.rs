//! sea-orm models, one file per table. Behaviour lives in `store`.

pub mod account;
pub mod audit_entry;
pub mod county;
pub mod link;
pub mod response;
pub mod round;
pub mod round_questionnaire;
pub mod round_school;
pub mod school;
pub mod session;
