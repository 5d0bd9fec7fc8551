//! The filters pages and the API read from a request, parsed once for both: the period
//! picker (a year, a quarter, a month, or any range of days, so a period's page can be
//! bookmarked and shared) and the trainings list's filters. A value not understood is an
//! error to show, never a filter silently dropped.

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
                    let from = Date::parse(from).map_err(|e| format!("from \"{from}\": {e}"))?;
                    let to = Date::parse(to).map_err(|e| format!("to \"{to}\": {e}"))?;
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
                parts.push(format!("{k}={}", url_encode(v)));
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

/// A value as it goes into a query string: letters, digits and `-_.~` as they are, a space
/// as `+`, every other byte as `%XX`.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The trainings list's filters as a request gives them (every one optional): the page's
/// form and the API's query parameters both read into this, and [`TrainingFilter::query`]
/// checks it the same way for both.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TrainingFilter {
    /// Words to search for in the code, title, venue, theme or note.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
    /// Starting on or after this day; alone, every training from then on.
    #[serde(default)]
    pub from: Option<String>,
    /// Starting on or before this day; alone, every training until then.
    #[serde(default)]
    pub to: Option<String>,
    /// A partner's name or short name (as partner or funder; its programmes too).
    #[serde(default)]
    pub partner: Option<String>,
    /// Alpha-2 code: requested by it, listed as taking part, or in its attendance.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub modality: Option<String>,
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
}

/// The first and last days a range left open at one end reaches.
const OPEN_FROM: &str = "1900-01-01";
const OPEN_TO: &str = "2100-12-31";

impl TrainingFilter {
    /// The filters as the list applies them, `per_page` trainings a page; what is wrong with
    /// the first value not understood.
    pub fn query(&self, per_page: usize) -> Result<cadre_core::listing::Query, String> {
        use cadre_core::listing::{Query, Sort};
        let (from, to) = match (blank(&self.from), blank(&self.to)) {
            (Some(f), None) => (Some(f), Some(OPEN_TO)),
            (None, Some(t)) => (Some(OPEN_FROM), Some(t)),
            both => both,
        };
        let period = PeriodQuery {
            kind: None,
            year: self.year.clone(),
            quarter: None,
            month: None,
            from: from.map(str::to_string),
            to: to.map(str::to_string),
        }
        .period()?;
        let modality = match blank(&self.modality) {
            Some(m) => Some(cadre_core::Modality::parse(m).map_err(|e| format!("modality: {e}"))?),
            None => None,
        };
        let status = match blank(&self.status) {
            Some(s) => Some(cadre_core::Status::parse(s).map_err(|e| format!("status: {e}"))?),
            None => None,
        };
        let sort = match blank(&self.sort) {
            Some(s) => Sort::parse(s).ok_or_else(|| format!("sort \"{s}\" is not known"))?,
            None => Sort::default(),
        };
        let page = match blank(&self.page) {
            Some(p) => p
                .parse::<usize>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| format!("page \"{p}\" is not a page number such as 2"))?,
            None => 1,
        };
        let text = |s: &Option<String>| blank(s).map(str::to_string);
        Ok(Query {
            period,
            partner: text(&self.partner),
            country: text(&self.country).map(|c| c.to_ascii_uppercase()),
            modality,
            theme: text(&self.theme),
            status,
            text: text(&self.q),
            sort,
            page,
            per_page,
            ..Default::default()
        })
    }

    /// The value of one filter as typed (the search no longer than it is read).
    pub fn value(&self, field: &str) -> &str {
        let v = match field {
            "q" => {
                return self
                    .q
                    .as_deref()
                    .map_or("", cadre_core::listing::search_text)
            }
            "year" => &self.year,
            "from" => &self.from,
            "to" => &self.to,
            "partner" => &self.partner,
            "country" => &self.country,
            "modality" => &self.modality,
            "theme" => &self.theme,
            "status" => &self.status,
            "sort" => &self.sort,
            _ => &None,
        };
        v.as_deref().unwrap_or("")
    }

    /// The query string of this list at another page.
    pub fn at_page(&self, page: usize) -> String {
        let mut parts = Vec::new();
        for field in [
            "q", "year", "from", "to", "partner", "country", "modality", "theme", "status", "sort",
        ] {
            let v = self.value(field).trim();
            if !v.is_empty() {
                parts.push(format!("{field}={}", url_encode(v)));
            }
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
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

    #[test]
    fn a_filter_not_understood_is_an_error_and_a_range_may_be_open_at_one_end() {
        let f = |pairs: &[(&str, &str)]| {
            let get = |k: &str| pairs.iter().find(|p| p.0 == k).map(|p| p.1.to_string());
            TrainingFilter {
                from: get("from"),
                to: get("to"),
                modality: get("modality"),
                sort: get("sort"),
                page: get("page"),
                country: get("country"),
                ..Default::default()
            }
            .query(25)
        };
        for bad in [
            vec![("from", "2021-13-45")],
            vec![("modality", "telepathy")],
            vec![("sort", "sideways")],
            vec![("page", "0")],
            vec![("page", "two")],
        ] {
            assert!(f(&bad).is_err(), "{bad:?}");
        }
        let open = f(&[("from", "2021-03-01")]).unwrap().period.unwrap();
        assert_eq!(
            (open.from.to_string(), open.to.to_string()),
            ("2021-03-01".into(), OPEN_TO.into())
        );
        let q = f(&[("country", "jm"), ("page", "3")]).unwrap();
        assert_eq!((q.country.as_deref(), q.page), (Some("JM"), 3));
    }
}
