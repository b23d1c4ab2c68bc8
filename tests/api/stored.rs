//! What a test's database holds, read and nudged through named helpers: tests say what they
//! mean (`app.counter(slug)`, `app.outbox_count("sent")`) and a schema change touches only
//! this file.

use crate::helpers::TestApp;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use undersign::db::schema::{
    campaign_counters, campaigns, mail_status, outbox, signatures, supporters, suppressions,
};

/// One outbox row, as the delivery tests look at it.
#[derive(Debug, Queryable)]
pub struct OutboxRow {
    pub id: uuid::Uuid,
    pub kind: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub lease_token: Option<uuid::Uuid>,
    pub leased_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// One signature, as the signing tests look at it.
#[derive(Debug, Queryable)]
pub struct SignatureRow {
    pub name: String,
    pub state: String,
    pub held_reason: Option<String>,
    pub ip_hash: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// One supporter, as the consent and unsubscribe tests look at them.
#[derive(Debug, Queryable)]
pub struct SupporterRow {
    pub email: String,
    pub alerts_consent_at: Option<DateTime<Utc>>,
    /// The consent text as stored: `version: wording`.
    pub alerts_consent_wording: Option<String>,
    pub unsubscribed_at: Option<DateTime<Utc>>,
}

impl TestApp {
    /// The confirmed-signature counter the public pages show for `slug` (0 when none).
    pub fn counter(&self, slug: &str) -> i64 {
        campaign_counters::table
            .inner_join(campaigns::table)
            .filter(campaigns::slug.eq(slug))
            .select(campaign_counters::signatures)
            .first(&mut self.conn())
            .optional()
            .expect("counter query")
            .unwrap_or(0)
    }

    /// Sets the confirmed-signature counter of `slug` to `n`, as if that many had confirmed.
    pub fn set_counter(&self, slug: &str, n: i64) {
        let id: uuid::Uuid = campaigns::table
            .filter(campaigns::slug.eq(slug))
            .select(campaigns::id)
            .first(&mut self.conn())
            .expect("campaign exists");
        diesel::insert_into(campaign_counters::table)
            .values((
                campaign_counters::campaign_id.eq(id),
                campaign_counters::signatures.eq(n),
            ))
            .on_conflict(campaign_counters::campaign_id)
            .do_update()
            .set(campaign_counters::signatures.eq(n))
            .execute(&mut self.conn())
            .expect("counter set");
    }

    /// Moves the campaign `slug` to `status`, closed at `closed_at`, as an organizer would.
    pub fn set_campaign_status(&self, slug: &str, status: &str, closed_at: Option<DateTime<Utc>>) {
        diesel::update(campaigns::table.filter(campaigns::slug.eq(slug)))
            .set((
                campaigns::status.eq(status),
                campaigns::closed_at.eq(closed_at),
            ))
            .execute(&mut self.conn())
            .expect("campaign status");
    }

    /// The id of the campaign behind `slug`.
    pub fn campaign_id(&self, slug: &str) -> uuid::Uuid {
        campaigns::table
            .filter(campaigns::slug.eq(slug))
            .select(campaigns::id)
            .first(&mut self.conn())
            .expect("a campaign with that slug")
    }

    /// How many campaigns exist.
    pub fn campaign_count(&self) -> i64 {
        campaigns::table
            .count()
            .get_result(&mut self.conn())
            .expect("campaign count")
    }

    /// Every outbox row, oldest first.
    pub fn outbox_rows(&self) -> Vec<OutboxRow> {
        outbox::table
            .order(outbox::created_at)
            .select((
                outbox::id,
                outbox::kind,
                outbox::state,
                outbox::attempts,
                outbox::next_attempt_at,
                outbox::lease_token,
                outbox::leased_until,
                outbox::last_error,
            ))
            .load(&mut self.conn())
            .expect("outbox rows")
    }

    /// How many outbox rows are in `state` (`pending`, `sent`, `failed`).
    pub fn outbox_count(&self, state: &str) -> i64 {
        let rows = self.outbox_rows();
        rows.iter().filter(|r| r.state == state).count() as i64
    }

    /// How many e-mails were ever queued.
    pub fn outbox_total(&self) -> i64 {
        self.outbox_rows().len() as i64
    }

    /// Pending rows that a worker has claimed and not yet recorded.
    pub fn outbox_leased(&self) -> i64 {
        let rows = self.outbox_rows();
        rows.iter()
            .filter(|r| r.state == "pending" && r.lease_token.is_some())
            .count() as i64
    }

    /// Makes every pending row due now, skipping its backoff wait.
    pub fn make_outbox_due(&self) {
        diesel::update(outbox::table.filter(outbox::state.eq("pending")))
            .set(outbox::next_attempt_at.eq(diesel::dsl::now))
            .execute(&mut self.conn())
            .expect("make due");
    }

    /// Claims every row as a worker would and leaves it so, as if that worker died before
    /// sending.
    pub fn claim_outbox_as_dead_worker(&self) {
        diesel::update(outbox::table)
            .set((
                outbox::lease_token.eq(Some(uuid::Uuid::now_v7())),
                outbox::leased_until.eq(Utc::now() + chrono::Duration::minutes(5)),
                outbox::attempts.eq(1),
            ))
            .execute(&mut self.conn())
            .expect("claim rows");
    }

    /// Lets every lease run out, as if its worker had died long ago.
    pub fn expire_leases(&self) {
        diesel::update(outbox::table)
            .set(outbox::leased_until.eq(Utc::now() - chrono::Duration::seconds(1)))
            .execute(&mut self.conn())
            .expect("expire leases");
    }

    /// Every signature, oldest first.
    pub fn signature_rows(&self) -> Vec<SignatureRow> {
        signatures::table
            .order(signatures::created_at)
            .select((
                signatures::name,
                signatures::state,
                signatures::held_reason,
                signatures::ip_hash,
                signatures::confirmed_at,
            ))
            .load(&mut self.conn())
            .expect("signature rows")
    }

    /// How many signatures are stored, in any state.
    pub fn signature_total(&self) -> i64 {
        self.signature_rows().len() as i64
    }

    /// How many signatures are in `state` (`counted`, `held`, `invalid`).
    pub fn signature_count(&self, state: &str) -> i64 {
        let rows = self.signature_rows();
        rows.iter().filter(|r| r.state == state).count() as i64
    }

    /// How many different client-address hashes the signatures carry.
    pub fn distinct_ip_hashes(&self) -> usize {
        let rows = self.signature_rows();
        let hashes: std::collections::HashSet<_> = rows.iter().map(|s| &s.ip_hash).collect();
        hashes.len()
    }

    /// Every supporter, oldest first.
    pub fn supporter_rows(&self) -> Vec<SupporterRow> {
        supporters::table
            .order(supporters::created_at)
            .select((
                supporters::email,
                supporters::alerts_consent_at,
                supporters::alerts_consent_wording,
                supporters::unsubscribed_at,
            ))
            .load(&mut self.conn())
            .expect("supporter rows")
    }

    /// The id of the first supporter who signed.
    pub fn first_supporter_id(&self) -> uuid::Uuid {
        supporters::table
            .order(supporters::created_at)
            .select(supporters::id)
            .first(&mut self.conn())
            .expect("a supporter")
    }

    /// How many supporters have unsubscribed from alerts.
    pub fn unsubscribed_count(&self) -> i64 {
        let rows = self.supporter_rows();
        rows.iter().filter(|r| r.unsubscribed_at.is_some()).count() as i64
    }

    /// How many entries the do-not-mail list holds.
    pub fn suppression_count(&self) -> i64 {
        suppressions::table
            .count()
            .get_result(&mut self.conn())
            .expect("suppressions")
    }

    /// Why `address` is on the do-not-mail list, if it is (the list holds only keyed hashes:
    /// none of its columns contains the address).
    pub fn suppression_of(&self, address: &str) -> Option<String> {
        let rows: Vec<(String, String, Option<String>)> = suppressions::table
            .select((
                suppressions::address_hash,
                suppressions::reason,
                suppressions::detail,
            ))
            .load(&mut self.conn())
            .expect("suppressions");
        for (hash, _, detail) in &rows {
            assert!(
                !hash.contains('@') && !detail.as_deref().unwrap_or("").contains(address),
                "the do-not-mail list holds a readable address"
            );
        }
        let wanted =
            undersign::mail::suppressions::address_hash(crate::helpers::SECRET_KEY, address);
        rows.into_iter()
            .find(|(hash, _, _)| *hash == wanted)
            .map(|(_, reason, _)| reason)
    }

    /// Whether sending is paused (after an SMTP authentication failure).
    pub fn mail_paused(&self) -> bool {
        mail_status::table
            .select(mail_status::paused_at.is_not_null())
            .first(&mut self.conn())
            .optional()
            .expect("mail status")
            .unwrap_or(false)
    }
}
