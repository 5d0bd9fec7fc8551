//! Proposing how to read a sheet: its columns from their headers' words, how whole names
//! split, the order of its dates, and each value cadre does not know with its count of rows,
//! for a person to check, complete and save as a mapping.

use std::collections::BTreeMap;

use cadre_core::date_order::DateOrder;
use cadre_import::{
    header_signature, survey, Kind, Lookups, Mapping, Plan, Proposal, Sheet, TextEncoding,
};

use crate::imports::{read_options, ImportRequest};
use crate::{Actor, App, AppError};

impl App {
    /// Proposes a mapping for a sheet: its columns from their headers' words, how whole names
    /// split, the order of its dates, and each value cadre does not know with its count of
    /// rows, for a person to check and complete.
    pub async fn propose_mapping(
        &self,
        actor: &Actor,
        request: &ImportRequest,
    ) -> Result<Proposal, AppError> {
        actor.must(cadre_core::access::Action::Import)?;
        let kind = request.kind;
        let options = read_options(kind, request, None)?;
        let mut sheet = Sheet::open_with(&request.path, &options)?;
        let headers = sheet.sheet_headers().to_vec();
        let signature = header_signature(kind, &headers);
        if let Some((text, saved)) = self
            .store
            .remembered_mapping(kind.as_str(), &signature)
            .await?
        {
            if let Ok(mapping) = Mapping::parse(&text) {
                let mut notes = BTreeMap::new();
                notes.insert(
                    "date_order".to_string(),
                    format!("remembered for sheets with this header (saved {saved})"),
                );
                return Ok(Proposal { mapping, notes });
            }
        }
        let mut samples = Vec::new();
        let mut first = Vec::new();
        for row in sheet.by_ref().take(50).flatten() {
            samples.push(row.cells.iter().map(str::to_string).collect::<Vec<_>>());
            first.push(row);
        }
        let mut proposal =
            cadre_import::mapping::propose_columns(kind, &headers, &samples, kind.columns());
        let m = &mut proposal.mapping;
        m.sheet = sheet
            .layout()
            .sheet
            .clone()
            .filter(|_| sheet.layout().sheets.len() > 1);
        m.header_row = request.header_row;
        m.delimiter = sheet
            .layout()
            .delimiter
            .filter(|&d| d != b',')
            .map(|d| match d {
                b'\t' => "tab".to_string(),
                d => char::from(d).to_string(),
            });
        m.encoding = sheet
            .layout()
            .encoding
            .filter(|&e| e != TextEncoding::Utf8)
            .map(|e| e.as_str().to_string());
        if kind == Kind::Attendance && request.training.is_some() {
            m.columns.retain(|_, c| c != "training_code");
        }
        if let Some(t) = &request.training {
            m.fixed.insert("training_code".to_string(), t.clone());
        }
        if let Some(s) = &request.session {
            m.fixed.insert("session_date".to_string(), s.clone());
        }
        drop(sheet);
        // The values and dates, read through the proposed columns.
        let lookups = self.store.lookups().await?;
        if let Ok(plan) = Plan::new(&proposal.mapping, &headers, kind.columns()) {
            let mut sheet = Sheet::open_with(&request.path, &options)?;
            sheet.apply(plan);
            let found = survey(&mut sheet, &lookups);
            note_survey(&mut proposal, &found, &lookups);
        }
        Ok(proposal)
    }
}

fn note_survey(p: &mut Proposal, found: &cadre_import::Survey, lookups: &Lookups) {
    for (column, evidence) in &found.dates {
        if evidence.slashed == 0 {
            continue;
        }
        let note = match (evidence.order(), &evidence.day_first, &evidence.month_first) {
            (Some(o), Some(d), _) | (Some(o), _, Some(d)) => {
                format!("{column}: settled by its own values ({d} can only be read {o})")
            }
            (None, Some(d), Some(m)) => format!(
                "{column}: holds dates only day first ({d}) and only month first ({m}): correct them"
            ),
            _ => format!(
                "{column}: every date reads both ways (as 05/07/2021): day first is proposed; check"
            ),
        };
        p.notes.insert(format!("date_orders.{column}"), note);
        let order = evidence.order().unwrap_or(DateOrder::Dmy);
        p.mapping
            .date_orders
            .insert(column.clone(), order.as_str().to_string());
    }
    for (column, values) in &found.unknown {
        let map = p.mapping.values.entry(column.clone()).or_default();
        for (typed, rows) in values {
            let guess = match column.as_str() {
                "department" | "departments" => lookups.closest_department(typed),
                _ => None,
            };
            let note = match &guess {
                Some(g) => format!(
                    "{rows} row{}: not known; \"{g}\" is the closest department (or keep it as an alias under [aliases])",
                    if *rows == 1 { "" } else { "s" }
                ),
                None => format!(
                    "{rows} row{}: not known; write what it means, or delete this line to leave it an error",
                    if *rows == 1 { "" } else { "s" }
                ),
            };
            p.notes.insert(format!("values.{column}.{typed}"), note);
            // The page's own words: its field is the value's meaning, left blank to report.
            let plural = if *rows == 1 { "" } else { "s" };
            let on_page = match &guess {
                Some(g) => {
                    format!("{rows} row{plural}; \"{g}\" is the closest department, proposed here")
                }
                None => format!("{rows} row{plural}; cadre does not know it"),
            };
            p.notes
                .insert(format!("{PAGE_NOTE}values.{column}.{typed}"), on_page);
            map.insert(typed.clone(), guess.unwrap_or_default());
        }
    }
}

/// Notes worded for the import page (its fields, not a mapping file's lines) are kept under
/// this prefix, beside the file's.
pub const PAGE_NOTE: &str = "page.";

/// The first rows of a sheet as cadre reads them, for a person to check the header and the
/// sheet before mapping its columns.
#[derive(Debug, Clone)]
pub struct Preview {
    pub layout: cadre_import::Layout,
    pub headers: Vec<String>,
    /// (line, cells) of the first rows.
    pub rows: Vec<(usize, Vec<String>)>,
    /// Problems met in those rows (a cell beyond the header, say).
    pub problems: Vec<String>,
}

impl App {
    /// Reads the first `rows` rows of the sheet the request names.
    pub async fn preview(
        &self,
        actor: &Actor,
        request: &ImportRequest,
        rows: usize,
    ) -> Result<Preview, AppError> {
        actor.must(cadre_core::access::Action::Import)?;
        let options = read_options(request.kind, request, None)?;
        let mut sheet = Sheet::open_with(&request.path, &options)?;
        let headers = sheet.sheet_headers().to_vec();
        let layout = sheet.layout().clone();
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for row in sheet.by_ref().take(rows) {
            match row {
                Ok(r) => out.push((r.line, r.cells.iter().map(str::to_string).collect())),
                Err(p) => problems.push(p.to_string()),
            }
        }
        Ok(Preview {
            layout,
            headers,
            rows: out,
            problems,
        })
    }
}
