//! A form as a page shows it: what was typed (kept when the save is refused) and the problem of
//! each field, so every error stands next to its input and in the summary above the form.

use std::collections::BTreeMap;

use cadre_app::domain::validate::FieldProblem;

/// The training form's fields with their labels, in order.
pub(crate) const TRAINING_FIELDS: [(&str, &str); 21] = [
    ("code", "Code"),
    ("title", "Title"),
    ("start_date", "First day"),
    ("end_date", "Last day"),
    ("modality", "Modality"),
    ("venue", "Venue"),
    ("platform", "Platform"),
    ("status", "Status"),
    ("partners", "Partners"),
    ("funders", "Funders"),
    ("requested_by", "Requested by"),
    ("value_usd", "Value (US$)"),
    ("participants_total", "Participants"),
    ("participants_male", "Male participants"),
    ("participants_female", "Female participants"),
    ("countries", "Countries taking part"),
    ("countries_reached", "Countries reached"),
    ("departments", "Departments"),
    ("theme", "Theme"),
    ("note", "Note"),
    ("summary", "Summary"),
];

/// The partner form's fields with their labels.
pub(crate) const PARTNER_FIELDS: [(&str, &str); 4] = [
    ("name", "Name"),
    ("short_name", "Short name"),
    ("parent", "Part of"),
    ("kind", "Kind"),
];

/// The agency form's fields with their labels.
pub(crate) const AGENCY_FIELDS: [(&str, &str); 7] = [
    ("name", "Name"),
    ("short_name", "Short name"),
    ("logo", "Logo"),
    ("colour", "Main colour"),
    ("accent", "Second colour"),
    ("time_zone", "Time zone"),
    ("date_style", "Date style"),
];

/// The participant form's fields with their labels.
pub(crate) const PARTICIPANT_FIELDS: [(&str, &str); 7] = [
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("email", "E-mail"),
    ("gender", "Gender"),
    ("country", "Country"),
    ("organisation", "Organisation"),
    ("department", "Department"),
];

/// The names of a form's fields.
pub(crate) fn names(fields: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    fields.iter().map(|(f, _)| *f).collect()
}

/// A field as its form's label names it, for the summary of a refused form ("First day: is
/// required"); a field of no form, its name in words.
pub fn label_of(field: &str) -> String {
    let known = TRAINING_FIELDS
        .iter()
        .chain(&PARTNER_FIELDS)
        .chain(&PARTICIPANT_FIELDS)
        .chain(&AGENCY_FIELDS)
        .find(|(f, _)| *f == field);
    match known {
        Some((_, label)) => label.to_string(),
        None => {
            let words = field.replace('_', " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// The typed values of a form and the problems found in them.
#[derive(Debug, Clone, Default)]
pub struct FormView {
    pub values: BTreeMap<String, String>,
    /// By field; a field with two problems shows both.
    pub errors: BTreeMap<String, String>,
    /// Problems of no field the form shows (in the summary only).
    pub general: Vec<String>,
}

impl FormView {
    pub fn new(values: BTreeMap<String, String>) -> FormView {
        FormView {
            values,
            ..Default::default()
        }
    }

    pub fn with_problems(mut self, problems: &[FieldProblem], shown: &[&str]) -> FormView {
        for p in problems {
            if shown.contains(&p.field) {
                let e = self.errors.entry(p.field.to_string()).or_default();
                if !e.is_empty() {
                    e.push_str("; ");
                }
                e.push_str(&p.message);
            } else {
                self.general.push(format!("{}: {}", p.field, p.message));
            }
        }
        self
    }

    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.general.is_empty()
    }

    /// Whether `option` is the chosen value of a select.
    pub fn is(&self, field: &str, option: &str) -> bool {
        self.value(field) == option
    }
}

/// A row of the side-by-side view of two versions of a record: a field they hold differently.
pub(crate) struct Difference {
    pub field: &'static str,
    pub label: &'static str,
    pub mine: String,
    pub theirs: String,
}

/// A save that met someone else's since the version its form was filled from: what the form
/// says about it.
pub(crate) struct Conflict {
    pub version: i64,
    /// The fields both changed, to choose between.
    pub differences: Vec<Difference>,
    /// The fields only the other person changed: their values are in the form.
    pub kept: Vec<&'static str>,
}

/// Takes the version a form was filled from out of its values (`base.FIELD`), and applies
/// the choices made in a conflict (`keep.FIELD` = `theirs`: the base's value, which after a
/// conflict is theirs). Sent back with every save, the base lets a save from an old version
/// merge three ways.
pub(crate) fn take_base(values: &mut BTreeMap<String, String>) -> BTreeMap<String, String> {
    let base = take_prefixed(values, "base.");
    for (field, keep) in take_prefixed(values, "keep.") {
        if keep == "theirs" {
            if let Some(theirs) = base.get(&field) {
                values.insert(field, theirs.clone());
            }
        }
    }
    base
}

fn take_prefixed(values: &mut BTreeMap<String, String>, prefix: &str) -> BTreeMap<String, String> {
    let names: Vec<String> = values
        .keys()
        .filter(|k| k.starts_with(prefix))
        .cloned()
        .collect();
    names
        .into_iter()
        .filter_map(|k| {
            let v = values.remove(&k)?;
            Some((k[prefix.len()..].to_string(), v))
        })
        .collect()
}

/// A save from an old version, merged three ways when its form sent its base: `Some` with
/// the merged values when no field was changed by both (to save as they stand, at the
/// record's current version), `None` when the editor must choose.
pub(crate) fn merge_if_clear(
    base: &BTreeMap<String, String>,
    mine: &BTreeMap<String, String>,
    theirs: &BTreeMap<String, String>,
) -> Option<BTreeMap<String, String>> {
    if base.is_empty() {
        return None;
    }
    let merged = cadre_app::domain::merge::merge3(base, mine, theirs);
    merged.both_changed.is_empty().then_some(merged.fields)
}

impl Conflict {
    /// The form's values and what it says, for a save from `base` (empty for a form that did
    /// not send it: every difference is shown) that met `theirs`, now at `version`. `fields`
    /// names the form's fields with their labels.
    pub(crate) fn between(
        version: i64,
        base: &BTreeMap<String, String>,
        mine: &BTreeMap<String, String>,
        theirs: &BTreeMap<String, String>,
        fields: &[(&'static str, &'static str)],
    ) -> (BTreeMap<String, String>, Conflict) {
        let get =
            |m: &BTreeMap<String, String>, f: &str| m.get(f).map_or("", |v| v.trim()).to_string();
        let (values, both, kept): (_, Vec<String>, Vec<String>) = if base.is_empty() {
            let differing = fields
                .iter()
                .filter(|(f, _)| get(mine, f) != get(theirs, f))
                .map(|(f, _)| f.to_string())
                .collect();
            (mine.clone(), differing, Vec::new())
        } else {
            let m = cadre_app::domain::merge::merge3(base, mine, theirs);
            (m.fields, m.both_changed, m.theirs_kept)
        };
        let named = |f: &str| fields.iter().find(|(n, _)| *n == f).copied();
        let differences = both
            .iter()
            .filter_map(|f| named(f))
            .map(|(field, label)| Difference {
                field,
                label,
                mine: get(mine, field),
                theirs: get(theirs, field),
            })
            .collect();
        let kept = kept
            .iter()
            .filter_map(|f| named(f))
            .map(|(_, l)| l)
            .collect();
        (
            values,
            Conflict {
                version,
                differences,
                kept,
            },
        )
    }
}
