//! Opening a database the user may only read, or one that is not there: reading commands
//! work and leave it as it was, writing ones fail saying why once.

mod common;

use std::path::Path;
use std::process::Command;

use common::{assert_said_once, cadre, load_2020, roster, text};

#[test]
fn a_failed_open_says_why_once() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["db", "status"][..],
        &["import", "partners", "partners.csv"][..],
    ] {
        let mut all = vec!["--database", "sqlite:no/such/folder/cadre.db"];
        all.extend_from_slice(args);
        let out = cadre(dir.path(), &all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("error: cannot open the database sqlite:no/such/folder/cadre.db: "),
            "{stderr}"
        );
        assert_said_once(&stderr);
    }
}

/// `report` and `db status` on a database the user may only read: a file they cannot write
/// in a folder they cannot write, as an unprivileged user (root ignores file modes), both with
/// the write-ahead log's files beside it (as a writer leaves them) and without (a database
/// checkpointed, or copied alone). The folder is left byte for byte as it was, and a command
/// that writes fails saying why once.
#[test]
fn reads_work_on_a_read_only_database() {
    use std::os::unix::fs::PermissionsExt;
    if Command::new("setpriv").arg("--version").output().is_err() {
        println!("setpriv (util-linux) is missing: the read-only database test is skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode(dir.path(), 0o755);
    let folder = dir.path().join("records");
    std::fs::create_dir(&folder).unwrap();
    load_2020(&folder);
    roster(&folder.join("a.csv"), "2020-01", "a", 50);
    assert!(cadre(&folder, &["import", "attendance", "a.csv"])
        .status
        .success());
    let report = ["report", "--year", "2020", "--format", "json"];
    let expected = cadre(&folder, &report);
    assert!(expected.status.success(), "{}", text(&expected.stderr));
    let db = folder.join("cadre.db");
    // Every file of the folder, by name, with its bytes.
    let snapshot = || {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().to_string_lossy().into_owned();
                (name, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let as_nobody = |args: &[&str]| {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_cadre"))
            .args(args)
            .current_dir(&folder)
            .env_remove("CADRE_DATABASE_URL")
            .output()
            .unwrap()
    };
    let reads_only = |files: &[&str]| {
        let names: Vec<String> = snapshot().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, files);
        let before = snapshot();
        mode(&db, 0o444);
        mode(&folder, 0o555);
        let out = as_nobody(&report);
        assert!(out.status.success(), "{files:?}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), text(&expected.stdout));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["trainings"]["total"], 14);
        let out = as_nobody(&["db", "status"]);
        assert!(out.status.success(), "{files:?}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("attendance          50"),
            "{}",
            text(&out.stdout)
        );
        // The trail and the accounts are read too; checking the trail needs its key, which
        // this user may not read, and says so.
        let out = as_nobody(&["audit", "list"]);
        assert!(out.status.success(), "{files:?}: {}", text(&out.stderr));
        let out = as_nobody(&["user", "list"]);
        assert!(out.status.success(), "{files:?}: {}", text(&out.stderr));
        let out = as_nobody(&["audit", "verify"]);
        assert!(
            text(&out.stderr).contains("cannot be read by this user"),
            "{}",
            text(&out.stderr)
        );
        let out = as_nobody(&["import", "attendance", "a.csv"]);
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("readonly database"), "{stderr}");
        assert_said_once(&stderr);
        assert!(snapshot() == before, "{files:?}: the folder was written");
        mode(&folder, 0o755);
        mode(&db, 0o644);
    };
    reads_only(&[
        "a.csv",
        "cadre.db",
        "cadre.db-shm",
        "cadre.db-wal",
        "cadre.db.audit-key",
    ]);
    // Checkpointed, and closed by its last connection: the log's files are removed.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    reads_only(&["a.csv", "cadre.db", "cadre.db.audit-key"]);
}

/// A read-only command does not create a database that is not there, and says so.
#[test]
fn a_report_of_no_database_says_there_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = cadre(
        dir.path(),
        &["report", "--year", "2020", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("there is no database at cadre.db"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("cadre.db").exists());
}
