//! Import: reads the v1 files (CSV, or XLSX with the same columns on its first sheet) and turns
//! each row into a validated record, or into problems that name the file, line and column.
//!
//! Import reads files and checks them against what the store already holds (the [`Lookups`]);
//! it never writes. The store writes the records inside one transaction, so an import lands
//! whole or not at all.

pub mod columns;
pub mod mapping;
mod parse;
pub mod platforms;
mod problem;
mod sheet;
mod survey;

pub use cadre_core::kind::Kind;
pub use cadre_core::lookups::Lookups;
pub use mapping::{header_signature, Mapping, MappingError, Plan, Proposal};
pub use parse::{
    unknown_headers, AttendanceParser, DepartmentParser, PartnerParser, PublishedParser,
    SessionParser, TrainingParser,
};
pub use problem::column_letters;
pub use survey::{survey, survey_dates, DateEvidence, Survey};

/// The column a rejects file adds to the sheet's own, saying what was wrong with each row;
/// it is passed over when the file is imported again.
pub const REJECTS_COLUMN: &str = "cadre_problems";
pub use problem::{Advice, Problem, Problems, MAX_PROBLEMS};
pub use sheet::{Layout, Limits, ReadOptions, Row, Sheet, TextEncoding};

use std::path::PathBuf;

/// Failures to read a file at all; problems with its content are [`Problem`]s.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a readable workbook: {message}")]
    Workbook { path: PathBuf, message: String },
    #[error("{path}: cadre imports .csv and .xlsx files")]
    UnknownFormat { path: PathBuf },
    #[error("{0}")]
    Problems(Problems),
}
