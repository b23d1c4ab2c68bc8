//! Operations: `/healthz`, `/metrics` (Prometheus text, for allowed addresses or a bearer
//! token), and the request log, which names the
//! route pattern and never the path (paths carry tokens) nor any personal data.

use super::client_ip::client_ip;
use super::{errors, AppState};
use crate::config::Settings;
use crate::db;
use crate::mail::outbox;
use crate::tokens;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use secrecy::ExposeSecret;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Request counters by status class.
#[derive(Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    use super::routing::read;
    cfg.service(web::resource("/healthz").route(read().to(healthz)))
        .service(web::resource("/metrics").route(read().to(metrics)));
}

/// How long `/healthz` waits for a connection: monitors expect an answer within a second.
const HEALTH_CHECKOUT: Duration = Duration::from_millis(700);

/// 200 when the database answers, 503 otherwise, within about a second.
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let ping = db::run_within(&state.pool, HEALTH_CHECKOUT, |conn| {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT 1")?;
        anyhow::Ok(())
    })
    .await;
    match ping {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ok\n"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            errors::retry_later(
                HttpResponse::ServiceUnavailable()
                    .content_type("text/plain")
                    .body("database unreachable\n"),
            )
        }
    }
}

/// Who may read `/metrics`: the addresses in `UNDERSIGN_METRICS_ALLOW`, or anyone with the
/// bearer token `UNDERSIGN_METRICS_TOKEN`. Others get 401 when a token exists (a scraper then
/// knows to send it), else 404, as if there were nothing here.
fn metrics_refusal(req: &HttpRequest, settings: &Settings) -> Option<HttpResponse> {
    let from_allowed = client_ip(req, settings)
        .is_some_and(|ip| settings.metrics_allow.iter().any(|net| net.contains(&ip)));
    if from_allowed {
        return None;
    }
    let Some(token) = &settings.metrics_token else {
        return Some(errors::page_not_found());
    };
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if tokens::secrets_match(presented.trim(), token.expose_secret()) {
        return None;
    }
    Some(
        HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\""))
            .content_type("text/plain")
            .body("a bearer token is required\n"),
    )
}

async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Some(refusal) = metrics_refusal(&req, &state.settings) {
        return refusal;
    }
    let snapshot = db::run(&state.pool, |conn| {
        use crate::db::schema::{campaign_counters, mail_status};
        use diesel::prelude::*;
        let outbox = outbox::counts_by_state(conn)?;
        let confirmed: Vec<i64> = campaign_counters::table
            .select(campaign_counters::signatures)
            .load(conn)?;
        let paused: bool = mail_status::table
            .select(mail_status::paused_at.is_not_null())
            .first(conn)
            .optional()?
            .unwrap_or(false);
        anyhow::Ok((outbox, confirmed.iter().sum::<i64>(), paused))
    })
    .await;
    let mut out = String::new();
    out.push_str("# HELP undersign_http_responses_total HTTP responses by status class.\n");
    out.push_str("# TYPE undersign_http_responses_total counter\n");
    for (i, counter) in state.metrics.by_class.iter().enumerate() {
        let _ = writeln!(
            out,
            "undersign_http_responses_total{{class=\"{}xx\"}} {}",
            i + 1,
            counter.load(Ordering::Relaxed)
        );
    }
    match snapshot {
        Ok((by_state, confirmed, paused)) => {
            out.push_str("# HELP undersign_outbox_messages E-mails in the outbox by state.\n");
            out.push_str("# TYPE undersign_outbox_messages gauge\n");
            for state in crate::mail::OutboxState::ALL {
                let n = by_state
                    .iter()
                    .find(|(s, _)| *s == state)
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                let state = state.as_str();
                let _ = writeln!(out, "undersign_outbox_messages{{state=\"{state}\"}} {n}");
            }
            out.push_str("# HELP undersign_signatures_confirmed Confirmed, counted signatures over all campaigns.\n");
            out.push_str("# TYPE undersign_signatures_confirmed gauge\n");
            let _ = writeln!(out, "undersign_signatures_confirmed {confirmed}");
            out.push_str("# HELP undersign_mail_paused 1 while sending is paused after an SMTP authentication failure.\n");
            out.push_str("# TYPE undersign_mail_paused gauge\n");
            let _ = writeln!(out, "undersign_mail_paused {}", u8::from(paused));
            out.push_str("# TYPE undersign_up gauge\nundersign_up 1\n");
        }
        Err(e) => {
            tracing::error!(error = %e, "metrics: database unreachable");
            out.push_str("# TYPE undersign_up gauge\nundersign_up 0\n");
        }
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(out)
}

/// Counts and logs each request by method, route pattern, status and time taken.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await?;
    let status = res.status().as_u16();
    if let Some(state) = state {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        state.metrics.by_class[class].fetch_add(1, Ordering::Relaxed);
    }
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    tracing::info!(
        %method,
        route,
        status,
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    Ok(res)
}
