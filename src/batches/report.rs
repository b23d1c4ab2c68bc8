//! The words `deliver` and the `campaign` commands print about batches.

use super::delivery::LogLine;
use super::due::Wait;
use super::state::DeliveryState;
use super::targets::Waiting;
use super::CampaignDelivery;

/// One line per batch cut and per message queued; `dry_run` says "would".
pub fn pass_lines(done: &[CampaignDelivery], dry_run: bool) -> Vec<String> {
    let (cut, queue) = if dry_run {
        ("would cut", "would send")
    } else {
        ("cut", "queued")
    };
    let mut lines = Vec::new();
    for d in done {
        if let Some((reason, n)) = d.cut {
            lines.push(format!(
                "{}: {cut} a batch of {n} signature(s) ({})",
                d.slug,
                reason.as_str()
            ));
        }
        for m in &d.dispatched {
            lines.push(format!(
                "{}: {queue} {} signature(s) to {}",
                d.slug, m.signatures, m.target_name
            ));
        }
        for w in &d.waiting {
            lines.push(format!("{}: {}", d.slug, waiting_line(w)));
        }
    }
    lines
}

/// "Jane Roe waits for signatures #4-10 (7): outside its delivery window; goes at …".
pub fn waiting_line(w: &Waiting) -> String {
    let goes = match w.wait.until() {
        Some(at) => format!("; goes {} UTC", at.format("%Y-%m-%d %H:%M")),
        None if w.wait == Wait::EarlierMessage => "; goes as soon as it settles".to_string(),
        None => String::new(),
    };
    format!(
        "{} waits for signatures #{}-{} ({}): {}{goes}",
        w.target_name,
        w.owed.first_number,
        w.owed.last_number,
        w.owed.signatures(),
        w.wait.reason()
    )
}

/// The targets owed signatures that wait, under the delivery log.
pub fn waiting_lines(waiting: &[Waiting]) -> Vec<String> {
    if waiting.is_empty() {
        return Vec::new();
    }
    let mut lines = vec!["waiting (cut, not sent yet):".to_string()];
    lines.extend(waiting.iter().map(|w| format!("  {}", waiting_line(w))));
    lines
}

/// The delivery log as a table, its target column as wide as the longest target.
pub fn log_lines(log: &[LogLine]) -> Vec<String> {
    let time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    let targets: Vec<String> = log
        .iter()
        .map(|l| format!("{} <{}>", l.target_name, l.target_email))
        .collect();
    let width = targets
        .iter()
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0)
        .max("target".len());
    let mut lines = vec![format!(
        "{:<16}  {:<16}  {:<16}  {:<width$}  {:>17}  {:<8}  message-id",
        "cut (UTC)", "queued", "sent", "target", "signatures", "state"
    )];
    for (l, target) in log.iter().zip(targets) {
        let state = match &l.last_reply {
            Some(reply) if l.state == DeliveryState::Sent => format!("sent (came back: {reply})"),
            Some(reply) => format!("{} ({reply})", l.state.as_str()),
            None => l.state.as_str().to_string(),
        };
        lines.push(format!(
            "{:<16}  {:<16}  {:<16}  {:<width$}  {:>17}  {:<8}  {}",
            time(l.cut_at),
            time(l.queued_at),
            l.sent_at.map(time).unwrap_or_else(|| "-".into()),
            target,
            format!(
                "#{}-{} ({})",
                l.first_number, l.last_number, l.signature_count
            ),
            state,
            l.message_id
        ));
    }
    lines
}

/// A batch message as `campaign preview` prints it: its headers and text part.
pub fn preview_lines(m: &super::message::BatchMessage) -> String {
    let mut out = format!("To: {} <{}>\n", m.to_name, m.to);
    if let Some(reply_to) = &m.reply_to {
        out.push_str(&format!("Reply-To: {reply_to}\n"));
    }
    out.push_str(&format!("Subject: {}\n", m.subject));
    if let Some(parent) = &m.in_reply_to {
        out.push_str(&format!("In-Reply-To: {parent}\n"));
    }
    if let Some(references) = &m.references {
        out.push_str(&format!("References: {references}\n"));
    }
    if let Some((name, bytes)) = &m.csv {
        out.push_str(&format!("Attachment: {name} ({} bytes)\n", bytes.len()));
    }
    out.push('\n');
    out.push_str(&m.text);
    out
}

/// What a target would be sent next, as `campaign preview` prints it.
pub fn next_lines(next: &super::Next) -> String {
    match next {
        super::Next::Message(m) => preview_lines(m),
        super::Next::NothingNew { target_name } => format!(
            "{target_name}: nothing new to deliver; every confirmed signature has reached them or is on its way\n"
        ),
    }
}

/// What `campaign retry-target` says it did.
pub fn retry_lines(slug: &str, retry: &super::delivery::Retry) -> Vec<String> {
    use super::delivery::Retry;
    match retry {
        Retry::NotFailed { target_name } => {
            vec![format!(
                "{slug}: {target_name} is not marked failed; nothing changed"
            )]
        }
        Retry::Cleared {
            target_name,
            reason,
            behind,
        } => {
            let mut lines = vec![format!(
                "{slug}: {target_name} receives again{}",
                reason
                    .as_deref()
                    .map(|r| format!(" (their server had refused: {r})"))
                    .unwrap_or_default()
            )];
            lines.push(format!(
                "the next `undersign deliver` in their delivery window (or `undersign campaign \
                 deliver-now {slug}` at once) sends them the {behind} signature(s) they have not \
                 received, with any not yet cut"
            ));
            lines
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn line(name: &str, email: &str) -> LogLine {
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 9, 15, 0).unwrap();
        LogLine {
            cut_at: at,
            queued_at: at,
            sent_at: Some(at),
            target_name: name.into(),
            target_email: email.into(),
            first_number: 1,
            last_number: 3,
            signature_count: 3,
            state: DeliveryState::Sent,
            last_reply: None,
            message_id: "<batch.1@localhost>".into(),
        }
    }

    #[test]
    fn the_delivery_log_keeps_its_columns_aligned_for_long_and_accented_targets() {
        let lines = log_lines(&[
            line("Councillor Priya Raman", "priya.raman@riverton.example"),
            line("Mayor Tomás Herrera", "mayor@riverton.example"),
        ]);
        let column = |l: &str| l.chars().position(|c| c == '#');
        let at = column(&lines[1]);
        assert!(at.is_some());
        assert_eq!(column(&lines[2]), at, "{lines:#?}");
        let header_end = lines[0].find("signatures").unwrap() + "signatures".len();
        let value_end = lines[1].find("(3)").unwrap() + "(3)".len();
        assert_eq!(header_end, value_end, "{lines:#?}");
    }
}
