//! `GET /admin/campaigns/{slug}/signatures.csv`: the confirmed signatures as CSV, sent page by
//! page (keyset on the signature id, see `streaming`) so memory stays flat at any size and a
//! stalled browser holds no database connection. Every export
//! is written to the audit log with who, when, which campaign and how many rows.

use super::guard::Organizer;
use super::managed::ManagedCampaign;
use crate::db::schema::{signatures, supporters};
use crate::db::types::{CampaignId, OrganizerId};
use crate::organizers::{audit, Role};
use crate::signatures::export::{self, ExportRow};
use crate::signatures::SignatureState;
use crate::web::errors::PageError;
use crate::web::streaming::{self, Pages};
use crate::web::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use uuid::Uuid;

/// Rows read and sent at a time.
const PAGE: i64 = 2000;

pub async fn csv(
    state: web::Data<AppState>,
    me: Organizer,
    ManagedCampaign(c): ManagedCampaign,
) -> Result<HttpResponse, PageError> {
    let here = crate::urls::admin_campaign_part(c.slug(), "signatures.csv");
    let organizer = me.require_confirmed(Role::Editor, &here)?.organizer_id;
    let slot = state.exports.take()?;
    let filename = format!("{}-signatures.csv", c.slug());
    let pages = Export {
        campaign: c.campaign_id(),
        organizer,
        header_sent: false,
        after: None,
        rows_sent: 0,
    };
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .streaming(streaming::body(
            state.pool.clone(),
            slot,
            pages,
            "signature export",
        )))
}

/// Where an export has got to: keyset on the signature id.
struct Export {
    campaign: CampaignId,
    organizer: OrganizerId,
    header_sent: bool,
    after: Option<Uuid>,
    rows_sent: i64,
}

impl Pages for Export {
    fn next(&mut self, conn: &mut PgConnection) -> anyhow::Result<Option<Vec<u8>>> {
        if !self.header_sent {
            self.header_sent = true;
            return Ok(Some(format!("{}\n", export::HEADER).into_bytes()));
        }
        let mut query = signatures::table
            .inner_join(supporters::table)
            .filter(signatures::campaign_id.eq(self.campaign))
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
        if let Some(after) = self.after {
            query = query.filter(signatures::id.gt(after));
        }
        let page: Vec<(Uuid, ExportRow)> = query.load(conn)?;
        let Some((last, _)) = page.last() else {
            return Ok(None);
        };
        self.after = Some(*last);
        let rows: Vec<ExportRow> = page.into_iter().map(|(_, row)| row).collect();
        let mut out = Vec::with_capacity(rows.len() * 80);
        export::write_rows(&mut out, &rows)?;
        self.rows_sent += rows.len() as i64;
        Ok(Some(out))
    }

    fn finished(&mut self, conn: &mut PgConnection, complete: bool) -> anyhow::Result<()> {
        audit::record(
            conn,
            audit::Actor::Organizer(self.organizer),
            audit::Action::Export,
            Some(self.campaign),
            serde_json::json!({ "rows": self.rows_sent, "complete": complete }),
        )?;
        tracing::info!(campaign_id = %self.campaign, rows = self.rows_sent, complete, "signatures exported");
        Ok(())
    }
}
