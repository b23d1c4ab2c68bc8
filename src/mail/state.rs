//! Where an outbox row stands: pending (due now or after its backoff), sent, failed for good,
//! or cancelled before it was sent. Stored as text with a CHECK; in Rust only these exist.

/// The `outbox.state` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum OutboxState {
    Pending,
    Sent,
    Failed,
    Cancelled,
    /// Waiting, but not to be claimed until released (an alert paused by its organizer).
    Held,
}

impl OutboxState {
    pub const ALL: [OutboxState; 5] = [
        OutboxState::Pending,
        OutboxState::Sent,
        OutboxState::Failed,
        OutboxState::Cancelled,
        OutboxState::Held,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
            OutboxState::Cancelled => "cancelled",
            OutboxState::Held => "held",
        }
    }

    pub fn parse(s: &str) -> Option<OutboxState> {
        OutboxState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
    }
}

crate::db::types::text_enum!(OutboxState);

#[cfg(test)]
mod tests {
    use super::OutboxState;

    #[test]
    fn each_state_reads_back_from_its_column_word() {
        for state in OutboxState::ALL {
            assert_eq!(OutboxState::parse(state.as_str()), Some(state));
        }
        assert_eq!(OutboxState::parse("queued"), None);
    }
}
