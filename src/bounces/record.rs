//! What a message that came back changes, in one transaction with its record: a hard bounce
//! is the late twin of a 5xx (the row fails, a supporter's address goes on the do-not-mail
//! list, a petition target is marked failed), soft bounces suppress after three of an
//! address's last five messages, and a complaint stops every alert to that supporter at once
//! and may pause the alert it answers.

use super::classify::{classify, Class, Report};
use crate::alerts::breaker;
use crate::db::schema::{batch_targets, bounces, outbox};
use crate::mail::outbox::Attempt;
use crate::mail::outcome::{self, Outcome};
use crate::mail::reply::redact_addresses;
use crate::mail::suppressions::{self, Reason};
use crate::mail::transport::SendResult;
use crate::mail::verp::{self, BounceAddress};
use crate::mail::{MailKind, MailKinds};
use diesel::prelude::*;
use uuid::Uuid;

/// Soft bounces among an address's last [`SOFT_WINDOW`] messages that suppress it.
pub const SOFT_LIMIT: i64 = 3;
pub const SOFT_WINDOW: i64 = 5;
/// The most of an unreadable message kept for an organizer.
const KEPT_BYTES: usize = 64 * 1024;

/// What ingesting one message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    pub class: Class,
    pub status: Option<String>,
    /// The outbox row it answers, when its token or the original's Message-ID named one.
    pub outbox_id: Option<Uuid>,
    /// `false` when the same bounce had been recorded before: nothing changed.
    pub recorded: bool,
    /// The address was put on the do-not-mail list.
    pub suppressed: bool,
}

/// The row a message answers, as much of it as its effects need.
#[derive(Debug)]
struct Answered {
    id: Uuid,
    kind: MailKind,
    recipient: String,
    batch_target_id: Option<Uuid>,
    alert_id: Option<Uuid>,
    attempts: i32,
    /// Named by a valid VERP token (not only by a Message-ID anyone could copy).
    by_token: bool,
}

/// Where a bounce is looked for and how it is trusted.
pub struct Ingest<'a> {
    pub key: &'a [u8],
    /// `UNDERSIGN_BOUNCE_ADDRESS`; without it only the original's Message-ID can match.
    pub bounce_address: Option<&'a BounceAddress>,
    /// The domain of our Message-IDs: an original naming another domain is not ours.
    pub message_id_domain: &'a str,
    pub kinds: &'a MailKinds,
}

impl Ingest<'_> {
    /// Reads `raw`, records it and applies what it means.
    pub fn run(&self, conn: &mut PgConnection, raw: &[u8]) -> anyhow::Result<Ingested> {
        let report = classify(raw);
        conn.transaction(|conn| {
            let answered = self.answered(conn, &report)?;
            let keep = (report.class == Class::Unreadable || answered.is_none())
                .then(|| raw[..raw.len().min(KEPT_BYTES)].to_vec());
            let detail = report.detail.as_deref().map(redact_addresses);
            let inserted = diesel::insert_into(bounces::table)
                .values((
                    bounces::id.eq(Uuid::now_v7()),
                    bounces::class.eq(report.class.as_str()),
                    bounces::status.eq(&report.status),
                    bounces::detail.eq(&detail),
                    bounces::bounce_message_id.eq(&report.message_id),
                    bounces::outbox_id.eq(answered.as_ref().map(|a| a.id)),
                    bounces::kind.eq(answered.as_ref().map(|a| a.kind.as_str())),
                    bounces::alert_id.eq(answered.as_ref().and_then(|a| a.alert_id)),
                    bounces::batch_target_id.eq(answered.as_ref().and_then(|a| a.batch_target_id)),
                    bounces::message.eq(keep),
                ))
                .on_conflict_do_nothing()
                .execute(conn)?;
            let mut done = Ingested {
                class: report.class,
                status: report.status.clone(),
                outbox_id: answered.as_ref().map(|a| a.id),
                recorded: inserted == 1,
                suppressed: false,
            };
            if let (Some(row), true) = (&answered, done.recorded) {
                let reply = describe(&report, detail.as_deref());
                done.suppressed = self.apply(conn, row, report.class, &reply, row.by_token)?;
            }
            tracing::info!(class = report.class.as_str(), status = report.status.as_deref().unwrap_or("none"),
                outbox_id = ?done.outbox_id, recorded = done.recorded, suppressed = done.suppressed,
                "mail came back");
            anyhow::Ok(done)
        })
    }

    /// The outbox row named by a valid VERP token, else by the original's Message-ID.
    fn answered(&self, conn: &mut PgConnection, report: &Report) -> QueryResult<Option<Answered>> {
        type Row = (Uuid, MailKind, String, Option<Uuid>, Option<Uuid>, i32);
        let columns = (
            outbox::id,
            outbox::kind,
            outbox::recipient,
            outbox::batch_target_id,
            outbox::alert_id,
            outbox::attempts,
        );
        let answered = |row: Row, by_token: bool| Answered {
            id: row.0,
            kind: row.1,
            recipient: row.2,
            batch_target_id: row.3,
            alert_id: row.4,
            attempts: row.5,
            by_token,
        };
        if let Some(address) = self.bounce_address {
            let ids: Vec<Uuid> = address
                .tokens_in(&report.text)
                .into_iter()
                .filter_map(|t| verp::verify(self.key, t))
                .collect();
            if !ids.is_empty() {
                let found: Option<Row> = outbox::table
                    .filter(outbox::id.eq_any(&ids))
                    .select(columns)
                    .first(conn)
                    .optional()?;
                if let Some(row) = found {
                    return Ok(Some(answered(row, true)));
                }
            }
        }
        let ours = format!("@{}>", self.message_id_domain.to_ascii_lowercase());
        let ids: Vec<&String> = report
            .original_ids
            .iter()
            .filter(|id| id.to_ascii_lowercase().ends_with(&ours))
            .collect();
        if ids.is_empty() {
            return Ok(None);
        }
        let found: Option<Row> = outbox::table
            .filter(outbox::message_id.eq_any(ids))
            .select(columns)
            .first(conn)
            .optional()?;
        Ok(found.map(|row| answered(row, false)))
    }

    /// Applies `class` to the row it answers; whether the address was suppressed.
    fn apply(
        &self,
        conn: &mut PgConnection,
        row: &Answered,
        class: Class,
        reply: &str,
        by_token: bool,
    ) -> anyhow::Result<bool> {
        match class {
            Class::Hard => {
                diesel::update(outbox::table.find(row.id))
                    .filter(outbox::state.ne("failed"))
                    .set((outbox::state.eq("failed"), outbox::last_error.eq(reply)))
                    .execute(conn)?;
                let attempt = Attempt {
                    id: row.id,
                    kind: row.kind,
                    recipient: row.recipient.clone(),
                    batch_target_id: row.batch_target_id,
                    alert_id: row.alert_id,
                    attempts_before: row.attempts,
                    result: SendResult::Permanent(reply.to_string()),
                };
                let failed = Outcome::Failed {
                    reply,
                    permanent: true,
                };
                outcome::apply(conn, self.key, &[(&attempt, &failed)], self.kinds)?;
                Ok(row.kind.to_supporter())
            }
            Class::Soft if row.batch_target_id.is_some() => {
                // An official's server said it will keep trying: the delivery log shows it.
                diesel::update(batch_targets::table.find(row.batch_target_id.expect("checked")))
                    .set(batch_targets::last_reply.eq(reply))
                    .execute(conn)?;
                Ok(false)
            }
            Class::Soft if row.kind.to_supporter() => {
                let soft = soft_bounces_of_last_sends(conn, &row.recipient)?;
                if soft < SOFT_LIMIT {
                    return Ok(false);
                }
                let why = format!("{soft} soft bounces in the last {SOFT_WINDOW} messages");
                suppressions::add(
                    conn,
                    self.key,
                    &[(&row.recipient, Reason::Bounced, Some(&why))],
                )?;
                Ok(true)
            }
            Class::Complaint if row.kind.to_supporter() => {
                suppressions::add(
                    conn,
                    self.key,
                    &[(&row.recipient, Reason::Complained, Some("reported as spam"))],
                )?;
                if let Some(alert) = row.alert_id {
                    breaker::after_complaint(conn, alert)?;
                }
                Ok(true)
            }
            // Only through a message's own token: a subject alone names nobody.
            Class::Unsubscribe if row.kind == MailKind::Alert && by_token => {
                let supporter: Option<Uuid> = outbox::table
                    .find(row.id)
                    .select(outbox::supporter_id)
                    .first(conn)?;
                if let Some(supporter) = supporter {
                    crate::supporters::unsubscribe(conn, self.key, supporter)?;
                }
                Ok(false)
            }
            _ => Ok(false),
        }
    }
}

/// How a bounce reads in the delivery log and as the row's last error.
fn describe(report: &Report, detail: Option<&str>) -> String {
    let what = match report.class {
        Class::Hard => "bounced",
        Class::Soft => "bounced for now",
        Class::Complaint => "reported as spam",
        Class::AutoReply => "answered automatically",
        Class::Delivered => "reported delivered",
        Class::Unsubscribe => "answered with an unsubscribe",
        Class::Unreadable => "came back unread",
    };
    match (&report.status, detail) {
        (Some(status), Some(detail)) => format!("{what} after it was accepted: {status} {detail}"),
        (Some(status), None) => format!("{what} after it was accepted: {status}"),
        (None, Some(detail)) => format!("{what} after it was accepted: {detail}"),
        (None, None) => format!("{what} after it was accepted"),
    }
}

/// Soft bounces answering the last [`SOFT_WINDOW`] messages sent to `address`, counted only
/// after the last one a server reported delivered.
fn soft_bounces_of_last_sends(conn: &mut PgConnection, address: &str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(
        "WITH last AS ( \
             SELECT id, sent_at FROM outbox \
             WHERE lower(recipient) = lower($1) AND sent_at IS NOT NULL \
             ORDER BY sent_at DESC LIMIT $2), \
         delivered AS ( \
             SELECT max(l.sent_at) AS at FROM last l \
             WHERE EXISTS (SELECT 1 FROM bounces b WHERE b.outbox_id = l.id AND b.class = 'delivered')) \
         SELECT count(DISTINCT l.id) AS n FROM last l \
         WHERE EXISTS (SELECT 1 FROM bounces b WHERE b.outbox_id = l.id AND b.class = 'soft') \
           AND l.sent_at > coalesce((SELECT at FROM delivered), '-infinity')",
    )
    .bind::<diesel::sql_types::Text, _>(address)
    .bind::<diesel::sql_types::BigInt, _>(SOFT_WINDOW)
    .get_result::<Count>(conn)
    .map(|c| c.n)
}
