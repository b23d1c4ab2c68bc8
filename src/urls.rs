//! Every path the app links to, built in one place so a route and its links cannot drift
//! apart: the pages and templates, and the e-mails the domain writes. Paths are relative to
//! the site; [`absolute`] prefixes the base URL for e-mails.

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

/// Where the sign form posts, keeping the `source` tag the supporter arrived with.
pub fn sign_from(slug: impl Display, source: &Option<String>) -> String {
    match source {
        Some(source) => format!("{}?source={source}", sign(slug)),
        None => sign(slug),
    }
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

/// A signed link to a batch's whole CSV, for an official whose message could not attach it.
pub fn download(token: &str) -> String {
    format!("/d/{token}")
}

pub const ADMIN: &str = "/admin";
pub const ADMIN_LOGIN: &str = "/admin/login";
pub const ADMIN_LOGOUT: &str = "/admin/logout";
pub const ADMIN_NEW_CAMPAIGN: &str = "/admin/campaigns/new";
pub const ADMIN_CAMPAIGNS: &str = "/admin/campaigns";
pub const ADMIN_USERS: &str = "/admin/users";
pub const ADMIN_AUDIT: &str = "/admin/audit";
pub const ADMIN_ACCOUNT: &str = "/admin/account";
pub const ADMIN_ACCOUNT_PASSWORD: &str = "/admin/account/password";
pub const ADMIN_PASSWORD_RESET: &str = "/admin/password-reset";
pub const ADMIN_INVITE: &str = "/admin/users/invite";
pub const ADMIN_CSS: &str = "/admin/admin.css";
pub const ADMIN_ALERTS: &str = "/admin/alerts";
pub const ADMIN_NEW_ALERT: &str = "/admin/alerts/new";
pub const ADMIN_SUPPORTERS: &str = "/admin/supporters";
pub const ADMIN_SUPPORTERS_IMPORT: &str = "/admin/supporters/import";
pub const ADMIN_RETURNED: &str = "/admin/supporters/returned";

/// `/admin/confirm`: the password asked for again.
pub const ADMIN_CONFIRM: &str = "/admin/confirm";

/// `/admin/confirm?next=…`, to come back to `next` (an admin path) afterwards.
pub fn admin_confirm(next: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("next", next)
        .finish();
    format!("{ADMIN_CONFIRM}?{query}")
}

/// `/admin/supporters/{id}`: one supporter's data, its export and erasure.
pub fn admin_supporter(id: impl Display) -> String {
    format!("{ADMIN_SUPPORTERS}/{id}")
}

/// An alert's page in the admin.
pub fn admin_alert(id: impl Display) -> String {
    format!("{ADMIN_ALERTS}/{id}")
}

/// One of an alert's actions or views (`send`, `edit`, `preview/html`, …).
pub fn admin_alert_part(id: impl Display, part: &str) -> String {
    format!("{ADMIN_ALERTS}/{id}/{part}")
}
/// The list of actions.
pub const HOME: &str = "/";

/// Where an organizer who forgot their password chooses a new one.
pub fn admin_password_reset(token: &str) -> String {
    format!("{ADMIN_PASSWORD_RESET}/{token}")
}

/// `release` or `invalidate` of one signature of a campaign.
pub fn admin_signature(slug: impl Display, id: impl Display, action: &str) -> String {
    format!("/admin/campaigns/{slug}/signatures/{id}/{action}")
}

/// `role` or `remove` of one organizer.
pub fn admin_user(id: impl Display, action: &str) -> String {
    format!("/admin/users/{id}/{action}")
}

/// Withdraws an invitation that was not used yet.
pub fn admin_revoke_invitation(id: impl Display) -> String {
    format!("/admin/users/invitations/{id}/revoke")
}

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
