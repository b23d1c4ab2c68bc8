//! What one client may hold: a request body must arrive within a deadline (actix's
//! `client_request_timeout` covers only the headers), each worker accepts a bounded number of
//! connections, and the process may open as many files as the system lets it.

use super::errors;
use super::AppState;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::{header, ConnectionType, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::HttpMessage;
use futures_util::Stream;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

/// How long a request body may take to arrive, counted from its headers, plus a second for
/// every [`SLOWEST_BODY_RATE`] bytes it declares (a large upload on a slow line still fits).
pub const BODY_TIMEOUT: Duration = crate::config::DEFAULT_BODY_TIMEOUT;

/// The slowest upload, in bytes per second, that a declared body length buys time for.
pub const SLOWEST_BODY_RATE: u64 = 16 * 1024;

/// How long the request line and headers may take (actix's `client_request_timeout`).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// File descriptors kept back from connections for the pool, SMTP, logs and files.
const RESERVED_FDS: u64 = 256;

/// Answers 408 (and closes the connection) when a request's body is still arriving after its
/// deadline, instead of holding the connection open for as long as the client trickles bytes.
pub async fn bound_body_time(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let has_body = req.headers().contains_key(header::CONTENT_LENGTH)
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    if !has_body {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let base = req
        .app_data::<web::Data<AppState>>()
        .map_or(BODY_TIMEOUT, |state| state.settings.body_timeout);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let timeout = body_deadline(base, declared);
    let expired = Rc::new(Cell::new(false));
    let payload = Deadline {
        inner: req.take_payload(),
        sleep: Box::pin(tokio::time::sleep(timeout)),
        expired: expired.clone(),
    };
    let payload: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(payload);
    req.set_payload(Payload::from(payload));
    let res = next.call(req).await?;
    if !expired.get() {
        return Ok(res.map_into_left_body());
    }
    tracing::info!("request body too slow: answered 408");
    let mut timed_out = errors::message(
        StatusCode::REQUEST_TIMEOUT,
        "The form took too long to arrive",
        "Your connection sent the form too slowly. Please send it again.",
    );
    timed_out
        .head_mut()
        .set_connection_type(ConnectionType::Close);
    Ok(res.into_response(timed_out).map_into_right_body())
}

/// The time a body of `declared` bytes may take: `base`, plus a second per
/// [`SLOWEST_BODY_RATE`] bytes. Route limits refuse oversized declarations before reading, so
/// a large declared length buys time only where a large body is accepted.
pub fn body_deadline(base: Duration, declared: Option<u64>) -> Duration {
    let bytes = declared.unwrap_or(0).min(1 << 30);
    base + Duration::from_secs(bytes / SLOWEST_BODY_RATE)
}

/// A request body that fails with a timeout once its deadline has passed.
struct Deadline {
    inner: Payload,
    sleep: Pin<Box<tokio::time::Sleep>>,
    expired: Rc<Cell<bool>>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.expired.get() || this.sleep.as_mut().poll(cx).is_ready() {
            this.expired.set(true);
            let late = std::io::Error::new(std::io::ErrorKind::TimedOut, "request body too slow");
            return Poll::Ready(Some(Err(PayloadError::Io(late))));
        }
        Pin::new(&mut this.inner).poll_next(cx)
    }
}

/// Raises the soft limit on open files to the hard limit, so connections are bounded by
/// [`connections_per_worker`] rather than by a default of 1,024. Returns the limit now in force.
pub fn raise_open_file_limit() -> std::io::Result<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed by reference.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
    }
    Ok(limit.rlim_cur)
}

/// The soft limit on open files in force now.
pub fn open_file_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 1024,
        rlim_max: 1024,
    };
    // SAFETY: getrlimit only writes the struct passed by reference.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    limit.rlim_cur
}

/// Connections each of `workers` may hold so that together they never exhaust
/// `open_files`: new connections then wait in the listen backlog instead of failing accept.
pub fn connections_per_worker(open_files: u64, workers: usize) -> usize {
    let workers = workers.max(1) as u64;
    let spare = open_files.saturating_sub(RESERVED_FDS) / workers;
    spare.clamp(64, 25_000) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_declared_body_gets_time_at_the_slowest_rate_and_a_form_gets_the_base() {
        let base = Duration::from_secs(10);
        assert_eq!(body_deadline(base, None), base);
        assert_eq!(body_deadline(base, Some(100)), base);
        assert_eq!(
            body_deadline(base, Some(5 * 1024 * 1024)),
            base + Duration::from_secs(320)
        );
    }

    #[test]
    fn connections_per_worker_leave_room_for_the_pool_and_never_pass_the_file_limit() {
        assert_eq!(connections_per_worker(1024, 2), 384);
        assert!(connections_per_worker(20_000, 2) * 2 + 256 <= 20_000);
        assert_eq!(connections_per_worker(1 << 20, 4), 25_000);
        assert_eq!(connections_per_worker(100, 8), 64);
    }

    #[test]
    fn raising_the_open_file_limit_lifts_the_soft_limit_to_the_hard_one() {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: as in raise_open_file_limit.
        unsafe {
            assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
            if limit.rlim_max > 4096 {
                let lowered = libc::rlimit {
                    rlim_cur: 4096,
                    rlim_max: limit.rlim_max,
                };
                assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lowered), 0);
            }
        }
        assert_eq!(raise_open_file_limit().unwrap(), limit.rlim_max);
        assert_eq!(open_file_limit(), limit.rlim_max);
    }
}
