//! A form as a page shows it: what was typed (kept when the save is refused) and the problem of
//! each field, so every error stands next to its input and in the summary above the form.

use std::collections::BTreeMap;

use cadre_app::domain::validate::FieldProblem;

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
