//! Public pages and endpoints: the campaign list, the action page, signing, confirming, the
//! JSON counter and the static assets.

mod api;
mod assets;
mod campaign;
mod confirm;
pub mod form;
mod sign;
mod unsubscribe;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(campaign::index))
        .route("/c/{slug}", web::get().to(campaign::show))
        .route("/c/{slug}/sign", web::post().to(sign::sign))
        .route("/c/{slug}/thanks", web::get().to(campaign::thanks))
        .route("/confirm/{token}", web::get().to(confirm::show))
        .route("/confirm/{token}", web::post().to(confirm::confirm))
        .route("/unsubscribe/{token}", web::get().to(unsubscribe::show))
        .route(
            "/unsubscribe/{token}",
            web::post().to(unsubscribe::unsubscribe),
        )
        .route("/api/v1/campaigns/{slug}", web::get().to(api::campaign))
        .route("/assets/{name}", web::get().to(assets::asset));
}
