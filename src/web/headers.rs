//! Security headers on every response: a strict CSP with no inline script, no framing, no
//! referrer, no MIME sniffing, and HSTS when the site is served over HTTPS.

use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::HttpResponse;

/// The Content-Security-Policy: everything from this origin only, no scripts at all.
/// `connect-src 'self'` changes nothing for visitors (no script may run to connect anywhere)
/// but lets audit tools that fetch `/robots.txt` from inside the page read it.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Tells browsers to reach this host and its subdomains only over HTTPS for a year.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The headers for every response; `https` adds [`HSTS`] (sent only when the base URL is
/// HTTPS, since over plain HTTP it would lock visitors out of a site without TLS).
pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = if https {
        DefaultHeaders::new().add(("Strict-Transport-Security", HSTS))
    } else {
        DefaultHeaders::new()
    };
    headers
        .add(("Content-Security-Policy", CSP))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
}

/// Marks a page reached through a secret link (confirm, unsubscribe) as never to be stored
/// by a browser or proxy, and never compressed (it carries the secret: BREACH).
pub fn no_store(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    super::compression::never_compress(response)
}
