//! The client's address: the TCP peer, or the nearest untrusted hop of `X-Forwarded-For`
//! when the peer is a proxy listed in `UNDERSIGN_TRUSTED_PROXIES`; and the network that
//! address is limited as (an IPv6 client owns a whole /64, not one address).

use crate::config::Settings;
use actix_web::HttpRequest;
use ipnet::Ipv6Net;
use std::net::{IpAddr, SocketAddr};

/// The address to rate-limit on, if any. IPv4-mapped IPv6 addresses come back as IPv4.
pub fn client_ip(req: &HttpRequest, settings: &Settings) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    Some(nearest_untrusted(peer, forwarded, |ip| {
        settings.is_trusted_proxy(ip)
    }))
}

/// Walks `X-Forwarded-For` from the right while the hop is one of our proxies: the first hop
/// that is not is the client; anything further left was written by the client and proves
/// nothing. An element that names no address (`unknown`, an obfuscated name) is stepped
/// over; `ip:port` and `[v6]:port` are read as their address.
fn nearest_untrusted<'a>(
    peer: IpAddr,
    forwarded: impl Iterator<Item = &'a str>,
    trusted: impl Fn(IpAddr) -> bool,
) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted(peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = forwarded
        .flat_map(|v| v.split(','))
        .filter_map(hop_address)
        .collect();
    hops.into_iter()
        .rev()
        .find(|ip| !trusted(*ip))
        .unwrap_or(peer)
}

/// The address in one `X-Forwarded-For` element, if it names one.
fn hop_address(element: &str) -> Option<IpAddr> {
    let element = element.trim().trim_matches('"');
    let ip = element
        .parse::<IpAddr>()
        .ok()
        .or_else(|| element.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            let inner = element.strip_prefix('[')?.strip_suffix(']')?;
            inner.parse::<IpAddr>().ok()
        })?;
    Some(ip.to_canonical())
}

/// The key one client is counted under: an IPv4 address alone, an IPv6 address's
/// `/ipv6_prefix` network (a home or a phone gets a whole /64 and may use any address in it).
pub fn limit_key(ip: IpAddr, ipv6_prefix: u8) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => Ipv6Net::new(v6, ipv6_prefix.min(128))
            .map(|net| net.trunc().to_string())
            .unwrap_or_else(|_| v6.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn each_forwarded_element_is_read_as_an_address_or_stepped_over() {
        let rows = [
            ("203.0.113.7", Some("203.0.113.7")),
            (" 203.0.113.7 ", Some("203.0.113.7")),
            ("203.0.113.7:4711", Some("203.0.113.7")),
            ("2001:db8::1", Some("2001:db8::1")),
            ("[2001:db8::1]", Some("2001:db8::1")),
            ("[2001:db8::1]:4711", Some("2001:db8::1")),
            ("\"[2001:db8::1]:4711\"", Some("2001:db8::1")),
            ("::ffff:203.0.113.7", Some("203.0.113.7")),
            ("unknown", None),
            ("_hidden", None),
            ("", None),
            ("203.0.113", None),
        ];
        for (element, expected) in rows {
            assert_eq!(hop_address(element), expected.map(ip), "{element:?}");
        }
    }

    #[test]
    fn the_walk_steps_over_unreadable_hops_and_stops_at_the_first_untrusted_one() {
        let proxy = |a: IpAddr| a == ip("10.0.0.1") || a == ip("10.0.0.2");
        let rows = [
            (vec!["198.51.100.9, 203.0.113.7"], "203.0.113.7"),
            (vec!["203.0.113.7, unknown"], "203.0.113.7"),
            (vec!["203.0.113.7:5555, 10.0.0.2"], "203.0.113.7"),
            (vec!["[2001:db8::7]:443"], "2001:db8::7"),
            (vec!["198.51.100.9", "203.0.113.7, 10.0.0.2"], "203.0.113.7"),
            (vec!["unknown"], "10.0.0.1"),
            (vec![], "10.0.0.1"),
        ];
        for (headers, expected) in rows {
            let client = nearest_untrusted(ip("10.0.0.1"), headers.iter().copied(), proxy);
            assert_eq!(client, ip(expected), "{headers:?}");
        }
        let untrusted = nearest_untrusted(ip("192.0.2.1"), ["203.0.113.7"].into_iter(), proxy);
        assert_eq!(untrusted, ip("192.0.2.1"), "only our proxies are believed");
        let mapped = nearest_untrusted(ip("::ffff:192.0.2.1"), std::iter::empty(), proxy);
        assert_eq!(mapped, ip("192.0.2.1"));
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_network_and_mapped_ipv4_as_ipv4() {
        let net = |s: &str, prefix| limit_key(ip(s), prefix);
        assert_eq!(net("2001:db8:1:2:aaaa::1", 64), "2001:db8:1:2::/64");
        assert_eq!(net("2001:db8:1:2:ffff::9", 64), "2001:db8:1:2::/64");
        assert_eq!(net("2001:db8:1:2:ffff::9", 56), "2001:db8:1::/56");
        assert_eq!(net("2001:db8::1", 128), "2001:db8::1/128");
        assert_eq!(net("203.0.113.7", 64), "203.0.113.7");
        assert_eq!(net("::ffff:203.0.113.7", 64), "203.0.113.7");
    }
}
