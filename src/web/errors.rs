//! Error pages: one template for every status, and the mapping from internal failures to a
//! 503 that says we are at fault (internal details go to the log, never to the page).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub title: &'a str,
    pub message: &'a str,
    pub link: Option<(&'a str, &'a str)>,
}

/// A page with a title and one paragraph, at `status`.
pub fn message(status: StatusCode, title: &str, text: &str) -> HttpResponse {
    let page = MessagePage {
        title,
        message: text,
        link: Some(("/", "See all actions")),
    };
    html(status, page.render())
}

/// Renders `body` as HTML at `status`; a template failure becomes a plain 500 without detail.
pub fn html(status: StatusCode, body: askama::Result<String>) -> HttpResponse {
    match body {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Something went wrong on our side.")
        }
    }
}

/// Seconds a client is asked to wait after a 503 (`Retry-After`).
pub const RETRY_AFTER_SECONDS: u32 = 5;

/// Our fault (database down, a bug): logged with its cause, answered with a 503 page that
/// says when to try again.
pub fn unavailable(e: anyhow::Error) -> HttpResponse {
    tracing::error!(error = format!("{e:#}"), "request failed");
    retry_later(message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Please try again in a moment",
        "We could not complete your request just now. Nothing was stored: please send it again in a few seconds.",
    ))
}

/// Adds `Retry-After` to a 503.
pub fn retry_later(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(RETRY_AFTER_SECONDS),
    );
    response
}

pub async fn not_found(_req: HttpRequest) -> HttpResponse {
    page_not_found()
}

/// The 404 page for an address that leads nowhere (or nowhere this client may see).
pub fn page_not_found() -> HttpResponse {
    message(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no page at this address. It may have been mistyped or moved.",
    )
}
