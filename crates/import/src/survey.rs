//! A survey of a sheet's values before it is imported: which values of the columns that name
//! something (departments, countries, partners) cadre does not know, with how many rows hold
//! each, and whether the date columns settle their day/month order. It feeds the proposed
//! mapping, so that a person decides each unknown value once instead of row by row.

use std::collections::BTreeMap;

use cadre_core::date_order::DateOrder;
use cadre_core::text::{fold, split_list};
use cadre_core::Countries;

use crate::sheet::{Row, Sheet};
use cadre_core::Lookups;

/// How many distinct unknown values are kept per column; the rest are counted.
const MAX_UNKNOWN: usize = 500;

/// What the rows of a sheet hold that needs a person's decision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Survey {
    pub rows: u64,
    /// Column -> unknown value as first typed -> rows holding it.
    pub unknown: BTreeMap<String, BTreeMap<String, u64>>,
    /// Unknown values past [`MAX_UNKNOWN`] a column, counted only.
    pub unknown_more: u64,
    /// Date column -> what its values say of their order.
    pub dates: BTreeMap<String, DateEvidence>,
}

/// What the values of one date column say of their day/month order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateEvidence {
    /// Values typed with slashes or dots, day and month in some order.
    pub slashed: u64,
    /// A value that can only be day first (its first part over 12), and one that can only be
    /// month first.
    pub day_first: Option<String>,
    pub month_first: Option<String>,
}

impl DateEvidence {
    /// The order the column settles, if it settles one.
    pub fn order(&self) -> Option<DateOrder> {
        match (&self.day_first, &self.month_first) {
            (Some(_), None) => Some(DateOrder::Dmy),
            (None, Some(_)) => Some(DateOrder::Mdy),
            _ => None,
        }
    }

    fn see(&mut self, value: &str) {
        let parts: Vec<&str> = value.split(['/', '.', '-']).collect();
        if parts.len() != 3 || parts[0].len() > 2 || parts[1].len() > 2 {
            return;
        }
        let (Ok(a), Ok(b)) = (parts[0].parse::<u32>(), parts[1].parse::<u32>()) else {
            return;
        };
        self.slashed += 1;
        if a > 12 && b <= 12 && self.day_first.is_none() {
            self.day_first = Some(value.to_string());
        }
        if b > 12 && a <= 12 && self.month_first.is_none() {
            self.month_first = Some(value.to_string());
        }
    }
}

/// What the date columns of a sheet say of their day/month order. Reading stops early when
/// the first `look` rows hold no date typed with slashes or dots: then nothing needs settling.
pub fn survey_dates(sheet: &mut Sheet, look: u64) -> BTreeMap<String, DateEvidence> {
    let headers: Vec<String> = sheet.headers().to_vec();
    let dates: Vec<(usize, &str)> = crate::mapping::DATE_COLUMNS
        .iter()
        .filter_map(|&d| headers.iter().position(|h| h == d).map(|i| (i, d)))
        .collect();
    let mut found: BTreeMap<String, DateEvidence> = BTreeMap::new();
    if dates.is_empty() {
        return found;
    }
    let mut row = Row::default();
    let mut rows = 0u64;
    while let Some(item) = sheet.next_into(&mut row) {
        rows += 1;
        if item.is_ok() {
            for &(i, name) in &dates {
                let cell = row.cells.get(i).unwrap_or("").trim();
                if !cell.is_empty() {
                    found.entry(name.to_string()).or_default().see(cell);
                }
            }
        }
        if rows >= look && found.values().all(|e| e.slashed == 0) {
            break;
        }
        // Settled everywhere: the rest cannot unsettle it but by conflict, which the rows
        // themselves then report.
        if found
            .values()
            .all(|e| e.slashed == 0 || e.order().is_some())
            && rows >= look
        {
            break;
        }
    }
    found
}

/// Reads every row of the sheet (through its mapping, if one is applied) and notes what cadre
/// does not know. Rows with problems are passed over: the import reports them.
pub fn survey(sheet: &mut Sheet, lookups: &Lookups) -> Survey {
    let headers: Vec<String> = sheet.headers().to_vec();
    let at = |name: &str| headers.iter().position(|h| h == name);
    type Check = fn(&Lookups, &str) -> bool;
    let known_department: Check = |l, t| l.department(t).is_some();
    let known_partner: Check = |l, t| l.partner(t).is_some();
    let known_country: Check = |_, t| Countries::get().lookup(t).is_ok();
    let checks: Vec<(usize, &str, Check, bool)> = [
        ("department", known_department, false),
        ("departments", known_department, true),
        ("partners", known_partner, true),
        ("funders", known_partner, true),
        ("country", known_country, false),
        ("countries", known_country, true),
        ("requested_by", known_country, false),
    ]
    .into_iter()
    .filter_map(|(name, check, list)| at(name).map(|i| (i, name, check, list)))
    .collect();
    let dates: Vec<(usize, &str)> = crate::mapping::DATE_COLUMNS
        .iter()
        .filter_map(|&d| at(d).map(|i| (i, d)))
        .collect();
    let mut s = Survey::default();
    let mut seen: std::collections::BTreeSet<(usize, String)> = Default::default();
    let mut row = Row::default();
    while let Some(item) = sheet.next_into(&mut row) {
        if item.is_err() {
            continue;
        }
        s.rows += 1;
        for &(i, name, check, list) in &checks {
            let cell = row.cells.get(i).unwrap_or("").trim();
            let items: Vec<&str> = if list {
                split_list(cell).collect()
            } else {
                Some(cell).filter(|c| !c.is_empty()).into_iter().collect()
            };
            for typed in items {
                if check(lookups, typed) {
                    continue;
                }
                let column = s.unknown.entry(name.to_string()).or_default();
                let key = (i, fold(typed));
                if let Some(n) = column.get_mut(typed) {
                    *n += 1;
                } else if seen.contains(&key) {
                    // Another spelling of a value already listed: counted with the first.
                    if let Some((_, n)) = column.iter_mut().find(|(t, _)| fold(t) == key.1) {
                        *n += 1;
                    }
                } else if column.len() < MAX_UNKNOWN {
                    seen.insert(key);
                    column.insert(typed.to_string(), 1);
                } else {
                    s.unknown_more += 1;
                }
            }
        }
        for &(i, name) in &dates {
            let cell = row.cells.get(i).unwrap_or("").trim();
            if !cell.is_empty() {
                s.dates.entry(name.to_string()).or_default().see(cell);
            }
        }
    }
    s
}
