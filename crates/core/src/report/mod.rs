//! The period report: which trainings fall in a period and how their participants are counted.
//! These are the counting rules of `docs/counting.md`, in one place, with no IO: the store hands
//! over the facts and gets back the figures every format renders.
//!
//! `period` is the range of days, `persons` the participants by id, `model` the facts in and the
//! figures out, `count` a training's share of any report, `assemble` the report of a period
//! from those shares (`build`), and `engine` the same kept warm across periods.

mod assemble;
mod between;
mod count;
mod declared;
mod engine;
mod model;
mod period;
mod persons;
#[cfg(test)]
mod tests;

pub use assemble::build;
pub use engine::{Engine, TrainingShare};
pub use model::{
    CountSource, CountryLine, Declared, DepartmentLine, GenderCounts, MonthLine, PartnerInfo,
    PartnerLine, Reconciliation, Report, ReportInput, TrainingFacts, TrainingLine, TrainingTotals,
};
pub use period::{Period, PeriodError};
pub use persons::{PersonFacts, PersonId, Persons, PersonsBuilder};
