//! Recognising a sheet's headers as cadre's columns: the words are core's
//! (`cadre_core::columns`); this is where the import asks them.

use cadre_core::columns;
use cadre_core::text::fold;

/// Whether a header names one of `known`, in its v1 name or in other words.
pub fn recognises(header: &str, known: &[&'static str]) -> bool {
    let key = fold(header).replace(' ', "_");
    if key.is_empty() {
        return false;
    }
    known.contains(&key.as_str())
        || columns::propose(header, known).is_some()
        || (columns::is_full_name(header) && known.contains(&"family_name"))
}

/// The v1 columns closest to a header, for an error that says what was meant.
pub fn closest(header: &str, known: &[&'static str]) -> Vec<&'static str> {
    columns::closest(header, known)
}
