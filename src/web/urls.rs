//! Every path the app links to, built in one place so a route and its links cannot drift
//! apart. Paths are relative to the site; [`absolute`] prefixes the base URL for e-mails.

use std::fmt::Display;

/// `{base_url}{path}`: the form used in e-mails and share links.
pub fn absolute(base_url: &str, path: &str) -> String {
    format!("{}{path}", base_url.trim_end_matches('/'))
}

/// The public action page.
pub fn campaign(slug: impl Display) -> String {
    format!("/c/{slug}")
}

pub fn sign(slug: impl Display) -> String {
    format!("/c/{slug}/sign")
}

pub fn thanks(slug: impl Display) -> String {
    format!("/c/{slug}/thanks")
}

pub fn confirm(token: &str) -> String {
    format!("/confirm/{token}")
}

pub fn unsubscribe(token: &str) -> String {
    format!("/unsubscribe/{token}")
}

pub const ADMIN: &str = "/admin";
pub const ADMIN_LOGIN: &str = "/admin/login";
pub const ADMIN_LOGOUT: &str = "/admin/logout";
pub const ADMIN_NEW_CAMPAIGN: &str = "/admin/campaigns/new";
pub const ADMIN_CAMPAIGNS: &str = "/admin/campaigns";
pub const ADMIN_USERS: &str = "/admin/users";
pub const ADMIN_AUDIT: &str = "/admin/audit";
pub const ADMIN_ACCOUNT: &str = "/admin/account";

pub fn admin_setup(token: &str) -> String {
    format!("/admin/setup/{token}")
}

/// Where an invited organizer chooses a password.
pub fn admin_accept(token: &str) -> String {
    format!("/admin/users/accept/{token}")
}

/// The campaign's dashboard.
pub fn admin_campaign(slug: impl Display) -> String {
    format!("/admin/campaigns/{slug}")
}

/// A page or action under the campaign's dashboard: `edit`, `launch`, `signatures.csv`…
pub fn admin_campaign_part(slug: impl Display, part: &str) -> String {
    format!("/admin/campaigns/{slug}/{part}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_joined_to_the_base_url_without_a_double_slash() {
        assert_eq!(
            absolute("https://act.example/", &campaign("stop-the-dam")),
            "https://act.example/c/stop-the-dam"
        );
        assert_eq!(
            admin_campaign_part("stop-the-dam", "edit"),
            "/admin/campaigns/stop-the-dam/edit"
        );
    }
}
