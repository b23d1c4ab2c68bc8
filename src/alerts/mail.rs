//! Alerts as the drain sends them: a claim's rows are rendered together (the alerts, the
//! supporters, the do-not-mail list and the frequency cap are each read once per claim), and
//! each row is checked again at that moment — a supporter who unsubscribed, withdrew consent,
//! landed on the do-not-mail list or reached the cap since the fan-out is not sent to, nor is
//! anyone once the alert was cancelled. An alert whose permanent failures pass 2% pauses
//! itself (see [`super::breaker`]).

use super::message::{compose, AlertContent, Recipient};
use super::{breaker, AlertState};
use crate::db::schema::{alerts, campaigns, supporters};
use crate::db::types::AlertId;
use crate::domain::alert_cap::AlertCap;
use crate::mail::outbox::{Attempt, Queued};
use crate::mail::outcome::Outcome;
use crate::mail::render::{RenderContext, RenderError};
use crate::mail::suppressions;
use crate::mail::verp::BounceAddress;
use crate::mail::{Composed, MailHandler};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Int4, Uuid as SqlUuid};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The alert kind, registered with the drain.
pub struct AlertMessages {
    pub cap: AlertCap,
    /// The domain of the `List-Id` (the sender's).
    pub domain: String,
    /// `UNDERSIGN_BOUNCE_ADDRESS`, for the `mailto:` unsubscribe.
    pub bounce_address: Option<BounceAddress>,
}

/// A test copy's parameters (`outbox.params`).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct TestCopy {
    pub test: bool,
}

/// An alert as its messages are rendered: its state and what every copy shares.
pub struct Loaded {
    pub state: AlertState,
    pub content: AlertContent,
}

struct Person {
    email: String,
    name: Option<String>,
    consent: bool,
    unsubscribed: bool,
    suppressed: bool,
}

/// The alerts `ids` with what their messages share (the action's title, slug and
/// organisation), in one query: for a claim's rows, and for the admin's preview.
pub fn load_alerts(conn: &mut PgConnection, ids: Vec<Uuid>) -> QueryResult<HashMap<Uuid, Loaded>> {
    type Row = (
        AlertId,
        AlertState,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = alerts::table
        .left_join(campaigns::table.on(campaigns::id.nullable().eq(alerts::campaign_id)))
        .filter(alerts::id.eq_any(ids))
        .select((
            alerts::id,
            alerts::state,
            alerts::subject,
            alerts::body,
            alerts::source_code,
            campaigns::title.nullable(),
            campaigns::slug.nullable(),
            campaigns::organisation.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, state, subject, body, source_code, title, slug, organisation)| {
                let action = title.zip(slug);
                (
                    id.0,
                    Loaded {
                        state,
                        content: AlertContent {
                            subject,
                            body,
                            action,
                            source_code,
                            sender: organisation,
                        },
                    },
                )
            },
        )
        .collect())
}

fn load_people(conn: &mut PgConnection, ids: Vec<Uuid>) -> QueryResult<HashMap<Uuid, Person>> {
    type Row = (
        Uuid,
        String,
        Option<String>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let rows: Vec<Row> = supporters::table
        .filter(supporters::id.eq_any(ids))
        .select((
            supporters::id,
            supporters::email,
            supporters::name,
            supporters::alerts_consent_at,
            supporters::unsubscribed_at,
            supporters::suppressed_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, email, name, consent, unsubscribed, suppressed)| {
            (
                id,
                Person {
                    email,
                    name,
                    consent: consent.is_some(),
                    unsubscribed: unsubscribed.is_some(),
                    suppressed: suppressed.is_some(),
                },
            )
        })
        .collect())
}

/// The supporters among `ids` who already received as many alerts as the cap allows (other
/// than the ones being sent now).
pub fn over_cap(
    conn: &mut PgConnection,
    ids: &[Uuid],
    cap: AlertCap,
) -> QueryResult<HashSet<Uuid>> {
    #[derive(QueryableByName)]
    struct Capped {
        #[diesel(sql_type = SqlUuid)]
        supporter_id: Uuid,
    }
    let rows: Vec<Capped> = diesel::sql_query(
        "SELECT supporter_id FROM outbox \
         WHERE kind = 'alert' AND supporter_id = ANY($1) AND state = 'sent' \
           AND sent_at > now() - interval '7 days' \
         GROUP BY supporter_id \
         HAVING count(*) FILTER (WHERE sent_at > now() - interval '1 day') >= $2 \
             OR count(*) >= $3",
    )
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<Int4, _>(cap.per_day as i32)
    .bind::<Int4, _>(cap.per_week as i32)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.supporter_id).collect())
}

impl AlertMessages {
    fn render_rows(
        &self,
        conn: &mut PgConnection,
        rows: &[Queued],
        ctx: &RenderContext,
    ) -> anyhow::Result<Vec<Result<Composed, RenderError>>> {
        let mut alert_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.alert_id).collect();
        alert_ids.sort_unstable();
        alert_ids.dedup();
        let alerts = load_alerts(conn, alert_ids)?;
        let supporter_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.supporter_id).collect();
        let people = load_people(conn, supporter_ids.clone())?;
        let listed = suppressions::lookup(
            conn,
            ctx.secret_key.bytes(),
            people.values().map(|p| p.email.as_str()),
        )?;
        let listed: HashSet<String> = listed.into_keys().map(str::to_string).collect();
        let capped = over_cap(conn, &supporter_ids, self.cap)?;
        let key = ctx.secret_key.bytes();
        Ok(rows
            .iter()
            .map(|row| {
                let withheld = |why: &str| Err(RenderError::Withheld(why.to_string()));
                let Some(alert) = row.alert_id.and_then(|id| alerts.get(&id)) else {
                    return Err(RenderError::Impossible {
                        kind: row.kind,
                        reason: "it names no alert that exists".into(),
                    });
                };
                if alert.state == AlertState::Cancelled {
                    return withheld("the alert was cancelled");
                }
                let Some(supporter) = row.supporter_id else {
                    // A test copy to an organizer, whose link unsubscribes nobody.
                    let path = crate::urls::unsubscribe(&crate::supporters::unsubscribe_token(
                        key,
                        Uuid::nil(),
                    ));
                    let to = Recipient {
                        email: &row.recipient,
                        name: None,
                        unsubscribe_path: &path,
                        unsubscribe_mailbox: None,
                    };
                    return compose(&alert.content, &to, &ctx.base_url, &self.domain, true)
                        .map_err(RenderError::Failed);
                };
                if alert.state == AlertState::Paused {
                    return Err(RenderError::Failed(anyhow::anyhow!("the alert is paused")));
                }
                let Some(person) = people.get(&supporter) else {
                    return withheld("the supporter is no longer on the list");
                };
                if !person.consent {
                    return withheld("the supporter has not consented to alerts");
                }
                if person.unsubscribed || listed.contains(&person.email) || person.suppressed {
                    return withheld("the supporter unsubscribed or is on the do-not-mail list");
                }
                if capped.contains(&supporter) {
                    return withheld("the supporter reached the frequency cap");
                }
                let path =
                    crate::urls::unsubscribe(&crate::supporters::unsubscribe_token(key, supporter));
                let to = Recipient {
                    email: &person.email,
                    name: person.name.as_deref(),
                    unsubscribe_path: &path,
                    unsubscribe_mailbox: self
                        .bounce_address
                        .as_ref()
                        .map(|b| b.sender(key, row.id)),
                };
                compose(&alert.content, &to, &ctx.base_url, &self.domain, false)
                    .map_err(RenderError::Failed)
            })
            .collect())
    }
}

impl MailHandler for AlertMessages {
    fn render(
        &self,
        conn: &mut PgConnection,
        row: &Queued,
        ctx: &RenderContext,
    ) -> Result<Composed, RenderError> {
        self.render_all(conn, std::slice::from_ref(row), ctx)
            .pop()
            .unwrap_or_else(|| Err(RenderError::Failed(anyhow::anyhow!("nothing rendered"))))
    }

    fn render_all(
        &self,
        conn: &mut PgConnection,
        rows: &[Queued],
        ctx: &RenderContext,
    ) -> Vec<Result<Composed, RenderError>> {
        match self.render_rows(conn, rows, ctx) {
            Ok(rendered) => rendered,
            Err(e) => rows
                .iter()
                .map(|_| Err(RenderError::Failed(anyhow::anyhow!("{e:#}"))))
                .collect(),
        }
    }

    fn recorded(
        &self,
        conn: &mut PgConnection,
        done: &[(&Attempt, &Outcome<'_>)],
    ) -> anyhow::Result<()> {
        let mut failing: Vec<Uuid> = done
            .iter()
            .filter(|(_, outcome)| {
                matches!(
                    outcome,
                    Outcome::Failed {
                        permanent: true,
                        ..
                    }
                )
            })
            .filter_map(|(attempt, _)| attempt.alert_id)
            .collect();
        failing.sort_unstable();
        failing.dedup();
        for alert in failing {
            breaker::after_failure(conn, AlertId(alert))?;
        }
        Ok(())
    }
}
