//! renke (认可): the social recognition (社会认可度) survey of county
//! inspections for high-quality balanced compulsory education.

pub mod admission;
pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod demo;
pub mod deployment_key;
pub mod device;
pub use renke_domain as domain;
pub mod entities;
pub mod error;
pub mod export;
pub mod heavy;
pub mod html;
pub mod import;
pub mod keyed;
pub mod limits;
pub mod link_cache;
pub mod memory;
pub mod metrics;
pub mod pages;
pub mod qr;
pub mod ratelimit;
pub mod request_log;
pub mod respondent_gate;
pub mod scrape;
pub mod security;
pub mod startup;
pub mod state;
pub mod store;
pub mod survey;
pub mod telemetry;
pub mod throttle;
pub mod writer;

/// Connecting and migrating (`store::db`), as `renke::db` for tools and tests.
pub use store::db;
