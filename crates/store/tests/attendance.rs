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
    assert_eq!(again.unchanged, written.attendance);
    assert_eq!(t.store.content().await.unwrap(), before);
}
both!(the_generated_year_imports_and_reimports_unchanged);
