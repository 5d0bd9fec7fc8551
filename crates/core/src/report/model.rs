//! What a report is computed from and what it gives: the facts of the trainings, and the figures,
//! lines and notes every format renders.

use super::period::Period;
use super::persons::{PersonId, Persons};
use crate::date::PartialDate;
use crate::money::Money;
use crate::quality::{Finding, Rule};
use crate::records::{Figure, Modality, PublishedFigure, SessionRecord, Status, TrainingRecord};

/// One training with what the store knows of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrainingFacts {
    /// The store's id of the training (0 where it has none, as in tests): what a warm
    /// [`Engine`](super::Engine) replaces it by when it changes.
    pub id: i64,
    pub record: TrainingRecord,
    pub sessions: Vec<SessionRecord>,
    /// The distinct persons with attendance records at any of its sessions.
    pub participants: Vec<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerInfo {
    pub name: String,
    pub short_name: Option<String>,
}

/// Everything a report is computed from. Trainings outside the period are ignored.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub trainings: Vec<TrainingFacts>,
    pub persons: Persons,
    pub partners: Vec<PartnerInfo>,
    /// Figures the agency published for exactly this period.
    pub published: Vec<PublishedFigure>,
}

/// A published figure beside what the records give for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    pub figure: Figure,
    /// A count, or cents for the value.
    pub published: i64,
    /// What the records give, where they give this figure.
    pub records: Option<i64>,
    pub note: Option<String>,
}

impl Reconciliation {
    pub fn differs(&self) -> bool {
        self.records.is_some_and(|r| r != self.published)
    }
}

/// Participants by gender; `not_recorded` is always the remainder of the total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenderCounts {
    pub total: u64,
    pub male: u64,
    pub female: u64,
    pub not_recorded: u64,
}

impl GenderCounts {
    pub(super) fn add(&mut self, other: GenderCounts) {
        self.total += other.total;
        self.male += other.male;
        self.female += other.female;
        self.not_recorded += other.not_recorded;
    }
}

/// Where a training's participant figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountSource {
    /// Distinct persons in its attendance records.
    Records,
    /// The aggregate figures published for it.
    Aggregate,
    /// Neither: the count is unknown.
    Unknown,
}

impl CountSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CountSource::Records => "records",
            CountSource::Aggregate => "aggregate",
            CountSource::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrainingTotals {
    pub total: u64,
    pub physical: u64,
    pub virtual_: u64,
    pub hybrid: u64,
    pub modality_unknown: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryLine {
    pub code: String,
    pub name: String,
    /// Participants from this country, from attendance records.
    pub participants: u64,
    /// Participants of trainings known by their figures alone that name this country only.
    pub from_figures: u64,
    /// Trainings that reached the country, by a record or by their list of countries.
    pub trainings: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentLine {
    pub name: String,
    /// Participants from this department, from attendance records.
    pub participants: u64,
    /// Participants of trainings known by their figures alone that name this department only.
    pub from_figures: u64,
    /// Trainings aimed at it or attended from it.
    pub trainings: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerLine {
    pub short_name: String,
    pub name: String,
    /// `partner`, `funder`, or both.
    pub roles: Vec<&'static str>,
    pub trainings: u64,
    /// Participants of those trainings whose count is known.
    pub participants: u64,
    /// How many of its trainings have a known count: none, and `participants` is not known
    /// (not zero).
    pub counted: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthLine {
    pub year: i32,
    /// `None` for trainings whose date is known only to the year.
    pub month: Option<u8>,
    pub label: String,
    pub trainings: u64,
    pub participants: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingLine {
    pub code: String,
    pub title: String,
    pub start: Option<PartialDate>,
    pub end: Option<PartialDate>,
    pub modality: Option<Modality>,
    pub venue: Option<String>,
    pub platform: Option<String>,
    /// Short names of the delivery partners, then of the funders.
    pub partners: Vec<String>,
    pub funders: Vec<String>,
    /// The audience: target departments.
    pub departments: Vec<String>,
    /// Countries named for it, and how many it reached where only a count is known.
    pub countries: Vec<String>,
    pub countries_reached: Option<u32>,
    pub participants: Option<GenderCounts>,
    pub source: CountSource,
    pub value: Option<Money>,
    pub status: Option<Status>,
    pub note: Option<String>,
    /// The paragraph the report prints about it.
    pub summary: Option<String>,
}

/// A figure declared (published) for the period beside what the records give, with the rules
/// whose findings account for the difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub figure: Figure,
    /// A count, or cents for the value.
    pub declared: i64,
    pub recorded: i64,
    /// `declared - recorded`.
    pub difference: i64,
    /// Each rule that accounts for some of the difference, with how many of its findings the
    /// period has; empty when there is no difference, or nothing found explains it (then a
    /// `declared_unexplained` finding says so).
    pub explained_by: Vec<(Rule, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub period: Period,
    pub trainings: TrainingTotals,
    pub value: Money,
    /// How many trainings have a recorded value.
    pub value_known: u64,
    pub participants: GenderCounts,
    /// Unique individuals: each person with records once, plus the aggregate figures.
    pub persons: u64,
    /// Of them, the persons with attendance records, each once across the period.
    pub persons_from_records: u64,
    /// Of them, the sum of the figures of trainings without names (a person counted at two
    /// such trainings is counted twice: nothing tells them apart).
    pub persons_from_aggregates: u64,
    pub countries: Vec<CountryLine>,
    /// Participants of trainings known by their figures alone that name several countries:
    /// no line can claim them.
    pub countries_not_split: u64,
    pub departments: Vec<DepartmentLine>,
    /// The same for trainings that name several departments.
    pub departments_not_split: u64,
    pub partners: Vec<PartnerLine>,
    pub months: Vec<MonthLine>,
    pub listing: Vec<TrainingLine>,
    /// What the quality rules found, by training in listing order, then the period's.
    pub quality: Vec<Finding>,
    /// The published figures of the period beside the records' own.
    pub published: Vec<Reconciliation>,
    /// The same figures with the difference explained (issue 12's `declared[]`).
    pub declared: Vec<Declared>,
    /// For a period that was approved: when, and what changed since (the application layer
    /// fills it in from what the approval kept).
    pub approval: Option<crate::approval::SinceApproval>,
    /// Published although its period was not approved (an admin's explicit choice): every
    /// format of the published report says so.
    pub unapproved_at_publication: bool,
    /// Who publishes it: the agency's name, logo and colours (the application layer fills it
    /// in from the admin's settings).
    pub agency: crate::agency::Face,
}

impl Report {
    /// Whether the period's figures stand approved now (not submitted again or reopened).
    pub fn is_approved(&self) -> bool {
        self.approval
            .as_ref()
            .is_some_and(|a| a.status == crate::approval::Status::Approved)
    }

    /// Trainings whose participant count is unknown.
    pub fn trainings_without_count(&self) -> u64 {
        self.listing
            .iter()
            .filter(|t| t.source == CountSource::Unknown)
            .count() as u64
    }
}
