//! The words of the data-quality rules, in English: what each rule checks, what a finding
//! says with its parameters, and how a rule explains a difference between a declared figure
//! and the records. Core finds and never words; another language is another set of these
//! functions.

use cadre_core::date::{month_name, Precision};
use cadre_core::quality::{Finding, Rule, Severity};
use cadre_core::report::Declared;
use cadre_core::{Figure, PartialDate};

use crate::view::{num, usd};

/// What the rule checks, as a heading of the "to fix" page and of the settings.
pub fn title(rule: Rule) -> &'static str {
    use Rule::*;
    match rule {
        GenderExceedsTotal => "Male and female above the total",
        CountUnknown => "No participant count",
        RecordsDifferFromFigure => "Attendance records differ from the published figure",
        SessionsDifferFromTotal => "Session counts do not add up to the training's",
        AggregateOnly => "Counted from a published figure",
        GenderNotRecorded => "Gender not recorded",
        EndBeforeStart => "Ends before it starts",
        DeliveredInFuture => "Delivered, but starts in the future",
        DateMonthOnly => "Date known only to the month",
        DateYearOnly => "Date known only to the year",
        PossibleDuplicate => "Same title on overlapping dates",
        SameSummary => "Same summary as another training",
        CountriesReachedBelowListed => "Fewer countries reached than listed",
        CountriesNotNamed => "Countries reached but not named",
        ParticipantCountryNotListed => "Participants from a country not listed",
        ValueMissing => "No value recorded",
        ValuePerParticipantOutlier => "Value per participant far from the median",
        NoPartner => "No partner or funder",
        DeclaredNotItemised => "Trainings declared but not itemised",
        DeclaredGenderNotRecorded => "Declared persons without a gender",
        DeclaredGenderExceedsTotal => "Declared male and female above the declared persons",
        DeclaredValueNotItemised => "Declared value that no training carries",
        DeclaredUnexplained => "Declared figure that nothing explains",
        PublishedDiffers => "Published figures the records do not reproduce",
        ValueNotRecorded => "Period's value incomplete",
        PersonsFromAggregates => "Persons counted from figures without names",
        DuplicatePersonName => "Same name and country under another e-mail",
        DuplicatePersonEmail => "Same mailbox under another record",
        LookAlikeLetters => "Name written with look-alike letters of another script",
        UnseenCharacters => "Name or e-mail with characters that cannot be seen",
    }
}

/// `Error`, `Warning`, `Note`.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Note => "Note",
    }
}

fn month_and_year(d: Option<PartialDate>) -> String {
    match d {
        Some(d) => match d.precision() {
            Precision::Year => d.year_part().to_string(),
            _ => format!(
                "{} {}",
                month_name(d.month_part().unwrap_or(1)),
                d.year_part()
            ),
        },
        None => "not known".into(),
    }
}

fn day(d: Option<PartialDate>) -> String {
    d.map_or_else(
        || "not known".into(),
        |d| crate::view::date_range(Some(d), None),
    )
}

/// `1 person`, `2 persons`: a count with its noun.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", num(n), if n == 1 { one } else { many })
}

fn labels(codes: &[String]) -> String {
    let labels: Vec<String> = codes
        .iter()
        .map(|c| Figure::parse(c).map_or_else(|_| c.clone(), |f| f.label().to_string()))
        .collect();
    labels.join(", ")
}

/// What a finding says, its parameters in words and figures.
pub fn message(f: &Finding) -> String {
    message_naming(f, &|id| format!("participant {id}"))
}

/// The finding's sentence, naming the other participant of a likely duplicate as `who` says
/// ("Persaud, Chantal (no. 180)" where the reader may see names).
pub fn message_naming(f: &Finding, who: &dyn Fn(u64) -> String) -> String {
    use Rule::*;
    let n = |name| num(f.n(name));
    match f.rule {
        GenderExceedsTotal => format!(
            "Its figures give {} male and {} female participants, more than its total of {}.",
            n("male"),
            n("female"),
            n("total")
        ),
        CountUnknown => {
            "No participant count: neither attendance records nor a published figure.".into()
        }
        RecordsDifferFromFigure => format!(
            "Attendance records name {}; the published figure is {}. The records are counted.",
            counted(f.n("records"), "person", "persons"),
            n("figure")
        ),
        SessionsDifferFromTotal => format!(
            "Its sessions add up to {}; the training's figure is {}.",
            counted(f.n("sessions"), "participant", "participants"),
            n("total")
        ),
        AggregateOnly => format!(
            "{} from a published figure, with no attendance records{}.",
            counted(f.n("participants"), "participant", "participants"),
            if !f.flag("gender_split") && f.n("participants") > 0 {
                " and no gender split"
            } else {
                ""
            }
        ),
        GenderNotRecorded => format!(
            "Gender not recorded for {} of {} participants.",
            f.n("not_recorded"),
            f.n("participants")
        ),
        EndBeforeStart => format!(
            "It ends ({}) before it starts ({}).",
            day(f.date("end")),
            day(f.date("start"))
        ),
        DeliveredInFuture => format!(
            "Marked delivered, but it starts on {}, after today ({}).",
            day(f.date("start")),
            day(f.date("today"))
        ),
        DateMonthOnly => format!(
            "Start date known only to the month ({}): counted from its first day.",
            month_and_year(f.date("start"))
        ),
        DateYearOnly => format!(
            "Start date known only to the year ({}): counted from 1 January and shown under \"month not known\".",
            month_and_year(f.date("start"))
        ),
        PossibleDuplicate => format!(
            "Same title as training {}, on overlapping dates: check that it is not entered twice.",
            f.text("other")
        ),
        SameSummary => format!(
            "Its summary is the same paragraph as training {}'s: check that each says what it was.",
            f.text("other")
        ),
        CountriesReachedBelowListed => format!(
            "Reached {}, but {} listed.",
            counted(f.n("reached"), "country", "countries"),
            if f.n("named") == 1 {
                "1 is".to_string()
            } else {
                format!("{} are", num(f.n("named")))
            }
        ),
        CountriesNotNamed => {
            if f.n("named") == 0 {
                format!(
                    "Reached {}, not named: they are not in the country breakdown.",
                    counted(f.n("reached"), "country", "countries")
                )
            } else {
                format!(
                    "Reached {}, of which {} named.",
                    counted(f.n("reached"), "country", "countries"),
                    if f.n("named") == 1 {
                        "1 is".to_string()
                    } else {
                        format!("{} are", num(f.n("named")))
                    }
                )
            }
        }
        ParticipantCountryNotListed => format!(
            "{} from {} the training does not list: {}.",
            counted(f.n("participants"), "participant comes", "participants come"),
            if f.list("countries").len() == 1 {
                "a country"
            } else {
                "countries"
            },
            f.list("countries").join(", ")
        ),
        ValueMissing => "No value recorded: it adds nothing to the period's value.".into(),
        ValuePerParticipantOutlier => {
            let times = f.n("times");
            let times = format!("{}.{}", times / 10, times % 10);
            if f.flag("above") {
                format!(
                    "{} per participant, {times} times the period's median of {}.",
                    usd(f.money("per_participant")),
                    usd(f.money("median"))
                )
            } else {
                format!(
                    "{} per participant, a {times}th of the period's median of {}.",
                    usd(f.money("per_participant")),
                    usd(f.money("median"))
                )
            }
        }
        NoPartner => "No partner or funder recorded.".into(),
        DeclaredNotItemised => format!(
            "{} declared for the period, {} itemised: {} not in the records.",
            counted(f.n("declared"), "training is", "trainings are"),
            n("itemised"),
            counted(f.n("not_itemised"), "is", "are")
        ),
        DeclaredGenderNotRecorded => format!(
            "Of the {} persons declared, {} male and {} female: {} have no gender declared.",
            n("persons"),
            n("male"),
            n("female"),
            n("not_recorded")
        ),
        DeclaredGenderExceedsTotal => format!(
            "{} male and {} female are declared, {} more than the {} persons declared.",
            n("male"),
            n("female"),
            n("excess"),
            n("persons")
        ),
        DeclaredValueNotItemised => {
            if f.n("with_value") == 0 {
                format!(
                    "A value of {} is declared for the period, but no training carries a value.",
                    usd(f.money("declared"))
                )
            } else {
                format!(
                    "A value of {} is declared for the period; the trainings carry {}.",
                    usd(f.money("declared")),
                    usd(f.money("recorded"))
                )
            }
        }
        DeclaredUnexplained => format!(
            "No rule explains the difference in these declared figures: {}. Check the figures and the records.",
            labels(f.list("figures"))
        ),
        PublishedDiffers => format!(
            "The records do not reproduce these published figures: {}. Both are shown side by side.",
            labels(f.list("figures"))
        ),
        ValueNotRecorded => {
            if f.n("with_value") == 0 {
                "No training of the period has a recorded value.".into()
            } else {
                format!(
                    "{} of {} trainings have no recorded value: the value is the sum of the other {}.",
                    f.n("without_value"),
                    f.n("trainings"),
                    f.n("with_value")
                )
            }
        }
        PersonsFromAggregates => format!(
            "{} of the persons trained come from published figures without names: a person at two such trainings is counted twice.",
            n("persons")
        ),
        DuplicatePersonName => format!(
            "Same name and country as {}, under another e-mail: possibly one person.",
            who(f.n("other"))
        ),
        DuplicatePersonEmail => format!(
            "The same mailbox as {}{}: possibly one person.",
            who(f.n("other")),
            if f.flag("same_name") {
                ", under the same name"
            } else {
                ", under another name"
            }
        ),
        LookAlikeLetters if f.n("other") > 0 => format!(
            "The name mixes Latin letters with letters of another script that look the same, and reads like that of {}: possibly one person.",
            who(f.n("other"))
        ),
        LookAlikeLetters => "The name mixes Latin letters with letters of another script that look the same: check how it was typed.".into(),
        UnseenCharacters => "The name or e-mail holds characters that cannot be seen (zero-width spaces, direction marks): they are left out when records are compared; check how it was typed.".into(),
    }
}

/// How a rule's findings (`n` of them, in the period's `quality`) account for a declared
/// figure's difference, as a phrase.
pub fn explanation(rule: Rule, n: u64, figure: Figure, quality: &[Finding]) -> String {
    use Rule::*;
    let first = quality.iter().find(|f| f.rule == rule);
    let trainings = |what: &str| {
        if n == 1 {
            format!("1 training {what}")
        } else {
            format!("{} trainings {what}", num(n))
        }
    };
    match rule {
        DeclaredNotItemised => counted(
            first.map_or(0, |f| f.n("not_itemised")),
            "training declared but not itemised",
            "trainings declared but not itemised",
        ),
        CountUnknown => trainings("itemised without a participant count"),
        AggregateOnly if figure == Figure::PersonsTrained => {
            trainings("counted from a published figure")
        }
        AggregateOnly => trainings("counted from a published figure without a gender split"),
        GenderNotRecorded => trainings("with participants whose gender is not recorded"),
        DeclaredGenderNotRecorded => first.map_or_else(String::new, |f| {
            format!(
                "{} persons of the declared {} without a gender",
                num(f.n("not_recorded")),
                num(f.n("persons"))
            )
        }),
        DeclaredValueNotItemised => first.map_or_else(String::new, |f| {
            if f.n("with_value") == 0 {
                format!(
                    "a declared value of {} that no training carries",
                    usd(f.money("declared"))
                )
            } else {
                format!(
                    "{} declared, {} carried by the trainings",
                    usd(f.money("declared")),
                    usd(f.money("recorded"))
                )
            }
        }),
        ValueMissing => trainings("without a recorded value"),
        RecordsDifferFromFigure => trainings("whose records and published figure differ"),
        PersonsFromAggregates => {
            "persons from published figures without names, counted again at each training".into()
        }
        PossibleDuplicate => trainings("possibly entered twice"),
        SameSummary => trainings("with the same summary as another"),
        CountriesNotNamed => trainings("reaching countries that are not named"),
        ParticipantCountryNotListed => trainings("with participants from countries not listed"),
        ValuePerParticipantOutlier => trainings("with a value per participant far from the median"),
        other => format!("{} ({})", title(other), num(n)),
    }
}

/// A declared line's explanation as one sentence, or what says that there is none to give.
pub fn explained(d: &Declared, quality: &[Finding]) -> String {
    if d.difference == 0 {
        return "The records give the declared figure.".into();
    }
    if d.explained_by.is_empty() {
        return "Not explained by any rule: check the figure and the records.".into();
    }
    let parts: Vec<String> = d
        .explained_by
        .iter()
        .map(|&(rule, n)| explanation(rule, n, d.figure, quality))
        .collect();
    let mut s = crate::view::join_and(&parts);
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s.push('.');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_title_and_a_message_that_uses_its_parameters() {
        use cadre_core::quality::Param;
        for &rule in Rule::ALL {
            assert!(!title(rule).is_empty());
            assert!(message(&Finding::new(rule, Some("X"))).ends_with('.'));
        }
        let f = Finding::new(Rule::ValuePerParticipantOutlier, Some("T"))
            .with(
                "per_participant",
                Param::Money(cadre_core::Money::from_cents(40_000)),
            )
            .with(
                "median",
                Param::Money(cadre_core::Money::from_cents(10_000)),
            )
            .with("times", Param::Tenths(40))
            .with("above", Param::Flag(true));
        assert_eq!(
            message(&f),
            "USD 400 per participant, 4.0 times the period's median of USD 100."
        );
    }
}
