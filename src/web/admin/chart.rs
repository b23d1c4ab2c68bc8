//! The dashboard's bar charts: confirmed signatures per hour (the last two days) and per day
//! (the last month), drawn as SVG on the server so they read without JavaScript, with a
//! labelled count axis (0, half and a round top) and the first, middle and last periods
//! under the bars; each bar is titled with its figure, and the figures are given again as a
//! table for screen readers.

use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};

/// Hours the hourly chart shows.
pub const HOURS: i64 = 48;
/// Days the daily chart shows.
pub const DAYS: i64 = 30;

/// Width and height of the bars' box.
const WIDTH: i64 = 480;
const HEIGHT: i64 = 100;

/// Room for the count labels on the left, the axis title above and the periods below; the
/// whole drawing's size.
pub const LEFT: i64 = 44;
pub const TOP: i64 = 28;
pub const VIEW_WIDTH: i64 = LEFT + WIDTH;
pub const VIEW_HEIGHT: i64 = TOP + HEIGHT + 20;

/// One chart: its heading's id and text, what a row of its table is, its bars and axes.
pub struct Chart {
    pub id: &'static str,
    pub heading: &'static str,
    pub period: &'static str,
    /// The count axis's title.
    pub axis: &'static str,
    pub bars: Vec<Bar>,
    /// Count labels at their height in the drawing, bottom first.
    pub y_ticks: Vec<Tick>,
    /// Period labels under the bars they name.
    pub x_ticks: Vec<Tick>,
}

/// A label on an axis, where it goes in the drawing and which of its ends is there
/// (`start`, `middle`, `end`: the outer labels stay inside the drawing).
pub struct Tick {
    pub at: i64,
    pub label: String,
    pub anchor: &'static str,
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
        draw(
            "per-hour",
            "Confirmed signatures per hour, last 48 hours (UTC)",
            "Hour (UTC)",
            per_hour,
        ),
        draw(
            "per-day",
            "Confirmed signatures per day, last 30 days (UTC)",
            "Day (UTC)",
            per_day,
        ),
    ]
}

/// The smallest round number (1, 2 or 5 times a power of ten) at least `n`, at least 2 so
/// the half-way mark is a whole number.
fn round_top(n: i64) -> i64 {
    let mut power = 1;
    loop {
        for step in [1, 2, 5] {
            if step * power >= n.max(2) {
                return step * power;
            }
        }
        power *= 10;
    }
}

/// Lays `counts` out side by side across the box against a round top, with the axes.
fn draw(
    id: &'static str,
    heading: &'static str,
    period: &'static str,
    counts: Vec<(String, i64)>,
) -> Chart {
    let step = WIDTH / counts.len().max(1) as i64;
    let top = round_top(counts.iter().map(|(_, n)| *n).max().unwrap_or(0));
    let y_ticks = [0, top / 2, top]
        .into_iter()
        .map(|n| Tick {
            at: TOP + HEIGHT - n * HEIGHT / top,
            label: crate::domain::counting::thousands(n),
            anchor: "end",
        })
        .collect();
    let last = counts.len().saturating_sub(1);
    let x_ticks = [(0, "start"), (last / 2, "middle"), (last, "end")]
        .into_iter()
        .filter_map(|(i, anchor)| {
            let (label, _) = counts.get(i)?;
            let at = match anchor {
                "start" => LEFT,
                "end" => LEFT + counts.len() as i64 * step,
                _ => LEFT + i as i64 * step + step / 2,
            };
            Some(Tick {
                at,
                label: label.clone(),
                anchor,
            })
        })
        .collect();
    let bars = counts
        .into_iter()
        .enumerate()
        .map(|(i, (label, count))| {
            let height = count * HEIGHT / top;
            Bar {
                label,
                count,
                x: i as i64 * step,
                y: HEIGHT - height,
                width: (step - 1).max(1),
                height,
            }
        })
        .collect();
    Chart {
        id,
        heading,
        period,
        axis: "Signatures",
        bars,
        y_ticks,
        x_ticks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_count_axis_ends_at_a_round_number_and_the_periods_are_labelled() {
        let now = Utc.with_ymd_and_hms(2027, 3, 4, 15, 30, 0).unwrap();
        let hourly = [(Utc.with_ymd_and_hms(2027, 3, 4, 9, 0, 0).unwrap(), 1234)];
        let days = &charts(&hourly, now)[1];
        let labels: Vec<&str> = days.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "1,000", "2,000"]);
        assert_eq!(
            days.y_ticks[2].at, TOP,
            "the top label sits at the top of the box"
        );
        let periods: Vec<&str> = days.x_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(periods, ["Wed 03 Feb", "Wed 17 Feb", "Thu 04 Mar"]);
        assert_eq!(days.bars.last().unwrap().height, 1234 * HEIGHT / 2000);
        assert_eq!(
            (round_top(0), round_top(3), round_top(7), round_top(10)),
            (2, 5, 10, 10)
        );
    }

    #[test]
    fn a_day_sums_its_hours_and_bars_stand_against_the_round_top_of_the_axis() {
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
            (20, 80),
            "4 of an axis that ends at 5"
        );
        assert!(days.iter().all(|b| b.x + b.width <= 480));
    }

    #[test]
    fn an_empty_chart_draws_no_bar_and_divides_by_nothing() {
        let charts = charts(&[], Utc::now());
        assert!(charts.iter().all(|c| c.bars.iter().all(|b| b.height == 0)));
    }
}
