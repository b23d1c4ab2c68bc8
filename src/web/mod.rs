//! The HTTP side: [`Application::build`] binds its own listener (port 0 in tests), wires the
//! shared state, the security middleware and the routes. The outbox worker runs beside it
//! (see `cli`), not inside it.

pub mod admin;
pub mod client_ip;
pub mod compression;
pub mod error_pages;
pub mod errors;
pub mod headers;
pub mod limits;
pub mod ops;
pub mod public;
pub mod routing;
pub mod streaming;
pub use crate::urls;

use crate::campaigns::cache::CampaignCache;
use crate::config::Settings;
use crate::db::DbPool;
use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;
use std::sync::Arc;

/// Largest request body accepted; a sign form is far smaller.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Officials' CSV downloads that may run at once, and organizers' exports: together well
/// under the pool's connections, so signing always finds one.
pub const DOWNLOADS_AT_ONCE: usize = 4;
pub const EXPORTS_AT_ONCE: usize = 2;

/// What every handler can reach.
pub struct AppState {
    pub settings: Settings,
    pub pool: DbPool,
    pub message_id_domain: String,
    pub metrics: ops::Metrics,
    /// Campaigns and their rendered public answers; every change calls `forget(slug)`.
    pub cache: CampaignCache,
    /// Bounds the password hashes running at once (sign-in, setup, invitations).
    pub hashing: crate::organizers::hashing::HashGate,
    /// Officials' CSV downloads running at once.
    pub downloads: streaming::Slots,
    /// Organizers' signature exports running at once.
    pub exports: streaming::Slots,
}

impl AppState {
    /// What signing and releasing need to write a supporter's e-mail.
    /// The name e-mails to organizers give the installation: its host.
    pub fn site_name(&self) -> String {
        url::Url::parse(&self.settings.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| self.settings.base_url.clone())
    }

    pub fn mail_context(&self) -> crate::signatures::MailContext<'_> {
        crate::signatures::MailContext {
            base_url: &self.settings.base_url,
            message_id_domain: &self.message_id_domain,
            secret_key: self.settings.secret_key.bytes(),
        }
    }
}

/// A bound, not yet running, web server.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds `settings.bind` and prepares the server on `pool`.
    pub fn build(settings: Settings, pool: DbPool) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let https = settings.is_https();
        let workers = std::thread::available_parallelism().map_or(2, usize::from);
        let max_connections = limits::connections_per_worker(limits::open_file_limit(), workers);
        let state = web::Data::from(Arc::new(AppState {
            message_id_domain: settings.message_id_domain(),
            settings,
            pool: pool.clone(),
            metrics: ops::Metrics::default(),
            cache: CampaignCache::default(),
            hashing: crate::organizers::hashing::HashGate::for_this_machine(),
            downloads: streaming::Slots::new(
                DOWNLOADS_AT_ONCE,
                "Several people are downloading lists right now. Please try the link again in a minute.",
            ),
            exports: streaming::Slots::new(
                EXPORTS_AT_ONCE,
                "Other exports are running right now. Please try again in a minute.",
            ),
        }));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
                .wrap(actix_web::middleware::from_fn(limits::bound_body_time))
                .wrap(actix_web::middleware::from_fn(
                    error_pages::style_framework_errors,
                ))
                .wrap(compression::compress())
                .wrap(actix_web::middleware::from_fn(
                    compression::drop_identity_marker,
                ))
                .wrap(headers::security_headers(https))
                .wrap(actix_web::middleware::from_fn(ops::observe))
                .service(admin::scope())
                .configure(public::routes)
                .configure(ops::routes)
                .default_service(web::to(errors::not_found))
        })
        .workers(workers)
        .max_connections(max_connections)
        .client_request_timeout(limits::HEADER_TIMEOUT)
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        Ok(Application { port, server })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is asked to stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
