//! Persistence, one module per aggregate. Functions take a connection and
//! return domain-level values or `AppError`.

pub mod access_codes;
pub mod accounts;
pub mod assessments;
pub mod audit;
pub mod bulk;
pub mod checklist;
pub mod county;
pub mod db;
pub mod devices;
pub mod generations;
pub mod interviews;
pub mod liaisons;
pub mod links;
pub mod page_texts;
pub mod paper;
pub mod paper_keyed;
pub mod quotas;
pub mod readiness;
pub mod recompute;
pub mod regions;
pub mod reports;
pub mod responses;
pub mod rooms;
pub mod rounds;
pub mod schools;
pub mod scope;
pub mod secrets;
pub mod sessions;
pub mod tallies;
pub mod tenancy;
pub mod translations;
mod upsert;
pub mod whatif;
