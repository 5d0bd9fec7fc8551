//! Every import ends, and lets go of the write lock, whatever ends it: refused by an approved
//! period (each locked row read back through the hand-over of the connection), unchanged,
//! a dry run. Run hundreds of times on SQLite and on PostgreSQL, each under a timeout: one
//! import in several once waited for ever on SQLite (see DEVELOPERS.md, "How an import's
//! threads and connections hand over").

use std::path::Path;
use std::time::Duration;

use cadre_app::{Actor, App, ImportRequest};
use cadre_core::access::{Grant, Role};
use cadre_core::report::Period;
use cadre_import::Kind;
use cadre_store::Store;

const RUNS: usize = 200;

/// Long enough for a slow machine's import of fourteen trainings, far shorter than a hang.
const BOUND: Duration = Duration::from_secs(20);

fn data(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/2020")
        .join(file)
}

fn postgres_url() -> String {
    std::env::var("CADRE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// The 2020 facts, with the first three quarters of 2020 submitted and approved.
async fn approved(url: &str) -> App {
    let app = App::new(Store::open(url).await.unwrap());
    let coordinator = Actor::new(
        "coordinator@agency.example",
        Grant::plain(Role::Coordinator),
    );
    let admin = Actor::new("director@agency.example", Grant::plain(Role::Admin));
    for (kind, file) in [
        (Kind::Partners, "partners.csv"),
        (Kind::Trainings, "trainings.csv"),
        (Kind::Sessions, "sessions.csv"),
    ] {
        let out = app
            .import(
                &coordinator,
                &ImportRequest::new(kind, data(file)),
                &mut |_, _| {},
            )
            .await
            .unwrap();
        assert!(!out.refused(), "{}", out.problems);
    }
    let period = Period::new(
        cadre_core::Date::parse("2020-01-01").unwrap(),
        cadre_core::Date::parse("2020-09-30").unwrap(),
    )
    .unwrap();
    app.submit_period(&coordinator, period).await.unwrap();
    app.approve_period(&admin, period).await.unwrap();
    app
}

/// Imports `request` `RUNS` times, each bounded; fails on the first that does not end.
async fn every_run_ends(app: &App, request: &ImportRequest, refused: bool) {
    let coordinator = Actor::new(
        "coordinator@agency.example",
        Grant::plain(Role::Coordinator),
    );
    for run in 0..RUNS {
        let out = tokio::time::timeout(BOUND, app.import(&coordinator, request, &mut |_, _| {}))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "run {run} of {RUNS} did not end within {BOUND:?}: the import waits on itself"
                )
            })
            .unwrap();
        assert_eq!(out.refused(), refused, "run {run}: {}", out.problems);
        if refused {
            assert!(
                out.problems
                    .list
                    .iter()
                    .any(|p| p.code == "period-approved"),
                "{}",
                out.problems
            );
        }
    }
    // The write lock is free: a write of another kind goes through at once.
    let admin = Actor::new("director@agency.example", Grant::plain(Role::Admin));
    let rule = cadre_core::quality::Rule::parse("value_missing").unwrap();
    let write = app.set_quality_rule(&admin, rule, false, rule.default_severity());
    tokio::time::timeout(BOUND, write)
        .await
        .expect("the write lock was let go")
        .unwrap();
}

/// Every training of 2020 renamed: each row's training is read back to see that it changes.
fn renamed(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(data("trainings.csv")).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let (code, rest) = line.split_once(',').unwrap();
        out.push_str(&format!("{code},Renamed {rest}\n"));
    }
    let path = dir.join("renamed.csv");
    std::fs::write(&path, out).unwrap();
    path
}

async fn imports_into_an_approved_period_end(url: &str, dir: &Path) {
    let app = approved(url).await;
    // Refused, the whole file.
    every_run_ends(
        &app,
        &ImportRequest::new(Kind::Trainings, renamed(dir)),
        true,
    )
    .await;
    // Unchanged, and committed as such.
    every_run_ends(
        &app,
        &ImportRequest::new(Kind::Trainings, data("trainings.csv")),
        false,
    )
    .await;
    // A dry run of the refused file.
    let mut dry = ImportRequest::new(Kind::Trainings, renamed(dir));
    dry.dry_run = true;
    every_run_ends(&app, &dry, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_into_an_approved_period_end_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    imports_into_an_approved_period_end(&url, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_into_an_approved_period_end_on_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("cadre_test_endings_{}", std::process::id());
    let base = postgres_url();
    let sep = if base.contains('?') { '&' } else { '?' };
    imports_into_an_approved_period_end(&format!("{base}{sep}schema={schema}"), dir.path()).await;
    // The schema is dropped by the server's own client, as another program would.
    let _ = std::process::Command::new("psql")
        .env("PGOPTIONS", "-c client_min_messages=warning")
        .arg(&base)
        .arg("-qc")
        .arg(format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .status();
}

/// What an attendance import would change of a participant of an approved period is found by
/// the store's own query, on each database: the import is refused whole, and so is the
/// participant's delete.
async fn a_participant_of_an_approved_period_is_locked(url: &str, dir: &Path) {
    let app = App::new(Store::open(url).await.unwrap());
    let coordinator = Actor::new(
        "coordinator@agency.example",
        Grant::plain(Role::Coordinator),
    );
    let admin = Actor::new("director@agency.example", Grant::plain(Role::Admin));
    let import = |kind: Kind, path: std::path::PathBuf| {
        let app = app.clone();
        let coordinator = coordinator.clone();
        async move {
            app.import(
                &coordinator,
                &ImportRequest::new(kind, path),
                &mut |_, _| {},
            )
            .await
            .unwrap()
        }
    };
    for (kind, file) in [
        (Kind::Partners, "partners.csv"),
        (Kind::Trainings, "trainings.csv"),
    ] {
        assert!(!import(kind, data(file)).await.refused());
    }
    let sheet = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let head = "training_code,given_name,family_name,email,gender,country\n";
    let first = sheet(
        "first.csv",
        &format!("{head}2020-02,Ana,Rivera,ana@example.org,,Barbados\n"),
    );
    assert!(!import(Kind::Attendance, first).await.refused());
    let later = sheet(
        "later.csv",
        "code,title,start_date\n2020-40,Port security,2020-11-03\n",
    );
    assert!(!import(Kind::Trainings, later).await.refused());
    let period = Period::new(
        cadre_core::Date::parse("2020-01-01").unwrap(),
        cadre_core::Date::parse("2020-09-30").unwrap(),
    )
    .unwrap();
    app.submit_period(&coordinator, period).await.unwrap();
    app.approve_period(&admin, period).await.unwrap();

    let second = sheet(
        "second.csv",
        &format!("{head}2020-40,Ana,Rivera,ana@example.org,F,Barbados\n"),
    );
    let out = import(Kind::Attendance, second).await;
    assert!(out.refused());
    assert_eq!(out.problems.list.len(), 1, "{}", out.problems);
    let p = &out.problems.list[0];
    assert_eq!(p.code, "period-approved");
    assert!(
        p.message.starts_with("participant Ana Rivera: the file changes their gender from (not recorded) to female, and they attended training 2020-02"),
        "{}",
        p.message
    );
    let ana = app
        .participants(&coordinator, Some("ana@example.org"), 0, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(ana.record.person.gender, None, "nothing was written");
    assert!(matches!(
        app.delete_participant(&coordinator, ana.id, None, true)
            .await,
        Err(cadre_app::AppError::Locked(_))
    ));
}

#[tokio::test]
async fn a_participant_of_an_approved_period_is_locked_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    a_participant_of_an_approved_period_is_locked(&url, dir.path()).await;
}

#[tokio::test]
async fn a_participant_of_an_approved_period_is_locked_on_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("cadre_test_locked_{}", std::process::id());
    let base = postgres_url();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}schema={schema}");
    a_participant_of_an_approved_period_is_locked(&url, dir.path()).await;
    let _ = std::process::Command::new("psql")
        .env("PGOPTIONS", "-c client_min_messages=warning")
        .arg(&base)
        .arg("-qc")
        .arg(format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .status();
    // Its audit key went with it.
    let _ = std::fs::remove_file(format!("cadre-data/audit-{schema}.key"));
}
