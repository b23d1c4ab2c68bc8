//! Static assets compiled into the binary: nothing is fetched from anywhere else. Each is
//! served under a URL that carries a hash of its content, so browsers may keep it for a year:
//! a changed file gets a new URL. `/favicon.ico` and `/robots.txt` live where clients look.

use crate::web::routing::read;
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

struct Asset {
    /// The file's name in `templates/assets/`: `site.css`.
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
    /// `site.3f9a1c2b7d4e.css`.
    hashed: String,
}

impl Asset {
    fn new(name: &'static str, content_type: &'static str, body: &'static str) -> Asset {
        let digest = hex::encode(Sha256::digest(body.as_bytes()));
        let hashed = match name.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}.{}.{ext}", &digest[..12]),
            None => format!("{name}.{}", &digest[..12]),
        };
        Asset {
            name,
            content_type,
            body,
            hashed,
        }
    }

    fn response(&self, cache_control: &'static str) -> HttpResponse {
        HttpResponse::Ok()
            .content_type(self.content_type)
            .insert_header(("Cache-Control", cache_control))
            .body(self.body)
    }
}

static ASSETS: LazyLock<[Asset; 2]> = LazyLock::new(|| {
    [
        Asset::new(
            "site.css",
            "text/css; charset=utf-8",
            include_str!("../../../templates/assets/site.css"),
        ),
        Asset::new(
            "favicon.svg",
            "image/svg+xml",
            include_str!("../../../templates/assets/favicon.svg"),
        ),
    ]
});

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For the unversioned names, which pages from before a change may still ask for.
const SHORT: &str = "public, max-age=3600";

const ROBOTS: &str =
    "User-agent: *\nDisallow: /confirm/\nDisallow: /unsubscribe/\nDisallow: /api/\n";

/// The URL of the asset named `name` (as in `templates/assets/`), with its content hash.
pub fn url(name: &str) -> String {
    match named(name) {
        Some(asset) => format!("/assets/{}", asset.hashed),
        None => format!("/assets/{name}"),
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/assets/{name}").route(read().to(asset)))
        .service(web::resource("/favicon.ico").route(read().to(favicon)))
        .service(web::resource("/robots.txt").route(read().to(robots)));
}

async fn asset(name: web::Path<String>) -> HttpResponse {
    let name = name.as_str();
    if let Some(asset) = ASSETS.iter().find(|a| a.hashed == name) {
        return asset.response(IMMUTABLE);
    }
    match named(name) {
        Some(asset) => asset.response(SHORT),
        None => HttpResponse::NotFound()
            .content_type("text/plain")
            .body("not found\n"),
    }
}

fn named(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

async fn favicon() -> HttpResponse {
    match named("favicon.svg") {
        Some(icon) => icon.response(SHORT),
        None => HttpResponse::NotFound().finish(),
    }
}

async fn robots() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(ROBOTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_urls_carry_a_hash_of_the_content() {
        let css = url("site.css");
        assert!(
            css.starts_with("/assets/site.") && css.ends_with(".css"),
            "{css}"
        );
        assert_eq!(css.len(), "/assets/site..css".len() + 12);
        assert_ne!(url("favicon.svg"), "/assets/favicon.svg");
    }
}
