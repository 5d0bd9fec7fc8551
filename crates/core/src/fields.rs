//! Records from fields as people type them (a form's inputs, a JSON body's values), by their v1
//! column names: every problem found, each with its field, a stable code and a message, so a
//! form shows it next to its input and the API returns it as data. The rules are the ones a
//! sheet's rows are checked with (`validate`, the parsers of dates, money and counts).

use std::collections::{BTreeMap, HashMap};

use crate::text::split_list;
use crate::validate::{self, FieldProblem};
use crate::{
    Countries, Lookups, Modality, Money, PartialDate, PartnerKind, PartnerRecord, PersonRecord,
    SessionRecord, Status, TrainingRecord,
};

/// Where the typed values come from.
pub trait Fields {
    /// The field's text as typed, or `None` when absent.
    fn get(&self, field: &str) -> Option<&str>;

    /// A list field's items: a form's or sheet's text split on `;`. A JSON body's arrays come
    /// through [`Typed`].
    fn list(&self, field: &str) -> Vec<String> {
        split_list(self.get(field).unwrap_or(""))
            .map(str::to_string)
            .collect()
    }

    /// Whether a date may be typed day/month first (`25/12/2021`), its order settled by its
    /// own value, as people type one in a form. A sheet's column is settled whole by the
    /// import, and a JSON body keeps to its schema's `YYYY-MM-DD`: both say no.
    fn single_dates_settle_order(&self) -> bool {
        true
    }
}

impl Fields for HashMap<String, String> {
    fn get(&self, field: &str) -> Option<&str> {
        HashMap::get(self, field).map(String::as_str)
    }
}

impl Fields for BTreeMap<String, String> {
    fn get(&self, field: &str) -> Option<&str> {
        BTreeMap::get(self, field).map(String::as_str)
    }
}

/// Fields with lists already split (a JSON body's arrays).
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub text: BTreeMap<String, String>,
    pub lists: BTreeMap<String, Vec<String>>,
}

impl Fields for Typed {
    fn get(&self, field: &str) -> Option<&str> {
        self.text.get(field).map(String::as_str)
    }

    fn single_dates_settle_order(&self) -> bool {
        false
    }

    fn list(&self, field: &str) -> Vec<String> {
        match self.lists.get(field) {
            Some(items) => items
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            None => split_list(self.get(field).unwrap_or(""))
                .map(str::to_string)
                .collect(),
        }
    }
}

/// The fields read so far and the problems found in them.
struct Reader<'a, F: Fields + ?Sized> {
    fields: &'a F,
    problems: Vec<FieldProblem>,
}

impl<'a, F: Fields + ?Sized> Reader<'a, F> {
    fn new(fields: &'a F) -> Self {
        Reader {
            fields,
            problems: Vec::new(),
        }
    }

    fn raw(&self, field: &str) -> &'a str {
        self.fields.get(field).map_or("", str::trim)
    }

    fn text(&self, field: &str) -> Option<String> {
        let raw = self.raw(field);
        (!raw.is_empty()).then(|| raw.to_string())
    }

    fn fail(&mut self, field: &'static str, code: &'static str, message: impl Into<String>) {
        self.problems.push(FieldProblem {
            field,
            code,
            message: message.into(),
        });
    }

    fn required(&mut self, field: &'static str) -> String {
        let raw = self.raw(field);
        if raw.is_empty() {
            self.fail(field, "required", "is required");
        }
        raw.to_string()
    }

    fn parse<T, E: std::fmt::Display>(
        &mut self,
        field: &'static str,
        code: &'static str,
        f: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let raw = self.raw(field);
        if raw.is_empty() {
            return None;
        }
        match f(raw) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(field, code, e.to_string());
                None
            }
        }
    }

    /// A date as the import reads one: ISO, or day/month where its value settles the order.
    fn date(&mut self, field: &'static str) -> Option<PartialDate> {
        if self.fields.single_dates_settle_order() {
            self.parse(field, "bad-date", crate::date_order::parse_typed_date)
        } else {
            self.parse(field, "bad-date", PartialDate::parse)
        }
    }

    fn count(&mut self, field: &'static str) -> Option<u32> {
        self.parse(field, "bad-count", validate::parse_count)
    }

    fn rule(&mut self, problem: Option<FieldProblem>) {
        self.problems.extend(problem);
    }

    fn partners(&mut self, field: &'static str, lookups: &Lookups) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for typed in self.fields.list(field) {
            match lookups.partner(&typed) {
                Some(name) if !names.iter().any(|n| n == name) => names.push(name.to_string()),
                Some(_) => {}
                None => self.fail(
                    field,
                    "unknown-partner",
                    format!("unknown partner \"{typed}\": add it to the partners first"),
                ),
            }
        }
        names
    }

    fn country(&mut self, field: &'static str) -> Option<String> {
        self.parse(field, "unknown-country", |t| {
            Countries::get().lookup(t).map(|c| c.code.clone())
        })
    }

    fn countries(&mut self, field: &'static str) -> Vec<String> {
        let mut codes = Vec::new();
        for typed in self.fields.list(field) {
            match Countries::get().lookup(&typed) {
                Ok(c) if !codes.contains(&c.code) => codes.push(c.code.clone()),
                Ok(_) => {}
                Err(e) => self.fail(field, "unknown-country", e.to_string()),
            }
        }
        codes
    }

    fn department(
        &mut self,
        typed: &str,
        field: &'static str,
        lookups: &Lookups,
    ) -> Option<String> {
        match lookups.department(typed) {
            Some(name) => Some(name.to_string()),
            None => {
                self.fail(
                    field,
                    "unknown-department",
                    format!("unknown department \"{typed}\": use a name or alias from the list of departments"),
                );
                None
            }
        }
    }

    /// A field longer than `max` characters is a problem (a title of a page's length is a
    /// paste gone wrong, and no report can show it).
    /// A text field of at most `max` characters, on one line and without control characters.
    fn at_most(&mut self, field: &'static str, max: usize) {
        self.text_rule(field, max, false);
    }

    /// A text of paragraphs (a summary, a note): tabs and line breaks allowed.
    fn paragraphs(&mut self, field: &'static str, max: usize) {
        self.text_rule(field, max, true);
    }

    fn text_rule(&mut self, field: &'static str, max: usize, paragraphs: bool) {
        let raw = self.raw(field);
        let n = raw.chars().count();
        if n > max {
            self.fail(
                field,
                "too-long",
                format!("is {n} characters long: at most {max}"),
            );
        } else if let Some(p) = validate::plain_text(field, raw, paragraphs) {
            self.problems.push(p);
        }
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<FieldProblem>> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(self.problems)
        }
    }
}

/// A training from its fields (`code`, `title`, `start_date`, ..., `value_usd`, lists as `;`
/// separated text or arrays).
pub fn training(
    fields: &(impl Fields + ?Sized),
    lookups: &Lookups,
) -> Result<TrainingRecord, Vec<FieldProblem>> {
    let mut r = Reader::new(fields);
    let code = r.required("code");
    let title = r.required("title");
    r.at_most("code", 200);
    r.at_most("title", 500);
    for field in ["venue", "platform", "theme"] {
        r.at_most(field, 500);
    }
    r.paragraphs("note", 10_000);
    r.paragraphs("summary", 20_000);
    let start = r.date("start_date");
    let end = r.date("end_date");
    r.rule(validate::span(start, end));
    let modality = r.parse("modality", "bad-value", Modality::parse);
    let status = r.parse("status", "bad-value", Status::parse);
    let partners = r.partners("partners", lookups);
    let funders = r.partners("funders", lookups);
    let requested_by = r.country("requested_by");
    let value = r.parse("value_usd", "bad-money", Money::parse_usd);
    let total = r.count("participants_total");
    let male = r.count("participants_male");
    let female = r.count("participants_female");
    r.rule(validate::gender_counts(total, male, female));
    let countries = r.countries("countries");
    let countries_reached = r.count("countries_reached");
    let mut departments: Vec<String> = Vec::new();
    for typed in fields.list("departments") {
        if let Some(name) = r.department(&typed, "departments", lookups) {
            if !departments.contains(&name) {
                departments.push(name);
            }
        }
    }
    let record = TrainingRecord {
        code,
        title,
        start,
        end,
        modality,
        venue: r.text("venue"),
        platform: r.text("platform"),
        status,
        partners,
        funders,
        requested_by,
        value,
        participants_total: total,
        participants_male: male,
        participants_female: female,
        countries,
        countries_reached,
        departments,
        theme: r.text("theme"),
        note: r.text("note"),
        summary: r.text("summary"),
    };
    r.finish(record)
}

/// A session from its fields (`training_code`, `start_date`, `end_date`, `participants_total`,
/// `note`).
pub fn session(
    fields: &(impl Fields + ?Sized),
    lookups: &Lookups,
) -> Result<SessionRecord, Vec<FieldProblem>> {
    let mut r = Reader::new(fields);
    let training_code = r.required("training_code");
    if !training_code.is_empty() && lookups.sessions(&training_code).is_none() {
        r.fail(
            "training_code",
            "unknown-training",
            format!("unknown training code \"{training_code}\""),
        );
    }
    let start = r.date("start_date");
    if r.raw("start_date").is_empty() {
        r.fail("start_date", "required", "is required");
    }
    let end = r.date("end_date");
    r.rule(validate::span(start, end));
    let participants_total = r.count("participants_total");
    r.at_most("training_code", 200);
    r.paragraphs("note", 10_000);
    let note = r.text("note");
    match start {
        Some(start) => r.finish(SessionRecord {
            training_code,
            start,
            end,
            participants_total,
            note,
        }),
        None => Err(r.problems),
    }
}

/// A partner from its fields (`name`, `short_name`, `parent`, `kind`).
pub fn partner(
    fields: &(impl Fields + ?Sized),
    lookups: &Lookups,
) -> Result<PartnerRecord, Vec<FieldProblem>> {
    let mut r = Reader::new(fields);
    let name = r.required("name");
    r.at_most("name", 500);
    r.at_most("short_name", 100);
    r.at_most("parent", 500);
    let short_name = r.text("short_name");
    let kind = r.parse("kind", "bad-value", PartnerKind::parse);
    let parent = match r.text("parent") {
        Some(typed) => match lookups.partner(&typed) {
            Some(p) => Some(p.to_string()),
            None => {
                r.fail(
                    "parent",
                    "unknown-partner",
                    format!("unknown partner \"{typed}\": add the parent first"),
                );
                None
            }
        },
        None => None,
    };
    r.finish(PartnerRecord {
        name,
        short_name,
        parent,
        kind,
    })
}

/// A participant from their fields (`given_name`, `family_name`, `email`, `gender`, `country`,
/// `organisation`, `department`).
pub fn person(
    fields: &(impl Fields + ?Sized),
    lookups: &Lookups,
) -> Result<PersonRecord, Vec<FieldProblem>> {
    let mut r = Reader::new(fields);
    for (field, max) in [
        ("given_name", 200),
        ("family_name", 200),
        ("email", 254),
        ("organisation", 500),
        ("department", 500),
        ("country", 100),
        ("gender", 50),
    ] {
        r.at_most(field, max);
    }
    let given_name = r.raw("given_name").to_string();
    let family_name = r.raw("family_name").to_string();
    let email = r.text("email");
    r.rule(validate::email(email.as_deref()));
    r.rule(validate::identity(
        &given_name,
        &family_name,
        email.as_deref(),
    ));
    let gender = r
        .parse("gender", "bad-gender", crate::parse_gender)
        .flatten();
    let country = r.country("country");
    let organisation = r.text("organisation");
    let department = match r.text("department") {
        Some(typed) => r.department(&typed, "department", lookups),
        None => None,
    };
    r.finish(PersonRecord {
        given_name,
        family_name,
        email,
        gender,
        country,
        organisation,
        department,
    })
}

/// A record's fields as a form shows them: the inverse of [`training`].
pub fn training_fields(t: &TrainingRecord) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: Option<String>| {
        f.insert(k.to_string(), v.unwrap_or_default());
    };
    put("code", Some(t.code.clone()));
    put("title", Some(t.title.clone()));
    put("start_date", t.start.map(|d| d.to_string()));
    put("end_date", t.end.map(|d| d.to_string()));
    put("modality", t.modality.map(|m| m.as_str().to_string()));
    put("venue", t.venue.clone());
    put("platform", t.platform.clone());
    put("status", t.status.map(|s| s.as_str().to_string()));
    put("partners", Some(t.partners.join("; ")));
    put("funders", Some(t.funders.join("; ")));
    put("requested_by", t.requested_by.clone());
    put("value_usd", t.value.map(|v| v.to_string()));
    put(
        "participants_total",
        t.participants_total.map(|n| n.to_string()),
    );
    put(
        "participants_male",
        t.participants_male.map(|n| n.to_string()),
    );
    put(
        "participants_female",
        t.participants_female.map(|n| n.to_string()),
    );
    put("countries", Some(t.countries.join("; ")));
    put(
        "countries_reached",
        t.countries_reached.map(|n| n.to_string()),
    );
    put("departments", Some(t.departments.join("; ")));
    put("theme", t.theme.clone());
    put("note", t.note.clone());
    put("summary", t.summary.clone());
    f
}

/// A session's fields as a form shows them: the inverse of [`session`].
pub fn session_fields(s: &SessionRecord) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    f.insert("training_code".into(), s.training_code.clone());
    f.insert("start_date".into(), s.start.to_string());
    f.insert(
        "end_date".into(),
        s.end.map(|d| d.to_string()).unwrap_or_default(),
    );
    f.insert(
        "participants_total".into(),
        s.participants_total
            .map(|n| n.to_string())
            .unwrap_or_default(),
    );
    f.insert("note".into(), s.note.clone().unwrap_or_default());
    f
}

/// A partner's fields as a form shows them: the inverse of [`partner`].
pub fn partner_fields(p: &PartnerRecord) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    f.insert("name".into(), p.name.clone());
    f.insert(
        "short_name".into(),
        p.short_name.clone().unwrap_or_default(),
    );
    f.insert("parent".into(), p.parent.clone().unwrap_or_default());
    f.insert(
        "kind".into(),
        p.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
    );
    f
}

/// A participant's fields as a form shows them: the inverse of [`person`].
pub fn person_fields(p: &PersonRecord) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    f.insert("given_name".into(), p.given_name.clone());
    f.insert("family_name".into(), p.family_name.clone());
    f.insert("email".into(), p.email.clone().unwrap_or_default());
    f.insert(
        "gender".into(),
        p.gender.map(|g| g.as_str().to_string()).unwrap_or_default(),
    );
    f.insert("country".into(), p.country.clone().unwrap_or_default());
    f.insert(
        "organisation".into(),
        p.organisation.clone().unwrap_or_default(),
    );
    f.insert(
        "department".into(),
        p.department.clone().unwrap_or_default(),
    );
    f
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
