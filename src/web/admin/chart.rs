//! The dashboard's bar charts: confirmed signatures per hour (the last two days) and per day
//! (the last month), drawn as SVG on the server so they read without JavaScript, each bar
//! titled with its figure, and given again as a table for screen readers.

use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};

/// Hours the hourly chart shows.
pub const HOURS: i64 = 48;
/// Days the daily chart shows.
pub const DAYS: i64 = 30;

/// Width and height of every chart's drawing box.
const WIDTH: i64 = 480;
const HEIGHT: i64 = 100;

/// One chart: its heading's id and text, what a row of its table is, and its bars.
pub struct Chart {
    pub id: &'static str,
    pub heading: &'static str,
    pub period: &'static str,
    pub bars: Vec<Bar>,
}

/// One bar: its period, count, and geometry in the chart's box.
pub struct Bar {
    pub label: String,
    pub count: i64,
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
}

/// The first hour the charts need tallies from.
pub fn since(now: DateTime<Utc>) -> DateTime<Utc> {
    day_of(now) - Duration::days(DAYS - 1)
}

fn hour_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::hours(1)).unwrap_or(t)
}

fn day_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::days(1)).unwrap_or(t)
}

/// Both charts from the hourly tallies since [`since`].
pub fn charts(hourly: &[(DateTime<Utc>, i64)], now: DateTime<Utc>) -> Vec<Chart> {
    let last_hour = hour_of(now);
    let hours = (0..HOURS).map(|i| last_hour - Duration::hours(HOURS - 1 - i));
    let per_hour = hours
        .map(|h| {
            let n = hourly.iter().filter(|(t, _)| *t == h).map(|(_, n)| n).sum();
            (h.format("%d %b %H:00").to_string(), n)
        })
        .collect();
    let last_day = day_of(now).date_naive();
    let days = (0..DAYS).map(|i| last_day - Duration::days(DAYS - 1 - i));
    let per_day = days
        .map(|d: NaiveDate| {
            let n = hourly
                .iter()
                .filter(|(t, _)| t.date_naive() == d)
                .map(|(_, n)| n)
                .sum();
            (d.format("%a %d %b").to_string(), n)
        })
        .collect();
    vec![
        Chart {
            id: "per-hour",
            heading: "Confirmed signatures per hour, last 48 hours (UTC)",
            period: "Hour (UTC)",
            bars: draw(per_hour),
        },
        Chart {
            id: "per-day",
            heading: "Confirmed signatures per day, last 30 days (UTC)",
            period: "Day (UTC)",
            bars: draw(per_day),
        },
    ]
}

/// Lays `counts` out side by side across the box, the tallest reaching the top.
fn draw(counts: Vec<(String, i64)>) -> Vec<Bar> {
    let step = WIDTH / counts.len().max(1) as i64;
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    counts
        .into_iter()
        .enumerate()
        .map(|(i, (label, count))| {
            let height = count * HEIGHT / max;
            Bar {
                label,
                count,
                x: i as i64 * step,
                y: HEIGHT - height,
                width: (step - 1).max(1),
                height,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_day_sums_its_hours_and_the_busiest_bar_reaches_the_top() {
        let now = Utc.with_ymd_and_hms(2027, 3, 4, 15, 30, 0).unwrap();
        let hourly = [
            (Utc.with_ymd_and_hms(2027, 3, 4, 9, 0, 0).unwrap(), 3),
            (Utc.with_ymd_and_hms(2027, 3, 4, 15, 0, 0).unwrap(), 1),
            (Utc.with_ymd_and_hms(2027, 3, 2, 10, 0, 0).unwrap(), 2),
        ];
        let charts = charts(&hourly, now);
        let (hours, days) = (&charts[0].bars, &charts[1].bars);
        assert_eq!(hours.len(), 48);
        assert_eq!(hours.last().unwrap().label, "04 Mar 15:00");
        assert_eq!(hours.last().unwrap().count, 1);
        assert_eq!(
            hours.iter().map(|b| b.count).sum::<i64>(),
            4,
            "03-02 10:00 is older than 48 hours"
        );
        assert_eq!(days.len(), 30);
        assert_eq!(days.last().unwrap().label, "Thu 04 Mar");
        assert_eq!(days.last().unwrap().count, 4);
        assert_eq!(days[days.len() - 3].count, 2);
        assert_eq!(
            (days.last().unwrap().y, days.last().unwrap().height),
            (0, 100)
        );
        assert!(days.iter().all(|b| b.x + b.width <= 480));
    }

    #[test]
    fn an_empty_chart_draws_no_bar_and_divides_by_nothing() {
        let charts = charts(&[], Utc::now());
        assert!(charts.iter().all(|c| c.bars.iter().all(|b| b.height == 0)));
    }
}
