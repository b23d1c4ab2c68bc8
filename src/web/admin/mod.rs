//! The organizers' side under `/admin`: one module per screen, all behind [`guard::guard`].
//! [`route_table`] is the single list the scope is built from, so tests can walk it.

pub mod account;
pub mod actions;
pub mod alerts;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod chart;
pub mod confirm;
pub mod dashboard;
pub mod deliveries;
pub mod edit;
pub mod edit_form;
pub mod export;
pub mod form;
pub mod guard;
pub mod join;
pub mod managed;
pub mod new_campaign;
pub mod page;
pub mod preview;
pub mod problems;
pub mod removal;
pub mod reset;
pub mod returned;
pub mod signatures;
pub mod supporter;
pub mod supporters;
pub mod users;

use actix_web::http::Method;
use actix_web::{web, Route};

/// One admin route: its method, its path under `/admin`, and how to build its handler.
pub struct AdminRoute {
    pub method: Method,
    pub path: &'static str,
    pub route: fn() -> Route,
}

const fn get(path: &'static str, route: fn() -> Route) -> AdminRoute {
    AdminRoute {
        method: Method::GET,
        path,
        route,
    }
}

const fn post(path: &'static str, route: fn() -> Route) -> AdminRoute {
    AdminRoute {
        method: Method::POST,
        path,
        route,
    }
}

/// Every route under `/admin`, as registered.
pub fn route_table() -> Vec<AdminRoute> {
    vec![
        get("/admin.css", || web::get().to(auth::stylesheet)),
        get("/login", || web::get().to(auth::login_form)),
        post("/login", || web::post().to(auth::login)),
        post("/logout", || web::post().to(auth::logout)),
        get("/password-reset", || web::get().to(reset::request_form)),
        post("/password-reset", || web::post().to(reset::request)),
        get("/password-reset/{token}", || {
            web::get().to(reset::choose_form)
        }),
        post("/password-reset/{token}", || web::post().to(reset::choose)),
        get("/setup/{token}", || web::get().to(auth::setup_form)),
        post("/setup/{token}", || web::post().to(auth::setup)),
        get("", || web::get().to(campaigns::list)),
        get("/campaigns/new", || web::get().to(new_campaign::form)),
        post("/campaigns", || web::post().to(new_campaign::create)),
        get("/campaigns/{slug}", || web::get().to(dashboard::show)),
        get("/campaigns/{slug}/edit", || web::get().to(edit::form)),
        post("/campaigns/{slug}/edit", || web::post().to(edit::save)),
        get("/campaigns/{slug}/preview", || web::get().to(preview::page)),
        get("/campaigns/{slug}/preview/messages", || {
            web::get().to(preview::messages)
        }),
        post("/campaigns/{slug}/preview/send-test", || {
            web::post().to(preview::send_test)
        }),
        get("/campaigns/{slug}/signatures.csv", || {
            web::get().to(export::csv)
        }),
        get("/campaigns/{slug}/signatures", || {
            web::get().to(signatures::list)
        }),
        get("/campaigns/{slug}/held", || web::get().to(signatures::held)),
        post("/campaigns/{slug}/signatures/{signature}/release", || {
            web::post().to(signatures::release)
        }),
        get("/campaigns/{slug}/deliveries", || {
            web::get().to(deliveries::show)
        }),
        post("/campaigns/{slug}/deliver-now", || {
            web::post().to(deliveries::deliver_now)
        }),
        post("/campaigns/{slug}/launch", || {
            web::post().to(actions::launch)
        }),
        post("/campaigns/{slug}/close", || web::post().to(actions::close)),
        post("/campaigns/{slug}/reopen", || {
            web::post().to(actions::reopen)
        }),
        post("/campaigns/{slug}/archive", || {
            web::post().to(actions::archive)
        }),
        get("/users", || web::get().to(users::list)),
        post("/users/invite", || web::post().to(users::invite)),
        post("/users/{id}/role", || web::post().to(users::change_role)),
        post("/users/{id}/remove", || web::post().to(users::remove)),
        post("/users/invitations/{id}/revoke", || {
            web::post().to(users::revoke)
        }),
        get("/users/accept/{token}", || web::get().to(join::form)),
        post("/users/accept/{token}", || web::post().to(join::accept)),
        get("/alerts", || web::get().to(alerts::list)),
        get("/alerts/new", || web::get().to(alerts::new)),
        post("/alerts", || web::post().to(alerts::create)),
        get("/alerts/{id}", || web::get().to(alerts::show)),
        get("/alerts/{id}/edit", || web::get().to(alerts::edit)),
        post("/alerts/{id}/edit", || web::post().to(alerts::save)),
        get("/alerts/{id}/preview/{part}", || {
            web::get().to(alerts::preview)
        }),
        post("/alerts/{id}/test", || web::post().to(alerts::test)),
        post("/alerts/{id}/send", || web::post().to(alerts::send)),
        post("/alerts/{id}/pause", || web::post().to(alerts::pause)),
        post("/alerts/{id}/resume", || web::post().to(alerts::resume)),
        post("/alerts/{id}/cancel", || web::post().to(alerts::cancel)),
        post("/alerts/{id}/follow-up", || {
            web::post().to(alerts::follow_up)
        }),
        get("/supporters", || web::get().to(supporters::list)),
        get("/supporters/import", || {
            web::get().to(supporters::import_form)
        }),
        post("/supporters/import", || web::post().to(supporters::import)),
        get("/supporters/returned", || web::get().to(returned::show)),
        get("/supporters/{id}", || web::get().to(supporter::show)),
        get("/supporters/{id}/export", || {
            web::get().to(supporter::export)
        }),
        post("/supporters/{id}/erase", || {
            web::post().to(supporter::erase)
        }),
        get("/audit", || web::get().to(audit::list)),
        get("/confirm", || web::get().to(confirm::show)),
        post("/confirm", || web::post().to(confirm::confirm)),
        get("/account", || web::get().to(account::show)),
        post("/account/sessions/{id}/end", || {
            web::post().to(account::end_session)
        }),
        post("/account/password", || {
            web::post().to(account::change_password)
        }),
        get("/campaigns/{slug}/confirm/{action}", || {
            web::get().to(removal::confirm)
        }),
        post("/campaigns/{slug}/delete", || {
            web::post().to(removal::delete)
        }),
        post("/campaigns/{slug}/unarchive", || {
            web::post().to(removal::unarchive)
        }),
        post(
            "/campaigns/{slug}/signatures/{signature}/invalidate",
            || web::post().to(signatures::invalidate),
        ),
    ]
}

/// What every admin page is sent with, unless its handler says otherwise: never stored, and
/// `Referrer-Policy: same-origin` — under the public pages' `no-referrer` browsers post forms
/// with `Origin: null`, which the guard's origin check must refuse; this way admin pages
/// name their own origin to themselves and still nothing to other sites.
fn admin_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .add((actix_web::http::header::REFERRER_POLICY, "same-origin"))
}

/// The `/admin` scope: the guard in front of every route in [`route_table`].
pub fn scope() -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let mut scope = web::scope("/admin")
        .app_data(web::PayloadConfig::new(guard::MAX_BODY_BYTES))
        .wrap(actix_web::middleware::from_fn(guard::guard))
        .wrap(admin_headers());
    for r in route_table() {
        scope = scope.route(r.path, (r.route)());
    }
    scope.default_service(web::to(unmatched))
}

/// A path in [`route_table`] asked with a method it does not take answers `405` with the
/// methods it does take in `Allow`; any other path is not found.
async fn unmatched(req: actix_web::HttpRequest) -> actix_web::HttpResponse {
    let table = route_table();
    let methods = crate::web::routing::allowed_methods(
        req.path(),
        table
            .iter()
            .map(|r| (format!("/admin{}", r.path), &r.method)),
    );
    if methods.is_empty() {
        return page::error(&crate::web::errors::PageError::not_found());
    }
    let mut response = page::message(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        "Not this way",
        "This address does not take that kind of request. Please use its page or form.",
    );
    if let Ok(allow) = actix_web::http::header::HeaderValue::from_str(&methods.join(", ")) {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, allow);
    }
    response
}
