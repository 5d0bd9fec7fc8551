//! The period a report covers: a closed range of days, which trainings' starts fall in it, and
//! how it is labelled.

use crate::date::{month_name, Date, PartialDate};

/// A closed range of days: `[from, to]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the period ends ({to}) before it starts ({from})")]
pub struct PeriodError {
    pub from: Date,
    pub to: Date,
}

impl Period {
    pub fn new(from: Date, to: Date) -> Result<Period, PeriodError> {
        if to < from {
            return Err(PeriodError { from, to });
        }
        Ok(Period { from, to })
    }

    pub fn year(year: i32) -> Period {
        Period {
            from: Date {
                year,
                month: 1,
                day: 1,
            },
            to: Date {
                year,
                month: 12,
                day: 31,
            },
        }
    }

    /// Whether a training starting on `start` is in the period: a date known only to the month
    /// or the year counts from its first day.
    pub fn contains(&self, start: &PartialDate) -> bool {
        let first = start.first_day();
        self.from <= first && first <= self.to
    }

    /// "January – September 2020" for whole months, else "27 January 2020 – 30 September 2020".
    pub fn label(&self) -> String {
        let whole_months = self.from.day == 1
            && self.to.day == crate::date::days_in_month(self.to.year, self.to.month);
        if whole_months {
            let end = format!("{} {}", month_name(self.to.month), self.to.year);
            if self.from.year == self.to.year && self.from.month == self.to.month {
                end
            } else if self.from.year == self.to.year {
                format!("{} – {end}", month_name(self.from.month))
            } else {
                format!("{} {} – {end}", month_name(self.from.month), self.from.year)
            }
        } else {
            let day = |d: Date| format!("{} {} {}", d.day, month_name(d.month), d.year);
            format!("{} – {}", day(self.from), day(self.to))
        }
    }
}
