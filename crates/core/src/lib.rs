//! The domain of cadre: trainings, sessions, partners, participants and the rules that read what
//! people type into them. Everything here is pure (no IO), so every rule is tested on its own.

pub mod country;
pub mod date;
pub mod department;
pub mod money;
pub mod person;
pub mod records;
pub mod report;
pub mod text;
pub mod words;

pub use country::{Countries, Country, CountryError};
pub use date::{Date, DateError, PartialDate, Precision};
pub use money::{Money, MoneyError};
pub use person::{parse_completed, parse_gender, CompletedError, Gender, GenderError};
pub use records::*;
