//! Dates and times as the platforms write them, without a time zone (the account's own):
//! `11/19/2021 9:54:15 AM`, `15/08/2022 01:27`, `Mar 28, 2020 08:07:27`, `2/7/26, 10:00:00 AM`,
//! `2024-03-05 10:00:00`. Day or month first is settled from all the file's dates at once, as a
//! sheet's column is.

use cadre_core::date_order::{settle_order, DateOrder, Settled};
use cadre_core::Date;

/// A local date and time, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub date: Date,
    /// Seconds since midnight.
    pub seconds: u32,
}

impl Stamp {
    /// Seconds since 1970-01-01 00:00 of the same clock (no zone applied).
    pub fn local_seconds(self) -> i64 {
        let days = cadre_core::date::days_from_civil(
            i64::from(self.date.year),
            self.date.month,
            self.date.day,
        );
        days * 86_400 + i64::from(self.seconds)
    }
}

/// Reads every text as a stamp, the day/month order settled from them all; `Err` names the
/// first that cannot be read (or says the order cannot be told, when every date reads both
/// ways and `order` does not say).
pub fn read_stamps(texts: &[&str], order: Option<DateOrder>) -> Result<Vec<Stamp>, String> {
    let dates: Vec<&str> = texts.iter().map(|t| split(t).0).collect();
    let order = match order {
        Some(o) => o,
        None => match settle_order(dates.iter().filter(|d| !has_month_name(d))) {
            Settled::By(o) => o,
            Settled::NotNeeded => DateOrder::Dmy,
            Settled::Ambiguous => {
                // Every date reads both ways and all on one day: either order gives it.
                let first = dates.iter().find(|d| !has_month_name(d)).copied();
                if first.is_some_and(|f| dates.iter().all(|d| *d == f))
                    && first.is_some_and(both_same)
                {
                    DateOrder::Dmy
                } else {
                    return Err(format!(
                        "its dates read day first or month first (as {}): say which",
                        first.unwrap_or_default()
                    ));
                }
            }
            Settled::Conflict {
                dmy_example,
                mdy_example,
            } => {
                return Err(format!(
                "its dates are written day first ({dmy_example}) and month first ({mdy_example})"
            ))
            }
        },
    };
    texts
        .iter()
        .map(|t| parse(t, order).ok_or_else(|| format!("\"{t}\" is not a date and time")))
        .collect()
}

fn both_same(date: &str) -> bool {
    let parts: Vec<&str> = date.split(['/', '-', '.']).collect();
    parts.len() == 3 && parts[0] == parts[1]
}

fn has_month_name(date: &str) -> bool {
    date.chars().any(|c| c.is_alphabetic())
}

/// The date part and the time part of a stamp.
fn split(text: &str) -> (&str, &str) {
    let t = text.trim();
    if has_month_name(t.split_whitespace().next().unwrap_or("")) {
        // "Mar 28, 2020 08:07:27": the date is the first three words.
        let mut words = 0;
        for (i, c) in t.char_indices() {
            if c == ' ' {
                words += 1;
                if words == 3 {
                    return (t[..i].trim_end_matches(','), t[i..].trim());
                }
            }
        }
        return (t, "");
    }
    match t.find([' ', ',']) {
        Some(i) => (&t[..i], t[i..].trim_start_matches([',', ' '])),
        None => (t, ""),
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn parse_date(text: &str, order: DateOrder) -> Option<Date> {
    let t = text.trim();
    if has_month_name(t) {
        // "Mar 28, 2020" or "28 Mar 2020".
        let words: Vec<&str> = t.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        let month_at = words
            .iter()
            .position(|w| w.chars().all(char::is_alphabetic))?;
        let name = words[month_at].to_lowercase();
        let month = MONTHS.iter().position(|m| name.starts_with(m))? as u8 + 1;
        let numbers: Vec<&&str> = words
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != month_at)
            .map(|(_, w)| w)
            .collect();
        let (day, year) = match numbers.as_slice() {
            [a, b] if a.len() == 4 => (b.parse().ok()?, a.parse().ok()?),
            [a, b] => (a.parse().ok()?, b.parse().ok()?),
            _ => return None,
        };
        return Date::new(year, month, day).ok();
    }
    if let Ok(d) = cadre_core::PartialDate::parse(t) {
        return (d.precision() == cadre_core::Precision::Day).then(|| d.first_day());
    }
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    let [a, b, y] = parts.as_slice() else {
        return None;
    };
    let (a, b): (u8, u8) = (a.parse().ok()?, b.parse().ok()?);
    let year: i32 = match y.len() {
        2 => 2000 + y.parse::<i32>().ok()?,
        4 => y.parse().ok()?,
        _ => return None,
    };
    let (day, month) = match order {
        DateOrder::Dmy => (a, b),
        DateOrder::Mdy => (b, a),
    };
    Date::new(year, month, day).ok()
}

fn parse_time(text: &str) -> Option<u32> {
    let t = text.trim().to_ascii_uppercase();
    let (clock, half) = if let Some(c) = t.strip_suffix("AM") {
        (c.trim(), Some(false))
    } else if let Some(c) = t.strip_suffix("PM") {
        (c.trim(), Some(true))
    } else {
        (t.as_str(), None)
    };
    let parts: Vec<u32> = clock
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<u32>>>()?;
    let (mut h, m, s) = match parts.as_slice() {
        [h, m] => (*h, *m, 0),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    if let Some(pm) = half {
        if !(1..=12).contains(&h) {
            return None;
        }
        h = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    (h < 24 && m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
}

fn parse(text: &str, order: DateOrder) -> Option<Stamp> {
    let (date, time) = split(text);
    Some(Stamp {
        date: parse_date(date, order)?,
        seconds: if time.is_empty() {
            0
        } else {
            parse_time(time)?
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, order: Option<DateOrder>) -> Stamp {
        read_stamps(&[text], order).unwrap()[0]
    }

    #[test]
    fn every_platform_s_way_of_writing_a_time_is_read() {
        let d = |y, m, dd| Date::new(y, m, dd).unwrap();
        assert_eq!(
            one("11/19/2021 9:54:15 AM", None),
            Stamp {
                date: d(2021, 11, 19),
                seconds: 9 * 3600 + 54 * 60 + 15
            }
        );
        assert_eq!(
            one("15/08/2022 01:27", None),
            Stamp {
                date: d(2022, 8, 15),
                seconds: 3600 + 27 * 60
            }
        );
        assert_eq!(
            one("Mar 28, 2020 08:07:27", None),
            Stamp {
                date: d(2020, 3, 28),
                seconds: 8 * 3600 + 7 * 60 + 27
            }
        );
        assert_eq!(
            one("2/7/26, 10:00:00 PM", Some(DateOrder::Mdy)),
            Stamp {
                date: d(2026, 2, 7),
                seconds: 22 * 3600
            }
        );
        assert_eq!(
            one("2024-03-05 10:00:00", None),
            Stamp {
                date: d(2024, 3, 5),
                seconds: 36000
            }
        );
        assert_eq!(one("12/12/2024 12:30:00 AM", None).seconds, 30 * 60);
    }

    #[test]
    fn the_order_is_settled_from_the_whole_file_or_asked() {
        // The 19th settles month first for the 2nd of July's neighbour.
        let s = read_stamps(&["7/2/2021 10:00:00 AM", "7/19/2021 9:00:00 AM"], None).unwrap();
        assert_eq!(s[0].date, Date::new(2021, 7, 2).unwrap());
        let e = read_stamps(&["5/7/2021 10:00", "6/7/2021 11:00"], None).unwrap_err();
        assert!(e.contains("say which"), "{e}");
        let e = read_stamps(&["25/7/2021 10:00", "7/25/2021 11:00"], None).unwrap_err();
        assert!(e.contains("day first") && e.contains("month first"), "{e}");
        assert!(read_stamps(&["tomorrow"], None).is_err());
        assert!(read_stamps(&["1/1/2021 25:00"], None).is_err());
    }
}
