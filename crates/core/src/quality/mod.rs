//! Data-quality rules as data: each rule has a stable code, a severity, the kind of record it
//! points to, and the parameters its finding carries. The words that say a finding are not
//! here but in `render` (`cadre_render::quality`), so that another language is one more table
//! of messages; what an admin changed of a rule (switched off, another severity) is a
//! [`Settings`], applied to a report by [`finish`].
//!
//! Which rule fires where: a training's own rules are worked out with its share
//! (`report::count`), the rules between trainings of a period and those of the declared
//! figures when the period's report is assembled (`report::assemble`), the rules that depend
//! on the day in [`finish`], and the rules between persons in [`persons`].

pub mod persons;
pub mod text;

use std::collections::BTreeMap;

use crate::date::{Date, PartialDate};
use crate::money::Money;
use crate::records::Status;
use crate::report::Report;

/// How much a finding matters: an error is a fault that makes a figure wrong, a warning one
/// that may, a note a limit of what the records can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Note];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    pub fn parse(typed: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str() == crate::text::fold(typed))
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule's findings point to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// One training (its code).
    Training,
    /// The period as a whole, or its declared figures.
    Period,
    /// A participant (the store's id), found among all persons rather than in a period.
    Person,
}

macro_rules! rules {
    ($($variant:ident = $code:literal, $severity:ident, $subject:ident;)+) => {
        /// Every data-quality rule cadre checks.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $($variant),+ }

        impl Rule {
            /// In the order the "to fix" page and the settings list them.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),+];

            /// The stable code reports, settings and the API name it by.
            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code),+ }
            }

            /// Its severity unless an admin set another.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity),+ }
            }

            pub fn subject(self) -> Subject {
                match self { $(Rule::$variant => Subject::$subject),+ }
            }

            pub fn parse(code: &str) -> Option<Rule> {
                let key = crate::text::fold(code).replace(['-', ' '], "_");
                match key.as_str() {
                    $($code => Some(Rule::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

rules! {
    // A training's figures.
    GenderExceedsTotal = "gender_exceeds_total", Error, Training;
    CountUnknown = "count_unknown", Warning, Training;
    RecordsDifferFromFigure = "records_differ_from_figure", Warning, Training;
    SessionsDifferFromTotal = "sessions_differ_from_total", Warning, Training;
    AggregateOnly = "aggregate_only", Note, Training;
    GenderNotRecorded = "gender_not_recorded", Note, Training;
    // Its dates.
    EndBeforeStart = "end_before_start", Error, Training;
    DeliveredInFuture = "delivered_in_future", Error, Training;
    DateMonthOnly = "date_month_only", Note, Training;
    DateYearOnly = "date_year_only", Note, Training;
    // Between trainings.
    PossibleDuplicate = "possible_duplicate", Warning, Training;
    SameSummary = "same_summary", Warning, Training;
    // Its countries, value and partners.
    CountriesReachedBelowListed = "countries_reached_below_listed", Warning, Training;
    CountriesNotNamed = "countries_not_named", Note, Training;
    ParticipantCountryNotListed = "participant_country_not_listed", Warning, Training;
    ValueMissing = "value_missing", Warning, Training;
    ValuePerParticipantOutlier = "value_per_participant_outlier", Warning, Training;
    NoPartner = "no_partner", Warning, Training;
    // The period, and the figures declared for it.
    DeclaredNotItemised = "declared_not_itemised", Warning, Period;
    DeclaredGenderNotRecorded = "declared_gender_not_recorded", Note, Period;
    DeclaredGenderExceedsTotal = "declared_gender_exceeds_total", Error, Period;
    DeclaredValueNotItemised = "declared_value_not_itemised", Warning, Period;
    DeclaredUnexplained = "declared_unexplained", Warning, Period;
    PublishedDiffers = "published_differs", Warning, Period;
    ValueNotRecorded = "value_not_recorded", Note, Period;
    PersonsFromAggregates = "persons_from_aggregates", Note, Period;
    // Persons.
    DuplicatePersonName = "duplicate_person_name", Warning, Person;
    DuplicatePersonEmail = "duplicate_person_email", Warning, Person;
    LookAlikeLetters = "look_alike_letters", Warning, Person;
    UnseenCharacters = "unseen_characters", Warning, Person;
}

/// A rule compares equal to its code, as reports and tests name it.
impl PartialEq<&str> for Rule {
    fn eq(&self, code: &&str) -> bool {
        self.code() == *code
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A value a finding carries, typed, so that each format writes it its own way (a count with
/// its thousands grouped in prose, a number in JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Count(u64),
    Money(Money),
    Date(PartialDate),
    Text(String),
    /// Training codes, country codes: a list.
    List(Vec<String>),
    /// A ratio in tenths (`123` is 12.3 times): exact, and written with one decimal.
    Tenths(u64),
    Flag(bool),
}

/// One thing a rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// The training's code, for a rule about a training.
    pub training: Option<String>,
    /// The person's id, for a rule about a person.
    pub person: Option<i64>,
    /// The rule's parameters by name, in the order the rule gives them.
    pub params: Vec<(&'static str, Param)>,
}

impl Finding {
    /// A finding at the rule's default severity, about a training (`Some(code)`) or the period.
    pub fn new(rule: Rule, training: Option<&str>) -> Finding {
        Finding {
            rule,
            severity: rule.default_severity(),
            training: training.map(str::to_string),
            person: None,
            params: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: Param) -> Finding {
        self.params.push((name, value));
        self
    }

    pub fn count(self, name: &'static str, n: u64) -> Finding {
        self.with(name, Param::Count(n))
    }

    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// A count parameter, 0 when absent.
    pub fn n(&self, name: &str) -> u64 {
        match self.param(name) {
            Some(Param::Count(n)) | Some(Param::Tenths(n)) => *n,
            _ => 0,
        }
    }

    pub fn text(&self, name: &str) -> &str {
        match self.param(name) {
            Some(Param::Text(t)) => t,
            _ => "",
        }
    }

    pub fn list(&self, name: &str) -> &[String] {
        match self.param(name) {
            Some(Param::List(l)) => l,
            _ => &[],
        }
    }

    pub fn money(&self, name: &str) -> Money {
        match self.param(name) {
            Some(Param::Money(m)) => *m,
            _ => Money::ZERO,
        }
    }

    pub fn date(&self, name: &str) -> Option<PartialDate> {
        match self.param(name) {
            Some(Param::Date(d)) => Some(*d),
            _ => None,
        }
    }

    pub fn flag(&self, name: &str) -> bool {
        matches!(self.param(name), Some(Param::Flag(true)))
    }
}

/// What an admin set for one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSetting {
    pub enabled: bool,
    pub severity: Severity,
}

/// The rules an admin changed; every other rule is on at its default severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub changed: BTreeMap<Rule, RuleSetting>,
}

impl Settings {
    /// How the rule stands: as set, or on at its default.
    pub fn of(&self, rule: Rule) -> RuleSetting {
        self.changed.get(&rule).copied().unwrap_or(RuleSetting {
            enabled: true,
            severity: rule.default_severity(),
        })
    }

    /// Takes out the findings of switched-off rules and gives the others their severity.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        if self.changed.is_empty() {
            return;
        }
        findings.retain_mut(|f| {
            let s = self.of(f.rule);
            f.severity = s.severity;
            s.enabled
        });
    }
}

/// The rules that depend on the day (a delivered training cannot start after it), and then
/// the admin's settings: what every report goes through before anyone sees it.
pub fn finish(report: &mut Report, settings: &Settings, today: Date) {
    let mut future = Vec::new();
    for t in &report.listing {
        if t.status != Some(Status::Delivered) {
            continue;
        }
        if let Some(start) = t.start.filter(|s| s.first_day() > today) {
            future.push(
                Finding::new(Rule::DeliveredInFuture, Some(&t.code))
                    .with("start", Param::Date(start))
                    .with("today", Param::Date(PartialDate::from_date(today))),
            );
        }
    }
    if !future.is_empty() {
        report.quality.extend(future);
        let codes: Vec<&str> = report.listing.iter().map(|t| t.code.as_str()).collect();
        sort(&mut report.quality, &codes);
    }
    settings.apply(&mut report.quality);
}

/// Puts findings in the order of the listing (`codes`, the trainings' codes in order), each
/// training's in the order they were found, the period's after them.
pub fn sort(findings: &mut [Finding], codes: &[&str]) {
    let at: std::collections::HashMap<&str, usize> =
        codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    findings.sort_by_key(|f| {
        f.training
            .as_deref()
            .and_then(|c| at.get(c).copied())
            .unwrap_or(usize::MAX)
    });
}

/// Findings counted by rule, in the rules' order, leaving out rules with none.
pub fn count_by_rule(findings: &[Finding]) -> Vec<(Rule, Severity, u64)> {
    let mut counts: BTreeMap<Rule, (Severity, u64)> = BTreeMap::new();
    for f in findings {
        let e = counts.entry(f.rule).or_insert((f.severity, 0));
        e.1 += 1;
    }
    counts.into_iter().map(|(r, (s, n))| (r, s, n)).collect()
}

#[cfg(test)]
mod tests;
