//! The messages of a form that needs fixing, one per field, in the order of the form: the
//! error summary links each to its field (`#field`), and the field shows its own.

/// Field id → message, in form order.
#[derive(Debug, Default, Clone)]
pub struct Problems(Vec<(String, String)>);

impl Problems {
    /// Notes `message` for `field` (the first message for a field wins).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if self.get(&field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    /// The message for `field`, if it needs fixing.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every (field, message), in form order.
    pub fn all(&self) -> &[(String, String)] {
        &self.0
    }
}

/// `message` with its first letter in upper case, for messages written to follow a colon.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
