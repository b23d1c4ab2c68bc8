//! Who receives an alert, and who is left out and why, in one set-based statement over the
//! supporter list: the count before sending and the fan-out that writes one small outbox row
//! per recipient use the same judgement, so the page's number is the number sent.

use super::{Alert, Audience};
use crate::db::types::{AlertId, CampaignId};
use crate::domain::alert_cap::AlertCap;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Bool, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};

/// What decides an alert's recipients.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The alert itself, once stored (its own rows do not count towards the cap).
    pub id: Option<AlertId>,
    pub audience: Audience,
    /// The action it asks for: supporters who signed it are left out unless `include_signed`.
    pub action: Option<CampaignId>,
    pub include_signed: bool,
}

impl Spec {
    pub fn of(alert: &Alert) -> Spec {
        Spec {
            id: Some(alert.id),
            audience: alert.audience(),
            action: alert.campaign_id,
            include_signed: alert.include_signed,
        }
    }
}

/// How many an alert would reach, and how many of its audience are left out, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName, serde::Serialize)]
pub struct Reach {
    #[diesel(sql_type = BigInt)]
    pub recipients: i64,
    #[diesel(sql_type = BigInt)]
    pub no_consent: i64,
    #[diesel(sql_type = BigInt)]
    pub unsubscribed: i64,
    #[diesel(sql_type = BigInt)]
    pub suppressed: i64,
    #[diesel(sql_type = BigInt)]
    pub over_cap: i64,
    #[diesel(sql_type = BigInt)]
    pub already_signed: i64,
}

impl Reach {
    pub fn left_out(&self) -> i64 {
        self.no_consent + self.unsubscribed + self.suppressed + self.over_cap + self.already_signed
    }

    /// Each reason with its count, in the order the pages and the CLI print them.
    pub fn reasons(&self) -> [(&'static str, i64); 5] {
        [
            ("no consent to alerts", self.no_consent),
            ("unsubscribed", self.unsubscribed),
            (
                "on the do-not-mail list (bounced or complained)",
                self.suppressed,
            ),
            ("over the frequency cap", self.over_cap),
            ("already signed the action", self.already_signed),
        ]
    }
}

/// The audience's supporters as the statement's `audience` rows.
fn audience_sql(audience: &Audience) -> &'static str {
    match audience {
        Audience::All => "SELECT * FROM supporters",
        Audience::Country(_) => "SELECT * FROM supporters WHERE country = $4",
        Audience::Signers(_) => {
            "SELECT * FROM supporters WHERE id IN (SELECT supporter_id FROM signatures \
             WHERE campaign_id = $5 AND confirmed_at IS NOT NULL AND state = 'counted')"
        }
        Audience::FollowUp { .. } => {
            "SELECT * FROM supporters WHERE id IN (SELECT o.supporter_id FROM outbox o \
             WHERE o.alert_id = $6 AND o.kind = 'alert' AND o.state = 'sent' \
               AND o.supporter_id IS NOT NULL \
               AND NOT EXISTS (SELECT 1 FROM signatures x WHERE x.supporter_id = o.supporter_id \
                               AND x.campaign_id = $7 AND x.created_at >= o.sent_at))"
        }
    }
}

/// The statement's common part: every audience member with the reason they are left out
/// (NULL: a recipient), as `judged`. Binds $1…$8 (see [`bind`]).
fn judged_sql(audience: &Audience) -> String {
    format!(
        "WITH capped AS ( \
             SELECT supporter_id FROM outbox \
             WHERE kind = 'alert' AND supporter_id IS NOT NULL AND alert_id <> $1 \
               AND state IN ('pending', 'held', 'sent') \
               AND created_at > now() - interval '7 days' \
             GROUP BY supporter_id \
             HAVING count(*) FILTER (WHERE created_at > now() - interval '1 day') >= $2 \
                 OR count(*) >= $3), \
         signed AS ( \
             SELECT DISTINCT supporter_id FROM signatures \
             WHERE NOT $8 AND campaign_id = $7 AND confirmed_at IS NOT NULL AND state <> 'invalid'), \
         audience AS ({audience}), \
         judged AS ( \
             SELECT a.id, a.email, a.name, \
                    CASE WHEN a.alerts_consent_at IS NULL THEN 'no_consent' \
                         WHEN a.unsubscribed_at IS NOT NULL THEN 'unsubscribed' \
                         WHEN a.suppressed_at IS NOT NULL THEN 'suppressed' \
                         WHEN g.supporter_id IS NOT NULL THEN 'already_signed' \
                         WHEN c.supporter_id IS NOT NULL THEN 'over_cap' END AS left_out \
             FROM audience a \
             LEFT JOIN signed g ON g.supporter_id = a.id \
             LEFT JOIN capped c ON c.supporter_id = a.id) ",
        audience = audience_sql(audience)
    )
}

/// `sql` with the common binds: $1 the alert, $2 and $3 the cap, $4 the country, $5 the
/// signers' campaign, $6 the alert followed up, $7 the action, $8 whether signers stay in.
fn bind(sql: String, spec: &Spec, cap: AlertCap) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
    let (country, signers, follow_up) = match &spec.audience {
        Audience::All => (None, None, None),
        Audience::Country(code) => (Some(code.clone()), None, None),
        Audience::Signers(campaign) => (None, Some(campaign.0), None),
        Audience::FollowUp { of } => (None, None, Some(of.0)),
    };
    diesel::sql_query(sql)
        .into_boxed()
        .bind::<SqlUuid, _>(spec.id.map(|id| id.0).unwrap_or_default())
        .bind::<Int4, _>(cap.per_day as i32)
        .bind::<Int4, _>(cap.per_week as i32)
        .bind::<Nullable<Text>, _>(country)
        .bind::<Nullable<SqlUuid>, _>(signers)
        .bind::<Nullable<SqlUuid>, _>(follow_up)
        .bind::<Nullable<SqlUuid>, _>(spec.action.map(|c| c.0))
        .bind::<Bool, _>(spec.include_signed)
}

/// How many `spec` would reach now, and who it would leave out.
pub fn reach(conn: &mut PgConnection, spec: &Spec, cap: AlertCap) -> QueryResult<Reach> {
    let sql = format!(
        "{} SELECT count(*) FILTER (WHERE left_out IS NULL) AS recipients, \
                count(*) FILTER (WHERE left_out = 'no_consent') AS no_consent, \
                count(*) FILTER (WHERE left_out = 'unsubscribed') AS unsubscribed, \
                count(*) FILTER (WHERE left_out = 'suppressed') AS suppressed, \
                count(*) FILTER (WHERE left_out = 'over_cap') AS over_cap, \
                count(*) FILTER (WHERE left_out = 'already_signed') AS already_signed \
         FROM judged",
        judged_sql(&spec.audience)
    );
    bind(sql, spec, cap).get_result(conn)
}

/// Writes one outbox row per recipient of the stored alert `spec.id`, due at `due_at`, each
/// with a Message-ID stable per (alert, supporter); a supporter already queued for it is
/// skipped. Returns how many rows were written. Rows go in supporter order with time-ordered
/// ids, so every index they enter (the id, the Message-ID, (alert, supporter), (supporter,
/// time)) is written in its own order rather than at random pages.
pub fn fan_out(
    conn: &mut PgConnection,
    spec: &Spec,
    cap: AlertCap,
    message_id_domain: &str,
    due_at: DateTime<Utc>,
) -> QueryResult<usize> {
    debug_assert!(spec.id.is_some(), "only a stored alert is fanned out");
    let sql = format!(
        "{} INSERT INTO outbox (id, kind, campaign_id, alert_id, supporter_id, recipient, \
                                recipient_name, message_id, priority, next_attempt_at) \
         SELECT uuid_v7(), 'alert', $7, $1, j.id, j.email, j.name, \
                '<alert.' || $1 || '.' || j.id || '@' || $9 || '>', 1, $10 \
         FROM judged j WHERE j.left_out IS NULL \
         ORDER BY j.id \
         ON CONFLICT DO NOTHING",
        judged_sql(&spec.audience)
    );
    bind(sql, spec, cap)
        .bind::<Text, _>(message_id_domain)
        .bind::<Timestamptz, _>(due_at)
        .execute(conn)
}
