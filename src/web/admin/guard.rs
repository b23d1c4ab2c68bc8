//! The gate in front of everything under `/admin`, as one scope-level middleware so no route
//! added to the scope can skip it:
//! - every request outside sign-in and setup needs a live session (GET → 303 to sign-in);
//! - every request that can change something (anything but GET/HEAD) must carry the form's
//!   `csrf_token` — the session's token, or before sign-in the token of the pre-session
//!   cookie — and, when the browser names an `Origin`, come from our own origin. Otherwise it
//!   gets 403 and reaches no handler;
//! - a body is read only after the session is found, and never one declared larger than the
//!   route accepts (413 at once; sign-in and setup take no more than a public form).

use super::form::Fields;
use crate::db;
use crate::organizers::sessions::{self, Session};
use crate::web::errors::PageError;
use crate::web::{urls, AppState};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use std::future::{ready, Ready};

/// Largest admin form body: a pasted or uploaded letter with room to spare.
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// Whether cookies get `Secure` and the `__Host-` prefix (the site is served over https).
fn secure(state: &AppState) -> bool {
    state.settings.base_url.starts_with("https://")
}

/// The session cookie's name.
pub fn session_cookie(state: &AppState) -> &'static str {
    if secure(state) {
        "__Host-undersign_session"
    } else {
        "undersign_session"
    }
}

/// The cookie that carries a form token before anyone is signed in (sign-in, setup).
pub fn pre_session_cookie(state: &AppState) -> &'static str {
    if secure(state) {
        "__Host-undersign_form"
    } else {
        "undersign_form"
    }
}

/// A cookie as the admin sets it: `HttpOnly`, `SameSite=Strict`, `Path=/`, no `Domain`, and
/// `Secure` on https.
pub fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure(state))
        .finish()
}

/// The same cookie, expired.
pub fn removal(state: &AppState, name: &'static str) -> Cookie<'static> {
    let mut c = cookie(state, name, String::new());
    c.make_removal();
    c
}

fn is_open_path(path: &str) -> bool {
    path == urls::ADMIN_LOGIN
        || path.starts_with("/admin/setup/")
        || path.starts_with("/admin/users/accept/")
        || path == "/admin/password-reset"
        || path.starts_with("/admin/password-reset/")
        || path == "/admin/admin.css"
}

pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(PageError::Unavailable(anyhow::anyhow!("no app state")).into());
    };
    // Every admin page answers HEAD as its GET; the server still sends no body, as it
    // remembers the method the request arrived with.
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    let session = match req.cookie(session_cookie(&state)) {
        Some(c) => {
            let id = c.value().to_string();
            db::run(&state.pool, move |conn| {
                Ok(sessions::find(conn, &id, chrono::Utc::now())?)
            })
            .await
            .map_err(PageError::Unavailable)?
        }
        None => None,
    };
    let open = is_open_path(req.path());
    let changes = !matches!(*req.method(), Method::GET | Method::HEAD);
    // A body is read only when it can be used: never one larger than the route takes, and
    // never before the session a route needs has been found, so a client without one cannot
    // hold a connection by trickling a large body.
    let cap = if open {
        crate::web::MAX_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    };
    if declared_length(&req).is_some_and(|n| n > cap as u64) {
        return Err(PageError::TooLarge.into());
    }

    if changes {
        if !same_origin(&req, &state) {
            return Err(PageError::Forbidden("This form was sent from another site.").into());
        }
        let expected = match (&session, open) {
            (Some(s), _) => Some(s.csrf_token.clone()),
            (None, true) => req
                .cookie(pre_session_cookie(&state))
                .map(|c| c.value().to_string()),
            (None, false) => {
                let ended = session_ended(req.path());
                return Ok(req.into_response(ended));
            }
        };
        // Answered here rather than raised, so the body time-out around the app sees the
        // answer and can turn it into its 408.
        let body = match read_body(&mut req, cap).await {
            Ok(body) => body,
            Err(e) => return Ok(req.into_response(super::page::error(&e))),
        };
        let sent = Fields::from_request(req.request(), &body)
            .get("csrf_token")
            .to_string();
        req.set_payload(Payload::from(body));
        let valid = expected.is_some_and(|e| !e.is_empty() && constant_time_eq(&e, &sent));
        if !valid {
            return Err(PageError::Forbidden(
                "This form has expired. Please go back, reload the page and try again.",
            )
            .into());
        }
    }
    match session {
        Some(session) => {
            req.extensions_mut().insert(session);
        }
        None if !open => {
            let to_login = HttpResponse::SeeOther()
                .insert_header((header::LOCATION, login_returning_to(&req.uri().to_string())))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish();
            return Ok(req.into_response(to_login));
        }
        None => {}
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// A browser that names the page's origin must name ours: the base URL's, or the one the
/// request itself was addressed to.
fn same_origin(req: &ServiceRequest, state: &AppState) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let info = req.connection_info();
    let own = format!("{}://{}", info.scheme(), info.host());
    origin == state.settings.base_url.trim_end_matches('/') || origin == own
}

/// The sign-in page, set to come back to `path` (an admin page) afterwards.
pub fn login_returning_to(path: &str) -> String {
    match safe_next(path) {
        Some(next) if next != urls::ADMIN => format!(
            "{}?next={}",
            urls::ADMIN_LOGIN,
            percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
        ),
        _ => urls::ADMIN_LOGIN.to_string(),
    }
}

/// `next` when it is a path of our own admin (never another site, a scheme-relative `//`
/// address, or anything with a backslash or control character), for returning after sign-in.
pub fn safe_next(next: &str) -> Option<&str> {
    let own = next == urls::ADMIN || next.starts_with("/admin/") || next.starts_with("/admin?");
    let harmless =
        !next.contains(['\\', '@']) && !next.contains("//") && !next.chars().any(char::is_control);
    (own && harmless && next.len() <= 2048).then_some(next)
}

/// What a change without a live session is told, in the admin's layout: the session ended,
/// nothing was changed, and a sign-in link that comes back to the page.
fn session_ended(path: &str) -> HttpResponse {
    let table = super::route_table();
    let methods = crate::web::routing::allowed_methods(
        path,
        table
            .iter()
            .map(|r| (format!("/admin{}", r.path), &r.method)),
    );
    let back = if methods.contains(&"GET") {
        path
    } else {
        urls::ADMIN
    };
    super::page::session_ended(&login_returning_to(back))
}

/// The body length the client declares, if it declares one.
fn declared_length(req: &ServiceRequest) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

async fn read_body(req: &mut ServiceRequest, cap: usize) -> Result<Bytes, PageError> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| PageError::Unprocessable("The form arrived incomplete.".into()))?;
        if body.len() + chunk.len() > cap {
            return Err(PageError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The signed-in organizer: a handler that takes one is reachable only with a session.
pub struct Organizer(pub Session);

impl Organizer {
    /// Refuses with 403 unless the organizer's role includes `role`.
    /// [`Organizer::require`], and the password given within the last ten minutes; otherwise
    /// the organizer is sent to give it again and come back to `next`.
    pub fn require_confirmed(
        &self,
        role: crate::organizers::Role,
        next: &str,
    ) -> Result<&Session, PageError> {
        let me = self.require(role)?;
        if me.recently_confirmed(chrono::Utc::now()) {
            Ok(me)
        } else {
            Err(PageError::ConfirmFirst(next.to_string()))
        }
    }

    pub fn require(&self, role: crate::organizers::Role) -> Result<&Session, PageError> {
        if self.0.role.allows(role) {
            Ok(&self.0)
        } else {
            Err(PageError::Forbidden(
                "Your role does not allow this. Ask an owner of this installation.",
            ))
        }
    }
}

impl FromRequest for Organizer {
    type Error = PageError;
    type Future = Ready<Result<Organizer, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Session>()
                .cloned()
                .map(Organizer)
                .ok_or(PageError::Unauthorized),
        )
    }
}
