//! Errors at the HTTP edge: [`PageError`] is what handlers return with `?`; it picks the
//! status and renders the styled message page (JSON under `/api`). Internal failures become a
//! 503 whose cause goes to the log, never to the page. actix's own 4xx (an oversized body, a
//! bad path) are given the same page by [`super::error_pages`], which also gives
//! organizers under `/admin` the message in the admin's layout.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use askama::Template;

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub title: &'a str,
    pub message: &'a str,
    pub link: Option<(&'a str, &'a str)>,
}

/// Why a request could not be answered as asked. Each variant carries what the visitor
/// should read; none carries internal detail.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// 401: the page needs a signed-in organizer.
    #[error("sign-in required")]
    Unauthorized,
    /// 403: signed in, but this role may not do it; or a missing or stale form token.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// 404 with a title and a sentence about what was not found.
    #[error("not found")]
    NotFound {
        title: &'static str,
        message: &'static str,
    },
    /// 409: the thing moved on since the page was shown (e.g. launched in another tab).
    #[error("conflict: {0}")]
    Conflict(String),
    /// 410 with a title and a sentence: it existed, and is over (an expired link).
    #[error("gone")]
    Gone {
        title: &'static str,
        message: &'static str,
    },
    /// 413: the body is larger than this endpoint accepts.
    #[error("payload too large")]
    TooLarge,
    /// 415: not the form encoding this endpoint reads.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 422: input that cannot be used, with what to fix (forms re-render instead where they can).
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// 429: too many attempts; try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    /// 503: too many of these at once (downloads); the sentence says what to do.
    #[error("busy")]
    Busy(&'static str),
    /// 503: our fault (database down, a bug). The cause is logged, not shown.
    #[error("unavailable")]
    Unavailable(#[from] anyhow::Error),
    /// 303 to the page that asks an organizer for their password again, then back to the
    /// admin path given: nothing was done.
    #[error("confirm first")]
    ConfirmFirst(String),
}

impl PageError {
    /// A 404 for a page that does not exist.
    pub fn not_found() -> PageError {
        PageError::NotFound {
            title: "Page not found",
            message: "There is no page at this address. It may have been mistyped or moved.",
        }
    }

    /// What the visitor reads: a title and one sentence.
    fn text(&self) -> (&str, &str) {
        match self {
            PageError::Unauthorized => ("Please sign in", "This page is for organizers. Please sign in first."),
            PageError::Forbidden(why) => ("Not allowed", why),
            PageError::NotFound { title, message } => (title, message),
            PageError::Conflict(why) => ("This has changed", why),
            PageError::Gone { title, message } => (title, message),
            PageError::TooLarge => ("That was too much", "What you sent is larger than this page accepts."),
            PageError::UnsupportedMediaType => ("Please use the form", "This address accepts only its form."),
            PageError::Unprocessable(why) => ("Please check what you sent", why),
            PageError::TooManyRequests { .. } => (
                "Please wait a moment",
                "There were too many attempts. Please wait a little and try again.",
            ),
            PageError::Busy(why) => ("Please try again in a moment", why),
            PageError::ConfirmFirst(_) => (
                "Please confirm your password",
                "This needs your password again: confirm it, then do it again. Nothing was changed.",
            ),
            PageError::Unavailable(_) => (
                "Please try again in a moment",
                "We could not complete your request just now. Nothing was stored: please send it again in a few seconds.",
            ),
        }
    }

    fn log(&self) {
        if let PageError::Unavailable(e) = self {
            tracing::error!(error = format!("{e:#}"), "request failed");
        }
    }

    /// The same error in another layout (the admin's, for organizers under `/admin`):
    /// `layout` renders the title and text at the status; the headers are the error's.
    pub fn in_layout(
        &self,
        layout: impl FnOnce(StatusCode, &str, &str) -> HttpResponse,
    ) -> HttpResponse {
        self.log();
        let (title, text) = self.text();
        let mut response = layout(self.status_code(), title, text);
        self.add_headers(&mut response);
        response
    }

    /// The same error as JSON `{"error": "..."}`, for `/api`.
    pub fn json_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code())
            .insert_header(("Access-Control-Allow-Origin", "*"))
            .json(serde_json::json!({ "error": self.text().1 }));
        self.add_headers(&mut response);
        response
    }

    fn add_headers(&self, response: &mut HttpResponse) {
        // An error is about this moment (and may answer a secret link): never keep it.
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
        if let PageError::Unavailable(_) | PageError::Busy(_) = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(RETRY_AFTER_SECONDS),
            );
        }
        if let PageError::ConfirmFirst(next) = self {
            if let Ok(value) = header::HeaderValue::from_str(&crate::urls::admin_confirm(next)) {
                response.headers_mut().insert(header::LOCATION, value);
            }
        }
        if let PageError::TooManyRequests { retry_after } = self {
            if let Ok(value) = header::HeaderValue::from_str(&retry_after.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::Unauthorized => StatusCode::UNAUTHORIZED,
            PageError::Forbidden(_) => StatusCode::FORBIDDEN,
            PageError::NotFound { .. } => StatusCode::NOT_FOUND,
            PageError::Conflict(_) => StatusCode::CONFLICT,
            PageError::Gone { .. } => StatusCode::GONE,
            PageError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            PageError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            PageError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            PageError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            PageError::Busy(_) | PageError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            PageError::ConfirmFirst(_) => StatusCode::SEE_OTHER,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let (title, text) = self.text();
        let mut response = message(self.status_code(), title, text);
        self.add_headers(&mut response);
        response
    }
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
    PageError::Unavailable(e).error_response()
}

/// Adds `Retry-After` to a 503.
pub fn retry_later(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(RETRY_AFTER_SECONDS),
    );
    response
}

pub async fn not_found(_req: HttpRequest) -> Result<HttpResponse, PageError> {
    Err(PageError::not_found())
}

/// The 404 page for an address that leads nowhere (or nowhere this client may see).
pub fn page_not_found() -> HttpResponse {
    PageError::not_found().error_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_answers_with_its_own_status() {
        let cases = [
            (PageError::Unauthorized, 401),
            (PageError::Forbidden("no"), 403),
            (PageError::not_found(), 404),
            (PageError::Conflict("moved".into()), 409),
            (
                PageError::Gone {
                    title: "Expired",
                    message: "It expired.",
                },
                410,
            ),
            (PageError::TooLarge, 413),
            (PageError::Unprocessable("bad".into()), 422),
            (PageError::TooManyRequests { retry_after: 5 }, 429),
            (PageError::Unavailable(anyhow::anyhow!("db down")), 503),
        ];
        for (error, status) in cases {
            assert_eq!(error.error_response().status().as_u16(), status, "{error}");
            assert_eq!(error.json_response().status().as_u16(), status);
        }
    }

    #[test]
    fn too_many_requests_says_when_to_retry() {
        let response = PageError::TooManyRequests { retry_after: 30 }.error_response();
        assert_eq!(response.headers().get("retry-after").unwrap(), "30");
    }
}
