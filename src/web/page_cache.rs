//! Rendered public responses (the action page, the JSON counter) kept for a second per
//! process, so a crowd refreshing the count costs one render a second, not one per view.
//! A confirmation in this process drops its campaign's entries at once; elsewhere they age out.

use actix_web::web::Bytes;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How stale a cached response may be.
pub const TTL: Duration = Duration::from_secs(1);
const CAPACITY: usize = 4096;

/// Which response of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    ActionPage,
    Json,
}

#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<(Kind, String), (Instant, Bytes)>>,
}

impl PageCache {
    pub fn get(&self, kind: Kind, slug: &str) -> Option<Bytes> {
        let entries = self.entries.lock().ok()?;
        let (at, body) = entries.get(&(kind, slug.to_string()))?;
        (at.elapsed() < TTL).then(|| body.clone())
    }

    pub fn put(&self, kind: Kind, slug: &str, body: Bytes) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert((kind, slug.to_string()), (Instant::now(), body));
        }
    }

    /// Drops every cached response of the campaign `slug`.
    pub fn forget(&self, slug: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(_, s), _| s != slug);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_page_is_served_until_its_campaign_is_forgotten() {
        let cache = PageCache::default();
        cache.put(
            Kind::ActionPage,
            "stop-the-dam",
            Bytes::from_static(b"page"),
        );
        cache.put(Kind::Json, "other", Bytes::from_static(b"{}"));
        assert_eq!(cache.get(Kind::ActionPage, "stop-the-dam").unwrap(), "page");
        assert!(cache.get(Kind::Json, "stop-the-dam").is_none());
        cache.forget("stop-the-dam");
        assert!(cache.get(Kind::ActionPage, "stop-the-dam").is_none());
        assert!(cache.get(Kind::Json, "other").is_some());
    }
}
