//! Numbers as the pages say them, through the one helper every message uses.

pub use crate::domain::counting::{count, plural, range, thousands};
