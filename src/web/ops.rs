//! Operations: `/healthz`, `/metrics` (Prometheus text), and the request log, which names the
//! route pattern and never the path (paths carry tokens) nor any personal data.

use super::AppState;
use crate::db;
use crate::mail::outbox;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

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

/// 200 when the database answers, 503 otherwise.
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let ping = db::run(&state.pool, |conn| {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT 1")?;
        Ok(())
    })
    .await;
    match ping {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ok\n"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unreachable\n")
        }
    }
}

async fn metrics(state: web::Data<AppState>) -> HttpResponse {
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
        Ok((outbox, confirmed.iter().sum::<i64>(), paused))
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
            for state in ["pending", "sent", "failed"] {
                let n = by_state
                    .iter()
                    .find(|(s, _)| s == state)
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
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
