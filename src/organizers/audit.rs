//! The audit log: who did what to which campaign, for owners to review. Each service that
//! changes something writes its entry inside its own transaction, so a change is never
//! without its entry and an entry never without its change; the web and the command line
//! only say who is acting.

use crate::db::schema::audit_log;
use crate::db::types::{CampaignId, OrganizerId};
use diesel::prelude::*;
use uuid::Uuid;

/// Who is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in organizer (or one acting on their own account: joining, a reset).
    Organizer(OrganizerId),
    /// Someone at the server's command line, who has no account.
    CommandLine,
}

impl Actor {
    fn organizer(self) -> Option<OrganizerId> {
        match self {
            Actor::Organizer(id) => Some(id),
            Actor::CommandLine => None,
        }
    }

    fn via(self) -> &'static str {
        match self {
            Actor::Organizer(_) => "admin",
            Actor::CommandLine => "command line",
        }
    }
}

/// What was done; stored by its name (`audit_log.action`), which the audit page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Edit,
    Launch,
    Close,
    Reopen,
    Archive,
    Unarchive,
    Delete,
    DeliverNow,
    SendTest,
    RetryTarget,
    Release,
    Invalidate,
    Export,
    AddOrganizer,
    Invite,
    RevokeInvitation,
    Join,
    Role,
    Remove,
    ChangePassword,
    PasswordResetRequested,
    PasswordReset,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Edit => "edit",
            Action::Launch => "launch",
            Action::Close => "close",
            Action::Reopen => "reopen",
            Action::Archive => "archive",
            Action::Unarchive => "unarchive",
            Action::Delete => "delete",
            Action::DeliverNow => "deliver-now",
            Action::SendTest => "send-test",
            Action::RetryTarget => "retry-target",
            Action::Release => "release",
            Action::Invalidate => "invalidate",
            Action::Export => "export",
            Action::AddOrganizer => "add organizer",
            Action::Invite => "invite",
            Action::RevokeInvitation => "revoke invitation",
            Action::Join => "join",
            Action::Role => "role",
            Action::Remove => "remove",
            Action::ChangePassword => "change password",
            Action::PasswordResetRequested => "password reset requested",
            Action::PasswordReset => "password reset",
        }
    }
}

/// Records that `actor` did `action` (to `campaign`, when it concerns one) with `detail`.
/// Callers run it inside the transaction of the change it records.
pub fn record(
    conn: &mut PgConnection,
    actor: Actor,
    action: Action,
    campaign: Option<CampaignId>,
    detail: serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(Uuid::now_v7()),
            audit_log::organizer_id.eq(actor.organizer()),
            audit_log::via.eq(actor.via()),
            audit_log::action.eq(action.as_str()),
            audit_log::campaign_id.eq(campaign),
            audit_log::detail.eq(detail),
        ))
        .execute(conn)?;
    Ok(())
}
