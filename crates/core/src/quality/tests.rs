//! Each rule on small hand-built cases: it fires, it does not, and where it stands at its
//! boundary; then the settings (a rule switched off, another severity) and the day's rules.

use super::*;
use crate::date::PartialDate;
use crate::money::Money;
use crate::person::Gender;
use crate::records::{Figure, PublishedFigure, SessionRecord, TrainingRecord};
use crate::report::{build, Period, PersonFacts, Persons, ReportInput, TrainingFacts};

fn date(s: &str) -> PartialDate {
    PartialDate::parse(s).unwrap()
}

/// A training with a partner, a value and a count: none of the rules about those fire.
fn training(code: &str, start: &str) -> TrainingFacts {
    TrainingFacts {
        record: TrainingRecord {
            code: code.into(),
            title: format!("Training {code}"),
            start: Some(date(start)),
            partners: vec!["UNODC".into()],
            value: Some(Money::from_cents(100_000)),
            participants_total: Some(10),
            participants_male: Some(5),
            participants_female: Some(5),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn report(trainings: Vec<TrainingFacts>) -> Report {
    build(
        Period::year(2021),
        &ReportInput {
            trainings,
            ..Default::default()
        },
    )
}

/// The findings of a rule: (training, parameters as `name=value` text).
fn of(r: &Report, rule: &str) -> Vec<(Option<String>, Vec<String>)> {
    r.quality
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            (
                f.training.clone(),
                f.params
                    .iter()
                    .map(|(n, v)| {
                        let v = match v {
                            Param::Count(c) | Param::Tenths(c) => c.to_string(),
                            Param::Money(m) => m.to_string(),
                            Param::Date(d) => d.to_string(),
                            Param::Text(t) => t.clone(),
                            Param::List(l) => l.join(";"),
                            Param::Flag(b) => b.to_string(),
                        };
                        format!("{n}={v}")
                    })
                    .collect(),
            )
        })
        .collect()
}

fn fired(r: &Report, rule: &str) -> Vec<String> {
    of(r, rule)
        .into_iter()
        .map(|(t, _)| t.unwrap_or_else(|| "period".into()))
        .collect()
}

#[test]
fn a_clean_training_has_only_the_notes_of_where_its_count_comes_from() {
    let r = report(vec![training("A", "2021-03-01")]);
    assert_eq!(fired(&r, "aggregate_only"), ["A"]);
    assert_eq!(fired(&r, "persons_from_aggregates"), ["period"]);
    assert_eq!(r.quality.len(), 2, "{:?}", r.quality);
}

#[test]
fn every_rule_has_a_distinct_code_that_reads_back() {
    let mut codes: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
    for r in Rule::ALL {
        assert_eq!(Rule::parse(r.code()), Some(*r));
    }
    assert_eq!(Rule::parse("Count-Unknown"), Some(Rule::CountUnknown));
    assert_eq!(Rule::parse("no_such_rule"), None);
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), Rule::ALL.len());
    assert_eq!(Severity::parse(" Warning"), Some(Severity::Warning));
    assert_eq!(Severity::parse("fatal"), None);
}

#[test]
fn male_and_female_above_the_total() {
    let mut over = training("OVER", "2021-01-10");
    over.record.participants_male = Some(6);
    let mut equal = training("EQUAL", "2021-01-11");
    equal.record.participants_male = Some(5);
    let r = report(vec![over, equal]);
    assert_eq!(
        of(&r, "gender_exceeds_total"),
        [(
            Some("OVER".into()),
            vec!["male=6".into(), "female=5".into(), "total=10".into()]
        )],
        "5 + 5 of 10 is at the boundary and does not fire"
    );
}

#[test]
fn a_training_with_neither_records_nor_figures() {
    let mut unknown = training("U", "2021-02-01");
    unknown.record.participants_total = None;
    let mut zero = training("Z", "2021-02-02");
    zero.record.participants_total = Some(0);
    zero.record.participants_male = None;
    zero.record.participants_female = None;
    let r = report(vec![unknown, zero]);
    assert_eq!(
        fired(&r, "count_unknown"),
        ["U"],
        "a figure of 0 is a count"
    );
}

#[test]
fn records_against_the_published_figure() {
    let mut persons = Persons::with_capacity(4);
    for id in 1..=3 {
        persons.insert(
            id,
            PersonFacts {
                gender: Some(Gender::Female),
                country: Some("JM".into()),
                department: None,
            },
        );
    }
    let mut differ = training("D", "2021-04-01");
    differ.participants = vec![1, 2, 3];
    differ.record.participants_total = Some(4);
    let mut agree = training("S", "2021-04-02");
    agree.participants = vec![1, 2, 3];
    agree.record.participants_total = Some(3);
    let r = build(
        Period::year(2021),
        &ReportInput {
            trainings: vec![differ, agree],
            persons,
            ..Default::default()
        },
    );
    assert_eq!(
        of(&r, "records_differ_from_figure"),
        [(
            Some("D".into()),
            vec!["records=3".into(), "figure=4".into()]
        )]
    );
}

#[test]
fn session_counts_that_do_not_sum_to_the_training() {
    let session = |code: &str, start: &str, n: Option<u32>| SessionRecord {
        training_code: code.into(),
        start: date(start),
        end: None,
        participants_total: n,
        note: None,
    };
    let mut off = training("OFF", "2021-05-01");
    off.sessions = vec![
        session("OFF", "2021-05-01", Some(4)),
        session("OFF", "2021-05-08", Some(5)),
    ];
    let mut exact = training("EXACT", "2021-05-02");
    exact.sessions = vec![
        session("EXACT", "2021-05-02", Some(4)),
        session("EXACT", "2021-05-09", Some(6)),
    ];
    let mut partial = training("PART", "2021-05-03");
    partial.sessions = vec![
        session("PART", "2021-05-03", Some(4)),
        session("PART", "2021-05-10", None),
    ];
    let r = report(vec![off, exact, partial]);
    assert_eq!(
        of(&r, "sessions_differ_from_total"),
        [(
            Some("OFF".into()),
            vec!["sessions=9".into(), "total=10".into()]
        )],
        "a session without a count sums to nothing"
    );
}

#[test]
fn end_before_start_at_the_dates_precision() {
    let mut before = training("B", "2021-06-10");
    before.record.end = Some(date("2021-06-09"));
    let mut same_day = training("S", "2021-06-10");
    same_day.record.end = Some(date("2021-06-10"));
    let mut same_month = training("M", "2021-06-10");
    same_month.record.end = Some(date("2021-06"));
    let r = report(vec![before, same_day, same_month]);
    assert_eq!(fired(&r, "end_before_start"), ["B"]);
}

#[test]
fn dates_known_only_to_the_month_or_the_year() {
    let r = report(vec![
        training("D", "2021-07-01"),
        training("M", "2021-07"),
        training("Y", "2021"),
    ]);
    assert_eq!(fired(&r, "date_month_only"), ["M"]);
    assert_eq!(fired(&r, "date_year_only"), ["Y"]);
}

#[test]
fn the_same_title_on_overlapping_dates() {
    let mut a = training("A", "2021-03-01");
    a.record.end = Some(date("2021-03-05"));
    let mut b = training("B", "2021-03-05");
    b.record.title = "  training a ".into();
    let mut c = training("C", "2021-03-06");
    c.record.title = "Training A".into();
    let r = report(vec![a.clone(), b, c]);
    // B shares A's last day; C starts the day after A ends (a course given again).
    assert_eq!(
        of(&r, "possible_duplicate"),
        [(Some("B".into()), vec!["other=A".into()])]
    );
    // A date known only to the month spans the month.
    let mut d = training("D", "2021-03");
    d.record.title = "Training A.".into();
    let r = report(vec![a, d]);
    assert_eq!(
        of(&r, "possible_duplicate"),
        [(Some("D".into()), vec!["other=A".into()])],
        "listed first in March, D is found against A when A comes"
    );
}

#[test]
fn the_same_summary_twice() {
    let text = "CARICOM IMPACS partnered with NCSC to convene two virtual exercises.";
    let mut a = training("A", "2021-08-28");
    a.record.summary = Some(text.into());
    let mut b = training("B", "2021-09-29");
    b.record.summary = Some(format!("  {}  ", text.to_uppercase().replace(',', "")));
    let mut c = training("C", "2021-09-30");
    c.record.summary = Some(format!("{text} A further sentence."));
    let mut d = training("D", "2021-10-01");
    d.record.summary = Some(" ".into());
    let mut e = training("E", "2021-10-02");
    e.record.summary = Some("  ".into());
    let r = report(vec![a, b, c, d, e]);
    assert_eq!(
        of(&r, "same_summary"),
        [(Some("B".into()), vec!["other=A".into()])],
        "a paragraph with one sentence more is another; blank is no paragraph"
    );
}

#[test]
fn countries_reached_against_those_listed() {
    let mut below = training("BELOW", "2021-01-01");
    below.record.countries = vec!["BB".into(), "JM".into(), "TT".into()];
    below.record.countries_reached = Some(2);
    let mut above = training("ABOVE", "2021-01-02");
    above.record.countries = vec!["BB".into()];
    above.record.countries_reached = Some(9);
    let mut equal = training("EQUAL", "2021-01-03");
    equal.record.countries = vec!["BB".into(), "JM".into()];
    equal.record.countries_reached = Some(2);
    let r = report(vec![below, above, equal]);
    assert_eq!(
        of(&r, "countries_reached_below_listed"),
        [(
            Some("BELOW".into()),
            vec!["reached=2".into(), "named=3".into()]
        )]
    );
    assert_eq!(fired(&r, "countries_not_named"), ["ABOVE"]);
}

#[test]
fn participants_from_a_country_the_training_does_not_list() {
    let mut persons = Persons::with_capacity(4);
    for (id, country) in [(1, "JM"), (2, "TT"), (3, "GY")] {
        persons.insert(
            id,
            PersonFacts {
                gender: Some(Gender::Male),
                country: Some(country.into()),
                department: None,
            },
        );
    }
    let mut listed = training("LISTED", "2021-02-01");
    listed.record.countries = vec!["JM".into()];
    listed.participants = vec![1, 2, 3];
    let mut all = training("ALL", "2021-02-02");
    all.record.countries = vec!["GY".into(), "JM".into(), "TT".into()];
    all.participants = vec![1, 2, 3];
    let mut none = training("NONE", "2021-02-03");
    none.participants = vec![1, 2, 3];
    let r = build(
        Period::year(2021),
        &ReportInput {
            trainings: vec![listed, all, none],
            persons,
            ..Default::default()
        },
    );
    assert_eq!(
        of(&r, "participant_country_not_listed"),
        [(
            Some("LISTED".into()),
            vec!["countries=GY;TT".into(), "participants=2".into()]
        )],
        "a training that lists no country is not checked"
    );
}

#[test]
fn a_missing_value_and_no_partner() {
    let mut no_value = training("V", "2021-01-01");
    no_value.record.value = None;
    let mut zero = training("Z", "2021-01-02");
    zero.record.value = Some(Money::ZERO);
    let mut alone = training("P", "2021-01-03");
    alone.record.partners.clear();
    let mut funded = training("F", "2021-01-04");
    funded.record.partners.clear();
    funded.record.funders = vec!["EU".into()];
    let r = report(vec![no_value, zero, alone, funded]);
    assert_eq!(fired(&r, "value_missing"), ["V"], "a value of 0 is a value");
    assert_eq!(fired(&r, "no_partner"), ["P"], "a funder is a partner");
}

#[test]
fn a_value_per_participant_far_from_the_median() {
    // Ten participants each: values per participant 100, 100, 100, 100, 400 and 25 dollars
    // (median 100): 400 is four times it and 25 a quarter, at the boundary both.
    let mut ts: Vec<TrainingFacts> = (0..4)
        .map(|i| training(&format!("T{i}"), &format!("2021-0{}-01", i + 1)))
        .collect();
    let mut high = training("HIGH", "2021-06-01");
    high.record.value = Some(Money::from_cents(400_000));
    let mut low = training("LOW", "2021-07-01");
    low.record.value = Some(Money::from_cents(25_000));
    let mut near = training("NEAR", "2021-08-01");
    near.record.value = Some(Money::from_cents(399_000));
    ts.extend([high, low, near]);
    let r = report(ts);
    assert_eq!(
        of(&r, "value_per_participant_outlier"),
        [
            (
                Some("HIGH".into()),
                vec![
                    "per_participant=400.00".into(),
                    "median=100.00".into(),
                    "times=40".into(),
                    "above=true".into()
                ]
            ),
            (
                Some("LOW".into()),
                vec![
                    "per_participant=25.00".into(),
                    "median=100.00".into(),
                    "times=40".into(),
                    "above=false".into()
                ]
            ),
        ],
        "3.99 times the median is near enough"
    );
    // With fewer than five trainings to compare, the median says too little.
    let mut few: Vec<TrainingFacts> = (0..3)
        .map(|i| training(&format!("T{i}"), &format!("2021-0{}-01", i + 1)))
        .collect();
    let mut high = training("HIGH", "2021-06-01");
    high.record.value = Some(Money::from_cents(10_000_000));
    few.push(high);
    assert!(fired(&report(few), "value_per_participant_outlier").is_empty());
}

#[test]
fn a_training_marked_delivered_that_starts_in_the_future() {
    let today = crate::Date::parse("2021-06-15").unwrap();
    let mut future = training("FUT", "2021-06-16");
    future.record.status = Some(Status::Delivered);
    let mut today_t = training("NOW", "2021-06-15");
    today_t.record.status = Some(Status::Delivered);
    let mut month = training("MON", "2021-06");
    month.record.status = Some(Status::Delivered);
    let mut planned = training("PLAN", "2021-07-01");
    planned.record.status = Some(Status::Planned);
    let mut r = report(vec![future, today_t, month, planned]);
    finish(&mut r, &Settings::default(), today);
    assert_eq!(
        of(&r, "delivered_in_future"),
        [(
            Some("FUT".into()),
            vec!["start=2021-06-16".into(), "today=2021-06-15".into()]
        )],
        "a month that has begun may hold its day; a planned training may start later"
    );
    // Listed with the training's other findings, before the period's.
    let codes: Vec<Option<&str>> = r.quality.iter().map(|f| f.training.as_deref()).collect();
    let mut sorted = codes.clone();
    sorted.sort_by_key(|c| match c {
        Some("MON") => 0,
        Some("NOW") => 1,
        Some("FUT") => 2,
        Some("PLAN") => 3,
        _ => 4,
    });
    assert_eq!(codes, sorted);
}

#[test]
fn the_declared_figures_that_do_not_add_up() {
    let published = |figure, value| PublishedFigure {
        figure,
        value,
        note: None,
    };
    let input = |figures: Vec<PublishedFigure>| ReportInput {
        trainings: vec![training("A", "2021-01-01"), training("B", "2021-02-01")],
        published: figures,
        ..Default::default()
    };
    let r = build(
        Period::year(2021),
        &input(vec![
            published(Figure::Trainings, 5),
            published(Figure::PersonsTrained, 100),
            published(Figure::Male, 60),
            published(Figure::Female, 30),
            published(Figure::ValueUsd, 500_000),
        ]),
    );
    assert_eq!(
        of(&r, "declared_not_itemised"),
        [(
            None,
            vec![
                "declared=5".into(),
                "itemised=2".into(),
                "not_itemised=3".into()
            ]
        )]
    );
    assert_eq!(
        of(&r, "declared_gender_not_recorded"),
        [(
            None,
            vec![
                "not_recorded=10".into(),
                "persons=100".into(),
                "male=60".into(),
                "female=30".into()
            ]
        )]
    );
    assert_eq!(
        of(&r, "declared_value_not_itemised"),
        [(
            None,
            vec![
                "declared=5,000.00".into(),
                "recorded=2,000.00".into(),
                "with_value=2".into()
            ]
        )]
    );
    // At the boundary: as many declared as itemised, the gender split adding up, the value
    // carried whole.
    let r = build(
        Period::year(2021),
        &input(vec![
            published(Figure::Trainings, 2),
            published(Figure::PersonsTrained, 20),
            published(Figure::Male, 10),
            published(Figure::Female, 10),
            published(Figure::ValueUsd, 200_000),
        ]),
    );
    assert!(
        r.quality
            .iter()
            .all(|f| f.rule == "aggregate_only" || f.rule == "persons_from_aggregates"),
        "{:?}",
        r.quality
    );
    assert!(r.declared.iter().all(|d| d.difference == 0));
    // Above: the split exceeds the persons declared.
    let r = build(
        Period::year(2021),
        &input(vec![
            published(Figure::PersonsTrained, 20),
            published(Figure::Male, 15),
            published(Figure::Female, 10),
        ]),
    );
    assert_eq!(fired(&r, "declared_gender_exceeds_total"), ["period"]);
}

#[test]
fn a_difference_nothing_explains_is_said() {
    // More trainings itemised than declared, and none of them a likely duplicate.
    let r = build(
        Period::year(2021),
        &ReportInput {
            trainings: vec![training("A", "2021-01-01"), training("B", "2021-02-01")],
            published: vec![PublishedFigure {
                figure: Figure::Trainings,
                value: 1,
                note: None,
            }],
            ..Default::default()
        },
    );
    assert_eq!(r.declared[0].difference, -1);
    assert!(r.declared[0].explained_by.is_empty());
    assert_eq!(
        of(&r, "declared_unexplained"),
        [(None, vec!["figures=trainings".into()])]
    );
}

#[test]
fn settings_switch_a_rule_off_or_change_its_severity() {
    let mut a = training("A", "2021-01");
    a.record.value = None;
    let mut r = report(vec![a]);
    assert_eq!(fired(&r, "date_month_only"), ["A"]);
    let mut settings = Settings::default();
    settings.changed.insert(
        Rule::DateMonthOnly,
        RuleSetting {
            enabled: false,
            severity: Severity::Note,
        },
    );
    settings.changed.insert(
        Rule::ValueMissing,
        RuleSetting {
            enabled: true,
            severity: Severity::Error,
        },
    );
    finish(&mut r, &settings, crate::Date::parse("2026-01-01").unwrap());
    assert!(fired(&r, "date_month_only").is_empty());
    let value = r
        .quality
        .iter()
        .find(|f| f.rule == "value_missing")
        .unwrap();
    assert_eq!(value.severity, Severity::Error);
    let period = r
        .quality
        .iter()
        .find(|f| f.rule == "value_not_recorded")
        .unwrap();
    assert_eq!(period.severity, Severity::Note, "the others keep theirs");
    assert_eq!(
        count_by_rule(&r.quality),
        [
            (Rule::AggregateOnly, Severity::Note, 1),
            (Rule::ValueMissing, Severity::Error, 1),
            (Rule::ValueNotRecorded, Severity::Note, 1),
            (Rule::PersonsFromAggregates, Severity::Note, 1),
        ]
    );
}
