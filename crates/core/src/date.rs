//! Dates as the agency knows them: to the day, the month or only the year. A date's precision is
//! kept, never invented: "2020-07" stays July 2020 and is not turned into 1 July.

use std::fmt;

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Year,
    Month,
    Day,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
        }
    }
}

/// A calendar day, used for the first and last day a partial date can mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        let last = days_in_month(year, month);
        if day == 0 || day > last {
            return Err(DateError::Day {
                year,
                month,
                day,
                last,
            });
        }
        Ok(Date { year, month, day })
    }

    /// The day `days` days later.
    pub fn plus_days(self, days: u32) -> Date {
        let mut d = self;
        for _ in 0..days {
            if d.day < days_in_month(d.year, d.month) {
                d.day += 1;
            } else if d.month < 12 {
                d = Date {
                    year: d.year,
                    month: d.month + 1,
                    day: 1,
                };
            } else {
                d = Date {
                    year: d.year + 1,
                    month: 1,
                    day: 1,
                };
            }
        }
        d
    }

    /// Parses a full `YYYY-MM-DD` date.
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let p = PartialDate::parse(s)?;
        match p.precision() {
            Precision::Day => Ok(p.first_day()),
            _ => Err(DateError::NotADay(s.trim().to_string())),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The civil date (year, month, day) of a count of days since 1970-01-01, in the proleptic
/// Gregorian calendar (Howard Hinnant's days-to-civil algorithm); for clocks and spreadsheet
/// date serials.
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u8, day as u8)
}

/// The count of days since 1970-01-01 of a civil date (the inverse of [`civil_from_days`],
/// Howard Hinnant's days-from-civil).
pub fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn month_name(month: u8) -> &'static str {
    MONTH_NAMES[usize::from(month.clamp(1, 12)) - 1]
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("\"{0}\" is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")]
    Format(String),
    #[error("year {0} is outside 1900-2100")]
    Year(i32),
    #[error("month {0} does not exist (months run from 01 to 12)")]
    Month(u8),
    #[error("{year:04}-{month:02}-{day:02} does not exist ({} {year} has {last} days)", month_name(*month))]
    Day {
        year: i32,
        month: u8,
        day: u8,
        last: u8,
    },
    #[error("\"{0}\" must be a full date (YYYY-MM-DD)")]
    NotADay(String),
    /// A day/month date that is not in the column's order's shape (see `date_order`).
    #[error("\"{text}\" is not a date: write {pattern}, YYYY-MM-DD, YYYY-MM or YYYY")]
    NotInOrder { text: String, pattern: &'static str },
    /// "05/07/21": the century would be a guess, and a wrong one moves a training by a century.
    #[error("\"{0}\" has a two-digit year: write the year in full (2021, not 21)")]
    ShortYear(String),
}

/// A date known to the day, the month or the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    pub fn year(year: i32) -> PartialDate {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    pub fn from_date(d: Date) -> PartialDate {
        PartialDate {
            year: d.year,
            month: Some(d.month),
            day: Some(d.day),
        }
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, checking that the day exists.
    pub fn parse(s: &str) -> Result<PartialDate, DateError> {
        let s = s.trim();
        let bad = || DateError::Format(s.to_string());
        let parts: Vec<&str> = s.split('-').collect();
        let widths = [4, 2, 2];
        if parts.is_empty() || parts.len() > 3 {
            return Err(bad());
        }
        for (part, width) in parts.iter().zip(widths) {
            if part.len() != width || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
        }
        let year: i32 = parts[0].parse().map_err(|_| bad())?;
        if !(1900..=2100).contains(&year) {
            return Err(DateError::Year(year));
        }
        let month = match parts.get(1) {
            Some(m) => {
                let m: u8 = m.parse().map_err(|_| bad())?;
                if !(1..=12).contains(&m) {
                    return Err(DateError::Month(m));
                }
                Some(m)
            }
            None => None,
        };
        let day = match (parts.get(2), month) {
            (Some(d), Some(m)) => {
                let d: u8 = d.parse().map_err(|_| bad())?;
                Date::new(year, m, d)?;
                Some(d)
            }
            _ => None,
        };
        Ok(PartialDate { year, month, day })
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }

    pub fn year_part(&self) -> i32 {
        self.year
    }

    pub fn month_part(&self) -> Option<u8> {
        self.month
    }

    /// The first day the date can mean: the counting rules place a partial date there.
    pub fn first_day(&self) -> Date {
        Date {
            year: self.year,
            month: self.month.unwrap_or(1),
            day: self.day.unwrap_or(1),
        }
    }

    /// The last day the date can mean, used to check that an end is not before a start.
    pub fn last_day(&self) -> Date {
        let month = self.month.unwrap_or(12);
        Date {
            year: self.year,
            month,
            day: self.day.unwrap_or_else(|| days_in_month(self.year, month)),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_from_civil_inverts_civil_from_days() {
        for days in [-1_000_000i64, -1, 0, 59, 365, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn parses_each_precision_and_keeps_it() {
        for (text, precision) in [
            ("2020-01-27", Precision::Day),
            ("2020-07", Precision::Month),
            ("2020", Precision::Year),
            (" 2020-07 ", Precision::Month),
        ] {
            let d = PartialDate::parse(text).unwrap();
            assert_eq!(d.precision(), precision, "{text}");
            assert_eq!(d.to_string(), text.trim());
        }
    }

    #[test]
    fn partial_dates_span_their_month_or_year() {
        let july = PartialDate::parse("2020-07").unwrap();
        assert_eq!(july.first_day().to_string(), "2020-07-01");
        assert_eq!(july.last_day().to_string(), "2020-07-31");
        let year = PartialDate::parse("2020").unwrap();
        assert_eq!(year.first_day().to_string(), "2020-01-01");
        assert_eq!(year.last_day().to_string(), "2020-12-31");
        let feb = PartialDate::parse("2020-02").unwrap();
        assert_eq!(feb.last_day().to_string(), "2020-02-29");
    }

    #[test]
    fn impossible_days_are_refused_with_the_reason() {
        let err = PartialDate::parse("2021-02-30").unwrap_err();
        assert_eq!(
            err.to_string(),
            "2021-02-30 does not exist (February 2021 has 28 days)"
        );
        assert!(
            PartialDate::parse("2020-02-29").is_ok(),
            "2020 is a leap year"
        );
        assert!(PartialDate::parse("1900-02-29").is_err(), "1900 is not");
        assert!(PartialDate::parse("2000-02-29").is_ok(), "2000 is");
        assert_eq!(
            PartialDate::parse("2020-13").unwrap_err(),
            DateError::Month(13)
        );
        assert_eq!(
            PartialDate::parse("2020-04-31").unwrap_err().to_string(),
            "2020-04-31 does not exist (April 2020 has 30 days)"
        );
    }

    #[test]
    fn other_shapes_are_refused() {
        for text in [
            "",
            "20-01-01",
            "2020/01/01",
            "27/01/2020",
            "2020-1-5",
            "2020-01-01-01",
            "abcd",
        ] {
            assert!(
                matches!(PartialDate::parse(text), Err(DateError::Format(_))),
                "{text:?}"
            );
        }
        assert_eq!(
            PartialDate::parse("1066").unwrap_err(),
            DateError::Year(1066)
        );
    }

    #[test]
    fn days_are_added_across_months_and_years() {
        let d = Date::parse("2020-02-25").unwrap();
        assert_eq!(d.plus_days(7).to_string(), "2020-03-03");
        assert_eq!(
            Date::parse("2021-12-30").unwrap().plus_days(3).to_string(),
            "2022-01-02"
        );
        assert_eq!(d.plus_days(0), d);
    }

    #[test]
    fn full_dates_only_where_a_day_is_required() {
        assert_eq!(Date::parse("2020-08-06").unwrap().to_string(), "2020-08-06");
        assert!(matches!(Date::parse("2020-08"), Err(DateError::NotADay(_))));
    }
}
