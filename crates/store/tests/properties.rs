//! A property over random record sets: for any trainings (dates known to the day, the month or
//! the year; figures or none), persons and attendance, and any period (cutting months or
//! taking them whole), the warm engine gives the same report as the one-off build, and both
//! count what plain SQL over the stored records counts.

use cadre_core::report::{build, Engine, Period};
use cadre_core::Date;
use cadre_import::Kind;
use proptest::prelude::*;

use crate::common::fresh_sqlite;

#[derive(Debug, Clone)]
struct Training {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
    figure: Option<(u32, u32, u32)>,
}

fn training() -> impl Strategy<Value = Training> {
    (
        2020..=2021i32,
        proptest::option::of(1..=12u8),
        1..=28u8,
        any::<bool>(),
        proptest::option::of((0..60u32, 0..30u32, 0..30u32)),
    )
        .prop_map(|(year, month, day, to_the_day, figure)| Training {
            year,
            month,
            day: (month.is_some() && to_the_day).then_some(day),
            // Male and female never above the total, as the import requires.
            figure: figure.map(|(t, m, f)| (t + m + f, m, f)),
        })
}

/// (gender 0 none, 1 male, 2 female; country)
fn person() -> impl Strategy<Value = (u8, usize)> {
    (0..3u8, 0..4usize)
}

const COUNTRIES: [&str; 4] = ["BB", "JM", "TT", "GY"];

fn start_of(t: &Training) -> String {
    match (t.month, t.day) {
        (Some(m), Some(d)) => format!("{}-{m:02}-{d:02}", t.year),
        (Some(m), None) => format!("{}-{m:02}", t.year),
        _ => t.year.to_string(),
    }
}

fn day(offset: u32) -> Date {
    let first = Date::parse("2020-01-01").unwrap();
    first.plus_days(offset)
}

async fn check(
    trainings: Vec<Training>,
    persons: Vec<(u8, usize)>,
    attendance: Vec<(usize, usize)>,
    from: u32,
    length: u32,
) {
    let t = fresh_sqlite().await;
    let mut csv = String::from(
        "code,title,start_date,participants_total,participants_male,participants_female\n",
    );
    for (i, tr) in trainings.iter().enumerate() {
        let (total, male, female) = match tr.figure {
            Some((t, m, f)) => (t.to_string(), m.to_string(), f.to_string()),
            None => Default::default(),
        };
        csv.push_str(&format!(
            "T{i},Training {i},{},{total},{male},{female}\n",
            start_of(tr)
        ));
    }
    t.import_text(Kind::Trainings, "t.csv", &csv).await.unwrap();
    if !attendance.is_empty() {
        let mut csv = String::from("training_code,given_name,family_name,email,gender,country\n");
        for &(ti, pi) in &attendance {
            let (g, c) = persons[pi % persons.len()];
            let gender = ["", "M", "F"][usize::from(g)];
            let ti = ti % trainings.len();
            let pi = pi % persons.len();
            csv.push_str(&format!(
                "T{ti},Person,No {pi},p{pi}@example.org,{gender},{}\n",
                COUNTRIES[c]
            ));
        }
        t.import_text(Kind::Attendance, "a.csv", &csv)
            .await
            .unwrap();
    }
    let period = Period::new(day(from), day(from + length)).unwrap();

    let one_off = build(period, &t.store.report_input(period).await.unwrap());
    let everything = t.store.report_input(cadre_app::all_time()).await.unwrap();
    let warm =
        Engine::new(everything).report_with(period, &t.store.published(period).await.unwrap());
    assert_eq!(warm, one_off, "the warm engine and the one-off build");

    // Plain SQL over the stored records, rule by rule (docs/counting.md).
    let path = t.url.trim_start_matches("sqlite:");
    let conn = rusqlite::Connection::open(path).unwrap();
    let (a, b) = (period.from.to_string(), period.to.to_string());
    let one = |sql: &str| -> i64 { conn.query_row(sql, [&a, &b], |r| r.get(0)).unwrap() };
    let in_period = "SELECT id FROM trainings WHERE start_on BETWEEN ?1 AND ?2";
    assert_eq!(
        one_off.trainings.total as i64,
        one(&format!("SELECT COUNT(*) FROM ({in_period})"))
    );
    assert_eq!(
        one_off.persons_from_records as i64,
        one(&format!(
            "SELECT COUNT(DISTINCT person_id) FROM attendance WHERE training_id IN ({in_period})"
        ))
    );
    // Each training: its distinct persons when it has records, else its figures.
    let by_training = |records: &str, figure: &str| {
        format!(
            "SELECT COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM attendance a WHERE a.training_id = t.id)
                 THEN ({records}) ELSE COALESCE({figure}, 0) END), 0)
             FROM trainings t WHERE t.start_on BETWEEN ?1 AND ?2"
        )
    };
    let persons_of = |gender: &str| {
        format!(
            "SELECT COUNT(DISTINCT a.person_id) FROM attendance a JOIN persons p ON p.id = a.person_id
             WHERE a.training_id = t.id {gender}"
        )
    };
    let c = &one_off.participants;
    assert_eq!(
        c.total as i64,
        one(&by_training(&persons_of(""), "t.participants_total"))
    );
    assert_eq!(
        c.male as i64,
        one(&by_training(
            &persons_of("AND p.gender = 'male'"),
            "CASE WHEN t.participants_total IS NULL THEN 0 ELSE t.participants_male END"
        ))
    );
    assert_eq!(
        c.female as i64,
        one(&by_training(
            &persons_of("AND p.gender = 'female'"),
            "CASE WHEN t.participants_total IS NULL THEN 0 ELSE t.participants_female END"
        ))
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_the_build_and_sql_count_alike(
        trainings in proptest::collection::vec(training(), 1..7),
        persons in proptest::collection::vec(person(), 1..10),
        attendance in proptest::collection::vec((0..7usize, 0..10usize), 0..25),
        from in 0..700u32,
        length in 0..420u32,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(check(trainings, persons, attendance, from, length));
    }
}
