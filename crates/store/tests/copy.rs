//! Moving up: every record copied between databases, checked, and refused over existing records.

use cadre_import::Kind;
use cadre_store::StoreError;

use crate::common::{both, fresh_postgres, fresh_sqlite, TestStore};

/// Loads the 2020 facts and the synthetic year: every table then has rows.
pub(crate) async fn load_everything(t: &TestStore) {
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

/// Accounts, tokens, the audit trail, corrections and publications go with the records, and
/// the trail still verifies on the other side; a target with a trail of its own is refused.
async fn accounts_and_the_audit_trail_are_copied(source: &TestStore) {
    source.load_2020().await;
    let stamp = cadre_store::Stamp {
        actor: "admin@agency.example",
        at: "2026-12-01T12:00:00Z",
        ..Default::default()
    };
    let grant = cadre_core::access::Grant::new(
        cadre_core::access::Role::FocalPoint,
        ["JM".to_string()],
        [],
    )
    .unwrap();
    let account = source
        .store
        .create_account(
            "focal@jm.example",
            &grant,
            "$argon2id$not-a-real-hash",
            stamp,
        )
        .await
        .unwrap();
    source
        .store
        .create_token(account, "hash-of-a-token", "sync", true, 1, 2)
        .await
        .unwrap();
    let rec = cadre_core::TrainingRecord {
        code: "COPY-1".into(),
        title: "Audited".into(),
        ..Default::default()
    };
    let t = source.store.create_training(&rec, stamp).await.unwrap();
    source
        .store
        .create_correction(t.id, 1, "{}", "a note", stamp)
        .await
        .unwrap();
    let p = cadre_store::Publication {
        slug: "2020".into(),
        period_from: "2020-01-01".into(),
        period_to: "2020-12-31".into(),
        title: "2020".into(),
        published_at: stamp.at.into(),
        published_by: stamp.actor.into(),
        approved: Some(false),
    };
    let pdf = vec![0u8, 159, 146, 150, 255];
    source
        .store
        .create_publication(&p, &[("report.pdf".into(), pdf.clone())], stamp)
        .await
        .unwrap();

    let other = if source.store.backend() == "sqlite" {
        fresh_postgres().await
    } else {
        fresh_sqlite().await
    };
    source
        .store
        .copy_into(&other.store, false, &mut |_, _| {})
        .await
        .unwrap();
    let (moved, _) = other
        .store
        .account_by_email("FOCAL@jm.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.grant, grant);
    assert_eq!(other.store.tokens_of(moved.id).await.unwrap().len(), 1);
    assert_eq!(other.store.corrections(false, None).await.unwrap().len(), 1);
    assert_eq!(
        other
            .store
            .publication_file("2020", "report.pdf")
            .await
            .unwrap(),
        Some(pdf)
    );
    // Published unapproved, and said so after the move too.
    assert_eq!(
        other
            .store
            .publication("2020")
            .await
            .unwrap()
            .unwrap()
            .approved,
        Some(false)
    );
    let chain = |s: &TestStore| {
        let store = s.store.clone();
        async move { store.audit_chain(0, 1000).await.unwrap() }
    };
    let entries = chain(source).await;
    assert_eq!(
        entries.len(),
        7,
        "three imports of the 2020 facts, account, training, correction, publication"
    );
    assert_eq!(chain(&other).await, entries);
    assert_eq!(
        other.store.audit_head().await.unwrap(),
        source.store.audit_head().await.unwrap()
    );
    // It goes on from there: a new entry links to the copied head.
    let rec2 = cadre_core::TrainingRecord {
        code: "COPY-2".into(),
        title: "After the move".into(),
        ..Default::default()
    };
    other.store.create_training(&rec2, stamp).await.unwrap();
    let mut v = cadre_core::audit::Verifier::new(&other.store.audit_trail_key().unwrap());
    for e in chain(&other).await {
        v.check(&e).unwrap();
    }
    let (head, hash) = other.store.audit_head().await.unwrap();
    assert_eq!(v.finish(head, &hash), Ok(8));
    // The source goes on too, its own way: its trail and the copy's now differ after entry
    // 7, and neither is copied over the other, even when told to replace.
    let rec3 = cadre_core::TrainingRecord {
        code: "COPY-3".into(),
        title: "Later at the source".into(),
        ..Default::default()
    };
    source.store.create_training(&rec3, stamp).await.unwrap();
    for (from, to) in [(&other, source), (source, &other)] {
        match from.store.copy_into(&to.store, true, &mut |_, _| {}).await {
            Err(StoreError::TargetNotEmpty(held)) => {
                assert!(held.contains("audit trail"), "{held}")
            }
            other => panic!("a copy over another audit trail must be refused, got {other:?}"),
        }
    }
    // Copied again over an earlier copy of itself (told to replace), the trail is extended:
    // the target's was the beginning of the source's.
    let third = if source.store.backend() == "sqlite" {
        fresh_postgres().await
    } else {
        fresh_sqlite().await
    };
    source
        .store
        .copy_into(&third.store, false, &mut |_, _| {})
        .await
        .unwrap();
    let rec4 = cadre_core::TrainingRecord {
        code: "COPY-4".into(),
        title: "Later still".into(),
        ..Default::default()
    };
    source.store.create_training(&rec4, stamp).await.unwrap();
    source
        .store
        .copy_into(&third.store, true, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(chain(&third).await, chain(source).await);
    assert_eq!(chain(&third).await.len(), 9);
    third.drop_schema().await;
    other.drop_schema().await;
}
both!(accounts_and_the_audit_trail_are_copied);
