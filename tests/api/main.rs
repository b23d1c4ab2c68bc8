//! Integration tests: the app over HTTP on a real PostgreSQL and a real SMTP server.

mod admin;
mod batch_delivery;
mod batch_faults;
mod batch_messages;
mod batches;
mod browser;
mod cli;
mod delivery_schedule;
mod downloads;
mod drafts;
mod helpers;
mod http;
mod input;
mod layers;
mod lifecycle;
mod mail;
mod operations;
mod outbox;
mod pages;
mod phone;
mod public_pages;
mod resilience;
mod schema;
mod signing;
mod smtp_server;
mod stored;
