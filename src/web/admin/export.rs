//! `GET /admin/campaigns/{slug}/signatures.csv`: the confirmed signatures as CSV, streamed
//! page by page (keyset on the signature id) so memory stays flat at any size. Every export
//! is written to the audit log with who, when, which campaign and how many rows.

use super::dashboard;
use super::guard::Organizer;
use crate::db::schema::{signatures, supporters};
use crate::db::types::{CampaignId, OrganizerId};
use crate::domain::slug::Slug;
use crate::organizers::{audit, Role};
use crate::signatures::export::{self, ExportRow};
use crate::signatures::SignatureState;
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use uuid::Uuid;

/// Rows read and sent at a time.
const PAGE: i64 = 2000;

pub async fn csv(
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    let organizer = me.require(Role::Editor)?.organizer_id;
    let c = dashboard::load(&state, slug.into_inner()).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let pool = state.pool.clone();
    let campaign = c.campaign_id();
    tokio::task::spawn_blocking(move || {
        let result = pool
            .get()
            .map_err(anyhow::Error::from)
            .and_then(|mut conn| stream(&mut conn, campaign, organizer, &tx));
        if let Err(e) = result {
            tracing::error!(error = format!("{e:#}"), "export failed");
            let _ = tx.blocking_send(Err(std::io::Error::other("export failed")));
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let filename = format!("{}-signatures.csv", c.slug());
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .streaming(body))
}

fn stream(
    conn: &mut PgConnection,
    campaign: CampaignId,
    organizer: OrganizerId,
    tx: &tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> anyhow::Result<()> {
    let mut rows_sent: i64 = 0;
    let mut after: Option<Uuid> = None;
    let mut complete = tx
        .blocking_send(Ok(Bytes::from(format!("{}\n", export::HEADER))))
        .is_ok();
    while complete {
        let mut query = signatures::table
            .inner_join(supporters::table)
            .filter(signatures::campaign_id.eq(campaign))
            .filter(signatures::state.eq(SignatureState::Counted))
            .filter(signatures::confirmed_at.is_not_null())
            .order(signatures::id)
            .limit(PAGE)
            .select((
                signatures::id,
                (
                    signatures::name,
                    supporters::email,
                    signatures::country,
                    signatures::postcode,
                    signatures::comment,
                    signatures::wants_updates,
                    signatures::confirmed_at,
                ),
            ))
            .into_boxed();
        if let Some(after) = after {
            query = query.filter(signatures::id.gt(after));
        }
        let page: Vec<(Uuid, ExportRow)> = query.load(conn)?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = Some(*last);
        let rows: Vec<ExportRow> = page.into_iter().map(|(_, row)| row).collect();
        let mut out = Vec::with_capacity(rows.len() * 80);
        export::write_rows(&mut out, &rows)?;
        rows_sent += rows.len() as i64;
        // A closed channel means the browser went away.
        complete = tx.blocking_send(Ok(Bytes::from(out))).is_ok();
    }
    audit::record(
        conn,
        Some(organizer),
        "export",
        Some(campaign),
        serde_json::json!({ "rows": rows_sent, "complete": complete }),
    )?;
    tracing::info!(campaign_id = %campaign, rows = rows_sent, "signatures exported");
    Ok(())
}
