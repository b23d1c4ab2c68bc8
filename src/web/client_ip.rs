//! The client's address: the TCP peer, or the nearest untrusted hop of `X-Forwarded-For`
//! when the peer is a proxy listed in `UNDERSIGN_TRUSTED_PROXIES`.

use crate::config::Settings;
use actix_web::HttpRequest;
use std::net::IpAddr;

/// The address to rate-limit on, if any.
pub fn client_ip(req: &HttpRequest, settings: &Settings) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !settings.is_trusted_proxy(peer) {
        return Some(peer);
    }
    // Walk the chain from the right: the first hop that is not one of our proxies is the
    // client. Anything further left was written by the client and proves nothing.
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|part| part.trim().parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !settings.is_trusted_proxy(*ip))
            .unwrap_or(peer),
    )
}
