//! Response compression: gzip or brotli, as the client accepts, except on pages that carry a
//! secret (confirm and unsubscribe links), where compressing a secret beside text an attacker
//! can influence would let them guess it from the sizes (BREACH).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{Compress, Next};
use actix_web::HttpResponse;

/// Compresses every response not marked with [`never_compress`].
pub fn compress() -> Compress {
    Compress::default()
}

/// Marks `response` to leave uncompressed. `Compress` skips a response that already names an
/// encoding; [`drop_identity_marker`] removes the marker before it reaches the client.
pub fn never_compress(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CONTENT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    response
}

/// Removes the `Content-Encoding: identity` that [`never_compress`] set (it is not a content
/// coding a response should name). Wraps [`compress`].
pub async fn drop_identity_marker(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if headers
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v == "identity")
    {
        headers.remove(header::CONTENT_ENCODING);
    }
    Ok(res)
}
