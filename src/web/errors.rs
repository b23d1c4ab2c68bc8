//! Error pages: one template for every status, and the mapping from internal failures to a
//! 503 that says we are at fault (internal details go to the log, never to the page).

use actix_web::http::StatusCode;
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

/// Our fault (database down, a bug): logged with its cause, answered with a 503 page.
pub fn unavailable(e: anyhow::Error) -> HttpResponse {
    tracing::error!(error = format!("{e:#}"), "request failed");
    message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Please try again in a moment",
        "We could not complete your request just now. Nothing was lost: please try again in a minute.",
    )
}

pub async fn not_found(_req: HttpRequest) -> HttpResponse {
    message(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no page at this address. It may have been mistyped or moved.",
    )
}
