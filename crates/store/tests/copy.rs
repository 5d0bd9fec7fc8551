//! Moving up: every record copied between databases, checked, and refused over existing records.

use cadre_import::Kind;
use cadre_store::StoreError;

use crate::common::{both, fresh_postgres, fresh_sqlite, TestStore};

/// Loads the 2020 facts and the synthetic year: every table then has rows.
async fn load_everything(t: &TestStore) {
    t.load_2020().await;
    let config = cadre_gen::Config {
        trainings_per_year: 6,
        persons: 120,
        ..cadre_gen::Config::demo_year(2021)
    };
    let (mut tr, mut se, mut at) = (Vec::new(), Vec::new(), Vec::new());
    cadre_gen::generate(&config, &mut tr, &mut se, &mut at).unwrap();
    let text = |v: Vec<u8>| String::from_utf8(v).unwrap();
    t.import_text(Kind::Trainings, "t.csv", &text(tr))
        .await
        .unwrap();
    t.import_text(Kind::Sessions, "s.csv", &text(se))
        .await
        .unwrap();
    t.import_text(Kind::Attendance, "a.csv", &text(at))
        .await
        .unwrap();
    t.import_file(
        Kind::Published,
        &crate::common::data("2020/period-2020-published.csv"),
    )
    .await
    .unwrap();
    t.import_text(Kind::Departments, "d.csv", "name,aliases\nKitchens,Cooks\n")
        .await
        .unwrap();
}

/// Copies from the backend under test into the other one and back.
async fn every_record_is_copied_both_ways(source: &TestStore) {
    load_everything(source).await;
    let other = if source.store.backend() == "sqlite" {
        fresh_postgres().await
    } else {
        fresh_sqlite().await
    };
    let mut last = (0, 0);
    let report = source
        .store
        .copy_into(&other.store, false, &mut |done, total| last = (done, total))
        .await
        .unwrap();
    assert_eq!(last.0, last.1, "progress reaches the total");
    let attendance = report
        .tables
        .iter()
        .find(|(t, _)| *t == "attendance")
        .unwrap()
        .1;
    assert!(attendance > 100);
    let content = source.store.content().await.unwrap();
    assert_eq!(other.store.content().await.unwrap(), content);

    // The copy goes on as a store of its own: new records get fresh ids.
    other
        .import_text(
            Kind::Trainings,
            "t.csv",
            "code,title,start_date\nNEW-1,After the move,2022-01-10\n",
        )
        .await
        .unwrap();
    assert!(other.store.training("NEW-1").await.unwrap().is_some());

    // Back again, over the records already there, only when told.
    match other
        .store
        .copy_into(&source.store, false, &mut |_, _| {})
        .await
    {
        Err(StoreError::TargetNotEmpty(held)) => assert!(held.contains("trainings"), "{held}"),
        other => panic!("a copy into a store with records must be refused, got {other:?}"),
    }
    assert_eq!(
        source.store.content().await.unwrap(),
        content,
        "the refusal wrote nothing"
    );
    other
        .store
        .copy_into(&source.store, true, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        source.store.content().await.unwrap(),
        other.store.content().await.unwrap()
    );
    other.drop_schema().await;
}
both!(every_record_is_copied_both_ways);
