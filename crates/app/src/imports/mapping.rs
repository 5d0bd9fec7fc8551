//! How an import's request becomes the options and mapping its sheet is read with: a mapping
//! file, the page's choices, or neither (v1 headers), with what the command line or the page
//! adds on top (the training and session of a sheet of one event, a date order).

use std::collections::BTreeMap;
use std::path::Path;

use cadre_core::text::fold;
use cadre_import::{Kind, Mapping, ReadOptions, TextEncoding, REJECTS_COLUMN};

use super::ImportRequest;
use crate::AppError;

pub(super) fn kind_has_dates(kind: Kind) -> bool {
    kind.columns()
        .iter()
        .any(|c| cadre_import::mapping::DATE_COLUMNS.contains(c))
}

/// Whether every header of the sheet is a v1 column name (no mapping needed).
pub(super) fn all_v1(headers: &[String], kind: Kind) -> bool {
    headers.iter().all(|h| {
        let key = fold(h).replace(' ', "_");
        key.is_empty() || key == REJECTS_COLUMN || kind.columns().contains(&key.as_str())
    })
}

pub(super) fn read_mapping(path: &Path, kind: Kind) -> Result<Mapping, AppError> {
    let bad = |message: String| AppError::Mapping {
        file: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let m = Mapping::parse(&text).map_err(|e| bad(e.to_string()))?;
    if let Some(k) = &m.kind {
        if k != kind.as_str() {
            return Err(bad(format!(
                "this mapping is for {k} files, and the import is of {}",
                kind.as_str()
            )));
        }
    }
    Ok(m)
}

pub(crate) fn read_options(
    kind: Kind,
    request: &ImportRequest,
    mapping: Option<&Mapping>,
) -> Result<ReadOptions, AppError> {
    let bad = |e: cadre_import::MappingError| AppError::Mapping {
        file: request
            .mapping
            .as_ref()
            .map_or("the mapping".to_string(), |p| p.display().to_string()),
        message: e.to_string(),
    };
    let mut o = ReadOptions {
        known: kind.columns(),
        sheet: request.sheet.clone(),
        header_row: request.header_row,
        ..ReadOptions::default()
    };
    if let Some(m) = mapping {
        o.sheet = o.sheet.or_else(|| m.sheet.clone());
        o.header_row = o.header_row.or(m.header_row);
        o.delimiter = m.delimiter().map_err(bad)?;
        o.encoding = match &m.encoding {
            None => None,
            Some(e) => Some(TextEncoding::parse(e).ok_or_else(|| {
                bad(cadre_import::MappingError(format!(
                    "encoding: \"{e}\" is not one of utf-8, windows-1252, utf-16le, utf-16be"
                )))
            })?),
        };
        o.ignore_extra = m.ignores_extra().map_err(bad)?;
    }
    Ok(o)
}

/// The mapping with what the command line (or the page) says on top: a date order, the
/// training and session of a sheet sent for one event.
pub(super) fn with_overrides(
    mapping: Option<Mapping>,
    request: &ImportRequest,
    headers: &[String],
) -> Result<Option<Mapping>, AppError> {
    if request.date_order.is_none() && request.training.is_none() && request.session.is_none() {
        return Ok(mapping);
    }
    let page = request.from_page;
    let mut m = mapping.unwrap_or_default();
    if let Some(o) = request.date_order {
        m.date_order = Some(o.as_str().to_string());
    }
    let has = |column: &str| {
        headers.iter().any(|h| fold(h).replace(' ', "_") == column)
            || m.columns.values().any(|c| c == column)
    };
    if let Some(t) = &request.training {
        if request.kind != Kind::Attendance {
            return Err(AppError::Invalid(if page {
                "a training for every row is for attendance sheets".to_string()
            } else {
                "--training is for attendance sheets without a training column".to_string()
            }));
        }
        if has("training_code") {
            return Err(AppError::Invalid(if page {
                "a column of the sheet is read as training_code: choose \"From a column of the sheet\" for the training, or read that column as \"ignore\"".to_string()
            } else {
                format!("the sheet has a training_code column already: --training {t} is for sheets without one")
            }));
        }
        m.fixed.insert("training_code".to_string(), t.clone());
    }
    if let Some(s) = &request.session {
        if request.training.is_none() {
            return Err(AppError::Invalid(if page {
                "a session for every row needs the training chosen first".to_string()
            } else {
                "--session names a session of the training given with --training".to_string()
            }));
        }
        if has("session_date") {
            return Err(AppError::Invalid(if page {
                "a column of the sheet is read as session_date: choose \"From a column of the sheet\" for the session, or read that column as \"ignore\"".to_string()
            } else {
                format!("the sheet has a session_date column already: --session {s} is for sheets without one")
            }));
        }
        m.fixed.insert("session_date".to_string(), s.clone());
    }
    Ok(Some(m))
}

/// The mapping the page's choices describe (`None` when they choose nothing).
pub(super) fn settings_mapping(kind: Kind, s: &crate::ImportSettings) -> Option<Mapping> {
    if s.columns.is_empty() && s.values.is_empty() && s.date_orders.is_empty() {
        return None;
    }
    let mut m = Mapping {
        format: 1,
        kind: Some(kind.as_str().to_string()),
        ..Default::default()
    };
    m.sheet = s.sheet.clone();
    m.header_row = s.header_row;
    m.columns = s
        .columns
        .iter()
        .filter(|(h, _)| h.as_str() != REJECTS_COLUMN)
        .map(|(h, c)| (h.clone(), c.clone()))
        .collect();
    for (column, values) in &s.values {
        let kept: BTreeMap<String, String> = values
            .iter()
            .filter(|(_, meaning)| !meaning.trim().is_empty())
            .map(|(typed, meaning)| (typed.clone(), meaning.trim().to_string()))
            .collect();
        if !kept.is_empty() {
            m.values.insert(column.clone(), kept);
        }
    }
    m.date_orders = s.date_orders.clone();
    Some(m)
}

/// The file as messages name it: its own name (an upload is kept under another path).
pub(super) fn file_label(request: &ImportRequest) -> String {
    request
        .name
        .clone()
        .unwrap_or_else(|| request.path.display().to_string())
}
