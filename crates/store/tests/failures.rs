//! Bad input: every problem is reported with file, line and column, and nothing is written.

use cadre_import::Kind;

use crate::common::{both, problems, ImportOptions, TestStore};

const HEADER: &str = "code,title,start_date,end_date,modality,partners,value_usd,participants_total,participants_male,participants_female,countries,departments\n";

async fn every_bad_cell_is_named_by_file_line_and_column(t: &TestStore) {
    t.load_2020().await;
    let text = format!(
        "{HEADER}\
         X-1,Good row,2021-03-01,2021-03-02,virtual,ComSec,100,10,5,5,BB,Police\n\
         X-2,Impossible date,2021-02-30,,virtual,,,,,,,\n\
         X-3,End first,2021-03-10,2021-03-01,online,Nobody,-5,-3,,,Atlantis,Cooks\n\
         X-4,Too many,2021,,physical,,,10,8,7,,\n\
         X-1,Twice,2021,,,,,,,,,\n"
    );
    let got = problems(t.import_text(Kind::Trainings, "new.csv", &text).await);
    assert_eq!(
        got,
        [
            "new.csv:3:3: start_date: 2021-02-30 does not exist (February 2021 has 28 days)",
            "new.csv:4:4: end_date: 2021-03-01 is before the start date 2021-03-10",
            "new.csv:4:5: modality: \"online\" is not one of: physical, virtual, hybrid",
            "new.csv:4:6: partners: unknown partner \"Nobody\": add it to the partners first (on the partners page, or with `cadre import partners`)",
            "new.csv:4:7: value_usd: amount -5 is negative",
            "new.csv:4:8: participants_total: -3 is negative: counts are whole numbers from 0",
            "new.csv:4:11: countries: unknown country \"Atlantis\": use an ISO 3166 code (BB, BRB) or its name in English, Spanish, French or Dutch (Barbados, Barbade)",
            "new.csv:4:12: departments: unknown department \"Cooks\": use a name or alias from the list of departments, or add it with `cadre import departments`",
            "new.csv:5:8: participants_total: male and female add up to 15, more than the total of 10",
            "new.csv:6:1: code: training X-1 is already on line 2",
        ]
    );
}
both!(every_bad_cell_is_named_by_file_line_and_column);

async fn a_failed_import_leaves_the_database_as_it_was(t: &TestStore) {
    t.load_2020().await;
    let before = t.store.content().await.unwrap();
    // The good rows come first, so they were written before the bad one was found.
    let text = format!(
        "{HEADER}\
         X-1,New,2021-03-01,,virtual,ComSec,100,10,5,5,BB,Police\n\
         2020-01,Renamed,2020-01-27,2020-01-30,physical,ComSec,,29,,,,\n\
         X-2,Bad,2021-13,,virtual,,,,,,,\n"
    );
    let got = problems(t.import_text(Kind::Trainings, "t.csv", &text).await);
    assert_eq!(
        got,
        ["t.csv:4:3: start_date: month 13 does not exist (months run from 01 to 12)"]
    );
    assert_eq!(t.store.content().await.unwrap(), before);

    let attendance = "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n\
        2020-01,,Ann,Lee,ann@example.org,F,BB,,Police,yes\n\
        2020-01,,Bob,Ray,bob@example.org,X,JM,,Police,yes\n";
    let got = problems(t.import_text(Kind::Attendance, "a.csv", attendance).await);
    assert_eq!(got.len(), 1);
    assert!(
        got[0].starts_with("a.csv:3:6: gender: gender \"X\" is not understood"),
        "{got:?}"
    );
    assert_eq!(t.store.content().await.unwrap(), before);
}
both!(a_failed_import_leaves_the_database_as_it_was);

async fn a_dry_run_counts_what_would_change_and_writes_nothing(t: &TestStore) {
    t.load_2020().await;
    let before = t.store.content().await.unwrap();
    let text = format!(
        "{HEADER}X-1,New,2021-03-01,,virtual,ComSec,100,10,5,5,BB,Police\n\
         2020-01,Renamed,2020-01-27,2020-01-30,physical,ComSec,,29,,,,\n"
    );
    let s = t
        .import_text_with(
            Kind::Trainings,
            "t.csv",
            &text,
            ImportOptions {
                dry_run: true,
                ..ImportOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (s.rows, s.created, s.updated, s.unchanged, s.dry_run),
        (2, 1, 1, 0, true)
    );
    assert_eq!(t.store.content().await.unwrap(), before);
    // And a dry run of a bad file reports the same problems as the real import.
    let bad = format!("{HEADER}X-9,Bad,2021-02-29,,,,,,,,,\n");
    let dry = problems(
        t.import_text_with(
            Kind::Trainings,
            "t.csv",
            &bad,
            ImportOptions {
                dry_run: true,
                ..ImportOptions::default()
            },
        )
        .await,
    );
    assert_eq!(
        dry,
        problems(t.import_text(Kind::Trainings, "t.csv", &bad).await)
    );
}
both!(a_dry_run_counts_what_would_change_and_writes_nothing);

async fn headers_are_checked_before_any_row(t: &TestStore) {
    let got = problems(
        t.import_text(
            Kind::Trainings,
            "t.csv",
            "code,titel,start_date\nX,Y,2020\n",
        )
        .await,
    );
    // A header cadre does not know is said before any row is read, with the column it most
    // likely means (a mapping says what the others are).
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("t.csv:1:2: unknown column \"titel\"") && got[0].contains("title"),
        "{got:?}"
    );
}
both!(headers_are_checked_before_any_row);

async fn references_must_exist(t: &TestStore) {
    t.load_2020().await;
    let got = problems(
        t.import_text(
            Kind::Sessions,
            "s.csv",
            "training_code,start_date,end_date,participants_total,note\n\
             2099-99,2020-05-01,,,\n\
             2020-03,2020-05-07,,,\n\
             2020-03,2020-05-07,,,dup\n",
        )
        .await,
    );
    assert_eq!(
        got,
        [
            "s.csv:2:1: training_code: unknown training code \"2099-99\": import it in trainings.csv first",
            "s.csv:4:2: start_date: training 2020-03 already has a session starting 2020-05-07 on line 3",
        ]
    );
    let got = problems(
        t.import_text(
            Kind::Partners,
            "p.csv",
            "name,short_name,parent,kind\nSome Programme,SP,Nobody,programme\nOther,OT,,charity\n",
        )
        .await,
    );
    assert_eq!(
        got,
        [
            "p.csv:3:4: kind: \"charity\" is not one of: intergovernmental, un_agency, programme, regional, bilateral, government, funder, academic, ngo, private, other",
            "p.csv:2:3: parent: unknown partner \"Nobody\": it must be in this file or already imported (on the partners page, or with `cadre import partners`)",
        ]
    );
}
both!(references_must_exist);

async fn the_list_of_problems_is_capped_and_counts_the_rest(t: &TestStore) {
    let mut text = String::from(HEADER);
    for i in 0..250 {
        text.push_str(&format!("B-{i},Bad,2021-02-30,,,,,,,,,\n"));
    }
    match t.import_text(Kind::Trainings, "many.csv", &text).await {
        Err(cadre_app::AppError::Rejected(p)) => {
            assert_eq!(p.list.len(), cadre_import::MAX_PROBLEMS);
            assert_eq!(p.len(), 250);
            assert!(p
                .to_string()
                .ends_with("... and 50 more problems not listed"));
        }
        other => panic!("{other:?}"),
    }
}
both!(the_list_of_problems_is_capped_and_counts_the_rest);

async fn departments_are_a_governed_list_that_grows_by_import(t: &TestStore) {
    t.load_2020().await;
    let text = format!("{HEADER}X-1,New,2021,,,,,,,,,Cooks;military\n");
    assert_eq!(
        problems(t.import_text(Kind::Trainings, "t.csv", &text).await).len(),
        1
    );
    let s = t
        .import_text(
            Kind::Departments,
            "d.csv",
            "name,aliases\nKitchens,Cooks;Chefs\nDefence Force,Soldiers\n",
        )
        .await
        .unwrap();
    assert_eq!((s.created, s.updated), (1, 1));
    t.import_text(Kind::Trainings, "t.csv", &text)
        .await
        .unwrap();
    let x = t.store.training("X-1").await.unwrap().unwrap();
    assert_eq!(x.departments, ["Kitchens", "Defence Force"]);
    let clash = problems(
        t.import_text(Kind::Departments, "d.csv", "name,aliases\nPolice,Chefs\n")
            .await,
    );
    assert_eq!(
        clash,
        ["d.csv:2:2: aliases: \"Chefs\" already names the department \"Kitchens\""]
    );
}
both!(departments_are_a_governed_list_that_grows_by_import);

async fn published_figures_need_their_period_and_known_names(t: &TestStore) {
    let got = problems(
        t.import_text(
            Kind::Published,
            "p.csv",
            "figure,value,note\ntrainings,29,\npersons,4053,\nvalue_usd,\"3,937,801.005\",\n",
        )
        .await,
    );
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].starts_with("p.csv:3:1: figure: unknown figure \"persons\": use period_from, period_to or one of trainings, persons_trained"), "{got:?}");
    assert!(
        got[1].starts_with("p.csv:4:2: value: \"3,937,801.005\" has more than two decimals"),
        "{got:?}"
    );
    let got = problems(
        t.import_text(
            Kind::Published,
            "p.csv",
            "figure,value,note\ntrainings,29,\n",
        )
        .await,
    );
    assert_eq!(
        got,
        ["p.csv:1: the file has no period_from row: name the period the figures were published for"]
    );
    let good = "figure,value,note\nperiod_from,2020-01-01,\nperiod_to,2020-09-30,\ntrainings,29,\n";
    let s = t.import_text(Kind::Published, "p.csv", good).await.unwrap();
    assert_eq!((s.rows, s.created), (3, 1));
    let again = t.import_text(Kind::Published, "p.csv", good).await.unwrap();
    assert_eq!((again.created, again.unchanged), (0, 1));
}
both!(published_figures_need_their_period_and_known_names);
