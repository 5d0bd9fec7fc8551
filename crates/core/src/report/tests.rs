//! The counting rules on small hand-built cases: which trainings are in a period, how persons
//! and aggregate figures are counted, the breakdowns, the quality notes, the published figures,
//! and the warm engine agreeing with a one-off build.

use super::*;
use crate::date::{Date, PartialDate};
use crate::money::Money;
use crate::person::Gender;
use crate::records::{Figure, Modality, PublishedFigure, TrainingRecord};

fn date(s: &str) -> PartialDate {
    PartialDate::parse(s).unwrap()
}

fn training(code: &str, start: &str) -> TrainingFacts {
    TrainingFacts {
        record: TrainingRecord {
            code: code.into(),
            title: format!("Training {code}"),
            start: Some(date(start)),
            modality: Some(Modality::Virtual),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn aggregate(
    code: &str,
    start: &str,
    total: u32,
    male: Option<u32>,
    female: Option<u32>,
) -> TrainingFacts {
    let mut t = training(code, start);
    t.record.participants_total = Some(total);
    t.record.participants_male = male;
    t.record.participants_female = female;
    t
}

fn person(gender: Option<Gender>, country: &str, department: &str) -> PersonFacts {
    PersonFacts {
        gender,
        country: Some(country.into()),
        department: Some(department.into()),
    }
}

fn period(from: &str, to: &str) -> Period {
    Period::new(Date::parse(from).unwrap(), Date::parse(to).unwrap()).unwrap()
}

fn codes(r: &Report) -> Vec<&str> {
    r.listing.iter().map(|t| t.code.as_str()).collect()
}

#[test]
fn a_training_is_in_the_period_when_its_start_is_inside_it() {
    let input = ReportInput {
        trainings: vec![
            training("before", "2020-01-31"),
            training("first-day", "2020-02-01"),
            training("last-day", "2020-03-31"),
            training("after", "2020-04-01"),
            training("month", "2020-03"),
            training("month-before", "2020-01"),
            training("year", "2020"),
        ],
        ..Default::default()
    };
    let r = build(period("2020-02-01", "2020-03-31"), &input);
    assert_eq!(codes(&r), ["first-day", "month", "last-day"]);
    // Listed by date, a date known only to the year after the months of its year.
    // A date known only to the year counts from 1 January.
    let r = build(period("2020-01-01", "2020-01-31"), &input);
    assert_eq!(codes(&r), ["month-before", "before", "year"]);
    assert!(build(period("2020-01-02", "2020-12-31"), &input)
        .listing
        .iter()
        .all(|t| t.code != "year"));
}

#[test]
fn a_person_counts_once_per_training_and_once_in_the_period() {
    let mut a = training("A", "2021-03-01");
    a.participants = vec![1, 1, 1, 2]; // person 1 at three sessions
    let mut b = training("B", "2021-04-01");
    b.participants = vec![1, 3];
    let input = ReportInput {
        trainings: vec![a, b],
        persons: Persons::from_iter([
            (1, person(Some(Gender::Female), "JM", "Police")),
            (2, person(Some(Gender::Male), "JM", "Customs")),
            (3, person(None, "BB", "Police")),
        ]),
        ..Default::default()
    };
    let r = build(Period::year(2021), &input);
    assert_eq!(r.listing[0].participants.unwrap().total, 2);
    assert_eq!(
        r.participants,
        GenderCounts {
            total: 4,
            male: 1,
            female: 2,
            not_recorded: 1
        }
    );
    assert_eq!(r.persons, 3, "person 1 is one person across both trainings");
    let jm = r.countries.iter().find(|c| c.code == "JM").unwrap();
    assert_eq!(
        (jm.participants, jm.trainings, jm.name.as_str()),
        (3, 2, "Jamaica")
    );
    let police = r.departments.iter().find(|d| d.name == "Police").unwrap();
    assert_eq!((police.participants, police.trainings), (3, 2));
    assert_eq!(
        r.quality
            .iter()
            .filter(|q| q.rule == "gender_not_recorded")
            .count(),
        1
    );
}

#[test]
fn aggregate_figures_stand_in_where_there_are_no_records() {
    let input = ReportInput {
        trainings: vec![
            aggregate("A", "2020-07-16", 263, None, None),
            aggregate("B", "2020-08-11", 100, Some(60), Some(38)),
            training("C", "2020-05-07"),
        ],
        ..Default::default()
    };
    let r = build(Period::year(2020), &input);
    assert_eq!(
        r.participants,
        GenderCounts {
            total: 363,
            male: 60,
            female: 38,
            not_recorded: 265
        }
    );
    assert_eq!(r.persons, 363);
    assert_eq!(r.trainings_without_count(), 1);
    let rules: Vec<(&str, Option<&str>)> = r
        .quality
        .iter()
        .map(|q| (q.rule, q.training.as_deref()))
        .collect();
    assert!(
        !rules.contains(&("gender_not_recorded", Some("A"))),
        "said once, in aggregate_only"
    );
    for expected in [
        ("count_unknown", Some("C")),
        ("aggregate_only", Some("A")),
        ("gender_not_recorded", Some("B")),
        ("persons_from_aggregates", None),
    ] {
        assert!(
            rules.contains(&expected),
            "{expected:?} missing from {rules:?}"
        );
    }
    assert!(r.countries.is_empty(), "aggregate figures name no country");
}

#[test]
fn records_win_over_a_published_figure_and_the_difference_is_noted() {
    let mut t = aggregate("A", "2021-01-10", 10, None, None);
    t.participants = vec![1, 2];
    let input = ReportInput {
        trainings: vec![t],
        persons: Persons::from_iter([(1, PersonFacts::default()), (2, PersonFacts::default())]),
        ..Default::default()
    };
    let r = build(Period::year(2021), &input);
    assert_eq!(r.participants.total, 2);
    assert_eq!(r.listing[0].source, CountSource::Records);
    assert!(r
        .quality
        .iter()
        .any(|q| q.rule == "records_differ_from_figure"));
}

#[test]
fn countries_reached_join_records_and_lists() {
    let mut a = training("A", "2021-01-10");
    a.record.countries = vec!["BB".into(), "TT".into()];
    a.participants = vec![1];
    let mut b = training("B", "2021-02-10");
    b.record.countries_reached = Some(12);
    let input = ReportInput {
        trainings: vec![a, b],
        persons: Persons::from_iter([(1, person(None, "LC", "Police"))]),
        ..Default::default()
    };
    let r = build(Period::year(2021), &input);
    let reached: Vec<(&str, u64, u64)> = r
        .countries
        .iter()
        .map(|c| (c.code.as_str(), c.participants, c.trainings))
        .collect();
    assert_eq!(reached, [("LC", 1, 1), ("BB", 0, 1), ("TT", 0, 1)]);
    assert!(r
        .quality
        .iter()
        .any(|q| q.rule == "countries_not_named" && q.training.as_deref() == Some("B")));
}

#[test]
fn value_is_the_exact_sum_and_missing_values_are_said() {
    let mut a = training("A", "2021-01-10");
    a.record.value = Some(Money::from_cents(10));
    let mut b = training("B", "2021-01-11");
    b.record.value = Some(Money::from_cents(20));
    let c = training("C", "2021-01-12");
    let r = build(
        Period::year(2021),
        &ReportInput {
            trainings: vec![a, b, c],
            ..Default::default()
        },
    );
    assert_eq!(r.value, Money::from_cents(30));
    assert_eq!(r.value_known, 2);
    assert!(r
        .quality
        .iter()
        .any(|q| q.rule == "value_not_recorded" && q.message.starts_with("1 of 3")));
}

#[test]
fn months_keep_a_bucket_for_dates_known_only_to_the_year() {
    let mut physical = aggregate("P", "2020-01-27", 29, None, None);
    physical.record.modality = Some(Modality::Physical);
    let input = ReportInput {
        trainings: vec![
            physical,
            aggregate("J", "2020-07", 60, None, None),
            aggregate("Y", "2020", 111, None, None),
            aggregate("K", "2020-07-16", 263, None, None),
        ],
        ..Default::default()
    };
    let r = build(Period::year(2020), &input);
    let months: Vec<(&str, u64, u64)> = r
        .months
        .iter()
        .map(|m| (m.label.as_str(), m.trainings, m.participants))
        .collect();
    assert_eq!(
        months,
        [
            ("January 2020", 1, 29),
            ("July 2020", 2, 323),
            ("2020, month not known", 1, 111)
        ]
    );
    assert_eq!((r.trainings.physical, r.trainings.virtual_), (1, 3));
    assert!(r
        .quality
        .iter()
        .any(|q| q.rule == "date_year_only" && q.training.as_deref() == Some("Y")));
    assert!(r
        .quality
        .iter()
        .any(|q| q.rule == "date_month_only" && q.training.as_deref() == Some("J")));
}

#[test]
fn partners_count_their_trainings_and_participants() {
    let mut a = aggregate("A", "2020-03-09", 33, None, None);
    a.record.partners = vec!["International Organization for Migration".into()];
    let mut b = aggregate("B", "2020-08-20", 27, None, None);
    b.record.partners = vec!["International Organization for Migration".into()];
    b.record.funders = vec!["European Union".into()];
    let input = ReportInput {
        trainings: vec![a, b],
        partners: vec![
            PartnerInfo {
                name: "International Organization for Migration".into(),
                short_name: Some("IOM".into()),
            },
            PartnerInfo {
                name: "European Union".into(),
                short_name: Some("EU".into()),
            },
        ],
        ..Default::default()
    };
    let r = build(Period::year(2020), &input);
    let lines: Vec<(&str, u64, u64, Vec<&str>)> = r
        .partners
        .iter()
        .map(|p| {
            (
                p.short_name.as_str(),
                p.trainings,
                p.participants,
                p.roles.clone(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("IOM", 2, 60, vec!["partner"]),
            ("EU", 1, 27, vec!["funder"])
        ]
    );
    assert_eq!(r.listing[1].partners, ["IOM"]);
    assert_eq!(r.listing[1].funders, ["EU"]);
}

#[test]
fn published_figures_stand_beside_the_records() {
    let input = ReportInput {
        trainings: vec![aggregate("A", "2020-01-27", 29, None, None)],
        published: vec![
            PublishedFigure {
                figure: Figure::Trainings,
                value: 29,
                note: None,
            },
            PublishedFigure {
                figure: Figure::PersonsTrained,
                value: 29,
                note: None,
            },
            PublishedFigure {
                figure: Figure::ValueUsd,
                value: 393_780_100,
                note: None,
            },
        ],
        ..Default::default()
    };
    let r = build(Period::year(2020), &input);
    let lines: Vec<(Figure, i64, Option<i64>, bool)> = r
        .published
        .iter()
        .map(|p| (p.figure, p.published, p.records, p.differs()))
        .collect();
    assert_eq!(
        lines,
        [
            (Figure::Trainings, 29, Some(1), true),
            (Figure::PersonsTrained, 29, Some(29), false),
            (Figure::ValueUsd, 393_780_100, Some(0), true),
        ]
    );
    let note = r
        .quality
        .iter()
        .find(|q| q.rule == "published_differs")
        .unwrap();
    assert!(
        note.message.contains("figures: Trainings, Value (USD)."),
        "{}",
        note.message
    );
}

/// The warm engine gives what a one-off build gives, for periods that cut months in two,
/// take them whole, or hold nothing.
/// Forty trainings of 2021 over fifty persons, of every kind the counting tells apart.
fn sample() -> ReportInput {
    let mut trainings = Vec::new();
    let mut persons = Vec::new();
    for i in 0..40u32 {
        let month = 1 + (i % 12) as u8;
        let day = 1 + (i * 7 % 28) as u8;
        let start = if i % 9 == 0 {
            "2021".to_string()
        } else if i % 7 == 0 {
            format!("2021-{month:02}")
        } else {
            format!("2021-{month:02}-{day:02}")
        };
        let mut t = if i % 5 == 0 {
            aggregate(&format!("T{i}"), &start, 20 + i, Some(i), Some(3))
        } else {
            training(&format!("T{i}"), &start)
        };
        t.id = i64::from(i) + 1;
        t.participants = (0..(i % 6) as i64 * 3)
            .map(|k| (k * 7 + i as i64) % 50 + 1)
            .collect();
        t.record.countries = if i % 4 == 0 {
            vec!["BB".into()]
        } else {
            vec![]
        };
        trainings.push(t);
    }
    for id in 1..=50 {
        let gender = match id % 3 {
            0 => Some(Gender::Male),
            1 => Some(Gender::Female),
            _ => None,
        };
        let country = ["JM", "TT", "LC"][id as usize % 3];
        persons.push((
            id,
            person(gender, country, ["Police", "Customs"][id as usize % 2]),
        ));
    }
    ReportInput {
        trainings,
        persons: Persons::from_iter(persons),
        ..Default::default()
    }
}

const PERIODS: [(&str, &str); 6] = [
    ("2021-01-01", "2021-12-31"),
    ("2021-02-10", "2021-07-20"),
    ("2021-03-01", "2021-03-31"),
    ("2021-01-01", "2021-01-01"),
    ("2022-01-01", "2022-12-31"),
    ("2020-06-15", "2021-05-14"),
];

#[test]
fn the_warm_engine_agrees_with_a_build() {
    let input = sample();
    let engine = Engine::new(input.clone());
    for (from, to) in [
        ("2021-01-01", "2021-12-31"),
        ("2021-02-10", "2021-07-20"),
        ("2021-03-01", "2021-03-31"),
        ("2021-01-01", "2021-01-01"),
        ("2022-01-01", "2022-12-31"),
        ("2020-06-15", "2021-05-14"),
    ] {
        let p = period(from, to);
        assert_eq!(engine.report(p), build(p, &input), "{from} – {to}");
    }
}

/// An edit puts one training or person in the warm engine; every report after it is what a
/// build over the edited records gives.
#[test]
fn the_warm_engine_follows_edits_as_a_build_would() {
    let mut input = sample();
    let mut engine = Engine::new(input.clone());
    let agree = |engine: &Engine, input: &ReportInput, what: &str| {
        for (from, to) in PERIODS {
            let p = period(from, to);
            assert_eq!(engine.report(p), build(p, input), "{what}: {from} – {to}");
        }
    };
    // A training moves to another month, gains persons and a value.
    let mut moved = input.trainings[3].clone();
    moved.record.start = Some(date("2021-11-20"));
    moved.record.value = Some(Money::from_cents(12_345));
    moved.participants.extend([2, 4, 49]);
    moved.participants.sort_unstable();
    moved.participants.dedup();
    input.trainings[3] = moved.clone();
    engine.put_training(moved);
    agree(&engine, &input, "moved");
    // One with records becomes one with aggregate figures only.
    let mut aggregated = input.trainings[7].clone();
    aggregated.participants.clear();
    aggregated.record.participants_total = Some(31);
    input.trainings[7] = aggregated.clone();
    engine.put_training(aggregated);
    agree(&engine, &input, "aggregated");
    // A new training, and one deleted.
    let mut new = training("NEW", "2021-03-05");
    new.id = 1000;
    new.participants = vec![1, 2, 3];
    input.trainings.push(new.clone());
    engine.put_training(new);
    let gone = input.trainings.remove(10);
    assert!(engine.remove_training(gone.id));
    assert!(!engine.remove_training(gone.id));
    agree(&engine, &input, "added and removed");
    // A person corrected to a country and department no one had, and a person beyond all ids.
    let corrected = person(Some(Gender::Male), "BS", "Immigration");
    input.persons.insert(4, corrected.clone());
    engine.put_person(4, Some(corrected));
    let far = person(Some(Gender::Female), "JM", "Police");
    input.persons.insert(400, far.clone());
    engine.put_person(400, Some(far));
    let mut with_far = input.trainings[0].clone();
    with_far.participants.push(400);
    input.trainings[0] = with_far.clone();
    engine.put_training(with_far);
    agree(&engine, &input, "persons");
}

/// An import puts what it changed in at once: many persons (some new, beyond every id) and
/// the trainings they attend; the reports are a build's over the imported records.
#[test]
fn the_warm_engine_takes_an_import_at_once_as_a_build_would() {
    let mut input = sample();
    let mut engine = Engine::new(input.clone());
    let mut persons = Vec::new();
    for (id, facts) in [
        (2, person(Some(Gender::Female), "TT", "Customs")),
        (5, person(None, "GY", "Coast Guard")),
        (301, person(Some(Gender::Male), "BB", "Police")),
        (302, person(Some(Gender::Female), "KN", "Immigration")),
    ] {
        input.persons.insert(id, facts.clone());
        persons.push((id, Some(facts)));
    }
    let mut trainings = Vec::new();
    for i in [1, 4, 8] {
        let mut t = input.trainings[i].clone();
        t.participants.extend([301, 302]);
        t.participants.sort_unstable();
        t.participants.dedup();
        input.trainings[i] = t.clone();
        trainings.push(t);
    }
    let mut new = training("IMPORTED", "2021-06-30");
    new.id = 2000;
    new.participants = vec![2, 5, 301];
    input.trainings.push(new.clone());
    trainings.push(new);
    engine.put_persons(persons);
    engine.put_trainings(trainings);
    for (from, to) in PERIODS {
        let p = period(from, to);
        assert_eq!(engine.report(p), build(p, &input), "{from} – {to}");
    }
}

/// Shares worked out on several threads are the ones, in the same order, that one thread
/// works out: each depends on its training and the persons only.
#[test]
fn shares_on_several_threads_are_those_of_one() {
    let input = sample();
    let all: Vec<&TrainingFacts> = input.trainings.iter().collect();
    let mut names = count::Names {
        countries: input.persons.countries.clone(),
        departments: input.persons.departments.clone(),
    };
    let one = count::prepare_all(&all, &input.persons, &mut names);
    for threads in [1, 2, 3, 7] {
        let many = count::prepare_on(&all, &input.persons, &names, threads);
        assert_eq!(many, one, "{threads} threads");
    }
}

#[test]
fn period_labels() {
    assert_eq!(
        period("2020-01-01", "2020-09-30").label(),
        "January – September 2020"
    );
    assert_eq!(Period::year(2020).label(), "January – December 2020");
    assert_eq!(period("2020-07-01", "2020-07-31").label(), "July 2020");
    assert_eq!(
        period("2020-11-01", "2021-02-28").label(),
        "November 2020 – February 2021"
    );
    assert_eq!(
        period("2020-01-27", "2020-09-30").label(),
        "27 January 2020 – 30 September 2020"
    );
    assert!(Period::new(
        Date::parse("2020-02-01").unwrap(),
        Date::parse("2020-01-01").unwrap()
    )
    .is_err());
}

/// A report of some trainings only (a partner's) is what a build over just those trainings
/// gives, each person once across them, whatever the period.
#[test]
fn a_report_of_some_trainings_is_a_build_over_only_them() {
    let input = sample();
    let engine = Engine::new(input.clone());
    let keep = |t: &TrainingFacts| t.id % 3 != 0;
    let mut only = input.clone();
    only.trainings.retain(keep);
    only.published.clear();
    for (from, to) in PERIODS {
        let p = period(from, to);
        assert_eq!(
            engine.report_of_trainings(p, &keep),
            build(p, &only),
            "{from} – {to}"
        );
    }
    // Keeping none gives an empty report, and keeping all the whole one (without the
    // published figures, which are the agency's).
    let p = period(PERIODS[0].0, PERIODS[0].1);
    assert_eq!(engine.report_of_trainings(p, &|_| false).trainings.total, 0);
    let mut all = input.clone();
    all.published.clear();
    assert_eq!(engine.report_of_trainings(p, &|_| true), build(p, &all));
}

/// The persons of a period, said both ways: those with records once each, and the figures of
/// trainings without names; the total is their sum.
#[test]
fn persons_are_counted_from_records_and_from_aggregates() {
    let input = sample();
    for (from, to) in PERIODS {
        let r = build(period(from, to), &input);
        assert_eq!(
            r.persons,
            r.persons_from_records + r.persons_from_aggregates,
            "{from} – {to}"
        );
    }
    let r = build(period(PERIODS[0].0, PERIODS[0].1), &input);
    assert!(
        r.persons_from_records > 0 && r.persons_from_aggregates > 0,
        "{r:?}"
    );
}
