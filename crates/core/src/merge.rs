//! Three-way merge of a record's fields, for a save made from a version someone else has
//! changed since: the version the editor started from (the base), what they typed (mine), and
//! what is stored now (theirs). A field only one side changed keeps that side's value; a
//! field both changed to different values is the editor's to choose; nothing the editor left
//! as it was is written over the other person's change.

use std::collections::{BTreeMap, BTreeSet};

/// What a three-way merge gives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Merged {
    /// Every field, as the merge leaves it (a field both changed holds the editor's value,
    /// until they choose).
    pub fields: BTreeMap<String, String>,
    /// The fields both sides changed, to different values.
    pub both_changed: Vec<String>,
    /// The fields only the other side changed, kept from theirs.
    pub theirs_kept: Vec<String>,
}

/// Merges `mine` (what the editor typed, from `base`) with `theirs` (stored now). Values are
/// compared as typed, spaces around them aside; a field absent from a side is empty there.
pub fn merge3(
    base: &BTreeMap<String, String>,
    mine: &BTreeMap<String, String>,
    theirs: &BTreeMap<String, String>,
) -> Merged {
    let names: BTreeSet<&String> = base
        .keys()
        .chain(mine.keys())
        .chain(theirs.keys())
        .collect();
    let get = |m: &BTreeMap<String, String>, k: &str| -> String {
        m.get(k).map_or("", |v| v.trim()).to_string()
    };
    let mut out = Merged::default();
    for name in names {
        let (b, m, t) = (get(base, name), get(mine, name), get(theirs, name));
        let value = if m == t || t == b {
            m
        } else if m == b {
            out.theirs_kept.push(name.clone());
            t
        } else {
            out.both_changed.push(name.clone());
            m
        };
        out.fields.insert(name.clone(), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn each_side_keeps_what_only_it_changed_and_both_changes_are_left_to_choose() {
        let base = map(&[
            ("theme", "Borders"),
            ("participants_total", "20"),
            ("title", "A"),
        ]);
        // The other person changed the theme; this editor the count.
        let theirs = map(&[
            ("theme", "Cyber"),
            ("participants_total", "20"),
            ("title", "A"),
        ]);
        let mine = map(&[
            ("theme", "Borders"),
            ("participants_total", "25"),
            ("title", "A"),
        ]);
        let m = merge3(&base, &mine, &theirs);
        assert_eq!(m.fields["theme"], "Cyber", "their change is not reverted");
        assert_eq!(m.fields["participants_total"], "25", "mine is kept");
        assert_eq!(m.fields["title"], "A");
        assert!(m.both_changed.is_empty());
        assert_eq!(m.theirs_kept, vec!["theme".to_string()]);

        // Both changed the title, differently: it is the editor's to choose.
        let mine = map(&[
            ("theme", "Borders"),
            ("participants_total", "20"),
            ("title", "B"),
        ]);
        let theirs = map(&[
            ("theme", "Borders"),
            ("participants_total", "20"),
            ("title", "C"),
        ]);
        let m = merge3(&base, &mine, &theirs);
        assert_eq!(m.both_changed, vec!["title".to_string()]);
        assert_eq!(m.fields["title"], "B");
        // The same change on both sides is no conflict.
        let m = merge3(&base, &mine, &mine);
        assert!(m.both_changed.is_empty() && m.theirs_kept.is_empty());
        // A field one side emptied is a change like any other.
        let theirs = map(&[("theme", ""), ("participants_total", "20"), ("title", "A")]);
        let m = merge3(&base, &base, &theirs);
        assert_eq!(m.fields["theme"], "");
    }
}
