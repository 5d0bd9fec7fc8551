//! The counting rules on small hand-built cases: which trainings are in a period, how persons
//! and aggregate figures are counted, the breakdowns, the quality notes, the published figures,
//! and the warm engine agreeing with a one-off build.

mod engine;

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
        .map(|q| (q.rule.code(), q.training.as_deref()))
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
    assert!(r.quality.iter().any(|q| q.rule == "value_not_recorded"
        && (q.n("without_value"), q.n("trainings"), q.n("with_value")) == (1, 3, 2)));
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
    assert_eq!(note.list("figures"), ["trainings", "value_usd"]);
    // The same figures, each difference explained: trainings declared but not itemised, a
    // value declared that no training carries.
    let declared: Vec<(Figure, i64, Vec<&str>)> = r
        .declared
        .iter()
        .map(|d| {
            (
                d.figure,
                d.difference,
                d.explained_by.iter().map(|(rule, _)| rule.code()).collect(),
            )
        })
        .collect();
    assert_eq!(
        declared,
        [
            (Figure::Trainings, 28, vec!["declared_not_itemised"]),
            (Figure::PersonsTrained, 0, vec![]),
            (
                Figure::ValueUsd,
                393_780_100,
                vec![
                    "declared_value_not_itemised",
                    "value_missing",
                    "declared_not_itemised"
                ]
            ),
        ]
    );
    assert!(!r.quality.iter().any(|q| q.rule == "declared_unexplained"));
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
