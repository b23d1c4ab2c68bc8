//! Recording a submission: held ones are stored for review and send nothing; a clean one
//! becomes the address's signature for the campaign (even beside held ones) with its
//! confirmation e-mail; a repeat sends a capped notice with one more working link.

use super::SignatureState;
use super::{
    mail_cap, MailContext, NewSignature, Origin, Signed, DUPLICATE_NOTICES_PER_CAMPAIGN,
    SIGNATURES_PER_IP_PER_HOUR,
};
use crate::campaigns::Campaign;
use crate::db::schema::{signature_confirm_tokens, signatures, supporters};
use crate::domain::email::SignerEmail;
use crate::mail::{messages, outbox};
use crate::{rate_limit, tokens};
use chrono::{DateTime, Utc};
use diesel::expression::{is_aggregate, ValidGrouping};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::Bool;
use diesel::upsert::DecoratableTarget;
use uuid::Uuid;

/// Records a signature for `campaign` with its confirmation e-mail, in one transaction.
pub fn sign(
    conn: &mut PgConnection,
    campaign: &Campaign,
    new: &NewSignature,
    origin: &Origin,
    mail: &MailContext<'_>,
) -> anyhow::Result<Signed> {
    conn.transaction(|conn| {
        let held_reason = held_reason(conn, origin)?;
        let supporter_id = upsert_supporter(conn, &new.email)?;
        let row = (
            signatures::campaign_id.eq(campaign.id()),
            signatures::supporter_id.eq(supporter_id),
            signatures::name.eq(new.name.as_str()),
            signatures::country.eq(new.country.code()),
            signatures::postcode.eq(new.postcode.as_ref().map(|p| p.as_str())),
            signatures::comment.eq(new.comment.as_ref().map(|c| c.as_str())),
            signatures::wants_updates.eq(new.wants_updates),
            signatures::source.eq(&origin.source),
            signatures::ip_hash.eq(&origin.ip_hash),
        );
        if let Some(reason) = held_reason {
            // Kept for review, outside the one-per-address rule, and silent: no e-mail, so
            // neither a bot nor someone typing another person's address can reach them.
            diesel::insert_into(signatures::table)
                .values((
                    signatures::id.eq(Uuid::now_v7()),
                    row,
                    signatures::state.eq(SignatureState::Held),
                    signatures::held_reason.eq(reason),
                ))
                .execute(conn)?;
            return Ok(Signed::Held);
        }
        let inserted: Option<Uuid> = diesel::insert_into(signatures::table)
            .values((
                signatures::id.eq(Uuid::now_v7()),
                row,
                signatures::state.eq(SignatureState::Counted),
            ))
            .on_conflict((signatures::campaign_id, signatures::supporter_id))
            .filter_target(NotHeld)
            .do_nothing()
            .returning(signatures::id)
            .get_result(conn)
            .optional()?;
        let campaign_link = format!("{}/c/{}", mail.base_url, campaign.slug());
        let signer_mail = messages::SignerMail {
            campaign_id: campaign.id(),
            campaign_title: &campaign.row.title,
            campaign_link: &campaign_link,
            signature_id: inserted,
            to: new.email.as_typed(),
            name: new.name.as_str(),
        };
        if let Some(signature_id) = inserted {
            if !mail_cap::take(conn, mail.secret_key, campaign.id(), &new.email)? {
                mark_mail_capped(conn, signature_id, true)?;
                return Ok(Signed::New { mailed: false });
            }
            let link = new_confirm_link(conn, signature_id, mail.base_url)?;
            let email = messages::confirm(&signer_mail, &link)?;
            outbox::enqueue(conn, &email, mail.message_id_domain)?;
            return Ok(Signed::New { mailed: true });
        }
        // A second signature from this address: tell its owner, a few times at most. An
        // unconfirmed first signature gets one more link; the earlier ones keep working.
        let previous: Option<(Uuid, Option<DateTime<Utc>>)> = diesel::update(
            signatures::table
                .filter(signatures::campaign_id.eq(campaign.id()))
                .filter(signatures::supporter_id.eq(supporter_id))
                .filter(signatures::state.eq(SignatureState::Counted))
                .filter(signatures::duplicate_notices.lt(DUPLICATE_NOTICES_PER_CAMPAIGN)),
        )
        .set(signatures::duplicate_notices.eq(signatures::duplicate_notices + 1))
        .returning((signatures::id, signatures::confirmed_at))
        .get_result(conn)
        .optional()?;
        let Some((signature_id, confirmed_at)) = previous else {
            return Ok(Signed::Duplicate { notified: false });
        };
        if !mail_cap::take(conn, mail.secret_key, campaign.id(), &new.email)? {
            return Ok(Signed::Duplicate { notified: false });
        }
        let fresh_link = match confirmed_at {
            None => {
                mark_mail_capped(conn, signature_id, false)?;
                Some(new_confirm_link(conn, signature_id, mail.base_url)?)
            }
            Some(_) => None,
        };
        let email = messages::already_signed(&signer_mail, fresh_link.as_deref())?;
        outbox::enqueue(conn, &email, mail.message_id_domain)?;
        Ok(Signed::Duplicate { notified: true })
    })
}

/// Issues one more confirmation link for `signature`; only the token's hash is stored.
pub(super) fn new_confirm_link(
    conn: &mut PgConnection,
    signature: Uuid,
    base_url: &str,
) -> anyhow::Result<String> {
    let (token, token_hash) = tokens::generate();
    diesel::insert_into(signature_confirm_tokens::table)
        .values((
            signature_confirm_tokens::token_hash.eq(token_hash),
            signature_confirm_tokens::signature_id.eq(signature),
        ))
        .execute(conn)?;
    Ok(crate::urls::absolute(
        base_url,
        &crate::urls::confirm(&token),
    ))
}

/// Marks `signature` as one whose confirmation was not sent because of the [`mail_cap`]
/// (`capped`), or clears the mark once a confirmation link goes out.
pub(super) fn mark_mail_capped(
    conn: &mut PgConnection,
    signature: Uuid,
    capped: bool,
) -> anyhow::Result<()> {
    let row = signatures::table.find(signature);
    if capped {
        diesel::update(row)
            .set(signatures::mail_capped_at.eq(Utc::now()))
            .execute(conn)?;
    } else {
        diesel::update(row.filter(signatures::mail_capped_at.is_not_null()))
            .set(signatures::mail_capped_at.eq(None::<DateTime<Utc>>))
            .execute(conn)?;
    }
    Ok(())
}

fn held_reason(conn: &mut PgConnection, origin: &Origin) -> anyhow::Result<Option<&'static str>> {
    if origin.honeypot {
        return Ok(Some("honeypot"));
    }
    if let Some(ip_hash) = &origin.ip_hash {
        let hits = rate_limit::hit_this_hour(conn, &format!("sign:{ip_hash}"))?;
        if hits > SIGNATURES_PER_IP_PER_HOUR {
            return Ok(Some("rate_limit"));
        }
    }
    Ok(None)
}

fn upsert_supporter(conn: &mut PgConnection, email: &SignerEmail) -> anyhow::Result<Uuid> {
    // The no-op update makes RETURNING give the existing row's id on conflict.
    Ok(diesel::insert_into(supporters::table)
        .values((
            supporters::id.eq(Uuid::now_v7()),
            supporters::email.eq(email.as_typed()),
            supporters::email_canonical.eq(email.canonical()),
        ))
        .on_conflict(supporters::email_canonical)
        .do_update()
        .set(supporters::email_canonical.eq(diesel::upsert::excluded(supporters::email_canonical)))
        .returning(supporters::id)
        .get_result(conn)?)
}

/// `state <> 'held'`, the predicate of the one-signature-per-supporter index, written as SQL
/// text rather than with a bind parameter: PostgreSQL must see that it matches the partial
/// index also in the generic plan of the cached prepared statement.
#[derive(Debug, Clone, Copy, QueryId)]
struct NotHeld;

impl Expression for NotHeld {
    type SqlType = Bool;
}

impl ValidGrouping<()> for NotHeld {
    type IsAggregate = is_aggregate::Never;
}

impl QueryFragment<Pg> for NotHeld {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("state <> 'held'");
        Ok(())
    }
}
