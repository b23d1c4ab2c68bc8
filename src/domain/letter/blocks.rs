//! A letter's recipient and signer blocks as an organizer edits them: as the lines they are
//! written in, read back with the importer's own rules, so an edited block means what the
//! same lines in a pasted letter would.

use super::people::{recipient_from_block, signer_from};
use super::{Recipient, Signer};

/// The recipient blocks in `text`, one per paragraph (blocks separated by a blank line).
pub fn recipients_from_text(text: &str) -> Vec<Recipient> {
    paragraphs(text)
        .iter()
        .map(|lines| recipient_from_block(lines))
        .filter(|r| r.name.is_some() || r.title.is_some() || r.organisation.is_some())
        .collect()
}

/// The signer block in `text` (name, then title, organisation and contact lines).
pub fn signer_from_text(text: &str) -> Option<Signer> {
    let lines: Vec<String> = paragraphs(text).concat();
    signer_from(&lines, &[])
}

/// The lines that write `r` as a block.
pub fn recipient_lines(r: &Recipient) -> String {
    [&r.name, &r.title, &r.organisation]
        .into_iter()
        .flatten()
        .cloned()
        .chain(r.address.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every recipient block, separated by blank lines.
pub fn recipients_text(recipients: &[Recipient]) -> String {
    recipients
        .iter()
        .map(recipient_lines)
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The lines that write `s` as a block.
pub fn signer_text(s: &Signer) -> String {
    [&s.name, &s.title, &s.organisation]
        .into_iter()
        .flatten()
        .cloned()
        .chain(s.contact.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.to_string());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_blocks_are_read_as_the_importer_reads_them_and_written_back_the_same() {
        let text = "Senator Rosa Delgado\nChair, Senate Committee on Natural Resources\nState Capitol, Room 410\n\nDirector Janet Morales\nCalifornia Department of Fish and Wildlife";
        let recipients = recipients_from_text(text);
        assert_eq!(recipients.len(), 2, "{recipients:?}");
        assert_eq!(recipients[0].name.as_deref(), Some("Senator Rosa Delgado"));
        assert_eq!(
            recipients_from_text(&recipients_text(&recipients)),
            recipients
        );

        let signer = signer_from_text(
            "Ana Petrović\nCampaigns Director\nRiver Commons\nana@rivercommons.example",
        )
        .expect("a signer");
        assert_eq!(signer.name.as_deref(), Some("Ana Petrović"));
        assert_eq!(signer.organisation.as_deref(), Some("River Commons"));
        assert_eq!(signer.contact, ["ana@rivercommons.example"]);
        assert_eq!(signer_from_text(&signer_text(&signer)), Some(signer));
        assert_eq!(signer_from_text("  \n "), None);
    }
}
