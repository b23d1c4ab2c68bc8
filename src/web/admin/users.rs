//! `/admin/users`: owners see who can sign in and with which role, invite people by e-mail
//! address and role (the link is e-mailed to them through the outbox, and shown once to pass
//! on another way), change roles and remove access.
//! Every change is audit-logged; the server refuses all of it to anyone but an owner.

use super::form::Fields;
use super::guard::Organizer;
use super::page;
use crate::db;
use crate::db::types::OrganizerId;
use crate::mail::{messages, outbox};
use crate::organizers::manage::{self, Refused};
use crate::organizers::sessions::Session;
use crate::organizers::{self, invitations, CreateError, Role};
use crate::web::errors::PageError;
use crate::web::{urls, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use diesel::{Connection, PgConnection};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage<'a> {
    me: Option<&'a Session>,
    people: Vec<organizers::Organizer>,
    pending: Vec<invitations::Invitation>,
    roles: [Role; 3],
    email: &'a str,
    role: Role,
    errors: BTreeMap<&'static str, String>,
    /// The invitation just made: its link is shown this once, never stored.
    new_link: Option<Invited>,
}

/// An invitation just e-mailed, and its link.
struct Invited {
    email: String,
    link: String,
}

async fn render(
    state: &AppState,
    me: &Session,
    status: StatusCode,
    form: (&str, Role, BTreeMap<&'static str, String>),
    new_link: Option<Invited>,
) -> Result<HttpResponse, PageError> {
    let (people, pending) = db::run(&state.pool, |conn| {
        anyhow::Ok((organizers::list(conn)?, invitations::pending(conn)?))
    })
    .await?;
    let body = UsersPage {
        me: Some(me),
        people,
        pending,
        roles: [Role::Viewer, Role::Editor, Role::Owner],
        email: form.0,
        role: form.1,
        errors: form.2,
        new_link,
    }
    .render();
    Ok(page::html(status, body))
}

pub async fn list(state: web::Data<AppState>, me: Organizer) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Owner)?;
    let form = ("", Role::Editor, BTreeMap::new());
    render(&state, me, StatusCode::OK, form, None).await
}

fn role_field(fields: &Fields) -> Result<Role, PageError> {
    Role::parse(fields.get("role"))
        .ok_or_else(|| PageError::Unprocessable("Choose owner, editor or viewer.".into()))
}

pub async fn invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Owner)?;
    let fields = Fields::from_request(&req, &body);
    let typed = fields.get("email").trim().to_string();
    let role = role_field(&fields)?;
    let email = match crate::domain::email::SignerEmail::parse(&typed) {
        Ok(email) => email,
        Err(e) => {
            let errors = BTreeMap::from([("email", e.to_string())]);
            return render(
                &state,
                me,
                StatusCode::UNPROCESSABLE_ENTITY,
                (&typed, role, errors),
                None,
            )
            .await;
        }
    };
    let by = me.organizer_id;
    let base = state.settings.base_url.trim_end_matches('/').to_string();
    let site = state.site_name();
    let domain = state.message_id_domain.clone();
    let invited = email.as_typed().to_string();
    let issued = db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            let token = match invitations::issue(conn, &email, role, by) {
                Ok(token) => token,
                Err(problem) => return Ok(Err(problem)),
            };
            let link = format!("{base}{}", urls::admin_accept(&token));
            let mail = messages::invitation(email.as_typed(), &site, role.as_str(), &link)?;
            outbox::enqueue(conn, &mail, &domain)?;
            Ok::<_, anyhow::Error>(Ok(link))
        })
    })
    .await?;
    match issued {
        Ok(link) => {
            tracing::info!("organizer invited");
            let form = ("", Role::Editor, BTreeMap::new());
            let invited = Invited {
                email: invited,
                link,
            };
            render(&state, me, StatusCode::OK, form, Some(invited)).await
        }
        Err(CreateError::Storage(e)) => Err(PageError::Unavailable(e.into())),
        Err(problem) => {
            let errors = BTreeMap::from([("email", problem.to_string())]);
            render(
                &state,
                me,
                StatusCode::UNPROCESSABLE_ENTITY,
                (&typed, role, errors),
                None,
            )
            .await
        }
    }
}

fn refused(problem: Refused) -> PageError {
    match problem {
        Refused::NotFound => PageError::NotFound {
            title: "Organizer not found",
            message: "There is no such organizer, or their access was removed already.",
        },
        Refused::Storage(e) => PageError::Unavailable(e.into()),
        other => PageError::Conflict(other.to_string()),
    }
}

/// Applies `change` to an account (the service records it in the audit log); a refusal
/// becomes its page.
async fn change_account<F>(state: &AppState, change: F) -> Result<HttpResponse, PageError>
where
    F: FnOnce(&mut PgConnection) -> Result<(), Refused> + Send + 'static,
{
    db::run(&state.pool, move |conn| anyhow::Ok(change(conn)))
        .await?
        .map_err(refused)?;
    Ok(page::see_other(urls::ADMIN_USERS))
}

pub async fn change_role(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let by = me
        .require_confirmed(Role::Owner, crate::urls::ADMIN_USERS)?
        .organizer_id;
    let role = role_field(&Fields::from_request(&req, &body))?;
    let id = OrganizerId(id.into_inner());
    change_account(&state, move |conn| {
        manage::set_role(conn, by, id, role).map(|_| ())
    })
    .await
}

pub async fn remove(
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let by = me.require(Role::Owner)?.organizer_id;
    let id = OrganizerId(id.into_inner());
    change_account(&state, move |conn| manage::remove(conn, by, id)).await
}

pub async fn revoke(
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let by = me.require(Role::Owner)?.organizer_id;
    let id = id.into_inner();
    db::run(&state.pool, move |conn| {
        invitations::revoke(conn, id, crate::organizers::audit::Actor::Organizer(by))?;
        anyhow::Ok(())
    })
    .await?;
    Ok(page::see_other(urls::ADMIN_USERS))
}
