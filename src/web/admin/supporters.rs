//! `/admin/supporters`: the supporter list by state (subscribed, unsubscribed, bounced,
//! complained), a search by address, and an import from a CSV upload — first a dry run that
//! says what would happen, then "import N supporters". Counts are for every organizer; the
//! search and the import, which show and change personal data, for editors and owners.

use super::form::Fields;
use super::guard::Organizer;
use super::page;
use crate::db;
use crate::organizers::audit::Actor;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::supporters::import::{self, ImportError, ImportReport};
use crate::supporters::list::{self, Counts, Found};
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/supporters.html")]
struct ListPage<'a> {
    me: Option<&'a Session>,
    counts: Counts,
    query: String,
    found: Option<Vec<Found>>,
    can_search: bool,
}

#[derive(Template)]
#[template(path = "admin/supporters_import.html")]
struct ImportPage<'a> {
    me: Option<&'a Session>,
    /// The dry run of the uploaded file, with the file to import for real.
    report: Option<ImportReport>,
    csv: String,
    source: String,
    error: Option<String>,
    done: bool,
}

#[derive(serde::Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
}

pub async fn list(
    state: web::Data<AppState>,
    me: Organizer,
    search: web::Query<Search>,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Viewer)?;
    let can_search = me.role.allows(Role::Editor);
    let query = search.into_inner().q;
    let wanted = query.clone();
    let (counts, found) = db::run(&state.pool, move |conn| {
        let counts = list::counts(conn)?;
        let found = (can_search && !wanted.trim().is_empty())
            .then(|| list::search(conn, &wanted))
            .transpose()?;
        anyhow::Ok((counts, found))
    })
    .await?;
    page::ok(
        ListPage {
            me: Some(me),
            counts,
            query,
            found,
            can_search,
        }
        .render(),
    )
}

pub async fn import_form(me: Organizer) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Editor)?;
    page::ok(
        ImportPage {
            me: Some(me),
            report: None,
            csv: String::new(),
            source: "import".into(),
            error: None,
            done: false,
        }
        .render(),
    )
}

/// A dry run of the uploaded file (`file`, or the `csv` carried back from the dry run's
/// page), or with `confirm` the import itself.
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Editor)?;
    let fields = Fields::from_request(&req, &body);
    let csv = if fields.get("file").trim().is_empty() {
        fields.get("csv").to_string()
    } else {
        fields.get("file").to_string()
    };
    let source = match fields.get("source").trim() {
        "" => "import".to_string(),
        s => s.to_string(),
    };
    let confirm = fields.has("confirm");
    let render = |report, error: Option<String>, status| {
        let done = confirm && error.is_none();
        let body = ImportPage {
            me: Some(me),
            report,
            csv: if done { String::new() } else { csv.clone() },
            source: source.clone(),
            error,
            done,
        }
        .render();
        Ok(page::html(status, body))
    };
    if csv.trim().is_empty() {
        return render(
            None,
            Some("Choose a CSV file to import.".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let (key, actor) = (
        state.settings.secret_key.clone(),
        Actor::Organizer(me.organizer_id),
    );
    let (file, named) = (csv.clone().into_bytes(), source.clone());
    let outcome = db::run(&state.pool, move |conn| {
        import::import(
            conn,
            key.bytes(),
            std::io::Cursor::new(file),
            &named,
            !confirm,
            actor,
            &|_| {},
        )
    })
    .await;
    match outcome {
        Ok(report) => render(Some(report), None, StatusCode::OK),
        Err(ImportError::Unreadable(why)) => render(
            None,
            Some(format!("The file is not a supporter list: {why}.")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(PageError::Unavailable(e.into())),
    }
}
