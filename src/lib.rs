//! Undersign turns a letter to officials into a public action: supporters sign it on a
//! server-rendered page, their signatures land in PostgreSQL, and e-mail leaves through an
//! outbox that any number of processes can drain without sending twice.

pub mod alerts;
pub mod batches;
pub mod bounces;
pub mod campaigns;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod jobs;
pub mod mail;
pub mod mail_kinds;
pub mod organizers;
pub mod rate_limit;
pub mod signatures;
pub mod startup;
pub mod supporters;
pub mod telemetry;
pub mod tokens;
pub mod ttl_cache;
pub mod urls;
pub mod web;
pub mod worker;
