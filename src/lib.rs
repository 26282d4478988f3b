//! renke (认可): the social recognition (社会认可度) survey of county
//! inspections for high-quality balanced compulsory education.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod entities;
pub mod error;
pub mod import;
pub mod pages;
pub mod startup;
pub mod store;
pub mod survey;
pub mod telemetry;
pub mod writer;
