//! A small per-process cache whose entries expire after a fixed time: used for campaigns
//! (so a page view reads only the live count) and for rendered public responses (so a crowd
//! refreshing the count costs one render a second). Other processes' changes show once an
//! entry expires.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept at most; beyond that the cache starts over.
const CAPACITY: usize = 4096;

pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Hash + Eq, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        TtlCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The value under `key` if it was put there less than the cache's time ago.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let entries = self.entries.lock().ok()?;
        let (at, value) = entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    pub fn put(&self, key: K, value: V) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(key, (Instant::now(), value));
        }
    }

    /// Drops the entry under `key`, so the next reader sees the database's state.
    pub fn forget<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_served_until_it_expires_or_is_forgotten() {
        let cache: TtlCache<String, &str> = TtlCache::new(Duration::from_secs(60));
        cache.put("stop-the-dam".into(), "page");
        cache.put("other".into(), "{}");
        assert_eq!(cache.get("stop-the-dam"), Some("page"));
        cache.forget("stop-the-dam");
        assert_eq!(cache.get("stop-the-dam"), None);
        assert_eq!(cache.get("other"), Some("{}"));

        let expired: TtlCache<String, &str> = TtlCache::new(Duration::ZERO);
        expired.put("stop-the-dam".into(), "page");
        assert_eq!(expired.get("stop-the-dam"), None);
    }
}
