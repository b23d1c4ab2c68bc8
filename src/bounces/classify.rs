//! Reading one message that came back: a delivery status notification (RFC 3464), a
//! feedback report (RFC 5965 ARF, and the RFC 9477 reports that carry `CFBL-Feedback-ID`), an
//! auto-reply, or one of the non-standard bounces the large providers and older servers still
//! send. Pure: bytes in, a [`Report`] out; what it means is `record`'s business.

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

/// What a message that came back is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// A permanent failure (5.x.x): the address does not work.
    Hard,
    /// A temporary failure or a delay (4.x.x): counted, acted on after several.
    Soft,
    /// The recipient reported the message as spam.
    Complaint,
    /// Out of office, vacation, challenge-response, ticket acknowledgements: never a bounce.
    AutoReply,
    /// A success notice (`Action: delivered` or `relayed`).
    Delivered,
    /// A supporter's mail with the subject "unsubscribe", sent to a message's own address
    /// (the `mailto:` of its `List-Unsubscribe`).
    Unsubscribe,
    /// Nothing could be concluded: kept for an organizer to look at.
    Unreadable,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Hard => "hard",
            Class::Soft => "soft",
            Class::Complaint => "complaint",
            Class::AutoReply => "auto_reply",
            Class::Delivered => "delivered",
            Class::Unsubscribe => "unsubscribe",
            Class::Unreadable => "unreadable",
        }
    }

    pub fn parse(name: &str) -> Option<Class> {
        [
            Class::Hard,
            Class::Soft,
            Class::Complaint,
            Class::AutoReply,
            Class::Delivered,
            Class::Unsubscribe,
            Class::Unreadable,
        ]
        .into_iter()
        .find(|c| c.as_str() == name)
    }
}

/// What was read from one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub class: Class,
    /// The enhanced status code (RFC 3463), e.g. `5.1.1`.
    pub status: Option<String>,
    /// What the remote server said (`Diagnostic-Code`, or the line the code was found on).
    pub detail: Option<String>,
    /// The Message-IDs of the original message(s) it quotes, with angle brackets.
    pub original_ids: Vec<String>,
    /// The bounce's own Message-ID.
    pub message_id: Option<String>,
    /// The whole message as text, to look for VERP tokens in.
    pub text: String,
}

/// Reads `raw`.
pub fn classify(raw: &[u8]) -> Report {
    let text = String::from_utf8_lossy(raw).into_owned();
    let Some(message) = MessageParser::default().parse(raw) else {
        return Report {
            text,
            ..report(Class::Unreadable, None, None)
        };
    };
    if message.parts.is_empty() || raw.iter().all(u8::is_ascii_whitespace) {
        return Report {
            text,
            ..report(Class::Unreadable, None, None)
        };
    }
    let own_id = message.message_id().map(|id| format!("<{id}>"));
    let mut report = read(&message, &text);
    report.original_ids = original_ids(&text, own_id.as_deref());
    report.message_id = own_id;
    report.text = text;
    report
}

fn read(message: &Message<'_>, text: &str) -> Report {
    let blank = || report(Class::Unreadable, None, None);
    let report_type = message
        .content_type()
        .filter(|ct| ct.ctype().eq_ignore_ascii_case("multipart"))
        .and_then(|ct| ct.attribute("report-type"))
        .map(str::to_ascii_lowercase);
    if let Some(fields) = part_of_type(message, "feedback-report") {
        return feedback(&fields);
    }
    if let Some(fields) = part_of_type(message, "delivery-status") {
        if let Some(report) = delivery_status(&fields) {
            return report;
        }
    }
    if report_type.as_deref() == Some("feedback-report") {
        return report(Class::Complaint, None, None);
    }
    let subject = message.subject().unwrap_or_default().to_lowercase();
    let from = sender(message);
    let body = body_text(message);
    // Microsoft's older feedback loop: the message attached, no report part.
    if from.contains("staff@hotmail.com") || subject.starts_with("complaint about message from") {
        return report(Class::Complaint, None, None);
    }
    if looks_like_bounce(&from, &subject, &body) {
        return non_standard(&subject, &body).unwrap_or_else(blank);
    }
    if is_auto_reply(text, &subject, &body) {
        return report(Class::AutoReply, None, None);
    }
    if subject.trim() == "unsubscribe" {
        return report(Class::Unsubscribe, None, None);
    }
    blank()
}

/// The fields of the first `message/{subtype}` part (including one nested in a returned
/// message), as text.
fn part_of_type(message: &Message<'_>, subtype: &str) -> Option<String> {
    for part in &message.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let is = ct.ctype().eq_ignore_ascii_case("message")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case(subtype));
        if is {
            return Some(match &part.body {
                PartType::Message(inner) => {
                    String::from_utf8_lossy(inner.raw_message()).into_owned()
                }
                _ => String::from_utf8_lossy(part.contents()).into_owned(),
            });
        }
    }
    None
}

/// `Name: value` fields in blank-line separated groups, names lower-cased, folded lines
/// joined.
fn field_groups(text: &str) -> Vec<Vec<(String, String)>> {
    let mut groups: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !groups.last().is_some_and(Vec::is_empty) {
                groups.push(Vec::new());
            }
            continue;
        }
        let group = groups.last_mut().expect("one group at least");
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = group.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            group.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    groups.retain(|g| !g.is_empty());
    groups
}

fn field<'g>(group: &'g [(String, String)], name: &str) -> Option<&'g str> {
    group
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn feedback(fields: &str) -> Report {
    let groups = field_groups(fields);
    let kind = groups
        .iter()
        .find_map(|g| field(g, "feedback-type"))
        .map(|t| t.to_ascii_lowercase());
    let class = match kind.as_deref() {
        Some("not-spam") => Class::Unreadable,
        _ => Class::Complaint,
    };
    report(class, None, kind.map(|k| format!("feedback report: {k}")))
}

/// RFC 3464: the per-recipient groups after the per-message one; the first that failed or
/// was delayed decides, else one that was delivered.
fn delivery_status(fields: &str) -> Option<Report> {
    let groups = field_groups(fields);
    let mut delivered = None;
    for group in &groups {
        let action = field(group, "action").map(|a| a.to_ascii_lowercase());
        let diagnostic = field(group, "diagnostic-code").map(clean_diagnostic);
        let given = field(group, "status").and_then(enhanced_code);
        let said = diagnostic.as_deref().and_then(enhanced_code);
        // Exim and Courier write a generic `5.0.0` beside the server's own, sharper code.
        let status = match (given, said) {
            (Some(g), Some(d)) if g.ends_with(".0.0") && d[..1] == g[..1] => Some(d),
            (Some(g), _) => Some(g),
            (None, Some(d)) => Some(d),
            (None, None) => diagnostic.as_deref().and_then(code_of_reply),
        };
        let class = match action.as_deref() {
            Some(a) if a.starts_with("failed") => match status.as_deref() {
                Some(s) if s.starts_with('4') => Class::Soft,
                _ => Class::Hard,
            },
            Some(a) if a.starts_with("delayed") => Class::Soft,
            Some(a)
                if ["delivered", "relayed", "expanded"]
                    .iter()
                    .any(|x| a.starts_with(x)) =>
            {
                delivered.get_or_insert((status, diagnostic));
                continue;
            }
            _ => match status.as_deref() {
                Some(s) if s.starts_with('5') => Class::Hard,
                Some(s) if s.starts_with('4') => Class::Soft,
                _ => continue,
            },
        };
        return Some(report(class, status, diagnostic));
    }
    delivered.map(|(status, detail)| report(Class::Delivered, status, detail))
}

fn clean_diagnostic(value: &str) -> String {
    let value = value
        .split_once(';')
        .filter(|(kind, _)| kind.trim().len() < 12)
        .map_or(value, |(_, rest)| rest);
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first enhanced status code (`5.1.1`, `4.7.0`) in `text`.
fn enhanced_code(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let starts = (c == b'2' || c == b'4' || c == b'5')
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'));
        if starts {
            if let Some(code) = code_at(&text[i..]) {
                return Some(code);
            }
        }
        i += 1;
    }
    None
}

fn code_at(text: &str) -> Option<String> {
    let mut parts = text.splitn(3, '.');
    let class = parts.next()?;
    let subject = parts.next()?;
    let rest = parts.next()?;
    let detail: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = rest[detail.len()..].chars().next();
    let ok = class.len() == 1
        && (1..=3).contains(&subject.len())
        && subject.bytes().all(|b| b.is_ascii_digit())
        && (1..=3).contains(&detail.len())
        && !after.is_some_and(|c| c.is_ascii_digit() || c == '.');
    ok.then(|| format!("{class}.{subject}.{detail}"))
}

/// `5.0.0` or `4.0.0` for a bare three-digit SMTP reply (`550 …`) in `text`.
fn code_of_reply(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 3 && (w.starts_with('5') || w.starts_with('4')))
        .map(|w| format!("{}.0.0", &w[..1]))
}

fn sender(message: &Message<'_>) -> String {
    message
        .from()
        .and_then(|a| a.first())
        .map(|a| {
            format!(
                "{} {}",
                a.name().unwrap_or_default(),
                a.address().unwrap_or_default()
            )
        })
        .unwrap_or_default()
        .to_lowercase()
}

fn body_text(message: &Message<'_>) -> String {
    let mut out = String::new();
    for i in 0..message.text_body.len().max(1) {
        if let Some(text) = message.body_text(i) {
            out.push_str(&text);
            out.push('\n');
        }
    }
    out
}

const BOUNCE_SENDERS: &[&str] = &[
    "mailer-daemon",
    "postmaster",
    "mail delivery",
    "mail administrator",
    "mailer_daemon",
];
const BOUNCE_SUBJECTS: &[&str] = &[
    "undeliver",
    "delivery status notification",
    "delivery failure",
    "delivery failed",
    "mail delivery failed",
    "returned mail",
    "failure notice",
    "delivery has failed",
    "could not be delivered",
    "not yet delivered",
    "delivery delayed",
    "delivery notification",
    "message not delivered",
    "nondeliverable",
    "non remis",
    "unzustellbar",
    "nicht zustellbar",
    "недоставлен",
    "warning: message",
    "delayed mail",
];

fn looks_like_bounce(from: &str, subject: &str, body: &str) -> bool {
    BOUNCE_SENDERS.iter().any(|s| from.contains(s))
        || BOUNCE_SUBJECTS.iter().any(|s| subject.contains(s))
        || body.contains("this is the qmail-send program")
        || body.contains("wasn't able to deliver your message")
}

/// Phrases a careful reader takes for a permanent failure when no code is given.
const HARD_PHRASES: &[&str] = &[
    "user unknown",
    "user not found",
    "not listed in",
    "no such recipient",
    "unknown user",
    "no such user",
    "does not exist",
    "doesn't exist",
    "doesn't have a",
    "mailbox unavailable",
    "mailbox not found",
    "address rejected",
    "invalid recipient",
    "recipient not found",
    "no mailbox here",
    "account has been disabled",
    "account is disabled",
    "no longer available",
    "is not a valid",
    "host not found",
    "domain not found",
    "permanent error",
    "permanently",
];
const SOFT_PHRASES: &[&str] = &[
    "not yet been delivered",
    "not yet delivered",
    "will retry",
    "will keep trying",
    "still trying",
    "temporarily",
    "temporary failure",
    "delayed",
    "try again later",
];

/// A bounce without a machine-readable report: the first status code in its text, else the
/// phrases it uses.
fn non_standard(subject: &str, body: &str) -> Option<Report> {
    let lower = body.to_lowercase();
    let delay = subject.contains("delay")
        || subject.contains("not yet delivered")
        || subject.contains("warning")
        || SOFT_PHRASES.iter().any(|p| lower.contains(p));
    let line_of = |needle: &str| {
        body.lines()
            .find(|l| l.contains(needle))
            .map(|l| l.trim().chars().take(300).collect::<String>())
    };
    if let Some(code) = enhanced_code(body) {
        if code.starts_with('2') {
            return None;
        }
        let class = if code.starts_with('4') || (delay && !code.starts_with('5')) {
            Class::Soft
        } else {
            Class::Hard
        };
        let detail = line_of(&code);
        return Some(report(class, Some(code), detail));
    }
    // Words before bare numbers: a quoted original may hold any number ("412 people signed").
    let reply = smtp_reply_in(body);
    if let Some(phrase) = HARD_PHRASES.iter().find(|p| lower.contains(*p)) {
        let status = reply.filter(|code| code.starts_with('5'));
        return Some(report(Class::Hard, status, Some((*phrase).to_string())));
    }
    if delay {
        return Some(report(
            Class::Soft,
            reply.filter(|code| code.starts_with('4')),
            None,
        ));
    }
    reply.map(|code| {
        let class = if code.starts_with('4') {
            Class::Soft
        } else {
            Class::Hard
        };
        report(class, Some(code), None)
    })
}

/// `5.0.0`/`4.0.0` for the first 5xx or 4xx SMTP reply code standing as a word in a line
/// (`host mx.example [192.0.2.1]: 550 No such user`, `Reason: 550 Mailbox unavailable`).
fn smtp_reply_in(body: &str) -> Option<String> {
    body.lines().find_map(|line| {
        let bytes = line.as_bytes();
        (0..bytes.len().saturating_sub(3)).find_map(|i| {
            let word = &bytes[i..i + 3];
            let before_ok = i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b':' | b'#' | b'(');
            let after_ok = matches!(bytes.get(i + 3), Some(b' ' | b'-'));
            let ok = before_ok
                && after_ok
                && word.iter().all(u8::is_ascii_digit)
                && matches!(word[0], b'4' | b'5')
                && word[1] <= b'5';
            ok.then(|| format!("{}.0.0", word[0] as char))
        })
    })
}

/// A report of `class`; the original's ids, its own id and its text are filled in by
/// [`classify`].
fn report(class: Class, status: Option<String>, detail: Option<String>) -> Report {
    Report {
        class,
        status,
        detail,
        original_ids: Vec::new(),
        message_id: None,
        text: String::new(),
    }
}

const AUTO_SUBJECTS: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto-reply",
    "autoreply",
    "auto reply",
    "auto:",
    "away from",
    "on vacation",
    "on leave",
    "réponse automatique",
    "absence",
    "abwesenheit",
    "automatische antwort",
    "автоответ",
    "автоматический ответ",
    "нет на месте",
    "в отпуске",
    "ինքնապատասխան",
    "avtomatik cavab",
    "ofisdə deyiləm",
    "verify",
    "verification",
    "action required",
    "waitlisted",
    "challenge",
    "no longer in use",
    "no longer monitored",
    "has been received",
    "we received your",
    "ticket",
    "request received",
    "acknowledg",
];

fn is_auto_reply(text: &str, subject: &str, body: &str) -> bool {
    let headers = top_headers(text);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    if header("auto-submitted").is_some_and(|v| !v.starts_with("no")) {
        return true;
    }
    let marked = [
        "x-autoreply",
        "x-autorespond",
        "x-auto-response-suppress",
        "x-autogenerated",
        "x-boxbe-id",
        "x-spamarrest-noauth",
    ];
    if marked.iter().any(|name| header(name).is_some()) {
        return true;
    }
    if header("precedence").is_some_and(|v| v.contains("auto_reply") || v.contains("auto-reply")) {
        return true;
    }
    let lower = body.to_lowercase();
    AUTO_SUBJECTS.iter().any(|s| subject.contains(s))
        || lower.contains("out of the office")
        || lower.contains("out of office")
        || lower.contains("i am currently away")
        || lower.contains("prove you are human")
        || lower.contains("verify that you are a human")
}

/// The message's own header fields (before the first blank line), names lower-cased.
fn top_headers(text: &str) -> Vec<(String, String)> {
    let block = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .split("\n\n")
        .next()
        .unwrap_or_default();
    field_groups(block).into_iter().next().unwrap_or_default()
}

/// The Message-IDs in `text` other than the message's own: those of the original it quotes.
fn original_ids(text: &str, own: Option<&str>) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let lower = trimmed.to_ascii_lowercase();
        let value = [
            "message-id:",
            "original-message-id:",
            "x-original-message-id:",
        ]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| &trimmed[p.len()..]));
        let Some(value) = value else { continue };
        let value = value.trim();
        if let (Some(start), Some(end)) = (value.find('<'), value.find('>')) {
            if start < end {
                let id = value[start..=end].to_string();
                if Some(id.as_str()) != own && !found.contains(&id) {
                    found.push(id);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enhanced_codes_are_found_and_lookalikes_are_not() {
        assert_eq!(
            enhanced_code("smtp; 550 5.1.1 <x@y>: unknown").as_deref(),
            Some("5.1.1")
        );
        assert_eq!(enhanced_code("#4.4.1 (timeout)").as_deref(), Some("4.4.1"));
        assert_eq!(
            enhanced_code("550-5.7.26 unauthenticated").as_deref(),
            Some("5.7.26")
        );
        assert_eq!(enhanced_code("version 15.2.1.4 of the server"), None);
        assert_eq!(enhanced_code("192.5.1.1"), None);
        assert_eq!(enhanced_code("no code here"), None);
    }

    #[test]
    fn folded_report_fields_are_joined() {
        let groups = field_groups("Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@b\nDiagnostic-Code: smtp; 550\n  5.1.1 unknown\n");
        assert_eq!(groups.len(), 2);
        assert_eq!(
            field(&groups[1], "diagnostic-code"),
            Some("smtp; 550 5.1.1 unknown")
        );
    }
}
