//! `GET /admin/campaigns/new` and `POST /admin/campaigns`: an editor pastes a letter (field
//! `letter`) or uploads its file (`letter_file`); the importer the CLI uses stores it as a
//! draft and the editor opens (303). A letter that cannot be read comes back (422) with the
//! reason and the pasted text kept; nothing is stored.

use super::form::Fields;
use super::guard::Organizer;
use super::page;
use super::problems::{sentence, Problems};
use crate::campaigns::import::{self, ImportError};
use crate::db;
use crate::domain::letter_file::parse_letter_file;
use crate::organizers::audit::Actor;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::{urls, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/new.html")]
struct NewPage<'a> {
    me: Option<&'a Session>,
    letter: &'a str,
    problems: &'a Problems,
}

impl NewPage<'_> {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems.get(field)
    }
}

fn render(status: StatusCode, me: &Session, letter: &str, problems: &Problems) -> HttpResponse {
    page::html(
        status,
        NewPage {
            me: Some(me),
            letter,
            problems,
        }
        .render(),
    )
}

pub async fn form(me: Organizer) -> Result<HttpResponse, PageError> {
    let session = me.require(Role::Editor)?;
    Ok(render(StatusCode::OK, session, "", &Problems::default()))
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let session = me.require(Role::Editor)?;
    let fields = Fields::from_request(&req, &body);
    let pasted = fields.get("letter").replace("\r\n", "\n");
    let uploaded = fields.get("letter_file");
    // An uploaded file wins: choosing one is the more deliberate act.
    let (field, text) = if uploaded.trim().is_empty() {
        ("letter", pasted.clone())
    } else {
        ("letter_file", uploaded.replace("\r\n", "\n"))
    };
    let refuse = |message: String| {
        let mut problems = Problems::default();
        problems.add(field, message);
        Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            session,
            &pasted,
            &problems,
        ))
    };
    if text.trim().is_empty() {
        return refuse("Paste the letter, or choose its file.".into());
    }
    if text.contains('\0') || text.contains('\u{FFFD}') {
        return refuse(
            "This is not plain text: save the letter as UTF-8 text (.txt or .md) and try again."
                .into(),
        );
    }
    let parsed = match parse_letter_file(&text) {
        Ok(parsed) => parsed,
        Err(e) => return refuse(sentence(&e.to_string()) + "."),
    };
    let organizer = session.organizer_id;
    let outcome = db::run(&state.pool, move |conn| {
        anyhow::Ok(import::import(
            conn,
            &parsed,
            &text,
            false,
            Actor::Organizer(organizer),
        ))
    })
    .await?;
    match outcome {
        Ok(imported) => {
            state.cache.forget(&imported.slug);
            tracing::info!(campaign_id = %imported.id, "campaign created");
            Ok(page::see_other(&urls::admin_campaign_part(
                &imported.slug,
                "edit",
            )))
        }
        Err(ImportError::Storage(e)) => Err(PageError::Unavailable(e.into())),
        Err(ImportError::Encoding(e)) => Err(PageError::Unavailable(e.into())),
        Err(e @ ImportError::SlugTaken(_)) => refuse(format!(
            "{}: change `slug` in the front matter, or remove it to have one made from the title.",
            sentence(&e.to_string())
        )),
        Err(e) => refuse(sentence(&e.to_string()) + "."),
    }
}
