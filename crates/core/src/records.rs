//! The records cadre keeps, in the form import produces them and the store writes them.
//! References to other records (partners, departments, countries) are already resolved to their
//! canonical names or codes here, so the store never has to guess.

use crate::date::PartialDate;
use crate::money::Money;
use crate::person::Gender;
use crate::text::fold;

/// Defines a closed list of words stored as lower-case text, with its parser and error message.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads the word in any case and spacing; `-` and ` ` are read as `_`.
            pub fn parse(typed: &str) -> Result<$name, UnknownWord> {
                let key = fold(typed).replace(['-', ' '], "_");
                match key.as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownWord {
                        what: $what,
                        typed: typed.trim().to_string(),
                        accepted: vec![$($text),+].join(", "),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{typed}\" is not one of: {accepted}")]
pub struct UnknownWord {
    pub what: &'static str,
    pub typed: String,
    pub accepted: String,
}

word_enum!(
    /// How a training was delivered.
    Modality, "modality" { Physical = "physical", Virtual = "virtual", Hybrid = "hybrid" }
);

word_enum!(
    /// Where a training stands.
    Status, "status" {
        Delivered = "delivered",
        Planned = "planned",
        Postponed = "postponed",
        Cancelled = "cancelled",
    }
);

word_enum!(
    /// What sort of body a partner is.
    PartnerKind, "kind" {
        Intergovernmental = "intergovernmental",
        UnAgency = "un_agency",
        Programme = "programme",
        Regional = "regional",
        Bilateral = "bilateral",
        Government = "government",
        Funder = "funder",
        Academic = "academic",
        Ngo = "ngo",
        Private = "private",
        Other = "other",
    }
);

word_enum!(
    /// What a partner did for a training.
    PartnerRole, "role" { Partner = "partner", Funder = "funder" }
);

word_enum!(
    /// A figure an agency published for a period, kept to reconcile the records with it.
    Figure, "figure" {
        Trainings = "trainings",
        PersonsTrained = "persons_trained",
        Male = "male",
        Female = "female",
        GenderNotRecorded = "gender_not_recorded",
        PhysicalTrainings = "physical_trainings",
        VirtualTrainings = "virtual_trainings",
        HybridTrainings = "hybrid_trainings",
        CountriesReached = "countries_reached",
        ValueUsd = "value_usd",
    }
);

impl Figure {
    /// What a reader calls the figure.
    pub fn label(self) -> &'static str {
        match self {
            Figure::Trainings => "Trainings",
            Figure::PersonsTrained => "Persons trained",
            Figure::Male => "Male",
            Figure::Female => "Female",
            Figure::GenderNotRecorded => "Gender not recorded",
            Figure::PhysicalTrainings => "Physical trainings",
            Figure::VirtualTrainings => "Virtual trainings",
            Figure::HybridTrainings => "Hybrid trainings",
            Figure::CountriesReached => "Countries reached",
            Figure::ValueUsd => "Value (USD)",
        }
    }
}

/// One published figure: a count, or for `value_usd` an amount in cents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFigure {
    pub figure: Figure,
    pub value: i64,
    pub note: Option<String>,
}

/// The figures an agency published for a period (its page or annual report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedRecord {
    pub from: crate::Date,
    pub to: crate::Date,
    pub figures: Vec<PublishedFigure>,
}

/// A partner agency, programme or funder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerRecord {
    pub name: String,
    pub short_name: Option<String>,
    /// The parent's canonical name (UNODC-GPML's parent is UNODC).
    pub parent: Option<String>,
    pub kind: Option<PartnerKind>,
}

/// An entry of the governed list of departments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentRecord {
    pub name: String,
    pub aliases: Vec<String>,
}

/// A training as the agency knows it: any field may be unknown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrainingRecord {
    /// The stable key, e.g. `2020-07`.
    pub code: String,
    pub title: String,
    pub start: Option<PartialDate>,
    pub end: Option<PartialDate>,
    pub modality: Option<Modality>,
    pub venue: Option<String>,
    pub platform: Option<String>,
    pub status: Option<Status>,
    /// Canonical partner names, in the order given.
    pub partners: Vec<String>,
    /// Canonical names of the partners that funded it.
    pub funders: Vec<String>,
    /// Alpha-2 code of the country that asked for it.
    pub requested_by: Option<String>,
    pub value: Option<Money>,
    /// Aggregate figures, for trainings without attendance records.
    pub participants_total: Option<u32>,
    pub participants_male: Option<u32>,
    pub participants_female: Option<u32>,
    /// Alpha-2 codes of the countries taking part, where known.
    pub countries: Vec<String>,
    /// How many countries took part, where only the count is known.
    pub countries_reached: Option<u32>,
    /// Canonical department names.
    pub departments: Vec<String>,
    pub theme: Option<String>,
    pub note: Option<String>,
    /// The paragraph a report prints about it, as the agency wrote it.
    pub summary: Option<String>,
}

/// One session of a training held over several occasions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub training_code: String,
    pub start: PartialDate,
    pub end: Option<PartialDate>,
    pub participants_total: Option<u32>,
    pub note: Option<String>,
}

/// A participant as described by an attendance row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonRecord {
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub gender: Option<Gender>,
    /// Alpha-2 code.
    pub country: Option<String>,
    pub organisation: Option<String>,
    /// Canonical department name.
    pub department: Option<String>,
}

/// One person at one session of a training.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttendanceRecord {
    pub training_code: String,
    /// The session's start date; `None` for a training held as one event.
    pub session: Option<PartialDate>,
    pub person: PersonRecord,
    pub completed: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_any_case() {
        assert_eq!(Modality::parse(" Virtual "), Ok(Modality::Virtual));
        assert_eq!(Status::parse("CANCELLED"), Ok(Status::Cancelled));
        assert_eq!(PartnerKind::parse("UN agency"), Ok(PartnerKind::UnAgency));
        let err = Modality::parse("online").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"online\" is not one of: physical, virtual, hybrid"
        );
    }
}
