//! sea-orm models, one file per table. Behaviour lives in `store`.

pub mod account;
pub mod county;
pub mod link;
pub mod option_tally;
pub mod response;
pub mod response_tally;
pub mod round;
pub mod round_questionnaire;
pub mod round_school;
pub mod sampling_quota;
pub mod school;
pub mod session;
