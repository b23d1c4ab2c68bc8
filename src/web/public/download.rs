//! `GET /d/{token}`: a batch's CSV for an official when it was too large to attach. The signed
//! token names the batch message and expires after 30 days; the CSV is streamed from the
//! database as it is read, so memory stays flat whatever the number of signatures.

use crate::batches::link::{self, Refused};
use crate::db;
use crate::web::errors::PageError;
use crate::web::headers::no_store;
use crate::web::AppState;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use tokio::sync::mpsc;

/// Bytes gathered before a chunk goes to the client.
const CHUNK: usize = 64 * 1024;

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
    let download = db::run(&state.pool, move |conn| link::open(conn, id))
        .await?
        .ok_or_else(unknown)?;
    tracing::info!(batch_target_id = %id, "batch CSV downloaded");
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let pool = state.pool.clone();
    let filename = download.filename.clone();
    tokio::task::spawn_blocking(move || {
        let written = pool
            .get()
            .map_err(anyhow::Error::from)
            .and_then(|mut conn| link::write(&mut conn, &download, Chunks::new(tx.clone())));
        if let Err(e) = written {
            // The client sees a cut-off body; the reason stays in the log.
            tracing::warn!(batch_target_id = %id, error = format!("{e:#}"), "batch CSV download stopped");
            let _ = tx.blocking_send(Err(std::io::Error::other("the download stopped")));
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ))
            .streaming(body),
    ))
}

fn unknown() -> PageError {
    PageError::NotFound {
        title: "This download link does not work",
        message: "Please use the link exactly as it appears in the e-mail.",
    }
}

/// An `io::Write` that hands the client chunks of [`CHUNK`] bytes; it fails once the client
/// has gone, which stops reading the database.
struct Chunks {
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buffer: Vec<u8>,
}

impl Chunks {
    fn new(tx: mpsc::Sender<Result<Bytes, std::io::Error>>) -> Chunks {
        Chunks {
            tx,
            buffer: Vec::with_capacity(CHUNK),
        }
    }

    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client left"))
    }
}

impl std::io::Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}
