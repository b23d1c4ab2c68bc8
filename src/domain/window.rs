//! When a target may receive a batch: the optional `delivery_window` of a letter file
//! ("mon-fri 09:00-17:00"), read in the target's own time zone.

use super::schedule::{parse_time, parse_weekday, resolve_local};
use chrono::{DateTime, Datelike, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use std::fmt;

/// Weekdays and a time of day during which a batch may be sent.
#[derive(Debug, Clone, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct DeliveryWindow {
    /// Allowed weekdays, Monday first.
    days: [bool; 7],
    from: NaiveTime,
    until: NaiveTime,
}

/// Why a delivery window could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("delivery_window \"{0}\" is not a window; write it like \"mon-fri 09:00-17:00\" or \"09:00-17:00\"")]
pub struct WindowError(String);

impl DeliveryWindow {
    /// Reads "mon-fri 09:00-17:00", "sat,sun 10:00-12:00" or "09:00-17:00" (every day).
    pub fn parse(s: &str) -> Result<Self, WindowError> {
        let bad = || WindowError(s.trim().to_string());
        let words: Vec<&str> = s.split_whitespace().collect();
        let (days, hours) = match words.as_slice() {
            [hours] => ([true; 7], *hours),
            [days, hours] => (parse_days(days).ok_or_else(bad)?, *hours),
            _ => return Err(bad()),
        };
        let (from, until) = hours.split_once('-').ok_or_else(bad)?;
        let from = parse_time(from).map_err(|_| bad())?;
        let until = parse_time(until).map_err(|_| bad())?;
        if from >= until {
            return Err(bad());
        }
        Ok(Self { days, from, until })
    }

    /// Whether `now` falls inside the window in `tz`.
    pub fn contains(&self, now: DateTime<Utc>, tz: Tz) -> bool {
        let local = now.with_timezone(&tz);
        let day = local.weekday().num_days_from_monday() as usize;
        let time = local.time();
        self.days[day] && self.from <= time && time < self.until
    }

    /// The first instant at or after `now` inside the window in `tz` (`now` itself when it is
    /// open).
    pub fn next_open(&self, now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        if self.contains(now, tz) {
            return now;
        }
        let today = now.with_timezone(&tz).date_naive();
        (0..=8)
            .filter_map(|offset| today.checked_add_signed(chrono::Duration::days(offset)))
            .filter(|day| self.days[day.weekday().num_days_from_monday() as usize])
            .filter_map(|day| resolve_local(tz, day, self.from))
            .find(|instant| *instant >= now)
            .unwrap_or(now)
    }
}

/// "mon-fri", "fri-mon", "sat,sun", "mon,wed-fri" or "daily".
fn parse_days(s: &str) -> Option<[bool; 7]> {
    if s.eq_ignore_ascii_case("daily") {
        return Some([true; 7]);
    }
    let mut days = [false; 7];
    for part in s.split(',') {
        let (first, last) = part.split_once('-').unwrap_or((part, part));
        let first = parse_weekday(first).ok()?.num_days_from_monday();
        let last = parse_weekday(last).ok()?.num_days_from_monday();
        let mut day = first;
        loop {
            days[day as usize] = true;
            if day == last {
                break;
            }
            day = (day + 1) % 7;
        }
    }
    Some(days)
}

impl fmt::Display for DeliveryWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = (0..7)
            .filter(|d| self.days[*d as usize])
            .map(|d| Weekday::try_from(d as u8).map(|w| w.to_string().to_lowercase()))
            .collect::<Result<_, _>>()
            .map_err(|_| fmt::Error)?;
        if names.len() < 7 {
            write!(f, "{} ", names.join(","))?;
        }
        write!(
            f,
            "{}-{}",
            self.from.format("%H:%M"),
            self.until.format("%H:%M")
        )
    }
}

crate::db::types::text_parsed!(DeliveryWindow, "delivery window");

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_window_is_open_on_its_days_and_hours_in_the_target_time_zone() {
        let window = DeliveryWindow::parse("mon-fri 09:00-17:00").unwrap();
        let zagreb = chrono_tz::Europe::Zagreb;
        // Monday 1 March 2027, 08:30 UTC is 09:30 in Zagreb.
        assert!(window.contains(utc("2027-03-01T08:30:00Z"), zagreb));
        assert!(!window.contains(utc("2027-03-01T07:30:00Z"), zagreb));
        assert!(!window.contains(utc("2027-03-01T16:00:00Z"), zagreb));
        // Saturday.
        assert!(!window.contains(utc("2027-03-06T10:00:00Z"), zagreb));
        // 08:30 UTC is still Sunday night in New York... and Monday 03:30 is too early.
        assert!(!window.contains(utc("2027-03-01T08:30:00Z"), chrono_tz::America::New_York));
    }

    #[test]
    fn a_closed_window_next_opens_at_its_first_hour_on_an_allowed_day() {
        let window = DeliveryWindow::parse("mon-fri 09:00-17:00").unwrap();
        let zagreb = chrono_tz::Europe::Zagreb;
        // Monday 08:30 local: opens at 09:00 local (08:00 UTC) the same day.
        assert_eq!(
            window.next_open(utc("2027-03-01T07:30:00Z"), zagreb),
            utc("2027-03-01T08:00:00Z")
        );
        // Open now: now.
        let open = utc("2027-03-01T10:00:00Z");
        assert_eq!(window.next_open(open, zagreb), open);
        // Friday after hours: Monday morning.
        assert_eq!(
            window.next_open(utc("2027-03-05T17:30:00Z"), zagreb),
            utc("2027-03-08T08:00:00Z")
        );
    }

    #[test]
    fn windows_may_wrap_the_week_list_days_or_leave_days_out() {
        let weekend = DeliveryWindow::parse("fri-mon 10:00-12:00").unwrap();
        assert!(weekend.contains(utc("2027-03-07T11:00:00Z"), chrono_tz::UTC));
        assert!(!weekend.contains(utc("2027-03-03T11:00:00Z"), chrono_tz::UTC));
        let every_day = DeliveryWindow::parse("09:00-17:00").unwrap();
        assert!(every_day.contains(utc("2027-03-07T11:00:00Z"), chrono_tz::UTC));
        let listed = DeliveryWindow::parse("Mon,wed-thu 09:00-17:00").unwrap();
        assert_eq!(listed.to_string(), "mon,wed,thu 09:00-17:00");
        assert_eq!(every_day.to_string(), "09:00-17:00");
    }

    #[test]
    fn malformed_windows_are_refused_with_an_example() {
        for bad in [
            "",
            "mon-fri",
            "mon-fri 17:00-09:00",
            "someday 09:00-17:00",
            "mon-fri 9-5",
            "a b c",
        ] {
            let error = DeliveryWindow::parse(bad).expect_err(bad);
            assert!(error.to_string().contains("mon-fri 09:00-17:00"), "{error}");
        }
    }
}
