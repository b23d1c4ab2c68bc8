//! The audit log: who did what to which campaign, for owners to review. Each service that
//! changes something writes its entry inside its own transaction, so a change is never
//! without its entry and an entry never without its change; the web and the command line
//! only say who is acting.

use crate::db::schema::{audit_log, campaigns, organizers};
use crate::db::types::{CampaignId, OrganizerId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// Who is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in organizer (or one acting on their own account: joining, a reset).
    Organizer(OrganizerId),
    /// Someone at the server's command line, who has no account.
    CommandLine,
    /// Someone at the sign-in page who is not (yet) signed in.
    Visitor,
}

impl Actor {
    fn organizer(self) -> Option<OrganizerId> {
        match self {
            Actor::Organizer(id) => Some(id),
            Actor::CommandLine | Actor::Visitor => None,
        }
    }

    fn via(self) -> &'static str {
        match self {
            Actor::Organizer(_) => "admin",
            Actor::CommandLine => "command line",
            Actor::Visitor => "sign-in page",
        }
    }
}

/// Declares the actions and their stored names in one table.
macro_rules! actions {
    ($($variant:ident => $name:literal,)*) => {
        /// What was done; stored by its name (`audit_log.action`), which the audit page shows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action {
            $($variant,)*
        }

        impl Action {
            /// Every action, in the table's order (the audit page's filter offers them).
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }
        }
    };
}

actions! {
    Create => "create",
    Edit => "edit",
    Launch => "launch",
    Close => "close",
    Reopen => "reopen",
    Archive => "archive",
    Unarchive => "unarchive",
    Delete => "delete",
    DeliverNow => "deliver-now",
    SendTest => "send-test",
    RetryTarget => "retry-target",
    Release => "release",
    Invalidate => "invalidate",
    Export => "export",
    AddOrganizer => "add organizer",
    Invite => "invite",
    RevokeInvitation => "revoke invitation",
    Join => "join",
    Role => "role",
    Remove => "remove",
    ChangePassword => "change password",
    PasswordResetRequested => "password reset requested",
    PasswordReset => "password reset",
    CreateAlert => "create alert",
    EditAlert => "edit alert",
    TestAlert => "test alert",
    SendAlert => "send alert",
    PauseAlert => "pause alert",
    ResumeAlert => "resume alert",
    CancelAlert => "cancel alert",
    ImportSupporters => "import supporters",
    ExportSupporter => "export supporter",
    EraseSupporter => "erase supporter",
    SignIn => "sign in",
    SignInFailed => "sign-in failed",
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

/// One line of the log, with who acted (an address, the command line, or an account since
/// removed) and the campaign's slug.
#[derive(Queryable)]
pub struct Entry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub who: Option<String>,
    pub via: String,
    pub action: String,
    pub campaign: Option<String>,
    pub detail: serde_json::Value,
}

impl Entry {
    /// Who acted: an organizer's address, the command line, or an account since removed.
    pub fn who(&self) -> &str {
        match (&self.who, self.via.as_str()) {
            (_, "command line") => "command line",
            (Some(email), _) => email,
            (None, "sign-in page") => "someone at the sign-in page",
            (None, _) => "a removed organizer",
        }
    }

    pub fn when(&self) -> String {
        self.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }

    /// The entry's details as `key: value` pairs, for reading rather than parsing.
    pub fn details(&self) -> String {
        match &self.detail {
            serde_json::Value::Object(map) => map
                .iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => format!("{k}: {s}"),
                    serde_json::Value::Object(changes) if k == "changed" => {
                        let each: Vec<String> = changes
                            .iter()
                            .map(|(field, c)| {
                                format!("{field} from {} to {}", c["before"], c["after"])
                            })
                            .collect();
                        format!("changed: {}", each.join("; "))
                    }
                    other => format!("{k}: {other}"),
                })
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        }
    }
}

/// A page of the log, newest first, and where the next one starts.
pub struct Page {
    pub entries: Vec<Entry>,
    /// The `before` of the next page; `None` on the last.
    pub next: Option<Uuid>,
}

/// Which entries an owner asked for; every part optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// An organizer's address.
    pub organizer: Option<String>,
    /// An action's name, as the log shows it.
    pub action: Option<String>,
    /// A campaign's slug.
    pub campaign: Option<String>,
}

/// Every action's name, for the filter's choices.
pub fn action_names() -> Vec<&'static str> {
    Action::ALL.iter().map(|a| a.as_str()).collect()
}

/// Up to `size` entries older than `before` (all, without it) that match `filter`, newest
/// first. Ids are time-ordered, so paging never counts or skips rows.
pub fn page(
    conn: &mut PgConnection,
    filter: &Filter,
    before: Option<Uuid>,
    size: i64,
) -> QueryResult<Page> {
    let mut query = audit_log::table
        .left_join(organizers::table)
        .left_join(campaigns::table)
        .select((
            audit_log::id,
            audit_log::created_at,
            organizers::email.nullable(),
            audit_log::via,
            audit_log::action,
            campaigns::slug.nullable(),
            audit_log::detail,
        ))
        .order(audit_log::id.desc())
        .limit(size + 1)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before));
    }
    if let Some(email) = &filter.organizer {
        query = query.filter(organizers::email.nullable().eq(email.trim().to_lowercase()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(slug) = &filter.campaign {
        query = query.filter(campaigns::slug.nullable().eq(slug.trim().to_string()));
    }
    let mut entries = query.load::<Entry>(conn)?;
    let next = if entries.len() as i64 > size {
        entries.truncate(size as usize);
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(Page { entries, next })
}

/// Records a sign-in's outcome: who (when the address names an organizer) and a keyed hash
/// of the client's address, never the address typed or the password.
pub fn sign_in(
    conn: &mut PgConnection,
    organizer: Option<OrganizerId>,
    succeeded: bool,
    ip_hash: Option<String>,
) -> QueryResult<()> {
    let actor = organizer.map_or(Actor::Visitor, Actor::Organizer);
    let action = if succeeded {
        Action::SignIn
    } else {
        Action::SignInFailed
    };
    record(
        conn,
        actor,
        action,
        None,
        serde_json::json!({ "ip": ip_hash }),
    )
}
