//! Petition batches: cutting the confirmed, not yet delivered signatures into a batch (in one
//! transaction, by recording each as a member of the batch), choosing which targets receive
//! it and when, rendering the message each target receives, and the delivery log.

pub mod cut;
pub mod delivery;
pub mod due;
pub mod link;
pub mod mail;
pub mod message;
pub mod report;
pub mod signers;
pub mod state;
pub mod targets;

use crate::organizers::audit::{self, Action, Actor};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Why a batch was cut; stored in `batches.reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutReason {
    /// A daily or weekly tick of the schedule.
    Schedule { tick_at: DateTime<Utc> },
    /// `every N`: N new signatures gathered.
    Every,
    /// The campaign closed: the final batch.
    Close,
    /// Signatures were held back below `delivery_min` for 7 days.
    Held,
    /// The organizer delivered by hand.
    Manual,
}

impl CutReason {
    pub fn as_str(self) -> &'static str {
        match self {
            CutReason::Schedule { .. } => "schedule",
            CutReason::Every => "every",
            CutReason::Close => "close",
            CutReason::Held => "held",
            CutReason::Manual => "manual",
        }
    }

    fn tick_at(self) -> Option<DateTime<Utc>> {
        match self {
            CutReason::Schedule { tick_at } => Some(tick_at),
            _ => None,
        }
    }
}

/// A message to one target that a cut queued (or, in a dry run, would queue).
#[derive(Debug, Clone)]
pub struct Dispatched {
    pub batch_target_id: Uuid,
    pub target_name: String,
    pub signatures: i64,
}

/// What happened to one campaign in a delivery pass.
#[derive(Debug, Clone)]
pub struct CampaignDelivery {
    pub slug: String,
    /// The batch cut, with its number of signatures.
    pub cut: Option<(CutReason, i64)>,
    pub dispatched: Vec<Dispatched>,
    /// Targets owed signatures that are not sent now, and why.
    pub waiting: Vec<targets::Waiting>,
}

use crate::db::schema::campaigns;
use anyhow::bail;
use diesel::prelude::*;

/// The scheduled pass of `deliver`: closes campaigns past their closing time, cuts the batches
/// that are due and queues their messages. With `dry_run` all of it is rolled back and only
/// reported.
pub fn run_due(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    message_id_domain: &str,
    dry_run: bool,
) -> anyhow::Result<Vec<CampaignDelivery>> {
    let done = if dry_run {
        rolled_back(conn, |conn| due_passes(conn, now, message_id_domain))?
    } else {
        due_passes(conn, now, message_id_domain)?
    };
    for pass in &done {
        log_pass(pass, dry_run);
    }
    Ok(done)
}

fn due_passes(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    message_id_domain: &str,
) -> anyhow::Result<Vec<CampaignDelivery>> {
    cut::close_expired(conn, now)?;
    let mut done = Vec::new();
    for id in cut::deliverable(conn)? {
        // One campaign whose settings cannot be read (written by another release, or by
        // hand) must not keep the others from their deliveries: it is logged and skipped.
        let pass = match cut::campaign_pass(
            conn,
            id,
            now,
            message_id_domain,
            cut::Trigger::Schedule,
        ) {
            Ok(pass) => pass,
            Err(e) if is_unreadable(&e) => {
                tracing::error!(campaign_id = %id, error = %e, "campaign skipped: its stored settings cannot be read");
                continue;
            }
            Err(e) => return Err(e),
        };
        if let Some(pass) = pass.filter(|p| p.cut.is_some() || !p.dispatched.is_empty()) {
            done.push(pass);
        }
    }
    Ok(done)
}

/// Whether `e` says a stored value could not be read into its type (not a database outage).
fn is_unreadable(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<diesel::result::Error>(),
        Some(diesel::result::Error::DeserializationError(_))
    )
}

/// Logs what a pass cut and queued; a dry run says what it would have.
fn log_pass(pass: &CampaignDelivery, dry_run: bool) {
    if let Some((reason, signatures)) = pass.cut {
        if dry_run {
            tracing::info!(campaign = %pass.slug, signatures, reason = reason.as_str(), "dry run: a batch would be cut");
        } else {
            tracing::info!(campaign = %pass.slug, signatures, reason = reason.as_str(), "batch cut");
        }
    }
    if !pass.dispatched.is_empty() {
        let messages = pass.dispatched.len();
        if dry_run {
            tracing::info!(campaign = %pass.slug, messages, "dry run: batch messages would be queued");
        } else {
            tracing::info!(campaign = %pass.slug, messages, "batch messages queued");
        }
    }
}

/// `campaign deliver-now`: cuts a batch of everything pending and queues a message to every
/// target that is behind, whatever the schedule, window or daily limit.
pub fn deliver_now(
    conn: &mut PgConnection,
    slug: &str,
    now: DateTime<Utc>,
    message_id_domain: &str,
    actor: Actor,
) -> anyhow::Result<CampaignDelivery> {
    let Some((id, status)) = campaigns::table
        .filter(campaigns::slug.eq(slug))
        .select((campaigns::id, campaigns::status))
        .first::<(Uuid, String)>(conn)
        .optional()?
    else {
        bail!("no campaign with the slug {slug:?}");
    };
    if status == "draft" {
        bail!("{slug} is a draft: launch it first (nobody can have signed it yet)");
    }
    let pass = conn.transaction(|conn| {
        let pass = cut::campaign_pass(conn, id, now, message_id_domain, cut::Trigger::ByHand)?
            .ok_or_else(|| anyhow::anyhow!("{slug} could not be locked"))?;
        audit::record(
            conn,
            actor,
            Action::DeliverNow,
            Some(crate::db::types::CampaignId(id)),
            serde_json::json!({
                "signatures": pass.cut.map_or(0, |(_, n)| n),
                "messages": pass.dispatched.len(),
                "waiting": pass.waiting.len(),
            }),
        )?;
        anyhow::Ok(pass)
    })?;
    log_pass(&pass, false);
    Ok(pass)
}

/// Runs `work` in a transaction that is always rolled back, and returns what it returned.
fn rolled_back<T>(
    conn: &mut PgConnection,
    work: impl FnOnce(&mut PgConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    #[derive(Debug, thiserror::Error)]
    #[error("rolled back on purpose")]
    struct RolledBack;
    let mut out = None;
    let result = conn.transaction::<(), anyhow::Error, _>(|conn| {
        out = Some(work(conn)?);
        Err(RolledBack.into())
    });
    match result {
        Err(e) if e.is::<RolledBack>() => {
            out.ok_or_else(|| anyhow::anyhow!("the rolled-back work returned nothing"))
        }
        Err(e) => Err(e),
        Ok(()) => bail!("a rolled-back transaction committed"),
    }
}

/// What a target would be sent next.
#[derive(Debug)]
pub enum Next {
    Message(Box<message::BatchMessage>),
    /// Every confirmed signature has reached it or is on its way: there is nothing to send.
    NothingNew {
        target_name: String,
    },
}

/// The next message to each target of `slug` (or only to `target_email`) as it would be sent
/// now, changing nothing.
pub fn preview(
    conn: &mut PgConnection,
    slug: &str,
    target_email: Option<&str>,
    ctx: &message::BatchContext<'_>,
    test: bool,
) -> anyhow::Result<Vec<Next>> {
    let (campaign_id, ids) = campaign_targets(conn, slug, target_email)?;
    if ids.is_empty() {
        match target_email {
            Some(email) => bail!("{slug} has no target with the address {email:?}"),
            None => bail!("{slug} has no targets; add [[targets]] to its letter file"),
        }
    }
    let owed_nothing = owed_nothing(conn, campaign_id)?;
    ids.into_iter()
        .map(|target_id| {
            if let Some(name) = owed_nothing.iter().find(|(id, _)| *id == target_id) {
                return Ok(Next::NothingNew {
                    target_name: name.1.clone(),
                });
            }
            let which = message::Which::Next {
                campaign_id,
                target_id,
            };
            Ok(Next::Message(Box::new(message::render(
                conn, which, ctx, test,
            )?)))
        })
        .collect()
}

/// The targets (id, name) that nothing new would be sent to now: no confirmed signature
/// waits to be cut, and they have been sent (or are being sent) every batch.
fn owed_nothing(conn: &mut PgConnection, campaign_id: Uuid) -> anyhow::Result<Vec<(Uuid, String)>> {
    use crate::db::schema::batch_pending;
    let pending: i64 = batch_pending::table
        .filter(batch_pending::campaign_id.eq(campaign_id))
        .count()
        .get_result(conn)?;
    if pending > 0 {
        return Ok(Vec::new());
    }
    let cut = targets::cut_batches(conn, campaign_id)?;
    Ok(targets::target_states(conn, campaign_id)?
        .into_iter()
        .filter(|t| targets::owed(t, &cut).is_none())
        .map(|t| (t.id, t.name))
        .collect())
}

/// What a test send did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestCopies {
    pub queued: usize,
    /// Targets skipped because nothing new would be sent to them.
    pub nothing_new: usize,
}

/// Queues a test copy of the next message to each target of `slug` (or only to
/// `target_email`) for `to`, skipping targets that nothing new would be sent to. Changes no
/// batch and no log.
pub fn queue_test_copies(
    conn: &mut PgConnection,
    slug: &str,
    target_email: Option<&str>,
    to: &str,
    message_id_domain: &str,
    actor: Actor,
) -> anyhow::Result<TestCopies> {
    use crate::mail::{outbox, MailKind, MailRefs, OutgoingEmail};
    let to = crate::domain::email::SignerEmail::parse(to)
        .map_err(|e| anyhow::anyhow!("--send-test-to: {e}"))?;
    let (campaign_id, ids) = campaign_targets(conn, slug, target_email)?;
    if ids.is_empty() {
        bail!("{slug} has no such target");
    }
    let owed_nothing = owed_nothing(conn, campaign_id)?;
    let (skipped, ids): (Vec<Uuid>, Vec<Uuid>) = ids
        .into_iter()
        .partition(|id| owed_nothing.iter().any(|(o, _)| o == id));
    conn.transaction(|conn| {
        for target_id in &ids {
            let params = serde_json::to_value(message::TestCopy {
                campaign_id,
                target_id: *target_id,
            })?;
            outbox::enqueue(
                conn,
                &OutgoingEmail {
                    kind: MailKind::TestCopy,
                    campaign_id: Some(campaign_id),
                    refs: MailRefs::default(),
                    params,
                    to: to.as_typed().to_string(),
                    to_name: None,
                    message_id: None,
                    stored: None,
                },
                message_id_domain,
            )?;
        }
        if !ids.is_empty() {
            audit::record(
                conn,
                actor,
                Action::SendTest,
                Some(crate::db::types::CampaignId(campaign_id)),
                serde_json::json!({ "copies": ids.len() }),
            )?;
        }
        Ok(TestCopies {
            queued: ids.len(),
            nothing_new: skipped.len(),
        })
    })
}

/// The campaign behind `slug` and its targets' ids in order (only the one at `target_email`
/// when given, compared without case).
fn campaign_targets(
    conn: &mut PgConnection,
    slug: &str,
    target_email: Option<&str>,
) -> anyhow::Result<(Uuid, Vec<Uuid>)> {
    use crate::db::schema::targets;
    let Some(campaign_id) = campaigns::table
        .filter(campaigns::slug.eq(slug))
        .select(campaigns::id)
        .first::<Uuid>(conn)
        .optional()?
    else {
        bail!("no campaign with the slug {slug:?}");
    };
    let mut query = targets::table
        .filter(targets::campaign_id.eq(campaign_id))
        .order(targets::position)
        .select(targets::id)
        .into_boxed();
    if let Some(email) = target_email {
        query = query.filter(targets::email.ilike(email.trim()));
    }
    let ids: Vec<Uuid> = query.load(conn)?;
    Ok((campaign_id, ids))
}
