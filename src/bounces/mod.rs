//! Mail that comes back: bounces, complaints and auto-replies, read from the bounce mailbox
//! (`undersign bounces ingest`, one message on stdin from an MTA pipe), matched to the
//! message they answer by its VERP token or Message-ID, and acted on.

pub mod classify;
pub mod list;
pub mod record;

pub use classify::{classify, Class, Report};
pub use record::{Ingest, Ingested};
