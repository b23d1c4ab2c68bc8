//! The e-mails supporters and organizers receive one at a time, rendered from
//! `templates/email/*` when they are queued (they carry one-time links whose tokens are not
//! kept).

use super::{MailKind, MailRefs, OutgoingEmail, StoredMessage};
use askama::Template;
use uuid::Uuid;

/// Titles longer than this are shortened in subjects (mail clients show about 60 characters).
const SUBJECT_TITLE_CHARS: usize = 60;

#[derive(Template)]
#[template(path = "email/confirm.txt")]
struct ConfirmText<'a> {
    title: &'a str,
    link: &'a str,
    campaign_link: &'a str,
}

#[derive(Template)]
#[template(path = "email/confirm.html")]
struct ConfirmHtml<'a> {
    title: &'a str,
    link: &'a str,
    campaign_link: &'a str,
}

#[derive(Template)]
#[template(path = "email/already_signed.txt")]
struct AlreadySignedText<'a> {
    title: &'a str,
    confirm_link: Option<&'a str>,
    campaign_link: &'a str,
}

/// What the messages need to know about the campaign and the signer.
pub struct SignerMail<'a> {
    pub campaign_id: Uuid,
    pub campaign_title: &'a str,
    pub campaign_link: &'a str,
    /// The signature the message is about.
    pub signature_id: Option<Uuid>,
    pub to: &'a str,
    pub name: &'a str,
}

/// The double opt-in message: the signature counts once the link's button is pressed.
pub fn confirm(mail: &SignerMail<'_>, confirm_link: &str) -> anyhow::Result<OutgoingEmail> {
    // The greeting leaves out the typed name: a mail client would link anything in it that
    // looks like an address, and the name is not verified until the link is used.
    let text = ConfirmText {
        title: mail.campaign_title,
        link: confirm_link,
        campaign_link: mail.campaign_link,
    }
    .render()?;
    let html = ConfirmHtml {
        title: mail.campaign_title,
        link: confirm_link,
        campaign_link: mail.campaign_link,
    }
    .render()?;
    Ok(supporter_mail(
        mail,
        MailKind::Confirmation,
        Some(mail.name),
        StoredMessage {
            subject: format!(
                "Please confirm your signature: {}",
                subject_title(mail.campaign_title)
            ),
            text,
            html: Some(html),
        },
    ))
}

/// Sent instead of a second confirmation when an address signs the same campaign again.
/// `confirm_link` is a fresh link when the first signature was never confirmed.
pub fn already_signed(
    mail: &SignerMail<'_>,
    confirm_link: Option<&str>,
) -> anyhow::Result<OutgoingEmail> {
    let text = AlreadySignedText {
        title: mail.campaign_title,
        confirm_link,
        campaign_link: mail.campaign_link,
    }
    .render()?;
    Ok(supporter_mail(
        mail,
        MailKind::AlreadySigned,
        // The name typed the second time may not be the supporter's: leave it out.
        None,
        StoredMessage {
            subject: format!(
                "You have already signed: {}",
                subject_title(mail.campaign_title)
            ),
            text,
            html: None,
        },
    ))
}

fn supporter_mail(
    mail: &SignerMail<'_>,
    kind: MailKind,
    name: Option<&str>,
    stored: StoredMessage,
) -> OutgoingEmail {
    OutgoingEmail {
        kind,
        campaign_id: Some(mail.campaign_id),
        refs: MailRefs {
            signature_id: mail.signature_id,
            ..MailRefs::default()
        },
        params: serde_json::json!({}),
        to: mail.to.to_string(),
        to_name: name.map(str::to_string),
        message_id: None,
        stored: Some(stored),
    }
}

#[derive(Template)]
#[template(path = "email/password_reset.txt")]
struct PasswordResetText<'a> {
    email: &'a str,
    site: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/invitation.txt")]
struct InvitationText<'a> {
    site: &'a str,
    role: &'a str,
    link: &'a str,
}

/// The link that sets an organizer's new password; `site` names the installation (its host).
pub fn password_reset(to: &str, site: &str, link: &str) -> anyhow::Result<OutgoingEmail> {
    let text = PasswordResetText {
        email: to,
        site,
        link,
    }
    .render()?;
    Ok(organizer_mail(
        MailKind::PasswordReset,
        to,
        StoredMessage {
            subject: format!("Choose a new password for {site}"),
            text,
            html: None,
        },
    ))
}

/// An owner's invitation to join as `role`.
pub fn invitation(to: &str, site: &str, role: &str, link: &str) -> anyhow::Result<OutgoingEmail> {
    let text = InvitationText { site, role, link }.render()?;
    Ok(organizer_mail(
        MailKind::Invitation,
        to,
        StoredMessage {
            subject: format!("You are invited to run campaigns at {site}"),
            text,
            html: None,
        },
    ))
}

fn organizer_mail(kind: MailKind, to: &str, stored: StoredMessage) -> OutgoingEmail {
    OutgoingEmail {
        kind,
        campaign_id: None,
        refs: MailRefs::default(),
        params: serde_json::json!({}),
        to: to.to_string(),
        to_name: None,
        message_id: None,
        stored: Some(stored),
    }
}

/// `title` as a subject can show it: whole when short, else cut at a word with an ellipsis.
pub fn subject_title(title: &str) -> String {
    let title = title.trim();
    if title.chars().count() <= SUBJECT_TITLE_CHARS {
        return title.to_string();
    }
    let cut: String = title.chars().take(SUBJECT_TITLE_CHARS - 1).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(space) if space >= cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        at_word.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—".contains(c))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_shortened_at_a_word_in_subjects() {
        let long = "Stop the Varna Gorge dam before the licence vote and protect the river for the next generations";
        let short = subject_title(long);
        assert_eq!(
            short,
            "Stop the Varna Gorge dam before the licence vote and…"
        );
        assert!(short.chars().count() <= SUBJECT_TITLE_CHARS);
        assert_eq!(subject_title("Save the river"), "Save the river");
        let one_word = "Ա".repeat(80);
        assert_eq!(
            subject_title(&one_word).chars().count(),
            SUBJECT_TITLE_CHARS
        );
    }

    #[test]
    fn sentences_after_the_greeting_start_with_a_capital_letter() {
        let mail = SignerMail {
            campaign_id: Uuid::nil(),
            campaign_title: "Save the river",
            campaign_link: "https://act.example/c/river",
            signature_id: None,
            to: "ana@example.org",
            name: "Ana",
        };
        let confirm = confirm(&mail, "https://act.example/confirm/t").unwrap();
        let notice = already_signed(&mail, None).unwrap();
        for email in [confirm, notice] {
            let text = email.stored.unwrap().text;
            let after_greeting = text.split("\n\n").nth(1).unwrap();
            assert!(
                after_greeting.starts_with(char::is_uppercase),
                "{after_greeting:?}"
            );
        }
    }

    #[test]
    fn the_confirmation_has_an_html_part_with_the_same_link() {
        let mail = SignerMail {
            campaign_id: Uuid::nil(),
            campaign_title: "Save <the> river",
            campaign_link: "https://act.example/c/river",
            signature_id: None,
            to: "ana@example.org",
            name: "Ana <script>",
        };
        let email = confirm(&mail, "https://act.example/confirm/t0k3n").unwrap();
        let html = email.stored.unwrap().html.unwrap();
        assert!(html.contains("href=\"https://act.example/confirm/t0k3n\""));
        assert!(
            html.contains("Save &#60;the&#62; river") || html.contains("Save &lt;the&gt; river"),
            "{html}"
        );
    }
}
