//! A campaign's settings as one set of rules, whichever door they come through: the front
//! matter of a letter file (`goal = 5000`) and the editor's fields read them with the same
//! functions and refuse a bad value with the same words. The front matter names the setting
//! before the words (`goal: Write the goal …`); the editor shows them at the field.

use super::email::SignerEmail;
use super::schedule::DeliverySchedule;
use super::window::DeliveryWindow;

/// The largest goal (a campaign of a billion signatures is not a petition any more).
pub const MAX_GOAL: i64 = 1_000_000_000;
/// The longest privacy notice address.
pub const MAX_PRIVACY_URL: usize = 2000;

/// Why a setting was refused, in words for the organizer (each a whole sentence).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error(
        "Write the goal as a whole number of signatures from 1 to 1,000,000,000, such as 5000."
    )]
    Goal,
    #[error("{0}")]
    Delivery(String),
    #[error("Write the window as days and hours, such as mon-fri 09:00-17:00, or only hours, such as 09:00-17:00.")]
    DeliveryWindow,
    #[error("Write the smallest batch as a whole number of signatures, such as 10.")]
    DeliveryMin,
    #[error("Write the Reply-To as one e-mail address, such as campaigns@example.org.")]
    ReplyTo,
    #[error("Write the privacy notice's web address, such as https://example.org/privacy, in at most 2,000 characters.")]
    PrivacyUrl,
}

impl SettingError {
    /// The setting's name, as the front matter and the editor's field both call it.
    pub fn key(&self) -> &'static str {
        match self {
            SettingError::Goal => "goal",
            SettingError::Delivery(_) => "delivery",
            SettingError::DeliveryWindow => "delivery_window",
            SettingError::DeliveryMin => "delivery_min",
            SettingError::ReplyTo => "reply_to",
            SettingError::PrivacyUrl => "privacy_url",
        }
    }
}

/// Empty (after trimming) means "not set".
fn given(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// The number of signatures to aim for.
pub fn goal(text: &str) -> Result<Option<i64>, SettingError> {
    given(text)
        .map(|g| match g.parse::<i64>() {
            Ok(n) if (1..=MAX_GOAL).contains(&n) => Ok(n),
            _ => Err(SettingError::Goal),
        })
        .transpose()
}

/// When batches are cut; it must be written (the editor's field is required, and a letter
/// file without it is `manual`).
pub fn delivery(text: &str) -> Result<DeliverySchedule, SettingError> {
    DeliverySchedule::parse(text).map_err(|e| {
        let words = e.to_string();
        let mut chars = words.chars();
        let first: String = chars
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default();
        SettingError::Delivery(format!("{first}{}.", chars.as_str()))
    })
}

/// When targets may receive batches, in each target's time zone.
pub fn delivery_window(text: &str) -> Result<Option<DeliveryWindow>, SettingError> {
    given(text)
        .map(|w| DeliveryWindow::parse(w).map_err(|_| SettingError::DeliveryWindow))
        .transpose()
}

/// The fewest new signatures worth a scheduled batch.
pub fn delivery_min(text: &str) -> Result<Option<i32>, SettingError> {
    given(text)
        .map(|n| match n.parse::<i32>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(SettingError::DeliveryMin),
        })
        .transpose()
}

/// The Reply-To of the messages to the targets, as typed.
pub fn reply_to(text: &str) -> Result<Option<String>, SettingError> {
    given(text)
        .map(|r| {
            SignerEmail::parse(r)
                .map(|e| e.as_typed().to_string())
                .map_err(|_| SettingError::ReplyTo)
        })
        .transpose()
}

/// The action's own privacy notice.
pub fn privacy_url(text: &str) -> Result<Option<String>, SettingError> {
    given(text)
        .map(|url| {
            if super::web_address::is_http_url(url) && url.len() <= MAX_PRIVACY_URL {
                Ok(url.to_string())
            } else {
                Err(SettingError::PrivacyUrl)
            }
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_takes_an_empty_value_as_not_set_and_refuses_a_bad_one_with_its_key() {
        assert_eq!(goal(" "), Ok(None));
        assert_eq!(goal("5000"), Ok(Some(5000)));
        for bad in ["0", "-3", "lots", "1000000001"] {
            assert_eq!(goal(bad), Err(SettingError::Goal), "{bad}");
        }
        assert_eq!(delivery_min("0"), Err(SettingError::DeliveryMin));
        assert_eq!(delivery_min("99999999999"), Err(SettingError::DeliveryMin));
        assert_eq!(
            delivery_window("weekends"),
            Err(SettingError::DeliveryWindow)
        );
        assert_eq!(reply_to("nobody"), Err(SettingError::ReplyTo));
        assert_eq!(
            privacy_url(&format!("https://example.org/{}", "p".repeat(2000))),
            Err(SettingError::PrivacyUrl)
        );
        let refused = delivery("hourly").unwrap_err();
        assert_eq!(refused.key(), "delivery");
        assert!(refused
            .to_string()
            .starts_with("\"hourly\" is not a delivery schedule"));
        assert!(refused.to_string().ends_with('.'));
    }
}
