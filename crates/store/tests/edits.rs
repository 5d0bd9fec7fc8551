//! Single-record writes: versions, conflicts, deletes that say what depends on a record,
//! merges, and the report and data version following every one of them, on both databases.

use cadre_core::report::{build, Period};
use cadre_core::{Gender, Money, PartnerRecord};
use cadre_import::Kind;
use cadre_store::{Stamp, StoreError};

use crate::common::{both, TestStore};

const STAMP: Stamp<'static> = Stamp {
    actor: "coordinator",
    at: "2026-12-01T12:00:00Z",
    address: "",
    before: "",
    after: "",
    key: None,
};

async fn report_2020(t: &TestStore) -> cadre_core::report::Report {
    let period = Period::year(2020);
    build(period, &t.store.report_input(period).await.unwrap())
}

async fn a_training_is_changed_only_from_the_version_it_was_read_at(t: &TestStore) {
    t.load_2020().await;
    let id = t.store.training_id("2020-07").await.unwrap().unwrap();
    let read = t.store.training_by_id(id).await.unwrap().unwrap();
    assert_eq!(read.version, 1);
    let before = t.store.data_version().await.unwrap();
    let value_before = report_2020(t).await.value;

    let mut mine = read.record.clone();
    mine.title = "Firearms examination (corrected)".into();
    mine.value = Some(Money::from_cents(mine.value.map_or(0, |v| v.cents()) + 100));
    let v2 = t.store.update_training(id, 1, &mine, STAMP).await.unwrap();
    assert_eq!(v2, 2);
    assert!(t.store.data_version().await.unwrap() > before);
    let stored = t.store.training_by_id(id).await.unwrap().unwrap();
    assert_eq!((stored.version, &stored.record), (2, &mine));
    assert_eq!(
        report_2020(t).await.value.cents(),
        value_before.cents() + 100,
        "the report follows the edit"
    );

    // A second editor who read version 1 is refused, and told the version it is at now.
    let mut theirs = read.record.clone();
    theirs.note = Some("theirs".into());
    match t.store.update_training(id, 1, &theirs, STAMP).await {
        Err(StoreError::Conflict {
            yours: 1,
            current: 2,
            ..
        }) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        t.store.training_by_id(id).await.unwrap().unwrap().record,
        mine
    );
    assert!(matches!(
        t.store.update_training(999_999, 1, &mine, STAMP).await,
        Err(StoreError::NotFound { id: 999_999, .. })
    ));
    let mut other_code = mine.clone();
    other_code.code = "2020-01".into();
    assert!(matches!(
        t.store.update_training(id, 2, &other_code, STAMP).await,
        Err(StoreError::Duplicate { field: "code", .. })
    ));
    let filter = cadre_store::AuditFilter {
        kind: Some("training".into()),
        record_id: Some(id),
        ..Default::default()
    };
    let edits = t.store.audit_entries(&filter, None, 10).await.unwrap();
    assert_eq!(edits.len(), 1, "refused writes leave no edit");
    assert_eq!(
        (
            edits[0].actor.as_str(),
            edits[0].action.as_str(),
            edits[0].version
        ),
        ("coordinator", "updated", Some(2))
    );
}
both!(a_training_is_changed_only_from_the_version_it_was_read_at);

/// Runs SQL on the test's database directly, as someone holding the file (or a database
/// login) could, bypassing cadre.
async fn raw(t: &TestStore, sql: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    if let Some((base, schema)) = t
        .url
        .split_once("schema=")
        .map(|(b, s)| (b.trim_end_matches(['?', '&']), s))
    {
        let mut c = sqlx::PgConnection::connect(base).await?;
        let sql = format!("SET search_path TO {schema}; {sql}");
        sqlx::raw_sql(&sql).execute(&mut c).await?;
    } else {
        let mut c = sqlx::SqliteConnection::connect(&t.url).await?;
        sqlx::raw_sql(sql).execute(&mut c).await?;
    }
    Ok(())
}

async fn verify(t: &TestStore) -> Result<u64, cadre_core::audit::Broken> {
    t.store.verify_trail(&[]).await.unwrap().map(|(n, _)| n)
}

/// The SQL that drops the trail's append-only guard, as someone holding the database can.
fn drop_guard(t: &TestStore) -> &'static str {
    if t.url.starts_with("postgres") {
        "DROP TRIGGER audit_append_only ON audit"
    } else {
        "DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete"
    }
}

/// Seals the trail again from entry `from` on, as an attacker holding the database would
/// after changing an entry: with the key when they have it, else with plain SHA-256 (the
/// trail's sealing before it was keyed). The head follows.
async fn reseal_as_attacker(t: &TestStore, from: i64, key: Option<&cadre_core::audit::Key>) {
    use cadre_core::audit;
    let entries = t.store.audit_chain(0, 1000).await.unwrap();
    let mut previous = String::new();
    let mut sql = String::new();
    for mut e in entries {
        if e.seq >= from {
            e.content_digest = audit::content_digest(&e);
            match key {
                Some(k) => audit::seal(&mut e, &previous, k),
                None => {
                    e.digest = audit::unkeyed::digest(&e);
                    e.hash = audit::unkeyed::link(&previous, &e.digest);
                }
            }
            sql.push_str(&format!(
                "UPDATE audit SET content = '{}', digest = '{}', hash = '{}' WHERE seq = {};",
                e.content_digest, e.digest, e.hash, e.seq
            ));
        }
        previous = e.hash;
    }
    sql.push_str(&format!(
        "UPDATE audit_head SET hash = '{previous}' WHERE id = 1;"
    ));
    raw(t, &sql).await.unwrap();
}

/// Each way of rewriting the trail found by a review, performed in SQL by someone with the
/// database but not the key, is named by the verification; a checkpoint kept outside catches
/// even one who holds the key.
async fn a_trail_rewritten_without_the_key_is_named(t: &TestStore) {
    use cadre_core::audit::{Broken, Checkpoint};
    for n in 0..4 {
        let rec = cadre_core::TrainingRecord {
            code: format!("KEYED-{n}"),
            title: "Audited".into(),
            ..Default::default()
        };
        t.store.create_training(&rec, STAMP).await.unwrap();
    }
    let id = t.store.training_id("KEYED-3").await.unwrap().unwrap();
    t.store
        .delete_training(id, None, false, STAMP)
        .await
        .unwrap();
    assert_eq!(verify(t).await, Ok(5));
    let key = t.store.audit_trail_key().unwrap();
    let checkpoint = {
        let (seq, hash) = t.store.audit_head().await.unwrap();
        Checkpoint::sign(&key, seq, &hash, "2026-12-07T20:00:00Z")
    };
    raw(t, drop_guard(t)).await.unwrap();

    // An entry's actor changed, every digest and the head recomputed without the key.
    raw(t, "UPDATE audit SET actor = 'someone else' WHERE seq = 2")
        .await
        .unwrap();
    reseal_as_attacker(t, 2, None).await;
    assert_eq!(verify(t).await, Err(Broken::Altered { seq: 2 }));
    raw(t, "UPDATE audit SET actor = 'coordinator' WHERE seq = 2")
        .await
        .unwrap();
    reseal_as_attacker(t, 2, Some(&key)).await;
    assert_eq!(verify(t).await, Ok(5));

    // A deletion's before-image wiped as if redacted: no erasure explains it.
    raw(
        t,
        "UPDATE audit SET redacted = 1, before = '', detail = '' WHERE seq = 5",
    )
    .await
    .unwrap();
    assert_eq!(verify(t).await, Err(Broken::Unexplained { seq: 5 }));
    // The entry taken out again and the chain sealed with the key, as only its holder could:
    // the rest of the test starts from a sound trail.
    raw(
        t,
        "DELETE FROM audit WHERE seq = 5; UPDATE audit_head SET seq = 4 WHERE id = 1",
    )
    .await
    .unwrap();
    reseal_as_attacker(t, 1, Some(&key)).await;
    assert_eq!(verify(t).await, Ok(4));

    // A row put after the head: named, though `audit list` would show it first.
    raw(
        t,
        "INSERT INTO audit (seq, at, actor, address, action, kind, record_id, version, detail, before, after, redacted, content, digest, hash)
         VALUES (5, '2026-12-07T21:00:00Z', 'admin', '', 'deleted', 'training', 1, 2, 'forged', '', '', 0, 'x', 'y', 'z')",
    )
    .await
    .unwrap();
    assert_eq!(
        verify(t).await,
        Err(Broken::PastHead {
            first: 5,
            last: 5,
            head: 4
        })
    );
    // Unsealed, with the head moved over it: the next write no longer seals it for the
    // attacker, and it is named.
    raw(
        t,
        "UPDATE audit SET content = '', digest = '', hash = '' WHERE seq = 5; UPDATE audit_head SET seq = 5 WHERE id = 1",
    )
    .await
    .unwrap();
    let rec = cadre_core::TrainingRecord {
        code: "KEYED-9".into(),
        title: "After".into(),
        ..Default::default()
    };
    t.store.create_training(&rec, STAMP).await.unwrap();
    assert_eq!(verify(t).await, Err(Broken::Unsealed { seq: 5 }));
    raw(
        t,
        "DELETE FROM audit WHERE seq >= 5; UPDATE audit_head SET seq = 4 WHERE id = 1",
    )
    .await
    .unwrap();
    reseal_as_attacker(t, 1, Some(&key)).await;

    // Someone holding the key too rewrites entry 2: the chain holds, but not through the
    // checkpoint kept outside.
    raw(t, "UPDATE audit SET actor = 'someone else' WHERE seq = 2")
        .await
        .unwrap();
    reseal_as_attacker(t, 2, Some(&key)).await;
    assert_eq!(verify(t).await, Ok(4));
    let with = |c: &Checkpoint| vec![(c.clone(), "kept.txt".to_string())];
    // The checkpoint was of entry 5, since removed: past the end.
    let past = t.store.verify_trail(&with(&checkpoint)).await.unwrap();
    assert_eq!(
        past,
        Err(Broken::CheckpointPastEnd {
            seq: 5,
            last: 4,
            file: "kept.txt".into()
        })
    );
    let at_3 = {
        let entries = t.store.audit_chain(0, 10).await.unwrap();
        Checkpoint::sign(&key, 3, &"00".repeat(32), &entries[2].at)
    };
    assert_eq!(
        t.store.verify_trail(&with(&at_3)).await.unwrap(),
        Err(Broken::Checkpoint {
            seq: 3,
            file: "kept.txt".into()
        })
    );
}
both!(a_trail_rewritten_without_the_key_is_named);

async fn the_audit_trail_is_append_only_and_names_the_entry_tampered_with(t: &TestStore) {
    let mut ids = Vec::new();
    for n in 0..3 {
        let mut rec = cadre_core::TrainingRecord {
            code: format!("AUDIT-{n}"),
            title: "Audited".into(),
            ..Default::default()
        };
        rec.title.push_str(&n.to_string());
        ids.push(t.store.create_training(&rec, STAMP).await.unwrap().id);
    }
    assert_eq!(verify(t).await, Ok(3));
    // cadre's own connection cannot change or remove an entry.
    assert!(
        raw(t, "UPDATE audit SET actor = 'someone else' WHERE seq = 2")
            .await
            .is_err()
    );
    assert!(raw(t, "DELETE FROM audit WHERE seq = 2").await.is_err());
    assert_eq!(verify(t).await, Ok(3));
    // Someone who drops the guard and edits an entry is found out, at that entry.
    let drop_guard = if t.url.starts_with("postgres") {
        "DROP TRIGGER audit_append_only ON audit"
    } else {
        "DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete"
    };
    raw(t, drop_guard).await.unwrap();
    raw(t, "UPDATE audit SET actor = 'someone else' WHERE seq = 2")
        .await
        .unwrap();
    assert_eq!(
        verify(t).await,
        Err(cadre_core::audit::Broken::Altered { seq: 2 })
    );
    raw(t, "UPDATE audit SET actor = 'coordinator' WHERE seq = 2")
        .await
        .unwrap();
    assert_eq!(verify(t).await, Ok(3));
    // And so is one who removes an entry.
    raw(t, "DELETE FROM audit WHERE seq = 2").await.unwrap();
    assert_eq!(
        verify(t).await,
        Err(cadre_core::audit::Broken::Removed {
            expected: 2,
            found: 3
        })
    );
    let _ = ids;
}
both!(the_audit_trail_is_append_only_and_names_the_entry_tampered_with);

async fn an_import_that_changes_a_record_raises_its_version(t: &TestStore) {
    let header = "code,title,start_date\n";
    t.import_text(
        Kind::Trainings,
        "t.csv",
        &format!("{header}X-1,One,2020-03\n"),
    )
    .await
    .unwrap();
    let id = t.store.training_id("X-1").await.unwrap().unwrap();
    let after_first = t.store.data_version().await.unwrap();
    t.import_text(
        Kind::Trainings,
        "t.csv",
        &format!("{header}X-1,One,2020-03\n"),
    )
    .await
    .unwrap();
    assert_eq!(
        t.store.training_by_id(id).await.unwrap().unwrap().version,
        1
    );
    t.import_text(
        Kind::Trainings,
        "t.csv",
        &format!("{header}X-1,One again,2020-03\n"),
    )
    .await
    .unwrap();
    assert_eq!(
        t.store.training_by_id(id).await.unwrap().unwrap().version,
        2
    );
    assert!(t.store.data_version().await.unwrap() > after_first);
}
both!(an_import_that_changes_a_record_raises_its_version);

async fn a_delete_says_what_depends_on_the_record_and_cascades_only_when_told(t: &TestStore) {
    t.load_2020().await;
    let id = t.store.training_id("2020-03").await.unwrap().unwrap();
    let sessions = t.store.sessions_of(id).await.unwrap();
    assert!(!sessions.is_empty());
    let trainings_before = report_2020(t).await.trainings.total;
    match t.store.delete_training(id, Some(1), false, STAMP).await {
        Err(StoreError::InUse { dependents, .. }) => {
            assert_eq!(dependents.sessions, sessions.len() as i64)
        }
        other => panic!("expected the delete to be refused, got {other:?}"),
    }
    assert!(t.store.training_by_id(id).await.unwrap().is_some());
    assert!(matches!(
        t.store.delete_training(id, Some(7), true, STAMP).await,
        Err(StoreError::Conflict { .. })
    ));
    let gone = t
        .store
        .delete_training(id, Some(1), true, STAMP)
        .await
        .unwrap();
    assert_eq!(gone.sessions, sessions.len() as i64);
    assert!(t.store.training_by_id(id).await.unwrap().is_none());
    assert!(t
        .store
        .session_by_id(sessions[0].id)
        .await
        .unwrap()
        .is_none());
    assert_eq!(report_2020(t).await.trainings.total, trainings_before - 1);
    assert!(matches!(
        t.store.delete_training(id, None, true, STAMP).await,
        Err(StoreError::NotFound { .. })
    ));
}
both!(a_delete_says_what_depends_on_the_record_and_cascades_only_when_told);

async fn partner_names_are_unique_as_people_read_them(t: &TestStore) {
    let rec = PartnerRecord {
        name: "Élan Agency".into(),
        short_name: Some("ÉA".into()),
        parent: None,
        kind: None,
    };
    let created = t.store.create_partner(&rec, STAMP).await.unwrap();
    // Case beyond ASCII is compared the same way on both databases.
    let same = PartnerRecord {
        name: "éLAN agency".into(),
        short_name: None,
        ..rec.clone()
    };
    assert!(matches!(
        t.store.create_partner(&same, STAMP).await,
        Err(StoreError::Duplicate { field: "name", other, .. }) if other == created.id
    ));
    let child = PartnerRecord {
        name: "Élan Programme".into(),
        short_name: None,
        parent: Some("Élan Agency".into()),
        kind: None,
    };
    let child = t.store.create_partner(&child, STAMP).await.unwrap();
    match t.store.delete_partner(created.id, None, false, STAMP).await {
        Err(StoreError::InUse { dependents, .. }) => assert_eq!(dependents.programmes, 1),
        other => panic!("expected the delete to be refused, got {other:?}"),
    }
    t.store
        .delete_partner(created.id, None, true, STAMP)
        .await
        .unwrap();
    let orphan = t.store.partner_by_id(child.id).await.unwrap().unwrap();
    assert_eq!((orphan.record.parent, orphan.version), (None, 2));
}
both!(partner_names_are_unique_as_people_read_them);

const HEADER: &str = "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n";

async fn two_records_of_one_person_merge_into_one(t: &TestStore) {
    t.load_2020().await;
    let text = format!(
        "{HEADER}\
         2020-01,,Bob,Ray,,M,Jamaica,JCF,,yes\n\
         2020-07,,Bob,Ray,,,Trinidad & Tobago,,,\n\
         2020-01,,Robert,Ray,,,Trinidad & Tobago,,,no\n\
         2020-07,,Ann,Lée,ann@example.org,F,Barbados,,,\n"
    );
    t.import_text(Kind::Attendance, "a.csv", &text)
        .await
        .unwrap();
    let found = t
        .store
        .persons_after(Some("bob ray"), None, 0, 10)
        .await
        .unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    let lee = t
        .store
        .persons_after(Some("LÉE"), None, 0, 10)
        .await
        .unwrap();
    assert_eq!(lee.len(), 1, "accents and case aside: {lee:?}");
    let (kept, other) = (&found[0], &found[1]);
    let persons_before = report_2020(t).await.persons;
    let merged = cadre_core::person::merge(&kept.record.person, &other.record.person);
    let v = t
        .store
        .merge_persons(
            (kept.id, kept.version),
            (other.id, other.version),
            &merged,
            STAMP,
        )
        .await
        .unwrap();
    assert_eq!(v, kept.version + 1);
    assert!(t.store.person_by_id(other.id).await.unwrap().is_none());
    let now = t.store.person_by_id(kept.id).await.unwrap().unwrap();
    assert_eq!(now.record.attendance, 2);
    assert_eq!(now.record.person.country.as_deref(), Some("JM"));
    assert_eq!(report_2020(t).await.persons, persons_before - 1);
    let attended = t.store.attended(kept.id).await.unwrap();
    assert_eq!(attended.len(), 2);

    // A correction of a person moves the report's gender counts.
    let robert = t
        .store
        .persons_after(Some("robert"), None, 0, 10)
        .await
        .unwrap();
    let robert = &robert[0];
    let male_before = report_2020(t).await.participants.male;
    let mut corrected = robert.record.person.clone();
    corrected.gender = Some(Gender::Male);
    t.store
        .update_person(robert.id, robert.version, &corrected, STAMP)
        .await
        .unwrap();
    assert_eq!(report_2020(t).await.participants.male, male_before + 1);
    assert!(matches!(
        t.store
            .update_person(robert.id, robert.version, &corrected, STAMP)
            .await,
        Err(StoreError::Conflict { .. })
    ));
}
both!(two_records_of_one_person_merge_into_one);
