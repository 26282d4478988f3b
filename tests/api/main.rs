//! Integration tests: the real application on a random port against a fresh
//! database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set).

mod helpers;
mod process;

mod accounts;
mod assessments;
mod audit;
mod authz;
mod checklist;
mod checklist_grades;
mod connections;
mod console;
mod county_rows;
mod demo;
mod freeze;
mod hardening;
mod health;
mod integrity_sources;
mod interviews;
mod languages;
mod liaison;
mod metrics;
mod paper;
mod readiness;
mod region_accounts;
mod regions;
mod reports;
mod respond;
mod rounds;
mod schools;
mod security;
mod statuses;
mod submissions;
