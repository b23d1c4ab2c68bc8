//! The one owner of everything cached about a campaign in this process: the campaign itself
//! (read again after two seconds), its rendered action page and its JSON counter (one second).
//! Every change an organizer makes calls [`CampaignCache::forget`], so this process shows the
//! change at once; other processes show it when their entries expire.

use super::Campaign;
use crate::ttl_cache::TtlCache;
use actix_web::web::Bytes;
use std::sync::Arc;
use std::time::Duration;

pub struct CampaignCache {
    /// Campaigns by slug.
    pub campaigns: TtlCache<String, Arc<Campaign>>,
    /// Rendered action pages by slug (a confirmation here drops its page).
    pub pages: TtlCache<String, Bytes>,
    /// Rendered `/api/v1/campaigns/{slug}` answers by slug.
    pub counters: TtlCache<String, Bytes>,
}

impl Default for CampaignCache {
    fn default() -> Self {
        CampaignCache {
            campaigns: TtlCache::new(Duration::from_secs(2)),
            pages: TtlCache::new(Duration::from_secs(1)),
            counters: TtlCache::new(Duration::from_secs(1)),
        }
    }
}

impl CampaignCache {
    /// Drops everything cached under `slug`, so the next reader sees the database's state.
    pub fn forget(&self, slug: &str) {
        self.campaigns.forget(slug);
        self.pages.forget(slug);
        self.counters.forget(slug);
    }
}
