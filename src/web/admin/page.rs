//! Small helpers every admin screen uses to answer.

use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use askama::Template;

#[derive(Template)]
#[template(path = "admin/message.html")]
struct MessagePage<'a> {
    me: Option<&'a Session>,
    title: &'a str,
    message: &'a str,
}

/// A message in the admin's own layout (an error an organizer met), at `status`.
pub fn message(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    let body = MessagePage {
        me: None,
        title,
        message,
    }
    .render();
    html(status, body)
}

/// `error` as an organizer meets it: in the admin's layout, with the error's own headers.
pub fn error(error: &PageError) -> HttpResponse {
    error.in_layout(message)
}

/// A rendered admin page at `status`; a template failure is our fault (503).
pub fn html(status: StatusCode, body: askama::Result<String>) -> HttpResponse {
    crate::web::errors::html(status, body)
}

/// A rendered page at 200, or the error that stopped it.
pub fn ok(body: askama::Result<String>) -> Result<HttpResponse, PageError> {
    let body = body.map_err(|e| PageError::Unavailable(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// 303 to `location`: the answer to every successful form.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

#[derive(Template)]
#[template(path = "admin/session_ended.html")]
struct SessionEndedPage<'a> {
    me: Option<&'a Session>,
    sign_in: &'a str,
}

/// 403 for a change sent after the session ended: nothing changed, sign in again at `sign_in`.
pub fn session_ended(sign_in: &str) -> HttpResponse {
    let body = SessionEndedPage { me: None, sign_in }.render();
    let mut response = html(StatusCode::FORBIDDEN, body);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}
