//! What a signature row is: counted (it counts once confirmed), held for review (a honeypot
//! or a flood from one address), or invalid (an organizer struck it). Stored as text with a
//! CHECK in the database; in Rust only these three exist.

/// The `signatures.state` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum SignatureState {
    Counted,
    Held,
    Invalid,
}

impl SignatureState {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureState::Counted => "counted",
            SignatureState::Held => "held",
            SignatureState::Invalid => "invalid",
        }
    }

    pub fn parse(s: &str) -> Option<SignatureState> {
        [
            SignatureState::Counted,
            SignatureState::Held,
            SignatureState::Invalid,
        ]
        .into_iter()
        .find(|state| state.as_str() == s)
    }
}

crate::db::types::text_enum!(SignatureState);

#[cfg(test)]
mod tests {
    use super::SignatureState;

    #[test]
    fn each_state_reads_back_from_its_column_word() {
        for state in [
            SignatureState::Counted,
            SignatureState::Held,
            SignatureState::Invalid,
        ] {
            assert_eq!(SignatureState::parse(state.as_str()), Some(state));
        }
        assert_eq!(SignatureState::parse("pending"), None);
    }
}
