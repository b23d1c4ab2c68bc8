//! The e-mails supporters receive, rendered from `templates/email/*.txt`.

use super::OutgoingEmail;
use askama::Template;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "email/confirm.txt")]
struct ConfirmText<'a> {
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
    Ok(OutgoingEmail {
        kind: "confirm",
        campaign_id: Some(mail.campaign_id),
        to: mail.to.to_string(),
        to_name: Some(mail.name.to_string()),
        subject: format!("Please confirm your signature: {}", mail.campaign_title),
        text,
        html: None,
    })
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
    Ok(OutgoingEmail {
        kind: "already_signed",
        campaign_id: Some(mail.campaign_id),
        to: mail.to.to_string(),
        // The name typed the second time may not be the supporter's: leave it out.
        to_name: None,
        subject: format!("You have already signed: {}", mail.campaign_title),
        text,
        html: None,
    })
}
