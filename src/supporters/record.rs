//! A supporter's data on request: everything Undersign holds on one person (a subject-access
//! request), and its erasure. Erasing removes their name, address, postcode, comment and IP
//! hash everywhere they are stored — the supporter, their signatures, the outbox, what came
//! back, the audit log — keeps their signatures counted (as anonymous, in future batches and
//! CSVs too), cancels mail not yet sent to them, and keeps the keyed hash of their address on
//! the do-not-mail list if they had unsubscribed.

use crate::db::schema::supporters;
use crate::mail::suppressions;
use crate::organizers::audit::{self, Action, Actor};
use crate::signatures::anonymise::{anonymise, Whose};
use diesel::prelude::*;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use uuid::Uuid;

/// Why a request could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("no supporter has that address")]
    NotFound,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Unavailable(#[from] crate::db::Unavailable),
}

/// The supporter whose canonical address is `email`'s.
pub fn find(conn: &mut PgConnection, email: &str) -> Result<Uuid, RecordError> {
    supporters::table
        .filter(supporters::email_canonical.eq(suppressions::canonical(email)))
        .select(supporters::id)
        .first(conn)
        .optional()?
        .ok_or(RecordError::NotFound)
}

/// Everything held on supporter `id`, as one JSON document; who asked for it is audited.
pub fn export(
    conn: &mut PgConnection,
    actor: Actor,
    id: Uuid,
) -> Result<serde_json::Value, RecordError> {
    conn.transaction(|conn| {
        let doc = document(conn, id)?;
        audit::record(
            conn,
            actor,
            Action::ExportSupporter,
            None,
            serde_json::json!({ "supporter": id.to_string() }),
        )?;
        Ok(doc)
    })
}

/// Everything held on supporter `id`, unaudited: for the organizer's own page of them.
pub fn document(conn: &mut PgConnection, id: Uuid) -> Result<serde_json::Value, RecordError> {
    #[derive(QueryableByName)]
    struct Doc {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Jsonb>)]
        doc: Option<serde_json::Value>,
    }
    let doc: Doc = diesel::sql_query(
        "SELECT jsonb_build_object( \
           'supporter', (SELECT jsonb_build_object( \
               'email', s.email, 'name', s.name, 'country', s.country, 'language', s.language, \
               'source', s.source, 'on_the_list_since', s.created_at, \
               'alerts_consent', CASE WHEN s.alerts_consent_at IS NULL THEN NULL ELSE jsonb_build_object( \
                   'at', s.alerts_consent_at, 'wording', s.alerts_consent_wording, \
                   'action', (SELECT slug FROM campaigns WHERE id = s.alerts_consent_campaign_id)) END, \
               'unsubscribed_at', s.unsubscribed_at, \
               'suppressed', CASE WHEN s.suppressed_at IS NULL THEN NULL ELSE jsonb_build_object( \
                   'at', s.suppressed_at, 'reason', s.suppressed_reason) END) \
             FROM supporters s WHERE s.id = $1), \
           'signatures', coalesce((SELECT jsonb_agg(jsonb_build_object( \
               'action', c.slug, 'title', c.title, 'name', g.name, 'country', g.country, \
               'postcode', g.postcode, 'comment', g.comment, 'keep_me_informed', g.wants_updates, \
               'state', g.state, 'signed_at', g.created_at, 'confirmed_at', g.confirmed_at, \
               'came_through', g.source, \
               'delivered_to', coalesce((SELECT jsonb_agg(jsonb_build_object( \
                   'official', t.name, 'address', t.email, 'batch', b.seq, 'sent_at', bt.sent_at) \
                   ORDER BY b.seq, t.name) \
                 FROM batch_signatures m JOIN batches b ON b.id = m.batch_id \
                 JOIN batch_targets bt ON bt.campaign_id = b.campaign_id \
                   AND b.seq BETWEEN bt.from_seq AND bt.to_seq JOIN targets t ON t.id = bt.target_id \
                 WHERE m.signature_id = g.id AND bt.state = 'sent'), '[]'::jsonb)) \
               ORDER BY g.created_at) \
             FROM signatures g JOIN campaigns c ON c.id = g.campaign_id WHERE g.supporter_id = $1), '[]'::jsonb), \
           'alerts_received', coalesce((SELECT jsonb_agg(jsonb_build_object( \
               'subject', a.subject, 'sent_at', o.sent_at) ORDER BY o.sent_at) \
             FROM outbox o JOIN alerts a ON a.id = o.alert_id \
             WHERE o.supporter_id = $1 AND o.state = 'sent'), '[]'::jsonb) \
         ) AS doc",
    )
    .bind::<SqlUuid, _>(id)
    .get_result(conn)?;
    doc.doc.ok_or(RecordError::NotFound)
}

/// What an erasure changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    pub signatures: usize,
    pub messages: usize,
    pub cancelled: usize,
}

/// Erases supporter `id` (see the module's description), in one transaction, audited without
/// the address.
pub fn erase(conn: &mut PgConnection, actor: Actor, id: Uuid) -> Result<Erased, RecordError> {
    conn.transaction(|conn| {
        let (email, name): (String, Option<String>) = supporters::table
            .find(id)
            .select((supporters::email, supporters::name))
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(RecordError::NotFound)?;
        let erased_address = format!("erased-{}@erased.invalid", id.simple());
        // Mail not yet sent to them never will be.
        let cancelled = diesel::sql_query(
            "UPDATE outbox SET state = 'cancelled', last_error = 'the supporter was erased', \
                    lease_token = NULL, leased_until = NULL \
             WHERE (supporter_id = $1 OR lower(recipient) = lower($2)) AND state IN ('pending', 'held')",
        )
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(&email)
        .execute(conn)?;
        let messages = diesel::sql_query(
            "UPDATE outbox SET recipient = $3, recipient_name = NULL, \
                    subject = CASE WHEN subject IS NULL THEN NULL ELSE '[erased]' END, \
                    body_text = CASE WHEN body_text IS NULL THEN NULL ELSE '[erased]' END, \
                    body_html = NULL, params = '{}'::jsonb \
             WHERE supporter_id = $1 OR lower(recipient) = lower($2)",
        )
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(&email)
        .bind::<Text, _>(&erased_address)
        .execute(conn)?;
        // What came back about them, and anything kept that names them (as written, or in
        // lower case).
        diesel::sql_query(
            "UPDATE bounces SET message = NULL, detail = NULL \
             WHERE outbox_id IN (SELECT id FROM outbox WHERE supporter_id = $1 OR recipient = $3) \
                OR (message IS NOT NULL \
                    AND (position(convert_to($2, 'UTF8') IN message) > 0 \
                         OR position(convert_to(lower($2), 'UTF8') IN message) > 0))",
        )
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(&email)
        .bind::<Text, _>(&erased_address)
        .execute(conn)?;
        let signatures = anonymise(conn, Whose::Supporter(id))?;
        diesel::sql_query(
            "UPDATE supporters SET email = $2, email_canonical = $2, name = NULL, \
                    alerts_consent_at = NULL, alerts_consent_wording = NULL, \
                    unsubscribed_at = coalesce(unsubscribed_at, now()), source = 'erased' \
             WHERE id = $1",
        )
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(&erased_address)
        .execute(conn)?;
        // The audit log's details never held a supporter's address by design; should an
        // older entry, it goes too.
        for needle in std::iter::once(email.as_str()).chain(name.as_deref().filter(|n| n.len() > 2)) {
            diesel::sql_query(
                "UPDATE audit_log SET detail = replace(detail::text, $1, '[erased]')::jsonb \
                 WHERE strpos(detail::text, $1) > 0",
            )
            .bind::<Text, _>(needle)
            .execute(conn)?;
        }
        let done = Erased {
            signatures,
            messages,
            cancelled,
        };
        audit::record(
            conn,
            actor,
            Action::EraseSupporter,
            None,
            serde_json::json!({
                "supporter": id.to_string(),
                "signatures": done.signatures,
                "messages": done.messages,
            }),
        )?;
        Ok(done)
    })
}

/// [`document`], typed for a page.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Held {
    pub supporter: Person,
    pub signatures: Vec<Signed>,
    pub alerts_received: Vec<Received>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Person {
    pub email: String,
    pub name: Option<String>,
    pub country: Option<String>,
    pub source: String,
    pub alerts_consent: Option<Consent>,
    pub unsubscribed_at: Option<String>,
    pub suppressed: Option<Suppressed>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Consent {
    pub at: String,
    pub wording: Option<String>,
    pub action: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Suppressed {
    pub at: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Signed {
    pub title: String,
    pub name: String,
    pub state: String,
    pub signed_at: String,
    pub delivered_to: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    pub subject: String,
    pub sent_at: Option<String>,
}

/// What is held on `id`, for a page.
pub fn held(conn: &mut PgConnection, id: Uuid) -> Result<Held, RecordError> {
    let doc = document(conn, id)?;
    if doc["supporter"].is_null() {
        return Err(RecordError::NotFound);
    }
    serde_json::from_value(doc).map_err(|e| {
        RecordError::Database(diesel::result::Error::DeserializationError(Box::new(e)))
    })
}
