//! `/admin/alerts`: editors and owners write an alert, see how many it will reach and who is
//! left out and why, preview it exactly as received, send a test copy to themselves, and
//! send it now (after a 60-second undo window) or at a time; then pause, resume or cancel it
//! and follow its progress (the page refreshes itself while it sends, without JavaScript).
//! Viewers read. A second press of any button answers 409 and changes nothing.

use super::form::Fields;
use super::guard::Organizer;
use super::page;
use crate::alerts::audience::{self, Reach, Spec};
use crate::alerts::compose::{self, DraftError, DraftInput, FieldErrors};
use crate::alerts::control::{self, ControlError, When};
use crate::alerts::message::{compose as compose_message, Recipient};
use crate::alerts::progress::{self, Progress};
use crate::alerts::{self, Alert, AlertState};
use crate::db::schema::campaigns;
use crate::db::types::AlertId;
use crate::db::{self, DbPool};
use crate::organizers::audit::Actor;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Template)]
#[template(path = "admin/alerts.html")]
struct ListPage<'a> {
    me: Option<&'a Session>,
    alerts: Vec<(Alert, Progress)>,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "admin/alert_form.html")]
struct FormPage<'a> {
    me: Option<&'a Session>,
    /// `None`: a new alert.
    id: Option<AlertId>,
    input: DraftInput,
    errors: FieldErrors,
    live: Vec<(String, String)>,
    countries: &'static [(&'static str, &'static str)],
}

#[derive(Template)]
#[template(path = "admin/alert.html")]
struct AlertPage<'a> {
    me: Option<&'a Session>,
    alert: Alert,
    audience: String,
    action: Option<(String, String)>,
    reach: Option<Reach>,
    progress: Progress,
    can_write: bool,
    notice: Option<&'a str>,
    follow_up: Option<AlertId>,
}

impl AlertPage<'_> {
    fn refreshes(&self) -> bool {
        matches!(self.alert.state, AlertState::Sending) && self.progress.under_way()
    }

    fn when(&self, at: &Option<chrono::DateTime<Utc>>) -> String {
        at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default()
    }
}

fn not_found() -> PageError {
    PageError::NotFound {
        title: "Alert not found",
        message: "There is no alert at this address.",
    }
}

/// Recipients above which sending asks for the password again.
const CONFIRM_ABOVE: i64 = 10_000;

fn alert_id(raw: &str) -> Result<AlertId, PageError> {
    uuid::Uuid::parse_str(raw)
        .map(AlertId)
        .map_err(|_| not_found())
}

fn control_error(e: ControlError) -> PageError {
    match e {
        ControlError::Unknown => not_found(),
        ControlError::Conflict { .. } | ControlError::Refused(_) => {
            PageError::Conflict(format!("Nothing changed: {e}."))
        }
        ControlError::Database(e) => PageError::Unavailable(e.into()),
        ControlError::Unavailable(e) => PageError::Unavailable(e.into()),
    }
}

fn live_campaigns(conn: &mut PgConnection) -> QueryResult<Vec<(String, String)>> {
    campaigns::table
        .filter(campaigns::status.eq("live"))
        .order(campaigns::title)
        .select((campaigns::slug, campaigns::title))
        .load(conn)
}

pub async fn list(state: web::Data<AppState>, me: Organizer) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Viewer)?;
    let alerts = db::run(&state.pool, |conn| {
        let mut rows = Vec::new();
        for alert in alerts::list(conn)? {
            let p = progress::of(conn, &alert)?;
            rows.push((alert, p));
        }
        anyhow::Ok(rows)
    })
    .await?;
    page::ok(
        ListPage {
            me: Some(me),
            alerts,
            can_write: me.role.allows(Role::Editor),
        }
        .render(),
    )
}

async fn form_page(
    pool: &DbPool,
    me: &Session,
    id: Option<AlertId>,
    input: DraftInput,
    errors: FieldErrors,
) -> Result<HttpResponse, PageError> {
    let live = db::run(pool, |conn| anyhow::Ok(live_campaigns(conn)?)).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = FormPage {
        me: Some(me),
        id,
        input,
        errors,
        live,
        countries: crate::domain::country::Country::all(),
    }
    .render();
    Ok(page::html(status, body))
}

pub async fn new(state: web::Data<AppState>, me: Organizer) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Editor)?;
    let input = DraftInput {
        audience: "all".into(),
        ..DraftInput::default()
    };
    form_page(&state.pool, me, None, input, FieldErrors::new()).await
}

fn input_from(fields: &Fields) -> DraftInput {
    DraftInput {
        subject: fields.get("subject").to_string(),
        body: fields.get("body").to_string(),
        campaign: fields.get("campaign").to_string(),
        audience: fields.get("audience").to_string(),
        country: fields.get("country").to_string(),
        signers_of: fields.get("signers_of").to_string(),
        include_signed: fields
            .has("include_signed")
            .then(|| fields.get("include_signed").to_string()),
    }
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Editor)?;
    let input = input_from(&Fields::from_request(&req, &body));
    let actor = Actor::Organizer(me.organizer_id);
    let typed = input.clone();
    let created = db::run(&state.pool, move |conn| {
        let draft = compose::check(conn, &typed)?;
        Ok::<_, DraftError>(compose::create(conn, actor, &draft)?)
    })
    .await;
    match created {
        Ok(id) => Ok(page::see_other(&crate::urls::admin_alert(id))),
        Err(DraftError::Invalid(errors)) => form_page(&state.pool, me, None, input, errors).await,
        Err(e) => Err(PageError::Unavailable(e.into())),
    }
}

pub async fn edit(
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Editor)?;
    let id = alert_id(&id)?;
    let input = db::run(&state.pool, move |conn| {
        let alert = alerts::find(conn, id)?;
        anyhow::Ok(match alert {
            Some(alert) if alert.state == AlertState::Draft => {
                Some(compose::input_of(conn, &alert)?)
            }
            Some(_) => None,
            None => return Err(anyhow::anyhow!("missing")),
        })
    })
    .await
    .map_err(|_| not_found())?;
    let Some(input) = input else {
        return Err(PageError::Conflict(
            "Only a draft can be edited: this alert was sent or scheduled.".into(),
        ));
    };
    form_page(&state.pool, me, Some(id), input, FieldErrors::new()).await
}

pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Editor)?;
    let id = alert_id(&id)?;
    let input = input_from(&Fields::from_request(&req, &body));
    let actor = Actor::Organizer(me.organizer_id);
    let typed = input.clone();
    let saved = db::run(&state.pool, move |conn| {
        let draft = compose::check(conn, &typed)?;
        compose::update(conn, actor, id, &draft)
    })
    .await;
    match saved {
        Ok(()) => Ok(page::see_other(&crate::urls::admin_alert(id))),
        Err(DraftError::Invalid(errors)) => {
            form_page(&state.pool, me, Some(id), input, errors).await
        }
        Err(DraftError::Unknown) => Err(not_found()),
        Err(e @ DraftError::NotDraft(_)) => {
            Err(PageError::Conflict(format!("Nothing changed: {e}.")))
        }
        Err(e) => Err(PageError::Unavailable(e.into())),
    }
}

/// The action an alert links to, as its title and slug.
fn action_of(conn: &mut PgConnection, alert: &Alert) -> QueryResult<Option<(String, String)>> {
    match alert.campaign_id {
        Some(id) => campaigns::table
            .find(id.0)
            .select((campaigns::title, campaigns::slug))
            .first(conn)
            .optional(),
        None => Ok(None),
    }
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Viewer)?;
    let id = alert_id(&id)?;
    let cap = state.settings.alert_cap;
    let found = db::run(&state.pool, move |conn| {
        let Some(alert) = alerts::find(conn, id)? else {
            return anyhow::Ok(None);
        };
        let reach = if matches!(alert.state, AlertState::Draft | AlertState::Scheduled)
            && alert.fanned_out_at.is_none()
        {
            Some(audience::reach(conn, &Spec::of(&alert), cap)?)
        } else {
            None
        };
        let progress = progress::of(conn, &alert)?;
        let action = action_of(conn, &alert)?;
        let follow_up = alerts::follow_up_of(conn, id)?;
        Ok(Some((alert, reach, progress, action, follow_up)))
    })
    .await?;
    let Some((alert, reach, progress, action, follow_up)) = found else {
        return Err(not_found());
    };
    let notice = match req.query_string() {
        q if q.contains("done=sent") => {
            Some("Sent. The first messages leave in 60 seconds: cancel before then to undo.")
        }
        q if q.contains("done=scheduled") => {
            Some("Scheduled. Nothing leaves before the time you chose.")
        }
        q if q.contains("done=test") => Some("A test copy is on its way to your own address."),
        q if q.contains("done=paused") => {
            Some("Paused: the remaining messages wait until you resume.")
        }
        q if q.contains("done=resumed") => Some("Resumed: the remaining messages are leaving."),
        q if q.contains("done=cancelled") => Some("Cancelled: no further message will leave."),
        _ => None,
    };
    let audience = alert.audience().describe();
    page::ok(
        AlertPage {
            me: Some(me),
            alert,
            audience,
            action,
            reach,
            progress,
            can_write: me.role.allows(Role::Editor),
            notice,
            follow_up,
        }
        .render(),
    )
}

/// The alert as a supporter named "Ana" would receive it: `html` or `text`.
pub async fn preview(
    state: web::Data<AppState>,
    me: Organizer,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    me.require(Role::Viewer)?;
    let (raw, part) = path.into_inner();
    let id = alert_id(&raw)?;
    let found = db::run(&state.pool, move |conn| {
        let mut loaded = crate::alerts::mail::load_alerts(conn, vec![id.0])?;
        anyhow::Ok(loaded.remove(&id.0).map(|alert| alert.content))
    })
    .await?;
    let Some(content) = found else {
        return Err(not_found());
    };
    let to = Recipient {
        email: "ana@example.org",
        name: Some("Ana"),
        unsubscribe_path: "/unsubscribe/PREVIEW",
        unsubscribe_mailbox: None,
    };
    let message = compose_message(
        &content,
        &to,
        &state.settings.base_url,
        &state.message_id_domain,
        false,
    )
    .map_err(PageError::Unavailable)?;
    let response = match part.as_str() {
        "html" => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            // The preview is shown as the mail client would: no script, no form, no frame.
            .insert_header(("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'"))
            .body(message.html.unwrap_or_default()),
        "text" => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(format!("Subject: {}\n\n{}", message.subject, message.text)),
        _ => return Err(not_found()),
    };
    Ok(response)
}

async fn act<F>(
    state: &AppState,
    me: &Organizer,
    raw: &str,
    done: &str,
    work: F,
) -> Result<HttpResponse, PageError>
where
    F: FnOnce(&mut PgConnection, Actor, AlertId) -> Result<(), ControlError> + Send + 'static,
{
    let me = me.require(Role::Editor)?;
    let id = alert_id(raw)?;
    let actor = Actor::Organizer(me.organizer_id);
    db::run(&state.pool, move |conn| work(conn, actor, id))
        .await
        .map_err(control_error)?;
    Ok(page::see_other(&format!(
        "{}?done={done}",
        crate::urls::admin_alert(id)
    )))
}

pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let fields = Fields::from_request(&req, &body);
    let when = match fields.get("when") {
        "at" => {
            let typed = fields.get("at").trim();
            let at = NaiveDateTime::parse_from_str(typed, "%Y-%m-%dT%H:%M")
                .or_else(|_| NaiveDateTime::parse_from_str(typed, "%Y-%m-%d %H:%M"))
                .map_err(|_| {
                    PageError::Unprocessable(
                        "Give the time to send it, such as 2026-12-05 18:00 (UTC).".into(),
                    )
                })?
                .and_utc();
            if at <= Utc::now() {
                return Err(PageError::Unprocessable(
                    "That time has passed: choose a later one, or send it now.".into(),
                ));
            }
            When::At(at)
        }
        _ => When::Now,
    };
    let cap = state.settings.alert_cap;
    // An alert to a crowd asks for the password again (an account taken over could mail them).
    let alert = alert_id(&id)?;
    let reach = db::run(&state.pool, move |conn| {
        let Some(found) = crate::alerts::find(conn, alert)? else {
            return anyhow::Ok(0);
        };
        let spec = crate::alerts::audience::Spec::of(&found);
        anyhow::Ok(crate::alerts::audience::reach(conn, &spec, cap)?.recipients)
    })
    .await?;
    if reach > CONFIRM_ABOVE {
        me.require_confirmed(Role::Editor, &crate::urls::admin_alert(alert))?;
    }
    let domain = state.message_id_domain.clone();
    let done = if matches!(when, When::At(_)) {
        "scheduled"
    } else {
        "sent"
    };
    act(&state, &me, &id, done, move |conn, actor, id| {
        control::send(conn, actor, id, when, cap, &domain).map(|_| ())
    })
    .await
}

pub async fn test(
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let to = me.0.email.clone();
    let domain = state.message_id_domain.clone();
    act(&state, &me, &id, "test", move |conn, actor, id| {
        control::send_test(conn, actor, id, &to, &domain)
    })
    .await
}

pub async fn pause(
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    act(&state, &me, &id, "paused", |conn, actor, id| {
        control::pause(conn, Some(actor), id, "paused by an organizer").map(|_| ())
    })
    .await
}

pub async fn resume(
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    act(&state, &me, &id, "resumed", |conn, actor, id| {
        control::resume(conn, actor, id).map(|_| ())
    })
    .await
}

pub async fn cancel(
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    act(&state, &me, &id, "cancelled", |conn, actor, id| {
        control::cancel(conn, actor, id).map(|_| ())
    })
    .await
}

pub async fn follow_up(
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Editor)?;
    let id = alert_id(&id)?;
    let actor = Actor::Organizer(me.organizer_id);
    let created = db::run(&state.pool, move |conn| control::follow_up(conn, actor, id))
        .await
        .map_err(control_error)?;
    Ok(page::see_other(&crate::urls::admin_alert(created)))
}
