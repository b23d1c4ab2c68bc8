//! Parse-don't-validate types: what supporters type, the letter an organizer pastes, and the
//! delivery schedule. Values of these types are valid by construction.

pub mod alert_cap;
pub mod counting;
pub mod country;
pub mod email;
pub mod letter;
pub mod letter_file;
pub mod name;
pub mod schedule;
pub mod settings;
pub mod slug;
pub mod text;
pub mod web_address;
pub mod window;
