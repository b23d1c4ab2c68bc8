//! Share links for an action: on its page, after signing and after confirming.

/// Links that let a supporter pass the action on. Plain links: nothing loads from these
/// sites unless the supporter follows one. (Signal has no web share link, so it has none.)
pub struct Share {
    pub url: String,
    pub links: Vec<(&'static str, String)>,
}

impl Share {
    /// Links to the action `slug` called `title`, on the site at `base_url`.
    pub fn new(base_url: &str, slug: &str, title: &str) -> Share {
        let url = crate::urls::absolute(base_url, &crate::urls::campaign(slug));
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let (u, t) = (enc(&url), enc(title));
        // RFC 6068 wants a space in a mailto: URL as `%20`; a literal `+` is already `%2B`.
        let mail = |s: &str| enc(s).replace('+', "%20");
        let links = vec![
            (
                "E-mail",
                format!(
                    "mailto:?subject={}&body={}",
                    mail(title),
                    mail(&format!("{title}\n\n{url}"))
                ),
            ),
            (
                "WhatsApp",
                format!("https://wa.me/?text={}", enc(&format!("{} {url}", title))),
            ),
            (
                "Telegram",
                format!("https://t.me/share/url?url={u}&text={t}"),
            ),
            (
                "X",
                format!("https://twitter.com/intent/tweet?url={u}&text={t}"),
            ),
            (
                "Facebook",
                format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
            ),
            (
                "Bluesky",
                format!(
                    "https://bsky.app/intent/compose?text={}",
                    enc(&format!("{} {url}", title))
                ),
            ),
        ];
        Share { url, links }
    }
}

#[cfg(test)]
mod tests {
    use super::Share;

    #[test]
    fn the_mail_link_encodes_spaces_as_percent_20_and_keeps_plus_signs() {
        let share = Share::new("https://a.example", "dam", "Stop the dam + save");
        let (_, mailto) = &share.links[0];
        assert_eq!(
            mailto,
            "mailto:?subject=Stop%20the%20dam%20%2B%20save&body=Stop%20the%20dam%20%2B%20save%0A%0Ahttps%3A%2F%2Fa.example%2Fc%2Fdam"
        );
    }
}
