//! An uploaded file as its user knows it: its own name (never the path where it is kept), and
//! why it cannot be read, in the import page's words.

use super::MAX_NAME;

/// Why a sheet cannot be read, in words for the import page: its own name, never the path
/// where the server keeps it.
pub fn describe_read_error(e: &cadre_import::ImportError, name: &str) -> String {
    use cadre_import::ImportError as E;
    match e {
        E::Io { .. } => "the file could not be read".to_string(),
        E::Workbook { message, .. } => format!("it is not a workbook cadre can read ({message})"),
        E::UnknownFormat { .. } => "cadre imports CSV (.csv) and Excel (.xlsx) files".to_string(),
        E::Problems(p) => p
            .list
            .iter()
            .map(|p| p.on_page(name))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The uploaded file's own name, kept for messages: no folder, no control character, not
/// hidden, not too long.
pub fn file_name_of(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        "upload.csv".to_string()
    } else {
        clean
    }
}
