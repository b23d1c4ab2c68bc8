//! Where a batch's message to one target stands: queued (cut, waiting for the outbox), sent,
//! retrying after a 4xx or a timeout (with the last reply), or failed. Stored as text with a
//! CHECK; in Rust only these exist.

/// The `batch_targets.state` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum DeliveryState {
    Queued,
    Sent,
    Retrying,
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Queued => "queued",
            DeliveryState::Sent => "sent",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryState> {
        [
            DeliveryState::Queued,
            DeliveryState::Sent,
            DeliveryState::Retrying,
            DeliveryState::Failed,
        ]
        .into_iter()
        .find(|state| state.as_str() == s)
    }

    /// Still on its way: queued or retrying.
    pub fn is_pending(self) -> bool {
        matches!(self, DeliveryState::Queued | DeliveryState::Retrying)
    }
}

crate::db::types::text_enum!(DeliveryState);
