//! What every format says the same way: the report's title, its sentences, and how dates,
//! numbers and names are shown.

use cadre_core::money::group_thousands;
use cadre_core::report::{CountSource, Report};
use cadre_core::words::ENGLISH;
use cadre_core::{Modality, Money, PartialDate, Precision};

/// "2020 Trainings", or "2019–2020 Trainings" for a period across years.
pub fn title(r: &Report) -> String {
    let (a, b) = (r.period.from.year, r.period.to.year);
    if a == b {
        format!("{a} Trainings")
    } else {
        format!("{a}–{b} Trainings")
    }
}

/// `1,234`.
pub fn num(n: u64) -> String {
    group_thousands(n)
}

/// `USD 3,937,801`, with cents only where there are some.
pub fn usd(m: Money) -> String {
    if m.cents_part() == 0 {
        format!("USD {}", group_thousands(m.whole_dollars().unsigned_abs()))
    } else {
        format!("USD {m}")
    }
}

/// An amount in a column of amounts: always with its cents, so that the column reads alike
/// ("USD 115,675.00" above "USD 169,410.40").
pub fn usd_column(m: Money) -> String {
    format!("USD {m}")
}

/// The headline sentence, in words and numerals.
pub fn headline(r: &Report) -> String {
    let p = &r.participants;
    let trainings = r.trainings.total;
    let mut s = format!(
        "During the period {}, a total of {} training{} {} delivered to {} participant{}",
        r.period.label(),
        ENGLISH.count(trainings),
        plural(trainings),
        if trainings == 1 { "was" } else { "were" },
        ENGLISH.count(p.total),
        plural(p.total),
    );
    if p.total > 0 && p.male + p.female == 0 {
        s.push_str("; their gender was not recorded");
    } else if p.total > 0 {
        s.push_str(&format!(
            ", of whom {} were male and {} were female",
            ENGLISH.count(p.male),
            ENGLISH.count(p.female)
        ));
        if p.not_recorded > 0 {
            s.push_str(&format!(
                "; for {} gender was not recorded",
                ENGLISH.count(p.not_recorded)
            ));
        }
    }
    s.push('.');
    let unknown = r.trainings_without_count();
    if unknown > 0 {
        s.push_str(&format!(
            " The participants of {} training{} are not counted: no figure is known for {}.",
            ENGLISH.count(unknown),
            plural(unknown),
            if unknown == 1 { "it" } else { "them" }
        ));
    }
    s
}

/// The sentence on unique persons.
/// The persons paragraph, saying which count it gives: persons with records each once, and
/// where some trainings have only figures, those figures added.
pub fn persons_sentence(r: &Report) -> String {
    let were = |n: u64| if n == 1 { "was" } else { "were" };
    if r.persons_from_aggregates == 0 {
        return format!(
            "Counting each person once across the period, {} individual{} {} trained.",
            ENGLISH.count(r.persons),
            plural(r.persons),
            were(r.persons)
        );
    }
    if r.persons_from_records == 0 {
        return format!(
            "{} individual{} {} trained, as the figures published for the trainings add up: none has attendance records, so a person at two trainings is counted twice.",
            ENGLISH.count(r.persons),
            plural(r.persons),
            were(r.persons)
        );
    }
    format!(
        "Counting each person with attendance records once across the period, {} individual{} {} trained; the figures of trainings without names add {}, for {} in all (a person at two of those is counted twice).",
        ENGLISH.count(r.persons_from_records),
        plural(r.persons_from_records),
        were(r.persons_from_records),
        num(r.persons_from_aggregates),
        num(r.persons)
    )
}

/// The value paragraph.
pub fn value_sentence(r: &Report) -> String {
    if r.value_known == 0 {
        return format!(
            "No value is recorded for the trainings of {}.",
            r.period.label()
        );
    }
    let mut s = format!(
        "The estimated value of the trainings delivered with our partner agencies during {} is {} ({}).",
        r.period.label(),
        ENGLISH.money(r.value),
        usd(r.value)
    );
    if r.value_known < r.trainings.total {
        s.push_str(&format!(
            " It sums the {} trainings whose value is recorded, of {}.",
            r.value_known, r.trainings.total
        ));
    }
    s
}

/// How the trainings were delivered.
pub fn modality_sentence(r: &Report) -> String {
    let t = &r.trainings;
    let mut parts = vec![
        format!(
            "{} {} physical",
            ENGLISH.count(t.physical),
            if t.physical == 1 { "was" } else { "were" }
        ),
        format!("{} virtual", ENGLISH.count(t.virtual_)),
    ];
    if t.hybrid > 0 {
        parts.push(format!("{} hybrid", ENGLISH.count(t.hybrid)));
    }
    let mut s = format!("Of these trainings, {}", join_and(&parts));
    if t.modality_unknown > 0 {
        s.push_str(&format!(
            "; for {} the mode of delivery is not recorded",
            ENGLISH.count(t.modality_unknown)
        ));
    }
    s.push('.');
    s
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// "a, b and c".
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub fn modality(m: Option<Modality>) -> &'static str {
    match m {
        Some(Modality::Physical) => "Physical",
        Some(Modality::Virtual) => "Virtual",
        Some(Modality::Hybrid) => "Hybrid",
        None => "Not recorded",
    }
}

fn month(m: Option<u8>) -> &'static str {
    cadre_core::date::month_name(m.unwrap_or(1))
}

fn day_of(d: &PartialDate) -> u8 {
    d.first_day().day
}

/// A training's dates as a reader wants them: "27–30 January 2020", "28 August – 29 September
/// 2020", "June – September 2020", "2020".
pub fn date_range(start: Option<PartialDate>, end: Option<PartialDate>) -> String {
    let Some(s) = start else {
        return "Date not recorded".to_string();
    };
    let one = |d: &PartialDate| match d.precision() {
        Precision::Day => format!("{} {} {}", day_of(d), month(d.month_part()), d.year_part()),
        Precision::Month => format!("{} {}", month(d.month_part()), d.year_part()),
        Precision::Year => d.year_part().to_string(),
    };
    let e = match end {
        Some(e) if e != s => e,
        _ => return one(&s),
    };
    let same_year = s.year_part() == e.year_part();
    match (s.precision(), e.precision()) {
        (Precision::Day, Precision::Day) if same_year && s.month_part() == e.month_part() => {
            format!(
                "{}–{} {} {}",
                day_of(&s),
                day_of(&e),
                month(e.month_part()),
                e.year_part()
            )
        }
        (Precision::Day, Precision::Day) if same_year => format!(
            "{} {} – {} {} {}",
            day_of(&s),
            month(s.month_part()),
            day_of(&e),
            month(e.month_part()),
            e.year_part()
        ),
        (Precision::Month, Precision::Month) if same_year => {
            format!(
                "{} – {} {}",
                month(s.month_part()),
                month(e.month_part()),
                e.year_part()
            )
        }
        _ => format!("{} – {}", one(&s), one(&e)),
    }
}

/// What a department or country chart shows: participants where attendance records give
/// them, otherwise the trainings that reached it (all that aggregate figures can say).
pub fn chart_rows(
    lines: impl Iterator<Item = (String, u64, u64)> + Clone,
    what: &str,
) -> (String, Vec<(String, u64)>) {
    let by_participants = lines.clone().any(|(_, participants, _)| participants > 0);
    let mut rows: Vec<(String, u64)> = lines
        .map(|(label, participants, trainings)| {
            (
                label,
                if by_participants {
                    participants
                } else {
                    trainings
                },
            )
        })
        .collect();
    // A line whose participants are not known is no bar of 0: its table row says so.
    if by_participants {
        rows.retain(|(_, n)| *n > 0);
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let title = if by_participants {
        format!("Participants by {what}")
    } else {
        format!("Trainings by {what}")
    };
    (title, rows)
}

/// Where a training's figure comes from, in words.
pub fn source_label(s: CountSource) -> &'static str {
    match s {
        CountSource::Records => "attendance records",
        CountSource::Aggregate => "published figure",
        CountSource::Unknown => "not known",
    }
}

/// Countries as a reader wants them: names, or "12 countries" where only a count is known.
pub fn countries_cell(codes: &[String], reached: Option<u32>) -> String {
    let names: Vec<String> = codes
        .iter()
        .map(|c| {
            cadre_core::Countries::get()
                .by_code(c)
                .map_or_else(|| c.clone(), |c| c.name.clone())
        })
        .collect();
    match (names.is_empty(), reached) {
        (true, Some(n)) => format!("{n} countries"),
        (true, None) => String::new(),
        (false, Some(n)) if n as usize > names.len() => {
            format!("{} ({n} countries)", names.join(", "))
        }
        (false, _) => names.join(", "),
    }
}

/// The sentence before the published figures.
pub const PUBLISHED_INTRO: &str = "The agency published these figures for the period. Beside them are the figures the records give by the counting rules, and what explains each difference: the rules whose findings are listed under data quality.";

/// What a figure an approval keeps is called.
pub fn approved_figure_label(key: &str) -> &str {
    match key {
        "trainings" => "Trainings",
        "participants" => "Participants",
        "male" => "Male",
        "female" => "Female",
        "gender_not_recorded" => "Gender not recorded",
        "persons" => "Individual persons",
        "countries_reached" => "Countries reached",
        "value_cents" => "Value (USD)",
        "trainings_without_count" => "Trainings without a count",
        other => other,
    }
}

/// An approved figure as shown: money for the value, else a count.
pub fn approved_figure_value(key: &str, v: i64) -> String {
    if key == "value_cents" {
        usd(Money::from_cents(v))
    } else {
        num(v.unsigned_abs())
    }
}

/// Where the period's approval stands, as a sentence.
pub fn approval_sentence(a: &cadre_core::approval::SinceApproval) -> String {
    use cadre_core::approval::Status;
    let mut s = match (a.status, &a.reopened_on) {
        (Status::Approved, _) => format!("These figures were approved on {}.", a.approved_on),
        (_, Some(reopened)) => {
            format!(
                "These figures were approved on {}, and reopened on {reopened} for corrections: {}",
                a.approved_on,
                a.reason.trim_end_matches('.')
            ) + "."
        }
        _ => format!(
            "These figures were approved on {} and are submitted again.",
            a.approved_on
        ),
    };
    if a.changes.is_empty() {
        s.push_str(" Nothing has changed since.");
    } else {
        s.push_str(" Changed since approval: the figures below, beside what was approved.");
    }
    s
}

/// An edit since the approval, as a line: its day, what was done, to what.
pub fn edit_line(e: &cadre_core::approval::EditSince) -> String {
    format!(
        "{}: {} {} ({})",
        cadre_core::approval::day_of(&e.at),
        e.kind,
        e.action,
        e.detail
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<PartialDate> {
        Some(PartialDate::parse(s).unwrap())
    }

    #[test]
    fn date_ranges_read_naturally() {
        assert_eq!(
            date_range(d("2020-01-27"), d("2020-01-30")),
            "27–30 January 2020"
        );
        assert_eq!(date_range(d("2020-05-07"), d("2020-05-07")), "7 May 2020");
        assert_eq!(
            date_range(d("2020-08-28"), d("2020-09-29")),
            "28 August – 29 September 2020"
        );
        assert_eq!(
            date_range(d("2020-06"), d("2020-09")),
            "June – September 2020"
        );
        assert_eq!(date_range(d("2020"), d("2020")), "2020");
        assert_eq!(
            date_range(d("2020-12-30"), d("2021-01-02")),
            "30 December 2020 – 2 January 2021"
        );
        assert_eq!(date_range(None, None), "Date not recorded");
    }

    #[test]
    fn amounts_show_cents_only_when_there_are_some() {
        assert_eq!(usd(Money::from_cents(393_780_100)), "USD 3,937,801");
        assert_eq!(usd(Money::from_cents(393_780_195)), "USD 3,937,801.95");
    }
}
