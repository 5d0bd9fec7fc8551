//! Attendance: persons recognised across rows, trainings and imports.

use cadre_core::Gender;
use cadre_import::Kind;

use crate::common::{both, problems, TestStore};

const HEADER: &str = "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n";

async fn a_person_is_the_same_person_by_email_or_by_name_and_country(t: &TestStore) {
    t.load_2020().await;
    let text = format!(
        "{HEADER}\
         2020-03,2020-05-07,Ann,Lee,Ann.Lee@Example.org,F,Barbados,,Police,yes\n\
         2020-03,2020-07-13,Ann,Lee, ann.lee@example.ORG ,female,BB,,,no\n\
         2020-01,,Annie,Lee,ann.lee@example.org,,BRB,,,\n\
         2020-01,,Bob,Ray,,M,Jamaica,JCF,Police,1\n\
         2020-07,, bob ,RAY  ,,m,jm,,,true\n\
         2020-07,,Bob,Ray,,Male,Trinidad & Tobago,,,\n\
         2020-11,2020-08-20,Cy,Doe,cy@example.org,prefer not to say,St. Kitts & Nevis,,Customs and Excise,\n"
    );
    let s = t
        .import_text(Kind::Attendance, "a.csv", &text)
        .await
        .unwrap();
    assert_eq!((s.rows, s.created, s.persons_created), (7, 7, 4));
    let people = t.store.participants().await.unwrap();
    let names: Vec<_> = people
        .iter()
        .map(|p| {
            (
                p.person.given_name.as_str(),
                p.person.country.as_deref(),
                p.attendance,
                p.trainings,
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("Cy", Some("KN"), 1, 1),
            ("Annie", Some("BB"), 3, 2),
            ("Bob", Some("JM"), 2, 2),
            ("Bob", Some("TT"), 1, 1),
        ]
    );
    let ann = &people[1].person;
    assert_eq!(
        ann.gender,
        Some(Gender::Female),
        "a blank gender does not erase a known one"
    );
    assert_eq!(ann.department.as_deref(), Some("Police"));
    assert_eq!(people[0].person.gender, None);
    assert_eq!(
        people[0].person.department.as_deref(),
        Some("Customs"),
        "alias resolved"
    );

    // The same sheet again: nothing new.
    let again = t
        .import_text(Kind::Attendance, "a.csv", &text)
        .await
        .unwrap();
    assert_eq!(
        (
            again.created,
            again.updated,
            again.unchanged,
            again.persons_created
        ),
        (0, 0, 7, 0)
    );
}
both!(a_person_is_the_same_person_by_email_or_by_name_and_country);

async fn sessions_must_be_named_where_a_training_has_several(t: &TestStore) {
    t.load_2020().await;
    let text = format!(
        "{HEADER}\
         2020-03,,Ann,Lee,ann@example.org,F,BB,,,\n\
         2020-03,2020-06-01,Ann,Lee,ann@example.org,F,BB,,,\n\
         2020-01,2020-01-27,Ann,Lee,ann@example.org,F,BB,,,\n\
         2020-01,,,,,F,BB,,,\n\
         2020-01,,Ann,Lee,not-an-email,F,BB,,,maybe\n"
    );
    assert_eq!(
        problems(t.import_text(Kind::Attendance, "a.csv", &text).await),
        [
            "a.csv:2:2: session_date: training 2020-03 has 2 sessions (2020-05-07, 2020-07-13): say which one",
            "a.csv:3:2: session_date: training 2020-03 has no session starting 2020-06-01; its sessions start 2020-05-07, 2020-07-13",
            "a.csv:4:2: session_date: training 2020-01 has no sessions: leave session_date blank, or import its sessions first",
            "a.csv:5:3: given_name: a participant needs an e-mail, or a given name and a family name",
            "a.csv:6:5: email: \"not-an-email\" is not an e-mail address",
            "a.csv:6:10: completed: completed \"maybe\" is not understood: write yes, no, true, false, 1 or 0, or leave blank",
        ]
    );
}
both!(sessions_must_be_named_where_a_training_has_several);

async fn the_generated_year_imports_and_reimports_unchanged(t: &TestStore) {
    t.load_2020().await;
    let config = cadre_gen::Config::demo_year(2021);
    let (mut tr, mut se, mut at) = (Vec::new(), Vec::new(), Vec::new());
    let written = cadre_gen::generate(&config, &mut tr, &mut se, &mut at).unwrap();
    let text = |v: &[u8]| String::from_utf8(v.to_vec()).unwrap();
    t.import_text(Kind::Trainings, "t.csv", &text(&tr))
        .await
        .unwrap();
    t.import_text(Kind::Sessions, "s.csv", &text(&se))
        .await
        .unwrap();
    let s = t
        .import_text(Kind::Attendance, "a.csv", &text(&at))
        .await
        .unwrap();
    assert_eq!(s.rows, written.attendance);
    assert_eq!(s.created, written.attendance);
    let people = t.store.participants().await.unwrap();
    assert!(people.iter().any(|p| p.trainings > 1), "repeat attendees");
    let before = t.store.content().await.unwrap();
    let again = t
        .import_text(Kind::Attendance, "a.csv", &text(&at))
        .await
        .unwrap();
    assert_eq!(
        (again.created, again.updated, again.unchanged),
        (0, 0, written.attendance)
    );
    assert_eq!(t.store.content().await.unwrap(), before);
}
both!(the_generated_year_imports_and_reimports_unchanged);

/// Identity never depends on the order of rows: a row without e-mail is never matched to a
/// person known by an e-mail, whichever came first, and batches change nothing to that.
async fn identity_does_not_depend_on_order(t: &TestStore) {
    t.load_2020().await;
    let with_email = "2020-01,,Dana,Khan,dana@example.org,F,JM,,,\n";
    let without = "2020-02,,dana, KHAN,,F,Jamaica,,,\n2020-07,,Dana,Khan,,,JM,,,\n";
    let a = t
        .import_text(
            Kind::Attendance,
            "a.csv",
            &format!("{HEADER}{with_email}{without}"),
        )
        .await
        .unwrap();
    assert_eq!(a.persons_created, 2);
    let other = crate::common::fresh_sqlite().await;
    other.load_2020().await;
    let b = other
        .import_text(
            Kind::Attendance,
            "b.csv",
            &format!("{HEADER}{without}{with_email}"),
        )
        .await
        .unwrap();
    assert_eq!(b.persons_created, 2);
    let people = t.store.participants().await.unwrap();
    let shape: Vec<(Option<&str>, i64)> = people
        .iter()
        .map(|p| (p.person.email.as_deref(), p.trainings))
        .collect();
    assert!(shape.contains(&(Some("dana@example.org"), 1)), "{shape:?}");
    assert!(shape.contains(&(None, 2)), "{shape:?}");
    // A file larger than one batch: the same person in the first and the last row.
    let mut big = String::from(HEADER);
    big.push_str("2020-01,,Eli,Moss,eli@example.org,M,BB,,,\n");
    for i in 0..4500 {
        big.push_str(&format!("2020-07,,P{i},Q,p{i}@example.org,,BB,,,\n"));
    }
    big.push_str("2020-07,,Eli,Moss,ELI@example.org,,BB,,Police,yes\n");
    let s = t
        .import_text(Kind::Attendance, "big.csv", &big)
        .await
        .unwrap();
    assert_eq!((s.rows, s.created, s.persons_created), (4502, 4502, 4501));
    let eli = t
        .store
        .participants()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.person.given_name == "Eli")
        .unwrap();
    assert_eq!(
        (eli.trainings, eli.person.department.as_deref()),
        (2, Some("Police"))
    );
}
both!(identity_does_not_depend_on_order);

/// The `completed` column of each attendance record, as the content listing shows it.
async fn completions(t: &TestStore) -> Vec<String> {
    let content = t.store.content().await.unwrap();
    let section = content
        .split("# ")
        .find(|s| s.starts_with("attendance ("))
        .unwrap();
    section
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().to_string())
        .collect()
}

/// One record per person per session: a later row of the same person and session completes
/// what an earlier one left blank (in the same file or a later one), a changed value replaces
/// the recorded one, and a blank cell never erases it. The counts say which happened.
async fn completion_is_completed_and_never_erased(t: &TestStore) {
    t.load_2020().await;
    let ann = "Ann,Lee,ann@example.org,F,BB,,";
    let first = format!(
        "{HEADER}\
         2020-01,,{ann},\n\
         2020-01,,{ann},yes\n\
         2020-07,,{ann},no\n\
         2020-07,,{ann},no\n"
    );
    let s = t
        .import_text(Kind::Attendance, "a.csv", &first)
        .await
        .unwrap();
    // Counted by record: a row completing a record an earlier row of the file made is part
    // of making it, not an update of a recorded one.
    assert_eq!((s.rows, s.created, s.updated, s.unchanged), (4, 2, 0, 2));
    assert_eq!(completions(t).await, ["1", "0"]);

    let second = format!(
        "{HEADER}\
         2020-01,,{ann},\n\
         2020-07,,{ann},yes\n\
         2020-07,,{ann},\n"
    );
    let s = t
        .import_text(Kind::Attendance, "b.csv", &second)
        .await
        .unwrap();
    assert_eq!((s.rows, s.created, s.updated, s.unchanged), (3, 0, 1, 2));
    assert_eq!(completions(t).await, ["1", "1"]);
    let people = t.store.participants().await.unwrap();
    assert_eq!((people.len(), people[0].attendance), (1, 2));
}
both!(completion_is_completed_and_never_erased);

/// The same holds across imports: a later sheet's row without e-mail is not the person an
/// earlier sheet knew by e-mail, and a later row with the e-mail is.
async fn identity_across_imports(t: &TestStore) {
    t.load_2020().await;
    let first = format!("{HEADER}2020-01,,Dana,Khan,dana@example.org,F,JM,,,\n");
    let s = t
        .import_text(Kind::Attendance, "a.csv", &first)
        .await
        .unwrap();
    assert_eq!(s.persons_created, 1);
    let second = format!(
        "{HEADER}2020-02,,Dana,Khan,,F,JM,,,\n2020-07,,DANA,Khan,Dana@Example.org,,JM,,,\n"
    );
    let s = t
        .import_text(Kind::Attendance, "b.csv", &second)
        .await
        .unwrap();
    assert_eq!((s.created, s.persons_created), (2, 1));
    let people = t.store.participants().await.unwrap();
    let mut shape: Vec<(Option<&str>, i64)> = people
        .iter()
        .map(|p| (p.person.email.as_deref(), p.trainings))
        .collect();
    shape.sort();
    assert_eq!(shape, [(None, 1), (Some("dana@example.org"), 2)]);
}
both!(identity_across_imports);

/// A sheet need not list a training's rows together: a row repeating one from further up,
/// after other trainings' rows, is still the same record (and completes it), and a training
/// whose attendance an earlier import recorded gets only what is new.
async fn a_training_listed_in_pieces_is_one_list(t: &TestStore) {
    t.load_2020().await;
    let text = format!(
        "{HEADER}\
         2020-01,,Ann,Lee,ann@example.org,F,BB,,,\n\
         2020-02,,Ann,Lee,ann@example.org,F,BB,,,\n\
         2020-01,,Bob,Ray,bob@example.org,M,JM,,,\n\
         2020-01,,Ann,Lee,ann@example.org,F,BB,,,yes\n\
         2020-02,,Bob,Ray,bob@example.org,M,JM,,,\n"
    );
    let s = t
        .import_text(Kind::Attendance, "a.csv", &text)
        .await
        .unwrap();
    assert_eq!((s.rows, s.created, s.updated, s.unchanged), (5, 4, 0, 1));
    let more = format!(
        "{HEADER}\
         2020-01,,Ann,Lee,ann@example.org,F,BB,,,\n\
         2020-01,,Cy,Doe,cy@example.org,,GY,,,\n"
    );
    let s = t
        .import_text(Kind::Attendance, "b.csv", &more)
        .await
        .unwrap();
    assert_eq!((s.rows, s.created, s.updated, s.unchanged), (2, 1, 0, 1));
    let people = t.store.participants().await.unwrap();
    let shape: Vec<(&str, i64)> = people
        .iter()
        .map(|p| (p.person.given_name.as_str(), p.trainings))
        .collect();
    assert_eq!(shape, [("Cy", 1), ("Ann", 2), ("Bob", 2)]);
    // The report cache holds each training's attendees however the sheet listed them.
    let input = t
        .store
        .report_input(cadre_core::report::Period::year(2020))
        .await
        .unwrap();
    let attendees = |code: &str| {
        input
            .trainings
            .iter()
            .find(|f| f.record.code == code)
            .map(|f| f.participants.len())
    };
    assert_eq!(
        (attendees("2020-01"), attendees("2020-02")),
        (Some(3), Some(2))
    );
}
both!(a_training_listed_in_pieces_is_one_list);

/// A file imported again as it was changes nothing and says so, even where two of its rows
/// name one record and disagree (two persons without e-mail of one name and country are one
/// person): the record ends as the last row leaves it, each time. A corrected file updates
/// the records it changes, and only those.
async fn a_reimport_is_unchanged_and_a_correction_updates(t: &TestStore) {
    t.load_2020().await;
    let rows = |ann: &str, cy: &str| {
        format!(
            "{HEADER}\
             2020-01,,Ann,Lee,ann@example.org,F,BB,,,{ann}\n\
             2020-01,,Bob,Ray,,M,JM,,,yes\n\
             2020-01,,Cy,Doe,cy@example.org,,GY,,,{cy}\n\
             2020-01,,Bob,Ray,,M,Jamaica,,,no\n\
             2020-07,,Ann,Lee,ann@example.org,F,BB,,,\n"
        )
    };
    let first = rows("no", "no");
    let s = t
        .import_text(Kind::Attendance, "a.csv", &first)
        .await
        .unwrap();
    assert_eq!((s.rows, s.created, s.updated, s.unchanged), (5, 4, 0, 1));
    let before = t.store.content().await.unwrap();
    for _ in 0..2 {
        let s = t
            .import_text(Kind::Attendance, "a.csv", &first)
            .await
            .unwrap();
        assert_eq!((s.created, s.updated, s.unchanged), (0, 0, 5));
        assert_eq!(t.store.content().await.unwrap(), before);
    }
    let s = t
        .import_text(Kind::Attendance, "b.csv", &rows("yes", "1"))
        .await
        .unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (0, 2, 3));
    assert_eq!(completions(t).await, ["1", "0", "1", "NULL"]);
}
both!(a_reimport_is_unchanged_and_a_correction_updates);

/// Rows repeating a record of a training new to the store, within its run of rows: counted
/// unchanged, and the record's completion is the last one given (a blank cell leaves it), in
/// the same batch as the first row or in a later one.
async fn repeats_within_a_run_leave_the_last_completion(t: &TestStore) {
    t.load_2020().await;
    let ann = "Ann,Lee,ann@example.org,F,BB,,";
    let bob = "Bob,Ray,bob@example.org,M,JM,,";
    let cy = "Cy,Doe,cy@example.org,,GY,,";
    let mut text = format!(
        "{HEADER}2020-01,,{ann},yes\n2020-01,,{bob},yes\n2020-01,,{ann},\n2020-01,,{ann},no\n\
         2020-01,,{cy},no\n2020-01,,{cy},yes\n2020-01,,{cy},\n"
    );
    // Enough other persons that Bob's repeat comes in another batch (of 16,384 rows) than his
    // first row.
    for n in 0..17_000 {
        text.push_str(&format!("2020-01,,P{n},Q,p{n}@example.org,,,,,\n"));
    }
    text.push_str(&format!("2020-01,,{bob},no\n"));
    let s = t
        .import_text(Kind::Attendance, "a.csv", &text)
        .await
        .unwrap();
    assert_eq!(
        (s.rows, s.created, s.updated, s.unchanged),
        (17_008, 17_003, 0, 5)
    );
    // Ann's last word is no, Bob's no (in the later batch), Cy's yes (the blank leaves it).
    let mut done = completions(t).await;
    done.retain(|c| c != "NULL");
    done.sort();
    assert_eq!(done, ["0", "0", "1"]);
    let again = t
        .import_text(Kind::Attendance, "a.csv", &text)
        .await
        .unwrap();
    assert_eq!(
        (again.created, again.updated, again.unchanged),
        (0, 0, 17_008)
    );
}
both!(repeats_within_a_run_leave_the_last_completion);

/// With `replace_roster`, the file is the whole roster of each training it names: records of
/// those trainings that no row names are removed (a dry run lists them and removes nothing),
/// however the sheet orders its rows; other trainings are left alone, and the report counts
/// the new rosters.
async fn a_roster_replaces_the_recorded_one(t: &TestStore) {
    t.load_2020().await;
    let ann = "Ann,Lee,ann@example.org,F,BB,,";
    let bob = "Bob,Ray,bob@example.org,M,JM,,";
    let cy = "Cy,Doe,cy@example.org,,GY,,";
    let dee = "Dee,Fox,dee@example.org,F,TT,,";
    let eve = "Eve,Gul,eve@example.org,F,BB,,";
    let first = format!(
        "{HEADER}\
         2020-01,,{ann},\n2020-01,,{bob},\n2020-01,,{cy},\n\
         2020-07,,{ann},\n2020-07,,{bob},\n\
         2020-02,,{dee},\n\
         2020-03,2020-05-07,{ann},\n2020-03,2020-07-13,{ann},\n"
    );
    t.import_text(Kind::Attendance, "a.csv", &first)
        .await
        .unwrap();
    let roster = format!(
        "{HEADER}\
         2020-01,,{ann},\n2020-07,,{bob},\n2020-01,,{cy},\n2020-01,,{eve},\n\
         2020-03,2020-05-07,{ann},\n"
    );
    let replace = |dry_run| crate::common::ImportOptions {
        dry_run,
        replace_roster: true,
        ..Default::default()
    };
    let before = t.store.content().await.unwrap();
    let dry = t
        .import_text_with(Kind::Attendance, "r.csv", &roster, replace(true))
        .await
        .unwrap();
    assert_eq!(t.store.content().await.unwrap(), before, "a dry run");
    let listed: Vec<(&str, Option<&str>, &str)> = dry
        .removed_records
        .iter()
        .map(|r| {
            (
                r.training_code.as_str(),
                r.session.as_deref(),
                r.person.as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("2020-01", None, "Bob Ray"),
            ("2020-03", Some("2020-07-13"), "Ann Lee"),
            ("2020-07", None, "Ann Lee"),
        ]
    );
    let s = t
        .import_text_with(Kind::Attendance, "r.csv", &roster, replace(false))
        .await
        .unwrap();
    assert_eq!(
        (s.created, s.updated, s.unchanged, s.removed),
        (1, 0, 4, Some(3))
    );
    assert!(s.removed_records.is_empty(), "listed in a dry run only");
    assert!(s.to_string().contains("; 3 removed"), "{s}");
    let input = t
        .store
        .report_input(cadre_core::report::Period::year(2020))
        .await
        .unwrap();
    let attendees = |code: &str| {
        input
            .trainings
            .iter()
            .find(|f| f.record.code == code)
            .map(|f| f.participants.len())
    };
    assert_eq!(
        [
            attendees("2020-01"),
            attendees("2020-02"),
            attendees("2020-03"),
            attendees("2020-07")
        ],
        [Some(3), Some(1), Some(1), Some(1)]
    );
    // Without the option, a file missing records removes nothing.
    let s = t
        .import_text(
            Kind::Attendance,
            "b.csv",
            &format!("{HEADER}2020-01,,{ann},\n"),
        )
        .await
        .unwrap();
    assert_eq!((s.unchanged, s.removed), (1, None));
    assert_eq!(t.store.counts().await.unwrap().attendance, 6);
}
both!(a_roster_replaces_the_recorded_one);
