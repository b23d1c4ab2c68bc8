//! How paths are registered: every page answers HEAD wherever it answers GET (uptime monitors
//! and link checkers send HEAD), and a known path asked with another method answers
//! `405 Method Not Allowed` with an `Allow` header (actix's resource default) instead of 404.

use actix_web::{guard, web, Route};

/// A route for GET and HEAD; actix sends HEAD the same headers without the body.
pub fn read() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}
