//! Which page an error gets, by who reads it: a [`PageError`] under `/api` becomes JSON, one
//! under `/admin` the admin's layout, and an error raised by actix itself the styled message
//! page at its own status instead of a bare text line.

use super::admin::page;
use super::errors::PageError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};

/// Gives errors the page they deserve: a [`PageError`] under `/api` becomes JSON, and an
/// error raised by actix itself (an oversized body, an extractor that refused the input)
/// gets the styled message page at its own status instead of a bare text line.
pub async fn style_framework_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let audience = Audience::of(req.path());
    let res = next.call(req).await?.map_into_boxed_body();
    let Some(error) = res.response().error() else {
        return Ok(res);
    };
    let replacement = match (error.as_error::<PageError>(), audience) {
        (Some(page), Audience::Api) => page.json_response(),
        (Some(error), Audience::Organizers) => page::error(error),
        (Some(_), Audience::Public) => return Ok(res),
        (None, _) => framework_error(res.status(), audience),
    };
    Ok(res.into_response(replacement))
}

/// Who reads an error, by where it happened.
#[derive(Clone, Copy)]
enum Audience {
    Public,
    Api,
    Organizers,
}

impl Audience {
    fn of(path: &str) -> Audience {
        if path.starts_with("/api/") {
            Audience::Api
        } else if path == "/admin" || path.starts_with("/admin/") {
            Audience::Organizers
        } else {
            Audience::Public
        }
    }
}

fn framework_error(status: StatusCode, audience: Audience) -> HttpResponse {
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => PageError::TooLarge,
        StatusCode::NOT_FOUND => PageError::not_found(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => PageError::UnsupportedMediaType,
        s if s.is_client_error() => PageError::Unprocessable(
            "What you sent could not be read. Please go back and try again.".into(),
        ),
        _ => PageError::Unavailable(anyhow::anyhow!("framework error {status}")),
    };
    let mut response = match audience {
        Audience::Api => error.json_response(),
        Audience::Organizers => page::error(&error),
        Audience::Public => error.error_response(),
    };
    if status.is_client_error() {
        *response.status_mut() = status;
    }
    response
}
