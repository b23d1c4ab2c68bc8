//! Static assets compiled into the binary: nothing is fetched from anywhere else.

use actix_web::{web, HttpResponse};

const SITE_CSS: &str = include_str!("../../../templates/assets/site.css");

pub async fn asset(name: web::Path<String>) -> HttpResponse {
    match name.as_str() {
        "site.css" => HttpResponse::Ok()
            .content_type("text/css; charset=utf-8")
            .insert_header(("Cache-Control", "public, max-age=86400"))
            .body(SITE_CSS),
        _ => HttpResponse::NotFound()
            .content_type("text/plain")
            .body("not found\n"),
    }
}
