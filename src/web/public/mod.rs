//! Public pages and endpoints: the campaign list, the action page, signing, confirming, the
//! JSON counter and the static assets.

mod api;
pub mod assets;
mod campaign;
pub use campaign::{preview_page, PreviewBanner};
mod confirm;
mod download;
pub mod form;
pub mod numbers;
mod share;
mod sign;
pub mod trust;
mod unsubscribe;

use crate::web::routing::read;
use actix_web::web;

/// A `{slug}` that is not a slug names no action: the same 404 as an unknown one.
fn action_path() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| campaign::missing().into())
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(read().to(campaign::index)))
        .service(
            web::resource("/c/{slug}")
                .app_data(action_path())
                .route(read().to(campaign::show)),
        )
        .service(
            web::resource("/c/{slug}/sign")
                .app_data(action_path())
                .route(web::post().to(sign::sign))
                .route(read().to(campaign::to_form)),
        )
        .service(
            web::resource("/c/{slug}/thanks")
                .app_data(action_path())
                .route(read().to(campaign::thanks)),
        )
        .service(
            web::resource("/confirm/{token}")
                .route(read().to(confirm::show))
                .route(web::post().to(confirm::confirm)),
        )
        .service(
            web::resource("/unsubscribe/{token}")
                .route(read().to(unsubscribe::show))
                .route(web::post().to(unsubscribe::unsubscribe)),
        )
        .service(
            web::resource("/api/v1/campaigns/{slug}")
                .app_data(action_path())
                .route(read().to(api::campaign)),
        )
        .service(web::resource("/d/{token}").route(read().to(download::csv)))
        .configure(assets::routes);
}
