//! `POST /c/{slug}/sign`: parse the form, record the signature with its e-mail, and answer
//! 303 to the thank-you page whether the address is new, a duplicate or held.

use super::campaign;
use super::form::{FieldErrors, SignForm};
use crate::db;
use crate::signatures::{self, Origin};
use crate::tokens;
use crate::web::client_ip::{client_ip, limit_key};
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;

pub async fn sign(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<crate::domain::slug::Slug>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(PageError::UnsupportedMediaType);
    }
    // Signing needs the campaign, not its latest count: the cached copy will do.
    let (c, _) = campaign::load_cached(&state, slug.into_inner()).await?;
    let form = SignForm::from_body(&body);
    let source = campaign::source_of(req.query_string());
    if !c.is_open(Utc::now()) {
        let mut errors = FieldErrors::new();
        errors.insert("form", "This action is not taking signatures.".into());
        return Ok(campaign::render_from(
            &state,
            &c,
            &form,
            &errors,
            StatusCode::CONFLICT,
            source,
        ));
    }
    let new = match form.parse() {
        Ok(new) => new,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(campaign::render_from(
                &state, &c, &form, &errors, status, source,
            ));
        }
    };
    let origin = Origin {
        ip_hash: client_ip(&req, &state.settings).map(|ip| {
            let key = limit_key(ip, state.settings.ipv6_limit_prefix);
            tokens::keyed_hash(state.settings.secret_key.bytes(), &key)
        }),
        honeypot: form.is_bot(),
        source,
    };
    let thanks = crate::urls::thanks(c.slug());
    let campaign_id = c.id();
    let app = state.clone();
    let outcome = db::run(&state.pool, move |conn| {
        signatures::sign(conn, &c, &new, &origin, &app.mail_context())
    })
    .await?;
    tracing::info!(campaign_id = %campaign_id, outcome = ?outcome, "signature received");
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, thanks))
        .finish())
}
