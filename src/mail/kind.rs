//! What an outbox row is for. The kind decides how the message is rendered (stored at enqueue
//! or rendered at send time), which headers it carries, and what a permanent failure means.

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

/// The kinds of mail the outbox carries, stored as text (`outbox.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum MailKind {
    /// The double opt-in message with its one-time link (stored: only the token's hash is kept).
    Confirmation,
    /// "You have already signed", possibly with a fresh link (stored, likewise).
    AlreadySigned,
    /// The letter and its new signers to one target (rendered from `batch_target_id`).
    PetitionBatch,
    /// An action alert to one supporter (rendered from `alert_id`).
    Alert,
    /// A batch message sent to an organizer's address for review (rendered, changes nothing).
    TestCopy,
    /// A one-hour link that sets an organizer's new password (stored; only its hash is kept).
    PasswordReset,
    /// An owner's invitation to join as an organizer (stored, likewise).
    Invitation,
}

impl MailKind {
    pub const ALL: [MailKind; 7] = [
        MailKind::Confirmation,
        MailKind::AlreadySigned,
        MailKind::PetitionBatch,
        MailKind::Alert,
        MailKind::TestCopy,
        MailKind::PasswordReset,
        MailKind::Invitation,
    ];

    /// The name stored in `outbox.kind` and shown in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Confirmation => "confirmation",
            MailKind::AlreadySigned => "already_signed",
            MailKind::PetitionBatch => "petition_batch",
            MailKind::Alert => "alert",
            MailKind::TestCopy => "test_copy",
            MailKind::PasswordReset => "password_reset",
            MailKind::Invitation => "invitation",
        }
    }

    pub fn parse(name: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Mail to a supporter: never sent to a suppressed address, and a permanent failure
    /// suppresses the address.
    pub fn to_supporter(self) -> bool {
        matches!(
            self,
            MailKind::Confirmation | MailKind::AlreadySigned | MailKind::Alert
        )
    }

    /// Which rows a worker claims first (lower first): someone waiting for their link (a
    /// supporter's confirmation, an organizer's reset or invitation) goes before bulk mail
    /// (batch messages, test copies, alerts), however much is queued.
    /// Stored in `outbox.priority`; rows queued in SQL take the column's default, 1.
    pub fn priority(self) -> i16 {
        match self {
            MailKind::Confirmation
            | MailKind::AlreadySigned
            | MailKind::PasswordReset
            | MailKind::Invitation => 0,
            MailKind::PetitionBatch | MailKind::Alert | MailKind::TestCopy => 1,
        }
    }

    /// Mail the service writes on its own (not a person's letter), marked
    /// `Auto-Submitted: auto-generated` so auto-responders stay quiet.
    pub fn auto_generated(self) -> bool {
        matches!(
            self,
            MailKind::Confirmation
                | MailKind::AlreadySigned
                | MailKind::PasswordReset
                | MailKind::Invitation
        )
    }
}

impl ToSql<Text, Pg> for MailKind {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <str as ToSql<Text, Pg>>::to_sql(self.as_str(), &mut out.reborrow())
    }
}

impl FromSql<Text, Pg> for MailKind {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        let name = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
        MailKind::parse(&name).ok_or_else(|| format!("unknown mail kind {name:?}").into())
    }
}

#[cfg(test)]
mod tests {
    use super::MailKind;

    #[test]
    fn every_kind_reads_back_from_its_stored_name() {
        for kind in MailKind::ALL {
            assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(MailKind::parse("confirm"), None);
    }
}
