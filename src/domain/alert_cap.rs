//! How many alerts one supporter may receive: `UNDERSIGN_ALERT_CAP`, e.g. `1/day,3/week`
//! (the default). Enforced when an alert is fanned out and again when each message is
//! claimed, so two alerts sent the same day reach disjoint sets of people.

use std::fmt;

/// At most `per_day` alerts in any 24 hours and `per_week` in any 7 days, per supporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertCap {
    pub per_day: u32,
    pub per_week: u32,
}

impl Default for AlertCap {
    fn default() -> AlertCap {
        AlertCap {
            per_day: 1,
            per_week: 3,
        }
    }
}

impl AlertCap {
    /// Reads `N/day`, `N/week` or both, comma-separated; a period left out is not capped
    /// beyond the other (a week allows seven days' worth).
    pub fn parse(text: &str) -> Result<AlertCap, String> {
        let mut day = None;
        let mut week = None;
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (count, period) = part
                .split_once('/')
                .ok_or_else(|| format!("{part:?} is not a count per period, such as 1/day"))?;
            let count: u32 = count
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{part:?}: the count must be a whole number above 0"))?;
            let slot = match period.trim() {
                "day" => &mut day,
                "week" => &mut week,
                other => return Err(format!("{other:?} is not a period: use day or week")),
            };
            if slot.replace(count).is_some() {
                return Err(format!("{part:?}: the period is given twice"));
            }
        }
        let cap = match (day, week) {
            (None, None) => {
                return Err("give a count per day, per week or both, such as 1/day,3/week".into())
            }
            (Some(d), None) => AlertCap {
                per_day: d,
                per_week: d * 7,
            },
            (None, Some(w)) => AlertCap {
                per_day: w,
                per_week: w,
            },
            (Some(d), Some(w)) => AlertCap {
                per_day: d,
                per_week: w,
            },
        };
        if cap.per_day > cap.per_week {
            return Err("the daily count cannot be above the weekly one".into());
        }
        Ok(cap)
    }
}

impl fmt::Display for AlertCap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/day,{}/week", self.per_day, self.per_week)
    }
}

#[cfg(test)]
mod tests {
    use super::AlertCap;

    #[test]
    fn a_cap_reads_per_day_per_week_or_both() {
        assert_eq!(AlertCap::parse("1/day,3/week"), Ok(AlertCap::default()));
        assert_eq!(
            AlertCap::parse(" 2/week "),
            Ok(AlertCap {
                per_day: 2,
                per_week: 2
            })
        );
        assert_eq!(
            AlertCap::parse("1/day"),
            Ok(AlertCap {
                per_day: 1,
                per_week: 7
            })
        );
        assert_eq!(AlertCap::default().to_string(), "1/day,3/week");
        for bad in [
            "",
            "3",
            "0/day",
            "1/month",
            "1/day,1/day",
            "4/day,3/week",
            "x/day",
        ] {
            assert!(AlertCap::parse(bad).is_err(), "{bad:?}");
        }
    }
}
