//! Dates typed day and month first ("05/07/2021"), as most sheets outside ISO write them. One
//! value rarely says which comes first, so the order is settled over a whole column
//! ([`settle_order`]) and every value of the column is then read in it ([`parse_date_in_order`]).

use crate::date::{Date, DateError, PartialDate};
use crate::records::UnknownWord;
use crate::text::fold;

/// Which of a day/month date's first two numbers is the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// 05/07/2021 is 5 July (most of the world).
    Dmy,
    /// 05/07/2021 is 7 May (the United States).
    Mdy,
}

impl DateOrder {
    pub const ALL: &'static [DateOrder] = &[DateOrder::Dmy, DateOrder::Mdy];

    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
        }
    }

    /// Reads "dmy" or "mdy" in any case.
    pub fn parse(typed: &str) -> Result<DateOrder, UnknownWord> {
        match fold(typed).as_str() {
            "dmy" => Ok(DateOrder::Dmy),
            "mdy" => Ok(DateOrder::Mdy),
            _ => Err(UnknownWord {
                what: "date order",
                typed: typed.trim().to_string(),
                accepted: "dmy, mdy".to_string(),
            }),
        }
    }

    /// The shape an error message asks for.
    pub fn pattern(self) -> &'static str {
        match self {
            DateOrder::Dmy => "DD/MM/YYYY",
            DateOrder::Mdy => "MM/DD/YYYY",
        }
    }
}

impl std::fmt::Display for DateOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value in the day/month shape: two numbers of one or two digits and a year, separated by one
/// of `/`, `-` or `.` used throughout. The year is kept as digits so that a two-digit one can be
/// refused by name.
struct DayMonth<'a> {
    first: u8,
    second: u8,
    year: &'a str,
}

fn day_month(s: &str) -> Option<DayMonth<'_>> {
    let sep = s.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let mut parts = s.split(sep);
    let (a, b, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(a) && digits(b) && digits(year))
        || a.len() > 2
        || b.len() > 2
        || !matches!(year.len(), 2 | 4)
    {
        return None;
    }
    Some(DayMonth {
        first: a.parse().ok()?,
        second: b.parse().ok()?,
        year,
    })
}

/// Reads a date in the column's order: `05/07/2021`, `5-7-2021` or `5.7.2021`, and whatever
/// [`PartialDate::parse`] reads (`2021-07-05`, `2021-07`, `2021`), read as it reads them.
pub fn parse_date_in_order(text: &str, order: DateOrder) -> Result<PartialDate, DateError> {
    let s = text.trim();
    match PartialDate::parse(s) {
        Err(DateError::Format(_)) => {}
        read => return read,
    }
    let Some(dm) = day_month(s) else {
        return Err(DateError::NotInOrder {
            text: s.to_string(),
            pattern: order.pattern(),
        });
    };
    if dm.year.len() == 2 {
        return Err(DateError::ShortYear(s.to_string()));
    }
    let year: i32 = dm
        .year
        .parse()
        .map_err(|_| DateError::Format(s.to_string()))?;
    if !(1900..=2100).contains(&year) {
        return Err(DateError::Year(year));
    }
    let (day, month) = match order {
        DateOrder::Dmy => (dm.first, dm.second),
        DateOrder::Mdy => (dm.second, dm.first),
    };
    Date::new(year, month, day).map(PartialDate::from_date)
}

/// Reads a date typed in a form, as an import reads a sheet's: `2021-03-08`, `2021-03`,
/// `2021`, and a day/month date (`08/03/2021`, `25/12/2021`) when its one value settles the
/// order (a number over 12 can only be a day) or both orders give the same day. One that reads
/// both ways is refused, naming the two days it could be.
pub fn parse_typed_date(text: &str) -> Result<PartialDate, String> {
    let s = text.trim();
    match settle_order([s]) {
        Settled::By(order) => parse_date_in_order(s, order).map_err(|e| e.to_string()),
        Settled::Ambiguous => {
            let dmy = parse_date_in_order(s, DateOrder::Dmy);
            let mdy = parse_date_in_order(s, DateOrder::Mdy);
            match (dmy, mdy) {
                (Ok(a), Ok(b)) if a == b => Ok(a),
                (Ok(a), Ok(b)) => Err(format!(
                    "\"{s}\" could be {} or {}: type it as {a} or {b}",
                    in_words(a.first_day()),
                    in_words(b.first_day())
                )),
                (Ok(a), Err(_)) | (Err(_), Ok(a)) => Ok(a),
                (Err(e), Err(_)) => Err(e.to_string()),
            }
        }
        _ => PartialDate::parse(s).map_err(|e| e.to_string()),
    }
}

/// `8 March 2021`.
fn in_words(d: Date) -> String {
    format!("{} {} {}", d.day, crate::date::month_name(d.month), d.year)
}

/// What a column's values say about their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// No value is in the day/month shape: the order does not matter.
    NotNeeded,
    /// Every day/month value reads either way (05/07/2021): someone must say.
    Ambiguous,
    /// Some value reads only one way (25/07/2021 is dmy, 07/25/2021 is mdy), none the other.
    By(DateOrder),
    /// Values that read only as dmy and others only as mdy: the column mixes orders.
    Conflict {
        dmy_example: String,
        mdy_example: String,
    },
}

/// Settles the order of a column's dates from its values: a first number over 12 can only be a
/// day, and so can a second one.
pub fn settle_order<I, S>(values: I) -> Settled
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let fits = |day: u8, month: u8| (1..=31).contains(&day) && (1..=12).contains(&month);
    let mut any = false;
    let mut dmy: Option<String> = None;
    let mut mdy: Option<String> = None;
    for value in values {
        let s = value.as_ref().trim();
        let Some(dm) = day_month(s) else { continue };
        any = true;
        match (fits(dm.first, dm.second), fits(dm.second, dm.first)) {
            (true, false) if dmy.is_none() => dmy = Some(s.to_string()),
            (false, true) if mdy.is_none() => mdy = Some(s.to_string()),
            // Fits both, or neither (parsing will say what is wrong with it).
            _ => {}
        }
        if dmy.is_some() && mdy.is_some() {
            break;
        }
    }
    match (dmy, mdy) {
        (Some(dmy_example), Some(mdy_example)) => Settled::Conflict {
            dmy_example,
            mdy_example,
        },
        (Some(_), None) => Settled::By(DateOrder::Dmy),
        (None, Some(_)) => Settled::By(DateOrder::Mdy),
        (None, None) if any => Settled::Ambiguous,
        (None, None) => Settled::NotNeeded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Precision;

    fn read(text: &str, order: DateOrder) -> String {
        parse_date_in_order(text, order)
            .map(|d| d.to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn orders_by_name() {
        for &order in DateOrder::ALL {
            assert_eq!(DateOrder::parse(order.as_str()), Ok(order));
        }
        assert_eq!(DateOrder::parse(" DMY "), Ok(DateOrder::Dmy));
        assert!(DateOrder::parse("ymd").is_err());
    }

    #[test]
    fn day_and_month_in_the_columns_order() {
        for text in ["05/07/2021", "5-7-2021", "5.7.2021", " 05/7/2021 "] {
            assert_eq!(read(text, DateOrder::Dmy), "2021-07-05", "{text}");
            assert_eq!(read(text, DateOrder::Mdy), "2021-05-07", "{text}");
        }
        assert_eq!(read("25/12/2020", DateOrder::Dmy), "2020-12-25");
        assert_eq!(read("12/25/2020", DateOrder::Mdy), "2020-12-25");
        let d = parse_date_in_order("1/2/2020", DateOrder::Dmy).unwrap();
        assert_eq!(d.precision(), Precision::Day);
    }

    #[test]
    fn iso_dates_read_as_before_in_either_order() {
        for &order in DateOrder::ALL {
            assert_eq!(read("2021-07-05", order), "2021-07-05");
            assert_eq!(read("2021-07", order), "2021-07");
            assert_eq!(read("2021", order), "2021");
            assert_eq!(
                parse_date_in_order("2021-02-30", order),
                PartialDate::parse("2021-02-30")
            );
            assert_eq!(
                parse_date_in_order("2020-13", order),
                Err(DateError::Month(13))
            );
        }
    }

    #[test]
    fn two_digit_years_are_refused_by_name() {
        let err = parse_date_in_order("05/07/21", DateOrder::Dmy).unwrap_err();
        assert_eq!(err, DateError::ShortYear("05/07/21".into()));
        assert!(err.to_string().contains("two-digit year"), "{err}");
    }

    #[test]
    fn impossible_and_malformed_values_are_refused() {
        assert_eq!(
            read("31/04/2021", DateOrder::Dmy),
            "2021-04-31 does not exist (April 2021 has 30 days)"
        );
        assert_eq!(
            parse_date_in_order("25/07/2021", DateOrder::Mdy),
            Err(DateError::Month(25))
        );
        assert_eq!(
            parse_date_in_order("05/07/1850", DateOrder::Dmy),
            Err(DateError::Year(1850))
        );
        for text in [
            "05/07-2021",
            "5/7",
            "005/07/2021",
            "05/07/202",
            "2021/07/05",
            "x",
        ] {
            let err = parse_date_in_order(text, DateOrder::Dmy).unwrap_err();
            assert!(
                matches!(err, DateError::NotInOrder { .. }),
                "{text}: {err:?}"
            );
            assert!(err.to_string().contains("DD/MM/YYYY"), "{err}");
        }
        assert!(read("x", DateOrder::Mdy).contains("MM/DD/YYYY"));
    }

    #[test]
    fn a_day_over_twelve_settles_the_order() {
        assert_eq!(
            settle_order(["05/07/2021", "25/07/2021", ""]),
            Settled::By(DateOrder::Dmy)
        );
        assert_eq!(
            settle_order(vec!["05/07/2021".to_string(), "07/25/2021".to_string()]),
            Settled::By(DateOrder::Mdy)
        );
    }

    #[test]
    fn values_that_read_either_way_are_ambiguous() {
        assert_eq!(
            settle_order(["05/07/2021", "1.2.2021", "2021-07-05"]),
            Settled::Ambiguous
        );
    }

    #[test]
    fn a_column_of_both_orders_is_a_conflict() {
        assert_eq!(
            settle_order(["05/07/2021", "25/07/2021", "07/25/2021", "26/07/2021"]),
            Settled::Conflict {
                dmy_example: "25/07/2021".into(),
                mdy_example: "07/25/2021".into(),
            }
        );
    }

    #[test]
    fn iso_and_blank_columns_need_no_order() {
        assert_eq!(
            settle_order(["2021-07-05", "", "2021-07", "2021"]),
            Settled::NotNeeded
        );
        assert_eq!(settle_order(Vec::<&str>::new()), Settled::NotNeeded);
    }
}

#[cfg(test)]
mod typed {
    use super::parse_typed_date;

    #[test]
    fn a_form_reads_dates_as_the_import_does() {
        let read = |s: &str| parse_typed_date(s).map(|d| d.to_string());
        assert_eq!(read("2021-03-08").unwrap(), "2021-03-08");
        assert_eq!(read("2021-03").unwrap(), "2021-03");
        assert_eq!(
            read("25/12/2021").unwrap(),
            "2021-12-25",
            "only a day can be 25"
        );
        assert_eq!(read("12/25/2021").unwrap(), "2021-12-25");
        assert_eq!(
            read("7.7.2021").unwrap(),
            "2021-07-07",
            "either order, the same day"
        );
        let both = read("08/03/2021").unwrap_err();
        assert!(
            both.contains("8 March 2021") && both.contains("3 August 2021"),
            "{both}"
        );
        assert!(read("31/02/2021").is_err());
        assert!(read("soon").is_err());
    }
}
