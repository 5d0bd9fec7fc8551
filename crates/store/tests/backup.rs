//! Backups: taken while another task writes (one consistent state: every training in it has
//! its audit entry, and no entry lacks its training), refused onto an existing file, and
//! restored into an empty database of either kind with the same records, the same report and
//! the same audit chain; a restore over records is refused.

use cadre_app::{Actor, App};
use cadre_core::report::{build, Period};
use cadre_store::{Stamp, Store, StoreError};

use crate::common::{both, fresh_postgres, fresh_sqlite, TestStore};
use crate::copy::load_everything;

const STAMP: Stamp<'static> = Stamp {
    actor: "coordinator",
    at: "2026-12-06T12:00:00Z",
    address: "",
    before: "",
    after: "",
    key: None,
};

async fn training_entries(store: &Store) -> i64 {
    let app = App::new(store.clone());
    let filter = cadre_store::AuditFilter {
        kind: Some("training".into()),
        action: Some("created".into()),
        ..Default::default()
    };
    app.audit_entries(&Actor::local(), &filter, None, 100_000)
        .await
        .unwrap()
        .len() as i64
}

async fn a_backup_taken_while_writing_restores_the_same_records(source: &TestStore) {
    load_everything(source).await;
    let before = source.store.counts().await.unwrap().trainings;
    // Another task creates trainings one after another while the backup is taken.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (store, stop) = (source.store.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                n += 1;
                let rec = cadre_core::TrainingRecord {
                    code: format!("LIVE-{n}"),
                    title: "Written during the backup".into(),
                    start: cadre_core::PartialDate::parse("2022-03-01").ok(),
                    ..Default::default()
                };
                store.create_training(&rec, STAMP).await.unwrap();
            }
            n
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cadre-backup.db");
    let mut last = (0, 0);
    source
        .store
        .backup_to(&path, &mut |done, total| last = (done, total))
        .await
        .unwrap();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let written = writer.await.unwrap();
    assert_eq!(last.0, last.1);
    assert!(!dir.path().join("cadre-backup.partial").exists());
    // It holds password hashes: its owner's alone, and nothing left beside it.
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("cadre-backup"))
            .collect();
        left.sort();
        assert_eq!(left, ["cadre-backup.db"]);
    }

    // The key is not in the backup: kept apart, it goes with it to read it (here, beside it,
    // where an SQLite database's key is looked for).
    let key_file = dir.path().join("source.audit-key");
    std::fs::write(
        &key_file,
        source.store.audit_trail_key().unwrap().to_file_text(),
    )
    .unwrap();
    std::fs::copy(&key_file, dir.path().join("cadre-backup.db.audit-key")).unwrap();
    let backup = Store::open(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let kept = backup.counts().await.unwrap().trainings;
    assert!(
        (before..=before + written).contains(&kept),
        "{before} <= {kept} <= {before} + {written}"
    );
    // One state of the source: the trainings and their audit entries agree, the cache and
    // the records too.
    assert!(written >= 1, "the writer ran during the backup");
    assert_eq!(
        training_entries(&backup).await,
        kept - before,
        "each training written during the backup is in it with its audit entry, or neither is"
    );
    assert_eq!(backup.check(true).await.unwrap(), Vec::<String>::new());
    let app = App::new(backup.clone());
    assert!(app.verify_audit(&Actor::local()).await.unwrap().is_ok());

    // Restored into an empty database of each kind: the same records, report and chain.
    let content = backup.content().await.unwrap();
    let report = |s: Store| async move {
        let input = s.report_input(Period::year(2021)).await.unwrap();
        build(Period::year(2021), &input)
    };
    let expected = report(backup.clone()).await;
    let head = backup.audit_head().await.unwrap();
    let backup_version = backup.data_version().await.unwrap();
    for target in [fresh_sqlite().await, fresh_postgres().await] {
        // Restored into a database of another installation (its own key): refused with the
        // target's key, restored with the key of the installation that made the backup, which
        // the target takes.
        match target.store.restore_from(&path, &mut |_, _| {}).await {
            Err(StoreError::ForeignTrail(why)) => assert!(why.contains("audit key"), "{why}"),
            other => panic!("restored with another key: {other:?}"),
        }
        target
            .store
            .restore_keyed(&path, Some(&key_file), &mut |_, _| {})
            .await
            .unwrap();
        // Past any version the lost database could have reached (its pages' ETags must not
        // name a state of this one): the microseconds since 1970, at least.
        let restored_version = target.store.data_version().await.unwrap();
        assert!(
            restored_version > backup_version && restored_version > 1_700_000_000_000_000,
            "restored at data version {restored_version}"
        );
        assert_eq!(target.store.content().await.unwrap(), content);
        assert_eq!(report(target.store.clone()).await, expected);
        assert_eq!(target.store.audit_head().await.unwrap(), head);
        let restored = App::new(target.store.clone());
        assert!(restored
            .verify_audit(&Actor::local())
            .await
            .unwrap()
            .is_ok());
        assert_eq!(
            target.store.check(true).await.unwrap(),
            Vec::<String>::new()
        );
        // Not over records.
        match target.store.restore_from(&path, &mut |_, _| {}).await {
            Err(StoreError::TargetNotEmpty(_)) => {}
            other => panic!("a restore over records must be refused, got {other:?}"),
        }
        target.drop_schema().await;
    }
    // A backup never overwrites a file.
    match source.store.backup_to(&path, &mut |_, _| {}).await {
        Err(StoreError::Backup(why)) => assert!(why.contains("is there already"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    backup.close().await;
}
both!(a_backup_taken_while_writing_restores_the_same_records);

/// `db check` finds a report cache that no longer matches the records, and a rebuild mends it.
async fn the_check_finds_a_cache_out_of_step(t: &TestStore) {
    load_everything(t).await;
    assert_eq!(t.store.check(true).await.unwrap(), Vec::<String>::new());
    assert_eq!(t.store.check(false).await.unwrap(), Vec::<String>::new());
    // One training's cached list loses its attendees, as a write outside cadre would leave it.
    t.execute_beside(
        "UPDATE report_training_persons SET persons = (SELECT persons FROM report_training_persons \
         WHERE training_id = (SELECT MIN(training_id) FROM report_training_persons)) \
         WHERE training_id = (SELECT MAX(training_id) FROM report_training_persons)",
    )
    .await;
    let found = t.store.check(true).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("attendee lists differ"), "{found:?}");
    t.store.rebuild_report_cache().await.unwrap();
    assert_eq!(t.store.check(true).await.unwrap(), Vec::<String>::new());
}
both!(the_check_finds_a_cache_out_of_step);

/// Commits are synced to disk before they return, on either database, unless told otherwise.
async fn commits_are_durable_by_default(t: &TestStore) {
    let durability = t.store.durability().await.unwrap();
    assert!(
        durability.starts_with("full:"),
        "{} says {durability}",
        t.store.backend()
    );
}
both!(commits_are_durable_by_default);

/// A restore refuses what is not a backup, naming what it lacks, and changes nothing; a backup
/// is never written through a symbolic link.
async fn a_restore_refuses_what_is_not_a_backup(t: &TestStore) {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.path().join("notes.db");
    std::fs::write(&text, b"not a database at all, but long enough").unwrap();
    let other = dir.path().join("other.db");
    {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}?mode=rwc", other.display()))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    // A live cadre database is not a backup either: it has every table, not the mark.
    let live = dir.path().join("live.db");
    Store::open(&format!("sqlite:{}", live.display()))
        .await
        .unwrap()
        .close()
        .await;
    for (file, says) in [
        (&empty, "it is not an SQLite database file"),
        (&text, "it is not an SQLite database file"),
        (&other, "the tables "),
        (&other, "_sqlx_migrations"),
        (&live, "the mark cadre backup writes"),
    ] {
        match t.store.restore_from(file, &mut |_, _| {}).await {
            Err(StoreError::Backup(why)) => {
                assert!(why.contains("is not a cadre backup"), "{why}");
                assert!(why.contains(says), "{why}");
            }
            other => panic!("{} was restored: {other:?}", file.display()),
        }
    }
    assert_eq!(t.store.counts().await.unwrap().trainings, 0);
    // A link where the backup would go, even one pointing nowhere, is refused.
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(dir.path().join("elsewhere.db"), &link).unwrap();
    match t.store.backup_to(&link, &mut |_, _| {}).await {
        Err(StoreError::Backup(why)) => assert!(why.contains("is there already"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(!dir.path().join("elsewhere.db").exists());
}
both!(a_restore_refuses_what_is_not_a_backup);
