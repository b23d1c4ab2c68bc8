//! A short-lived, per-process cache of campaigns as the action page shows them, so a page
//! view costs one primary-key lookup (the live count) instead of four queries. A change to a
//! campaign shows everywhere within [`TTL`].

use super::Campaign;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a cached campaign is served before it is read again.
pub const TTL: Duration = Duration::from_secs(2);
/// Entries kept at most; beyond that the cache starts over.
const CAPACITY: usize = 1024;

#[derive(Default)]
pub struct CampaignCache {
    entries: Mutex<HashMap<String, (Instant, Arc<Campaign>)>>,
}

impl CampaignCache {
    /// The campaign behind `slug` if it was read less than [`TTL`] ago.
    pub fn get(&self, slug: &str) -> Option<Arc<Campaign>> {
        let entries = self.entries.lock().ok()?;
        let (at, campaign) = entries.get(slug)?;
        (at.elapsed() < TTL).then(|| campaign.clone())
    }

    pub fn put(&self, campaign: Arc<Campaign>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(campaign.slug().to_string(), (Instant::now(), campaign));
        }
    }
}
