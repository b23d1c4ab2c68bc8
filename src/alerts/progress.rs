//! How an alert is doing, read from its outbox rows: queued, sent, retrying, failed,
//! cancelled and held while it sends; afterwards also the unsubscribes it caused and the
//! signatures it brought (through its source code: no tracking of who opened what), and the
//! bounces and complaints that came back.

use super::Alert;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Uuid as SqlUuid};

/// An alert's messages by where they stand, and what followed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName, serde::Serialize)]
pub struct Progress {
    /// Waiting for their first send.
    #[diesel(sql_type = BigInt)]
    pub queued: i64,
    #[diesel(sql_type = BigInt)]
    pub sent: i64,
    /// Tried and waiting to be tried again.
    #[diesel(sql_type = BigInt)]
    pub retrying: i64,
    #[diesel(sql_type = BigInt)]
    pub failed: i64,
    /// Not sent by design: the alert was cancelled, or the supporter unsubscribed or reached
    /// the cap after the fan-out.
    #[diesel(sql_type = BigInt)]
    pub cancelled: i64,
    /// Waiting while the alert is paused.
    #[diesel(sql_type = BigInt)]
    pub held: i64,
    /// Recipients who unsubscribed after it and before any later alert reached them.
    #[diesel(sql_type = BigInt)]
    pub unsubscribes: i64,
    /// Signatures made through its button.
    #[diesel(sql_type = BigInt)]
    pub signatures: i64,
    /// What came back after the SMTP server took them: hard and soft bounces, complaints.
    #[diesel(sql_type = BigInt)]
    pub hard_bounces: i64,
    #[diesel(sql_type = BigInt)]
    pub soft_bounces: i64,
    #[diesel(sql_type = BigInt)]
    pub complaints: i64,
}

impl Progress {
    pub fn total(&self) -> i64 {
        self.queued + self.sent + self.retrying + self.failed + self.cancelled + self.held
    }

    /// Whether messages are still to leave.
    pub fn under_way(&self) -> bool {
        self.queued + self.retrying > 0
    }

    /// Sent or given up, in percent of all, for a progress bar.
    pub fn percent_done(&self) -> i64 {
        match self.total() {
            0 => 0,
            total => (self.sent + self.failed + self.cancelled) * 100 / total,
        }
    }
}

/// `alert`'s progress now.
pub fn of(conn: &mut PgConnection, alert: &Alert) -> QueryResult<Progress> {
    diesel::sql_query(
        "SELECT count(*) FILTER (WHERE o.state = 'pending' AND o.attempts = 0) AS queued, \
                count(*) FILTER (WHERE o.state = 'sent') AS sent, \
                count(*) FILTER (WHERE o.state = 'pending' AND o.attempts > 0) AS retrying, \
                count(*) FILTER (WHERE o.state = 'failed') AS failed, \
                count(*) FILTER (WHERE o.state = 'cancelled') AS cancelled, \
                count(*) FILTER (WHERE o.state = 'held') AS held, \
                count(*) FILTER (WHERE o.state = 'sent' AND s.unsubscribed_at >= o.sent_at \
                    AND NOT EXISTS (SELECT 1 FROM outbox later \
                        WHERE later.supporter_id = o.supporter_id AND later.kind = 'alert' \
                          AND later.state = 'sent' AND later.sent_at > o.sent_at \
                          AND later.sent_at <= s.unsubscribed_at)) AS unsubscribes, \
                (SELECT count(*) FROM signatures g WHERE g.campaign_id = a.campaign_id \
                    AND g.source = $2 AND g.confirmed_at IS NOT NULL) AS signatures, \
                (SELECT count(DISTINCT b.outbox_id) FROM bounces b WHERE b.alert_id = a.id \
                    AND b.class = 'hard') AS hard_bounces, \
                (SELECT count(DISTINCT b.outbox_id) FROM bounces b WHERE b.alert_id = a.id \
                    AND b.class = 'soft') AS soft_bounces, \
                (SELECT count(DISTINCT b.outbox_id) FROM bounces b WHERE b.alert_id = a.id \
                    AND b.class = 'complaint') AS complaints \
         FROM alerts a \
         LEFT JOIN outbox o ON o.alert_id = a.id AND o.supporter_id IS NOT NULL \
         LEFT JOIN supporters s ON s.id = o.supporter_id \
         WHERE a.id = $1 \
         GROUP BY a.id, a.campaign_id",
    )
    .bind::<SqlUuid, _>(alert.id.0)
    .bind::<Text, _>(&alert.source_code)
    .get_result(conn)
}
