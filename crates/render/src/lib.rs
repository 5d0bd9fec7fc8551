//! Render: the period report in every format people use. Each format reads the same
//! `cadre_core::report::Report`; nothing here counts.

mod csv_long;
pub mod document;
pub mod face;
pub mod html;
mod json;
mod markdown;
mod pdf;
pub mod quality;
pub mod svg;
pub mod view;
mod xlsx;

use cadre_core::report::Report;

/// The formats `cadre report --format` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
    Markdown,
    Csv,
    Xlsx,
    Pdf,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }

    /// Whether the output is text that may go to a terminal.
    pub fn is_text(self) -> bool {
        !matches!(self, Format::Xlsx | Format::Pdf)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("could not render the HTML page: {0}")]
    Html(#[from] askama::Error),
    #[error("could not write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("could not write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("could not write JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// The report as the bytes of a file in the given format.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        Format::Html => html::render(report)?.into_bytes(),
        Format::Json => {
            let mut out = serde_json::to_vec_pretty(&json::report(report))?;
            out.push(b'\n');
            out
        }
        Format::Markdown => markdown::render(report).into_bytes(),
        Format::Csv => csv_long::render(report)?,
        Format::Xlsx => xlsx::render(report)?,
        Format::Pdf => pdf::render(report),
    })
}
