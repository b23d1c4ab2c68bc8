//! Work that runs outside requests: `deliver`, the cron job.

pub mod deliver;
