//! The line on every action's pages that says who runs the action and where its privacy
//! notice is.

use crate::campaigns::Campaign;
use crate::config::Settings;

/// Who runs an action and the privacy notice that covers it; either may be unknown.
pub struct Trust {
    pub organisation: Option<String>,
    pub privacy_url: Option<String>,
}

impl Trust {
    /// The campaign's organisation and privacy notice, else the installation's notice.
    pub fn of(c: &Campaign, settings: &Settings) -> Trust {
        Trust {
            organisation: c.organisation().map(str::to_string),
            privacy_url: c
                .row
                .privacy_url
                .clone()
                .or_else(|| settings.privacy_url.clone()),
        }
    }
}
