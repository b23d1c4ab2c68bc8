//! The machine's ceiling for HTTP reads: a trivial actix-web handler with the same server
//! settings as `undersign serve`. `benches/run` loads it with the same wrk settings as the
//! action page and reports the page's rate as a share of this one.

use actix_web::{web, App, HttpResponse, HttpServer};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8099".into());
    HttpServer::new(|| {
        App::new().route(
            "/",
            web::get().to(|| async { HttpResponse::Ok().content_type("text/plain").body("ok") }),
        )
    })
    .bind(bind)?
    .run()
    .await
}
