//! `GET /d/{token}`: a batch's CSV for an official when it was too large to attach. The signed
//! token names the batch message and expires after 30 days; the CSV is sent a page at a time
//! as the client reads it (see `streaming`), so memory stays flat whatever the number of
//! signatures and a client that stops reading holds no database connection.

use crate::batches::link::{self, Refused};
use crate::batches::signers::CsvPages;
use crate::db;
use crate::web::errors::PageError;
use crate::web::headers::no_store;
use crate::web::streaming;
use crate::web::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};

pub async fn csv(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = match link::verify(
        state.settings.secret_key.bytes(),
        &token,
        chrono::Utc::now(),
    ) {
        Ok(id) => id,
        Err(Refused::Expired) => {
            return Err(PageError::Gone {
                title: "This download link has expired",
                message: "Download links work for 30 days. Please ask the campaign for a new copy of the list.",
            })
        }
        Err(Refused::Invalid) => return Err(unknown()),
    };
    let slot = state.downloads.take()?;
    let opened = db::run(&state.pool, move |conn| {
        let Some(download) = link::open(conn, id)? else {
            return anyhow::Ok(None);
        };
        let pages = download.pages(conn)?;
        Ok(Some((download.filename, pages)))
    })
    .await?;
    let (filename, pages) = opened.ok_or_else(unknown)?;
    tracing::info!(batch_target_id = %id, "batch CSV downloaded");
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ))
            .streaming(streaming::body(
                state.pool.clone(),
                slot,
                Csv(pages),
                "batch CSV",
            )),
    ))
}

/// The batch's CSV as the download's pages.
struct Csv(CsvPages);

impl streaming::Pages for Csv {
    fn next(&mut self, conn: &mut diesel::PgConnection) -> anyhow::Result<Option<Vec<u8>>> {
        self.0.next(conn)
    }
}

fn unknown() -> PageError {
    PageError::NotFound {
        title: "This download link does not work",
        message: "Please use the link exactly as it appears in the e-mail.",
    }
}
