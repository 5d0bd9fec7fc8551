//! The domain of cadre: trainings, sessions, partners, participants and the rules that read what
//! people type into them. Everything here is pure (no IO), so every rule is tested on its own.

pub mod access;
pub mod agency;
pub mod approval;
pub mod audit;
pub mod columns;
pub mod country;
pub mod date;
pub mod date_order;
pub mod department;
pub mod fields;
pub mod kind;
pub mod listing;
pub mod lookups;
pub mod merge;
pub mod money;
pub mod names;
pub mod person;
pub mod presence;
pub mod quality;
pub mod records;
pub mod report;
pub mod text;
pub mod validate;
pub mod words;

pub use country::{Countries, Country, CountryError};
pub use date::{Date, DateError, PartialDate, Precision};
pub use date_order::{parse_date_in_order, settle_order, DateOrder, Settled};
pub use kind::Kind;
pub use lookups::Lookups;
pub use money::{Money, MoneyError};
pub use names::{propose_split, NameSplit};
pub use person::{parse_completed, parse_gender, CompletedError, Gender, GenderError};
pub use records::*;
