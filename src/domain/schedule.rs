//! When a campaign's petition batches go out: the delivery schedule an organizer writes in a
//! letter file ("daily 09:00 Europe/Brussels") and the next time-based delivery it implies.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;

/// The accepted forms, quoted in every error message.
const FORMS: &str =
    "manual, on close, every 500, daily 09:00 Europe/Brussels, weekly mon 09:00 UTC";

/// How often the signatures collected so far are delivered to the targets.
#[derive(Debug, Clone, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum DeliverySchedule {
    /// Only when an organizer presses "deliver".
    Manual,
    /// Once, when the campaign closes.
    OnClose,
    /// Each time this many new signatures have been collected.
    Every(u32),
    /// Every day at a local time of day.
    Daily { at: NaiveTime, tz: Tz },
    /// Every week on a weekday at a local time of day.
    Weekly {
        weekday: Weekday,
        at: NaiveTime,
        tz: Tz,
    },
}

/// Why a delivery schedule could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ScheduleError {
    #[error("the delivery schedule is empty; write one of: {FORMS}")]
    Empty,
    #[error("\"{0}\" is not a delivery schedule; write one of: {FORMS}")]
    Unknown(String),
    #[error("\"{input}\" is not a complete {kind} schedule; write it like \"{example}\"")]
    Malformed {
        input: String,
        kind: &'static str,
        example: &'static str,
    },
    #[error("\"{0}\" is not a number of signatures; write a whole number of at least 1, like \"every 500\"")]
    BadCount(String),
    #[error(
        "\"{0}\" is not a time of day; write it on a 24-hour clock as HH:MM, like 09:00 or 17:30"
    )]
    BadTime(String),
    #[error("\"{0}\" is not a known time zone; use a name such as Europe/Brussels, America/New_York or UTC")]
    BadTimeZone(String),
    #[error("\"{0}\" is not a day of the week; use mon, tue, wed, thu, fri, sat or sun")]
    BadWeekday(String),
}

impl DeliverySchedule {
    /// Reads a schedule such as "manual", "on close", "every 500",
    /// "daily 09:00 Europe/Brussels" or "weekly mon 09:00 UTC". Keywords, weekdays and time
    /// zone names are case-insensitive.
    pub fn parse(s: &str) -> Result<Self, ScheduleError> {
        let words: Vec<&str> = s.split_whitespace().collect();
        let input = words.join(" ");
        let Some(first) = words.first() else {
            return Err(ScheduleError::Empty);
        };
        let malformed = |kind, example| ScheduleError::Malformed {
            input: input.clone(),
            kind,
            example,
        };
        match first.to_lowercase().as_str() {
            "manual" if words.len() == 1 => Ok(Self::Manual),
            "manual" => Err(malformed("manual", "manual")),
            "on" if words.len() == 2 && words[1].eq_ignore_ascii_case("close") => Ok(Self::OnClose),
            "on-close" | "on_close" if words.len() == 1 => Ok(Self::OnClose),
            "on" | "on-close" | "on_close" => Err(malformed("on close", "on close")),
            "every" => match words.as_slice() {
                [_, n] => parse_count(n).map(Self::Every),
                [_, n, unit]
                    if unit.eq_ignore_ascii_case("signatures")
                        || unit.eq_ignore_ascii_case("signature") =>
                {
                    parse_count(n).map(Self::Every)
                }
                _ => Err(malformed("every", "every 500")),
            },
            "daily" => match words.as_slice() {
                [_, at, tz] => Ok(Self::Daily {
                    at: parse_time(at)?,
                    tz: parse_tz(tz)?,
                }),
                _ => Err(malformed("daily", "daily 09:00 Europe/Brussels")),
            },
            "weekly" => match words.as_slice() {
                [_, day, at, tz] => Ok(Self::Weekly {
                    weekday: parse_weekday(day)?,
                    at: parse_time(at)?,
                    tz: parse_tz(tz)?,
                }),
                _ => Err(malformed("weekly", "weekly mon 09:00 UTC")),
            },
            _ => Err(ScheduleError::Unknown(input)),
        }
    }

    /// Next time-based delivery strictly after `after` (None for Manual/OnClose/Every).
    /// DST-correct: a local time that does not exist that day (clocks jump forward) moves to
    /// the first valid instant after the gap; a local time that happens twice (clocks fall
    /// back) is taken at its earlier occurrence.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (weekday, at, tz) = match self {
            Self::Manual | Self::OnClose | Self::Every(_) => return None,
            Self::Daily { at, tz } => (None, *at, *tz),
            Self::Weekly { weekday, at, tz } => (Some(*weekday), *at, *tz),
        };
        let first_day = after.with_timezone(&tz).date_naive();
        // Starting one day early covers instants whose UTC date is ahead of the local date.
        (-1..=15)
            .filter_map(|offset| first_day.checked_add_signed(Duration::days(offset)))
            .filter(|day| weekday.is_none_or(|w| day.weekday() == w))
            .filter_map(|day| resolve_local(tz, day, at))
            .find(|instant| *instant > after)
    }
}

/// The UTC instant of `at` on `day` in `tz`, moving past a DST gap when that time is skipped.
pub(crate) fn resolve_local(tz: Tz, day: NaiveDate, at: NaiveTime) -> Option<DateTime<Utc>> {
    let wanted = day.and_time(at);
    if let Some(instant) = tz.from_local_datetime(&wanted).earliest() {
        return Some(instant.with_timezone(&Utc));
    }
    let whole_minute = wanted.with_second(0)?.with_nanosecond(0)?;
    (1..=24 * 60).find_map(|minutes| {
        let later = whole_minute.checked_add_signed(Duration::minutes(minutes))?;
        tz.from_local_datetime(&later)
            .earliest()
            .map(|instant| instant.with_timezone(&Utc))
    })
}

fn parse_count(s: &str) -> Result<u32, ScheduleError> {
    match s.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(ScheduleError::BadCount(s.to_string())),
    }
}

pub(crate) fn parse_time(s: &str) -> Result<NaiveTime, ScheduleError> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .map_err(|_| ScheduleError::BadTime(s.to_string()))
}

pub(crate) fn parse_tz(s: &str) -> Result<Tz, ScheduleError> {
    s.parse::<Tz>()
        .ok()
        .or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .copied()
                .find(|tz| tz.name().eq_ignore_ascii_case(s))
        })
        .ok_or_else(|| ScheduleError::BadTimeZone(s.to_string()))
}

pub(crate) fn parse_weekday(s: &str) -> Result<Weekday, ScheduleError> {
    s.parse::<Weekday>()
        .map_err(|_| ScheduleError::BadWeekday(s.to_string()))
}

fn weekday_word(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

fn time_text(at: &NaiveTime) -> String {
    if at.second() == 0 {
        at.format("%H:%M").to_string()
    } else {
        at.format("%H:%M:%S").to_string()
    }
}

impl fmt::Display for DeliverySchedule {
    /// The canonical form, which [`DeliverySchedule::parse`] reads back unchanged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Manual => f.write_str("manual"),
            Self::OnClose => f.write_str("on close"),
            Self::Every(n) => write!(f, "every {n}"),
            Self::Daily { at, tz } => write!(f, "daily {} {}", time_text(at), tz.name()),
            Self::Weekly { weekday, at, tz } => write!(
                f,
                "weekly {} {} {}",
                weekday_word(*weekday),
                time_text(at),
                tz.name()
            ),
        }
    }
}

impl FromStr for DeliverySchedule {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

crate::db::types::text_parsed!(DeliverySchedule, "delivery schedule");

#[cfg(test)]
mod tests {
    use super::*;

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("valid RFC 3339 instant")
            .with_timezone(&Utc)
    }

    #[test]
    fn valid_schedules_are_read_whatever_their_case_and_spacing() {
        let cases = [
            ("manual", DeliverySchedule::Manual),
            ("  MANUAL ", DeliverySchedule::Manual),
            ("on close", DeliverySchedule::OnClose),
            ("On   Close", DeliverySchedule::OnClose),
            ("on-close", DeliverySchedule::OnClose),
            ("every 500", DeliverySchedule::Every(500)),
            ("Every 1 signature", DeliverySchedule::Every(1)),
            ("every 250 signatures", DeliverySchedule::Every(250)),
            (
                "daily 09:00 Europe/Brussels",
                DeliverySchedule::Daily {
                    at: time(9, 0),
                    tz: chrono_tz::Europe::Brussels,
                },
            ),
            (
                "Daily 7:30 europe/brussels",
                DeliverySchedule::Daily {
                    at: time(7, 30),
                    tz: chrono_tz::Europe::Brussels,
                },
            ),
            (
                "weekly mon 09:00 UTC",
                DeliverySchedule::Weekly {
                    weekday: Weekday::Mon,
                    at: time(9, 0),
                    tz: chrono_tz::UTC,
                },
            ),
            (
                "WEEKLY Friday 17:45 America/New_York",
                DeliverySchedule::Weekly {
                    weekday: Weekday::Fri,
                    at: time(17, 45),
                    tz: chrono_tz::America::New_York,
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                DeliverySchedule::parse(input),
                Ok(expected),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn invalid_schedules_are_refused_with_a_message_naming_the_accepted_forms() {
        let cases = [
            (
                "",
                "the delivery schedule is empty; write one of: manual, on close, every 500, daily 09:00 Europe/Brussels, weekly mon 09:00 UTC",
            ),
            (
                "hourly",
                "\"hourly\" is not a delivery schedule; write one of: manual, on close, every 500, daily 09:00 Europe/Brussels, weekly mon 09:00 UTC",
            ),
            (
                "every",
                "\"every\" is not a complete every schedule; write it like \"every 500\"",
            ),
            (
                "every 0",
                "\"0\" is not a number of signatures; write a whole number of at least 1, like \"every 500\"",
            ),
            (
                "every -5",
                "\"-5\" is not a number of signatures; write a whole number of at least 1, like \"every 500\"",
            ),
            (
                "every lots",
                "\"lots\" is not a number of signatures; write a whole number of at least 1, like \"every 500\"",
            ),
            (
                "daily 09:00",
                "\"daily 09:00\" is not a complete daily schedule; write it like \"daily 09:00 Europe/Brussels\"",
            ),
            (
                "daily 25:00 UTC",
                "\"25:00\" is not a time of day; write it on a 24-hour clock as HH:MM, like 09:00 or 17:30",
            ),
            (
                "daily 9am UTC",
                "\"9am\" is not a time of day; write it on a 24-hour clock as HH:MM, like 09:00 or 17:30",
            ),
            (
                "daily 09:00 Europe/Atlantis",
                "\"Europe/Atlantis\" is not a known time zone; use a name such as Europe/Brussels, America/New_York or UTC",
            ),
            (
                "weekly 09:00 UTC",
                "\"weekly 09:00 UTC\" is not a complete weekly schedule; write it like \"weekly mon 09:00 UTC\"",
            ),
            (
                "weekly someday 09:00 UTC",
                "\"someday\" is not a day of the week; use mon, tue, wed, thu, fri, sat or sun",
            ),
            (
                "manual please",
                "\"manual please\" is not a complete manual schedule; write it like \"manual\"",
            ),
            (
                "on open",
                "\"on open\" is not a complete on close schedule; write it like \"on close\"",
            ),
        ];
        for (input, message) in cases {
            let error = DeliverySchedule::parse(input).expect_err(input);
            assert_eq!(error.to_string(), message, "input {input:?}");
        }
    }

    #[test]
    fn displayed_schedules_read_back_to_the_same_value() {
        for input in [
            "manual",
            "on close",
            "every 500",
            "daily 09:00 Europe/Brussels",
            "weekly sun 18:30 Asia/Yerevan",
            "daily 06:15:30 UTC",
        ] {
            let schedule: DeliverySchedule = input.parse().expect(input);
            assert_eq!(schedule.to_string(), input);
            assert_eq!(
                schedule.to_string().parse::<DeliverySchedule>(),
                Ok(schedule)
            );
        }
    }

    #[test]
    fn next_after_follows_local_time_across_days_weeks_and_dst_changes() {
        let brussels_daily_9 = "daily 09:00 Europe/Brussels";
        let cases = [
            // Winter (CET, UTC+1): 09:00 local is 08:00 UTC.
            (
                brussels_daily_9,
                "2027-01-10T07:00:00Z",
                "2027-01-10T08:00:00Z",
            ),
            // Strictly after: exactly at the delivery time gives the next day.
            (
                brussels_daily_9,
                "2027-01-10T08:00:00Z",
                "2027-01-11T08:00:00Z",
            ),
            // Clocks go forward on 28 March 2027; 09:00 local becomes 07:00 UTC that day.
            (
                brussels_daily_9,
                "2027-03-27T08:30:00Z",
                "2027-03-28T07:00:00Z",
            ),
            // Clocks go back on 31 October 2027.
            (
                brussels_daily_9,
                "2027-10-30T07:30:00Z",
                "2027-10-31T08:00:00Z",
            ),
            // 02:30 does not exist on 28 March 2027: the first valid instant is 03:00 CEST.
            (
                "daily 02:30 Europe/Brussels",
                "2027-03-27T12:00:00Z",
                "2027-03-28T01:00:00Z",
            ),
            // 02:30 happens twice on 31 October 2027: the earlier (CEST) one is taken.
            (
                "daily 02:30 Europe/Brussels",
                "2027-10-30T12:00:00Z",
                "2027-10-31T00:30:00Z",
            ),
            // ... and the later one is not a second delivery that day.
            (
                "daily 02:30 Europe/Brussels",
                "2027-10-31T00:30:00Z",
                "2027-11-01T01:30:00Z",
            ),
            // 1 March 2027 is a Monday.
            (
                "weekly mon 09:00 UTC",
                "2027-03-01T08:59:00Z",
                "2027-03-01T09:00:00Z",
            ),
            (
                "weekly mon 09:00 UTC",
                "2027-03-01T09:00:00Z",
                "2027-03-08T09:00:00Z",
            ),
            (
                "weekly fri 17:00 UTC",
                "2027-03-01T09:00:00Z",
                "2027-03-05T17:00:00Z",
            ),
            // Local date ahead of the UTC date.
            (
                "daily 08:00 Pacific/Auckland",
                "2027-03-01T20:00:00Z",
                "2027-03-02T19:00:00Z",
            ),
            // Local date behind the UTC date.
            (
                "weekly tue 20:00 America/New_York",
                "2027-03-03T01:30:00Z",
                "2027-03-10T01:00:00Z",
            ),
        ];
        for (schedule, after, expected) in cases {
            let schedule = DeliverySchedule::parse(schedule).expect(schedule);
            assert_eq!(
                schedule.next_after(utc(after)),
                Some(utc(expected)),
                "{schedule} after {after}"
            );
        }
    }

    #[test]
    fn schedules_that_are_not_time_based_have_no_next_time() {
        let now = utc("2027-03-01T09:00:00Z");
        for schedule in [
            DeliverySchedule::Manual,
            DeliverySchedule::OnClose,
            DeliverySchedule::Every(100),
        ] {
            assert_eq!(schedule.next_after(now), None, "{schedule}");
        }
    }
}
