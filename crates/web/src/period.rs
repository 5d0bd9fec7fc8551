//! The period picker as the report and dashboard read it from the URL: a year, a quarter, a
//! month, or any range of days, so a period's page can be bookmarked and shared.

use cadre_core::report::Period;
use cadre_core::Date;
use serde::Deserialize;

/// The picker's fields, as they stand in the query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeriodQuery {
    /// `year`, `quarter`, `month` or `range`.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
    #[serde(default)]
    pub quarter: Option<String>,
    #[serde(default)]
    pub month: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn last_day(year: i32, month: u8) -> Date {
    Date {
        year,
        month,
        day: cadre_core::date::days_in_month(year, month),
    }
}

impl PeriodQuery {
    /// The period asked for, `None` when nothing was asked (the caller picks a default), or
    /// what is wrong with it.
    pub fn period(&self) -> Result<Option<Period>, String> {
        let year = match blank(&self.year) {
            Some(y) => Some(
                y.parse::<i32>()
                    .ok()
                    .filter(|y| (1900..=2999).contains(y))
                    .ok_or_else(|| format!("year \"{y}\" is not a year such as 2020"))?,
            ),
            None => None,
        };
        let kind = blank(&self.kind).unwrap_or(if blank(&self.from).is_some() {
            "range"
        } else {
            "year"
        });
        match kind {
            "range" => match (blank(&self.from), blank(&self.to)) {
                (None, None) => Ok(None),
                (Some(from), Some(to)) => {
                    let from = Date::parse(from).map_err(|e| format!("from: {e}"))?;
                    let to = Date::parse(to).map_err(|e| format!("to: {e}"))?;
                    Period::new(from, to).map(Some).map_err(|e| e.to_string())
                }
                _ => Err("a range needs both its first and its last day".into()),
            },
            "year" => Ok(year.map(Period::year)),
            "quarter" => {
                let Some(year) = year else { return Ok(None) };
                let q: u8 = blank(&self.quarter)
                    .and_then(|q| q.trim_start_matches(['Q', 'q']).parse().ok())
                    .filter(|q| (1..=4).contains(q))
                    .ok_or("choose a quarter, 1 to 4")?;
                let from = Date {
                    year,
                    month: (q - 1) * 3 + 1,
                    day: 1,
                };
                Period::new(from, last_day(year, q * 3))
                    .map(Some)
                    .map_err(|e| e.to_string())
            }
            "month" => {
                let Some(year) = year else { return Ok(None) };
                let m: u8 = blank(&self.month)
                    .and_then(|m| m.parse().ok())
                    .filter(|m| (1..=12).contains(m))
                    .ok_or("choose a month, 1 to 12")?;
                Period::new(
                    Date {
                        year,
                        month: m,
                        day: 1,
                    },
                    last_day(year, m),
                )
                .map(Some)
                .map_err(|e| e.to_string())
            }
            other => Err(format!(
                "period kind \"{other}\" is not one of year, quarter, month, range"
            )),
        }
    }

    /// The picker's fields for a period (to show the chosen one).
    pub fn of(period: Period) -> PeriodQuery {
        let (f, t) = (period.from, period.to);
        let whole_months = f.day == 1 && t.day == cadre_core::date::days_in_month(t.year, t.month);
        let same_year = f.year == t.year;
        let mut q = PeriodQuery {
            year: Some(f.year.to_string()),
            ..Default::default()
        };
        if whole_months && same_year && f.month == 1 && t.month == 12 {
            q.kind = Some("year".into());
        } else if whole_months && same_year && f.month == t.month {
            q.kind = Some("month".into());
            q.month = Some(f.month.to_string());
        } else if whole_months && same_year && (f.month - 1) % 3 == 0 && t.month == f.month + 2 {
            q.kind = Some("quarter".into());
            q.quarter = Some(((f.month - 1) / 3 + 1).to_string());
        } else {
            q.kind = Some("range".into());
            q.year = None;
        }
        q.from = Some(f.to_string());
        q.to = Some(t.to_string());
        q
    }

    /// The query string that asks for the same period.
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("kind", &self.kind),
            ("year", &self.year),
            ("quarter", &self.quarter),
            ("month", &self.month),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = blank(v) {
                parts.push(format!("{k}={}", crate::pages::url_encode(v)));
            }
        }
        parts.join("&")
    }

    pub fn kind_is(&self, kind: &str) -> bool {
        self.kind.as_deref() == Some(kind)
    }

    pub fn field(&self, name: &str) -> &str {
        let v = match name {
            "year" => &self.year,
            "quarter" => &self.quarter,
            "month" => &self.month,
            "from" => &self.from,
            "to" => &self.to,
            _ => &None,
        };
        v.as_deref().unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> PeriodQuery {
        let get = |k: &str| pairs.iter().find(|p| p.0 == k).map(|p| p.1.to_string());
        PeriodQuery {
            kind: get("kind"),
            year: get("year"),
            quarter: get("quarter"),
            month: get("month"),
            from: get("from"),
            to: get("to"),
        }
    }

    #[test]
    fn each_kind_of_period_reads_and_round_trips() {
        for (pairs, from, to) in [
            (vec![("year", "2020")], "2020-01-01", "2020-12-31"),
            (
                vec![("kind", "quarter"), ("year", "2020"), ("quarter", "3")],
                "2020-07-01",
                "2020-09-30",
            ),
            (
                vec![("kind", "month"), ("year", "2024"), ("month", "2")],
                "2024-02-01",
                "2024-02-29",
            ),
            (
                vec![("from", "2020-03-15"), ("to", "2021-01-10")],
                "2020-03-15",
                "2021-01-10",
            ),
        ] {
            let p = q(&pairs).period().unwrap().unwrap();
            assert_eq!(
                (p.from.to_string(), p.to.to_string()),
                (from.into(), to.into())
            );
            assert_eq!(PeriodQuery::of(p).period().unwrap(), Some(p), "{pairs:?}");
        }
        assert_eq!(q(&[]).period().unwrap(), None);
        assert!(q(&[("year", "twenty")]).period().is_err());
        assert!(
            q(&[("kind", "quarter"), ("year", "2020"), ("quarter", "5")])
                .period()
                .is_err()
        );
        assert!(q(&[("from", "2020-03-01")]).period().is_err());
        assert!(q(&[("from", "2020-03-01"), ("to", "2020-02-01")])
            .period()
            .is_err());
    }
}
