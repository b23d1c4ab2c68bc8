//! One alert as a supporter receives it: the greeting, the body rendered from its Markdown
//! by the letter's sanitising renderer (HTML and text from the same source), the button to
//! the action with the alert's source code (the same for everyone: no per-person links), and
//! the unsubscribe link in both parts and in the headers (RFC 2369, RFC 8058, RFC 2919).

use crate::domain::letter::{body_html_with, body_text_with, Links, SafeHtml};
use crate::mail::{header_safe, Composed, ExtraHeaders};
use askama::Template;

/// What every recipient's copy of an alert shares.
#[derive(Debug, Clone)]
pub struct AlertContent {
    pub subject: String,
    /// Markdown.
    pub body: String,
    /// The action's title and slug, when the alert asks people to act on one.
    pub action: Option<(String, String)>,
    pub source_code: String,
    /// Who the supporter asked to keep them informed (the action's organisation).
    pub sender: Option<String>,
}

/// One recipient.
#[derive(Debug, Clone)]
pub struct Recipient<'a> {
    pub email: &'a str,
    pub name: Option<&'a str>,
    /// The `/unsubscribe/{token}` path of this supporter.
    pub unsubscribe_path: &'a str,
    /// `bounces+TOKEN@domain` of this message, when the installation has a bounce address:
    /// a mail to it with the subject "unsubscribe" unsubscribes (RFC 2369's `mailto:`).
    pub unsubscribe_mailbox: Option<String>,
}

struct Action {
    label: String,
    url: String,
}

struct View<'a> {
    test: bool,
    subject: &'a str,
    greeting: String,
    text: String,
    html: SafeHtml,
    action: Option<Action>,
    sender: &'a str,
    unsubscribe: String,
}

#[derive(Template)]
#[template(path = "email/alert.txt", escape = "none")]
struct AlertText<'a> {
    v: &'a View<'a>,
}

#[derive(Template)]
#[template(path = "email/alert.html")]
struct AlertHtml<'a> {
    v: &'a View<'a>,
}

/// `Feedback-ID: <alert>:<campaign>:alert:<sender domain>`: the same for every recipient of
/// one alert, naming nobody.
fn feedback_id(content: &AlertContent, domain: &str) -> String {
    let campaign = content
        .action
        .as_ref()
        .map_or("none", |(_, slug)| slug.as_str());
    format!("{}:{campaign}:alert:{domain}", content.source_code)
}

/// The `List-Id` of an installation's alerts (RFC 2919), under the sender's domain.
pub fn list_id(domain: &str) -> String {
    format!("Action alerts <alerts.{domain}>")
}

/// The message `to` receives; `test` marks a copy sent to an organizer.
pub fn compose(
    content: &AlertContent,
    to: &Recipient<'_>,
    base_url: &str,
    domain: &str,
    test: bool,
) -> anyhow::Result<Composed> {
    let links = Links::Absolute {
        base_url,
        page_url: base_url,
    };
    let unsubscribe = crate::urls::absolute(base_url, to.unsubscribe_path);
    let action = content.action.as_ref().map(|(title, slug)| Action {
        label: format!("Take action: {}", header_safe(title)),
        url: format!(
            "{}?source={}",
            crate::urls::absolute(base_url, &crate::urls::campaign(slug)),
            content.source_code
        ),
    });
    let greeting = match to.name.map(header_safe).filter(|n| !n.is_empty()) {
        Some(name) => format!("Dear {name},"),
        None => "Hello,".to_string(),
    };
    let view = View {
        test,
        subject: &content.subject,
        greeting,
        text: body_text_with(&content.body, links),
        html: body_html_with(&content.body, links),
        action,
        sender: content.sender.as_deref().unwrap_or("us"),
        unsubscribe: unsubscribe.clone(),
    };
    let subject = if test {
        format!("[TEST] {}", content.subject)
    } else {
        content.subject.clone()
    };
    Ok(Composed {
        to: to.email.to_string(),
        to_name: to.name.map(str::to_string),
        subject,
        text: AlertText { v: &view }.render()?,
        html: Some(AlertHtml { v: &view }.render()?),
        attachments: Vec::new(),
        headers: ExtraHeaders {
            list_id: Some(list_id(domain)),
            // The https one-click link first (RFC 8058), then the mailto: when there is one.
            list_unsubscribe: Some(match &to.unsubscribe_mailbox {
                Some(mailbox) => format!("<{unsubscribe}>, <mailto:{mailbox}?subject=unsubscribe>"),
                None => format!("<{unsubscribe}>"),
            }),
            one_click_unsubscribe: true,
            feedback_id: Some(feedback_id(content, domain)),
            ..ExtraHeaders::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> AlertContent {
        AlertContent {
            subject: "The ministers meet tomorrow".into(),
            body: "They decide on **Thursday**.\n\n- Sign the letter\n- Tell a friend".into(),
            action: Some(("Stop the dam".into(), "stop-the-dam".into())),
            source_code: "a-4f2c9d".into(),
            sender: Some("River Commons".into()),
        }
    }

    #[test]
    fn an_alert_carries_its_unsubscribe_link_in_both_parts_and_in_the_headers() {
        let to = Recipient {
            email: "ana@example.org",
            name: Some("Ana"),
            unsubscribe_path: "/unsubscribe/TOKEN",
            unsubscribe_mailbox: None,
        };
        let m = compose(&content(), &to, "https://act.example", "act.example", false).unwrap();
        let link = "https://act.example/unsubscribe/TOKEN";
        assert!(m.text.contains(link), "{}", m.text);
        assert!(m.html.as_deref().unwrap().contains(link));
        assert_eq!(
            m.headers.list_unsubscribe.as_deref(),
            Some("<https://act.example/unsubscribe/TOKEN>")
        );
        assert!(m.headers.one_click_unsubscribe);
        assert_eq!(
            m.headers.list_id.as_deref(),
            Some("Action alerts <alerts.act.example>")
        );
        assert!(m.text.starts_with("Dear Ana,"));
        assert!(m
            .text
            .contains("https://act.example/c/stop-the-dam?source=a-4f2c9d"));
        assert!(m
            .html
            .as_deref()
            .unwrap()
            .contains("<strong>Thursday</strong>"));
        assert!(m.text.contains("River Commons"));
    }

    #[test]
    fn a_name_with_markup_or_line_breaks_is_neither_markup_nor_a_header() {
        let to = Recipient {
            email: "ana@example.org",
            name: Some("<b>Ana</b>\r\nBcc: x@example.org"),
            unsubscribe_path: "/unsubscribe/TOKEN",
            unsubscribe_mailbox: None,
        };
        let m = compose(&content(), &to, "https://act.example", "act.example", true).unwrap();
        let html = m.html.unwrap();
        assert!(!html.contains("<b>Ana"), "{html}");
        assert!(m.subject.starts_with("[TEST] "));
        assert!(!m.text.contains("\r\nBcc"));
    }
}
