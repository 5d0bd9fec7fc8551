//! The warm engine, a report of some trainings and the persons said both ways, each against
//! a build over the same sample of records and periods.

use super::*;

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

/// The warm engine gives what a one-off build gives, for periods that cut months in two,
/// take them whole, or hold nothing.
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
