//! Pacing per destination: when one provider answers `421` or a `4.7.x` code (it is rate
//! limiting us), its mail waits — 30 seconds, then twice as long each time it says so again,
//! at most 15 minutes — while mail to every other provider keeps its speed. A message it took
//! ends the wait. Each drain keeps its own view, across its runs. The log names the code, not
//! the domain (an official's domain names their ministry).

use super::transport::SendResult;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const FIRST_WAIT: Duration = Duration::from_secs(30);
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);

/// The destinations a drain is holding back, by domain.
#[derive(Default)]
pub struct Destinations {
    waiting: Mutex<HashMap<String, Wait>>,
}

struct Wait {
    until: Instant,
    times: u32,
}

impl Destinations {
    /// Domains whose mail must not be claimed now.
    pub fn held_back(&self) -> Vec<String> {
        let now = Instant::now();
        let waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting
            .iter()
            .filter(|(_, w)| w.until > now)
            .map(|(domain, _)| domain.clone())
            .collect()
    }

    /// Whether mail to `recipient` must wait now (a message claimed before its provider asked
    /// us to slow down is left for later, not sent).
    pub fn holds_back(&self, recipient: &str) -> bool {
        let Some(domain) = domain_of(recipient) else {
            return false;
        };
        let waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting
            .get(&domain)
            .is_some_and(|w| w.until > Instant::now())
    }

    /// Learns from the answer to a message for `recipient`.
    pub fn observe(&self, recipient: &str, result: &SendResult) {
        let Some(domain) = domain_of(recipient) else {
            return;
        };
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            SendResult::Sent => {
                waiting.remove(&domain);
            }
            SendResult::Transient(reply) => {
                let Some(code) = rate_limited(reply) else {
                    return;
                };
                let wait = waiting.entry(domain.clone()).or_insert(Wait {
                    until: Instant::now(),
                    times: 0,
                });
                // Answers to messages already under way do not lengthen a wait just begun.
                if wait.until > Instant::now() {
                    return;
                }
                let pause = FIRST_WAIT
                    .saturating_mul(1 << wait.times.min(10))
                    .min(LONGEST_WAIT);
                wait.times += 1;
                wait.until = Instant::now() + pause;
                // The domain is left out: an official's server names its ministry.
                tracing::warn!(
                    smtp_code = code,
                    wait_s = pause.as_secs(),
                    "a provider is rate limiting us: its mail waits, other mail goes on"
                );
            }
            _ => {}
        }
    }
}

/// The lower-cased domain of an address.
fn domain_of(address: &str) -> Option<String> {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain.trim_end_matches('>').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

/// The code that says a provider is rate limiting us: `421`, or an enhanced `4.7.x`.
pub fn rate_limited(reply: &str) -> Option<&str> {
    if reply.starts_with("SMTP 421") {
        return Some("421");
    }
    reply
        .match_indices("4.7.")
        .find(|(at, _)| *at == 0 || !reply.as_bytes()[at - 1].is_ascii_digit())
        .map(|(at, _)| {
            let end = reply[at + 4..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(reply.len(), |n| at + 4 + n);
            &reply[at..end]
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_answers_are_told_from_other_temporary_failures() {
        assert_eq!(
            rate_limited("SMTP 421: 4.7.0 Try again later, closing connection."),
            Some("421")
        );
        assert_eq!(
            rate_limited("SMTP 451: 4.7.1 <[address]>: try again later"),
            Some("4.7.1")
        );
        assert_eq!(
            rate_limited("SMTP 450: 4.7.28 Our system has detected an unusual rate"),
            Some("4.7.28")
        );
        assert_eq!(rate_limited("SMTP 452: 4.2.2 mailbox full"), None);
        assert_eq!(rate_limited("SMTP: connection refused"), None);
        assert_eq!(rate_limited("SMTP 451: 14.7.1 nonsense"), None);
    }

    #[test]
    fn a_rate_limited_domain_waits_and_a_message_it_takes_ends_the_wait() {
        let d = Destinations::default();
        d.observe(
            "ana@slow.example",
            &SendResult::Transient("SMTP 451: 4.7.1 slow down".into()),
        );
        d.observe("ben@fast.example", &SendResult::Sent);
        assert_eq!(d.held_back(), vec!["slow.example".to_string()]);
        assert!(d.holds_back("zoe@slow.example") && !d.holds_back("zoe@fast.example"));
        d.observe(
            "ana@slow.example",
            &SendResult::Transient("SMTP 452: 4.2.2 full".into()),
        );
        assert_eq!(
            d.held_back().len(),
            1,
            "other temporary failures change nothing"
        );
        d.observe("cem@SLOW.example", &SendResult::Sent);
        assert!(d.held_back().is_empty());
    }
}
