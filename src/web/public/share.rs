//! Share links for an action: on its page, after signing and after confirming.

/// Links that let a supporter pass the action on. Plain links: nothing loads from these
/// sites unless the supporter follows one.
pub struct Share {
    pub url: String,
    pub links: Vec<(&'static str, String)>,
}

impl Share {
    /// Links to the action `slug` called `title`, on the site at `base_url`.
    pub fn new(base_url: &str, slug: &str, title: &str) -> Share {
        let url = format!("{base_url}/c/{slug}");
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let (u, t) = (enc(&url), enc(title));
        let links = vec![
            (
                "E-mail",
                format!(
                    "mailto:?subject={t}&body={}",
                    enc(&format!("{}\n\n{url}", title))
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
                "Signal",
                format!("sgnl://share?text={}", enc(&format!("{} {url}", title))),
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
