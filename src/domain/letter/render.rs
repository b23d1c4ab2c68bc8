//! The letter's body for reading, as HTML and as plain text from one stream of Markdown
//! events. A body written in Markdown is parsed with pulldown-cmark and sanitised: raw HTML,
//! images and links to anything but http(s), mailto or this site are dropped, headings sit
//! below the page's own. A plain-text body keeps its paragraphs and puts each list item on a
//! line of its own.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::body_paragraphs;

/// HTML that is safe to put into a page as it is: made only by the sanitising renderer below
/// or by an auto-escaping template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// Output of an auto-escaping (`.html`) template, which escaped everything it was given.
    pub fn from_escaping_template(html: String) -> SafeHtml {
        SafeHtml(html)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for SafeHtml {}

/// How a letter's links on this site (`/reports/x`, `#asks`) are written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links<'a> {
    /// As the organizer wrote them: right on the site's own pages.
    AsWritten,
    /// Absolute, for an e-mail, which has no site to be relative to: a path against the
    /// site's base URL, a `#fragment` against the action page.
    Absolute {
        base_url: &'a str,
        page_url: &'a str,
    },
}

impl Links<'_> {
    fn resolve<'e>(self, url: CowStr<'e>) -> CowStr<'e> {
        match self {
            Links::AsWritten => url,
            Links::Absolute { base_url, page_url } => {
                let trimmed = url.trim();
                if trimmed.starts_with('/') && !trimmed.starts_with("//") {
                    format!("{}{trimmed}", base_url.trim_end_matches('/')).into()
                } else if trimmed.starts_with('#') {
                    format!("{page_url}{trimmed}").into()
                } else {
                    url
                }
            }
        }
    }
}

/// The body as sanitised HTML.
pub fn body_html(body: &str) -> SafeHtml {
    body_html_with(body, Links::AsWritten)
}

/// The body as sanitised HTML, its links on this site written as `links` says.
pub fn body_html_with(body: &str, links: Links<'_>) -> SafeHtml {
    let mut html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut html, body_events(body, links).into_iter());
    SafeHtml(html)
}

/// The body as plain text: paragraphs separated by a blank line, list items on lines of
/// their own ("- " or "1. "), a link's address after its text.
pub fn body_text(body: &str) -> String {
    body_text_with(body, Links::AsWritten)
}

/// The body as plain text, its links on this site written as `links` says.
pub fn body_text_with(body: &str, links: Links<'_>) -> String {
    text_of(body_events(body, links), body.len())
}

fn body_text_markdown(line: &str, links: Links<'_>) -> String {
    text_of(body_events_markdown(line, links), line.len())
}

/// Plain text from rendered events.
fn text_of(events: Vec<Event<'_>>, size: usize) -> String {
    let mut text = String::with_capacity(size);
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut link: Option<String> = None;
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            Event::Start(Tag::List(first)) => {
                end_line(&mut text);
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                end_line(&mut text);
                if lists.is_empty() {
                    text.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                end_line(&mut text);
                text.push_str(&"   ".repeat(lists.len().saturating_sub(1)));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        text.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => text.push_str("- "),
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.take().filter(|url| !text.ends_with(url.as_str())) {
                    text.push_str(&format!(" ({url})"));
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::BlockQuote(_))
                if lists.is_empty() =>
            {
                text.push_str("\n\n")
            }
            Event::End(TagEnd::Paragraph) => end_line(&mut text),
            _ => {}
        }
    }
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim_end) {
        if !(line.is_empty() && (out.is_empty() || out.ends_with("\n\n"))) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

/// One line of a letter (an ask) as HTML: its inline Markdown rendered by the same sanitising
/// renderer as the body when the letter is Markdown, else the line escaped as written.
pub fn inline_html(line: &str, markdown: bool, links: Links<'_>) -> SafeHtml {
    let escaped = || {
        SafeHtml(
            askama::filters::escape(line, askama::filters::Html)
                .map_or_else(|_| String::new(), |e| e.to_string()),
        )
    };
    if !markdown {
        return escaped();
    }
    let events = body_events_markdown(line, links);
    let one_paragraph = matches!(events.first(), Some(Event::Start(Tag::Paragraph)))
        && matches!(events.last(), Some(Event::End(TagEnd::Paragraph)))
        && events[1..events.len() - 1].iter().all(|e| {
            !matches!(
                e,
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
            )
        });
    if !one_paragraph {
        return escaped();
    }
    let mut html = String::with_capacity(line.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events[1..events.len() - 1].iter().cloned());
    SafeHtml(html)
}

/// One line of a letter (an ask) as plain text: its Markdown marks removed and a link's
/// address after its text, as the body's text is written.
pub fn inline_text(line: &str, markdown: bool, links: Links<'_>) -> String {
    if markdown {
        body_text_markdown(line, links)
    } else {
        line.to_string()
    }
}

fn end_line(text: &mut String) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

/// Whether the body is written in Markdown: strong emphasis, links, images or headings,
/// which a plain letter does not contain. Plain-text lists alone do not count, since a plain
/// letter is shown with its lines kept anyway; nor do a signature line's underscores.
pub fn is_markdown(body: &str) -> bool {
    let strong = body
        .match_indices("**")
        .any(|(at, _)| body[at + 2..].starts_with(|c: char| !c.is_whitespace() && c != '*'));
    strong
        || body.contains("](")
        || body.contains("![")
        || body.lines().any(|line| {
            let hashes = line.chars().take_while(|c| *c == '#').count();
            (1..=6).contains(&hashes) && line[hashes..].starts_with(' ')
        })
}

/// The events the body is made of: parsed and sanitised Markdown, or the plain letter's
/// paragraphs with a line break between their lines.
fn body_events<'b>(body: &'b str, links: Links<'_>) -> Vec<Event<'b>> {
    if !is_markdown(body) {
        let mut events = Vec::new();
        for lines in body_paragraphs(body) {
            events.push(Event::Start(Tag::Paragraph));
            for (i, line) in lines.into_iter().enumerate() {
                if i > 0 {
                    events.push(Event::HardBreak);
                }
                events.push(Event::Text(CowStr::from(line)));
            }
            events.push(Event::End(TagEnd::Paragraph));
        }
        return events;
    }
    body_events_markdown(body, links)
}

/// The events of `body` read as Markdown and sanitised: no HTML, no images, only safe links.
fn body_events_markdown<'b>(body: &'b str, links: Links<'_>) -> Vec<Event<'b>> {
    let mut events = Vec::new();
    let mut skipping_image = 0usize;
    let mut link_depth: Vec<bool> = Vec::new();
    for event in Parser::new_ext(body, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Image { .. }) => skipping_image += 1,
            Event::End(TagEnd::Image) => skipping_image = skipping_image.saturating_sub(1),
            _ if skipping_image > 0 => {}
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let allowed = is_allowed_url(&dest_url);
                link_depth.push(allowed);
                if allowed {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: links.resolve(dest_url),
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if link_depth.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => events.push(Event::Start(Tag::Heading {
                level: below_page_headings(level),
                id,
                classes,
                attrs,
            })),
            Event::End(TagEnd::Heading(level)) => {
                events.push(Event::End(TagEnd::Heading(below_page_headings(level))))
            }
            other => events.push(other),
        }
    }
    events
}

/// Headings in the letter start at h3: the page has its h1 and the letter's own h2.
fn below_page_headings(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Web and e-mail addresses and paths on this site; never `javascript:`, `data:` and the like.
fn is_allowed_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        || lower.starts_with('/') && !lower.starts_with("//")
        || lower.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ask_of_a_markdown_letter_shows_its_emphasis_and_links_and_loses_its_marks_as_text() {
        let ask = "Publish the _full_ assessment, **now**, with [the data](/data) and `code`";
        let html = inline_html(ask, true, Links::AsWritten);
        assert_eq!(
            html.as_str(),
            "Publish the <em>full</em> assessment, <strong>now</strong>, with \
             <a href=\"/data\">the data</a> and <code>code</code>"
        );
        assert_eq!(
            inline_text(ask, true, Links::AsWritten),
            "Publish the full assessment, now, with the data (/data) and code"
        );
        let hostile = "Stop <script>alert(1)</script> [x](javascript:alert(1))";
        let html = inline_html(hostile, true, Links::AsWritten);
        assert!(
            !html.as_str().contains("<script") && !html.as_str().contains("javascript:"),
            "{html}"
        );
        assert_eq!(
            inline_html("Keep _this_ & <that>", false, Links::AsWritten).as_str(),
            "Keep _this_ &#38; &#60;that&#62;"
        );
        assert_eq!(
            inline_html("# not a heading", true, Links::AsWritten).as_str(),
            "# not a heading"
        );
    }

    #[test]
    fn links_on_the_site_are_made_absolute_for_an_e_mail_and_left_alone_on_the_page() {
        let body = "Read **the** [report](/reports/dam) and [the asks](#asks) or [more](https://x.example/a).";
        let links = Links::Absolute {
            base_url: "https://act.example",
            page_url: "https://act.example/c/dam",
        };
        let html = body_html_with(body, links);
        assert!(
            html.as_str()
                .contains("href=\"https://act.example/reports/dam\""),
            "{html}"
        );
        assert!(
            html.as_str()
                .contains("href=\"https://act.example/c/dam#asks\""),
            "{html}"
        );
        assert!(
            html.as_str().contains("href=\"https://x.example/a\""),
            "{html}"
        );
        let text = body_text_with(body, links);
        assert!(
            text.contains("report (https://act.example/reports/dam)"),
            "{text}"
        );
        assert!(body_html(body).as_str().contains("href=\"/reports/dam\""));
    }

    #[test]
    fn a_markdown_body_becomes_html_lists_and_emphasis() {
        let body = "We ask that the Planning Committee:\n\n- **Reject** planning application 27/0412;\n- Designate the wetlands as a reserve.";

        let html = body_html(body);

        assert_eq!(
            html.as_str(),
            "<p>We ask that the Planning Committee:</p>\n<ul>\n<li><strong>Reject</strong> planning application 27/0412;</li>\n<li>Designate the wetlands as a reserve.</li>\n</ul>\n"
        );
    }

    #[test]
    fn no_html_images_or_script_links_written_in_markdown_survive() {
        let body =
            "**Act now.**\n\n<script>alert(1)</script>\n\nText <b onmouseover=\"x()\">bold</b> \
                    [click](javascript:alert(1)) [site](https://river.example) \
                    ![x](https://tracker.example/p.gif)\n\n# Heading";

        let html = body_html(body);

        for absent in [
            "<script",
            "alert(1)",
            "<b ",
            "onmouseover",
            "javascript:",
            "<img",
            "tracker",
            "<h1",
        ] {
            assert!(!html.as_str().contains(absent), "{absent:?} in {html}");
        }
        for present in [
            "<strong>Act now.</strong>",
            "Text bold click <a href=\"https://river.example\">site</a>",
            "<h3>Heading</h3>",
        ] {
            assert!(html.as_str().contains(present), "{present:?} in {html}");
        }
    }

    #[test]
    fn a_plain_body_keeps_its_paragraphs_and_list_lines_and_is_escaped() {
        let body = "We write about <the dam> & its\nfuture.\n\nWe urge you to:\n\n\t•\tStop it;\n\t•\tHear us.";

        assert!(!is_markdown(body));
        assert!(!is_markdown("Signed: ____________\n\n* a star * here"));
        assert!(is_markdown("Please **act**."));
        assert!(is_markdown("## Our asks\n\n- one"));
        assert_eq!(
            body_html(body).as_str(),
            "<p>We write about &lt;the dam&gt; &amp; its future.</p>\n<p>We urge you to:</p>\n<p>•\tStop it;<br />\n•\tHear us.</p>\n"
        );
        assert_eq!(
            body_text(body),
            "We write about <the dam> & its future.\n\nWe urge you to:\n\n•\tStop it;\n•\tHear us."
        );
    }

    #[test]
    fn a_markdown_body_as_plain_text_has_its_marks_removed_and_link_addresses_kept() {
        let body = "We ask that the **Committee**:\n\n1. Reject the application;\n2. See [the plan](https://river.example/plan).\n\n- one\n- two\n\nThank *you*.";

        assert_eq!(
            body_text(body),
            "We ask that the Committee:\n\n1. Reject the application;\n2. See the plan (https://river.example/plan).\n\n- one\n- two\n\nThank you."
        );
    }
}
