//! The `cadre` binary as users run it.

mod common;

use std::process::Command;

use common::{cadre, data, load_2020, roster, text};

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["import", "--help"],
        vec!["demo", "--help"],
        vec!["report", "--help"],
        vec!["db", "--help"],
        vec!["db", "copy", "--help"],
        vec!["user", "--help"],
        vec!["user", "add", "--help"],
        vec!["help", "import"],
    ] {
        let out = cadre(dir.path(), &args);
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out.stdout).contains("Usage: cadre"), "{args:?}");
    }
    let help = text(&cadre(dir.path(), &["import", "--help"]).stdout);
    for word in [
        "departments",
        "partners",
        "trainings",
        "sessions",
        "attendance",
        "--dry-run",
        "--database",
    ] {
        assert!(help.contains(word), "{word} missing from:\n{help}");
    }
}

#[test]
fn imports_into_cadre_db_in_the_current_folder_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = cadre(
        dir.path(),
        &[
            "import",
            "partners",
            data("2020/partners.csv").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("cadre.db").exists());
    let stdout = text(&out.stdout);
    assert!(
        stdout.ends_with("partners.csv: 17 rows read, 17 created, 0 updated, 0 unchanged\n"),
        "{stdout}"
    );
    // Not a terminal: no progress bar, nothing on stderr.
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn the_database_is_named_by_flag_or_environment() {
    let dir = tempfile::tempdir().unwrap();
    let partners = data("2020/partners.csv");
    let by_flag = dir.path().join("flag.db");
    let out = cadre(
        dir.path(),
        &[
            "--database",
            &format!("sqlite:{}", by_flag.display()),
            "import",
            "partners",
            partners.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(by_flag.exists());

    let by_env = dir.path().join("env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_cadre"))
        .args(["import", "partners", partners.to_str().unwrap()])
        .current_dir(dir.path())
        .env("CADRE_DATABASE_URL", &by_env)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(by_env.exists());
    assert!(!dir.path().join("cadre.db").exists());
}

#[test]
fn bad_rows_fail_with_their_location_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let partners = data("2020/partners.csv");
    assert!(cadre(
        dir.path(),
        &["import", "partners", partners.to_str().unwrap()]
    )
    .status
    .success());
    std::fs::write(
        dir.path().join("trainings.csv"),
        "code,title,start_date,end_date,modality\nA-1,Fine,2021-01-05,2021-01-06,virtual\nA-2,Leap,2021-02-29,,physical\nA-3,Later,2021-05,2021-04,hybrid\n",
    )
    .unwrap();
    for extra in [&[][..], &["--dry-run"][..]] {
        let mut args = vec!["import", "trainings", "trainings.csv"];
        args.extend_from_slice(extra);
        let out = cadre(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            text(&out.stderr),
            "trainings.csv:3:3: start_date: 2021-02-29 does not exist (February 2021 has 28 days)\n\
             trainings.csv:4:4: end_date: 2021-04 is before the start date 2021-05\n\
             2 problems found; nothing was imported\n"
        );
        assert_eq!(text(&out.stdout), "");
    }
    let out = cadre(dir.path(), &["import", "trainings", "missing.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("error: missing.csv: "),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_dry_run_says_so_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let partners = data("2020/partners.csv");
    let out = cadre(
        dir.path(),
        &[
            "import",
            "partners",
            partners.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("17 created, 0 updated, 0 unchanged (dry run: nothing written)")
    );
    let out = cadre(
        dir.path(),
        &["import", "partners", partners.to_str().unwrap()],
    );
    assert!(
        text(&out.stdout).contains("17 created"),
        "the dry run wrote nothing"
    );
}

#[test]
fn the_demo_loads_the_facts_and_a_synthetic_year() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let out = cadre(
        dir.path(),
        &["demo", "--no-serve", "--dir", demo.to_str().unwrap()],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("data/2020/trainings.csv: 14 rows read, 14 created"),
        "{stdout}"
    );
    assert!(stdout.contains("synthetic-2021-attendance.csv"), "{stdout}");
    assert!(demo.join("cadre.db").exists());
    // The report command it prints works as pasted.
    let line = stdout
        .lines()
        .find(|l| l.contains(" report --year "))
        .expect("a report command");
    let words: Vec<&str> = line.split_whitespace().collect();
    let ran = Command::new(words[0])
        .args(&words[1..])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(ran.status.success(), "{line}: {}", text(&ran.stderr));
    assert!(text(&ran.stdout).starts_with("# 2021 Trainings"), "{line}");
    // One account per role, each with its own password (new on every run).
    for role in ["admin", "coordinator", "viewer", "focal point", "partner"] {
        assert!(
            stdout.lines().any(|l| l.trim_start().starts_with(role)
                && l.contains("@demo.cadre")
                && l.contains("password ")),
            "a demo sign-in for {role}: {stdout}"
        );
    }
    // Run again: a fresh database, the same content (but for the passwords).
    let again = cadre(
        dir.path(),
        &["demo", "--no-serve", "--dir", demo.to_str().unwrap()],
    );
    let without_passwords = |s: &str| -> String {
        s.lines()
            .map(|l| l.split(" password ").next().unwrap_or(l).to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        without_passwords(&text(&again.stdout)),
        without_passwords(&stdout)
    );
    assert_ne!(text(&again.stdout), stdout, "new passwords every run");
}

#[test]
fn the_report_comes_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    load_2020(dir.path());
    let out = cadre(
        dir.path(),
        &["report", "--year", "2020", "--format", "json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["trainings"]["total"], 14);
    assert_eq!(v["participants"]["total"], 1612);

    // The seed page's period: January to September.
    let out = cadre(
        dir.path(),
        &[
            "report",
            "--from",
            "2020-01-01",
            "--to",
            "2020-09-30",
            "--format",
            "md",
        ],
    );
    let md = text(&out.stdout);
    assert!(
        md.contains(
            "During the period January – September 2020, a total of Fourteen (14) trainings"
        ),
        "{md}"
    );

    for (file, magic) in [
        ("r.html", &b"<!DOCTYPE html>"[..]),
        ("r.pdf", b"%PDF-"),
        ("r.xlsx", b"PK"),
        // With a byte-order mark, for Excel.
        ("r.csv", b"\xEF\xBB\xBFsection,key,label"),
        ("r.md", b"# 2020 Trainings"),
        ("r.json", b"{"),
    ] {
        let out = cadre(dir.path(), &["report", "--year", "2020", "--out", file]);
        assert!(out.status.success(), "{file}: {}", text(&out.stderr));
        let bytes = std::fs::read(dir.path().join(file)).unwrap();
        assert!(bytes.starts_with(magic), "{file}");
    }
}

#[test]
fn a_report_needs_a_sensible_period() {
    let dir = tempfile::tempdir().unwrap();
    for (args, says) in [
        (vec!["report"], "name the period with --year"),
        (
            vec!["report", "--from", "2020-03-01", "--to", "2020-02-01"],
            "the period ends (2020-02-01) before it starts (2020-03-01)",
        ),
        (
            vec!["report", "--from", "2020-02-30", "--to", "2020-03-01"],
            "2020-02-30 does not exist",
        ),
        (
            vec!["report", "--year", "2020", "--out", "r.docx"],
            "cannot tell the format from r.docx",
        ),
    ] {
        let out = cadre(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

/// The same commands against PostgreSQL, in a schema of their own.
#[test]
fn import_and_report_on_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::env::var("CADRE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let schema = format!("cadre_cli_{}", std::process::id());
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}schema={schema}");
    for (kind, file) in [
        ("partners", "partners.csv"),
        ("trainings", "trainings.csv"),
        ("sessions", "sessions.csv"),
    ] {
        let out = cadre(
            dir.path(),
            &[
                "--database",
                &url,
                "import",
                kind,
                data(&format!("2020/{file}")).to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{kind}: {}", text(&out.stderr));
    }
    let again = cadre(
        dir.path(),
        &[
            "--database",
            &url,
            "import",
            "trainings",
            data("2020/trainings.csv").to_str().unwrap(),
        ],
    );
    assert!(text(&again.stdout).contains("14 rows read, 0 created, 0 updated, 14 unchanged"));
    let out = cadre(
        dir.path(),
        &[
            "--database",
            &url,
            "report",
            "--year",
            "2020",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["participants"]["total"], 1612);
    assert!(
        !dir.path().join("cadre.db").exists(),
        "nothing went to SQLite"
    );
    let drop = Command::new("psql")
        .args([
            base.as_str(),
            "-qAtc",
            &format!("DROP SCHEMA {schema} CASCADE"),
        ])
        .output();
    assert!(drop.is_ok());
}

#[test]
fn db_copy_moves_everything_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    load_2020(dir.path());
    let out = cadre(dir.path(), &["db", "copy", "--to", "sqlite:copy.db"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("trainings                      14"),
        "{stdout}"
    );
    assert!(stdout.ends_with("Row counts checked on both sides.\n"));
    let status = text(&cadre(dir.path(), &["--database", "copy.db", "db", "status"]).stdout);
    assert!(
        status.contains("copy.db (sqlite)") && status.contains("trainings           14"),
        "{status}"
    );
    let again = cadre(dir.path(), &["db", "copy", "--to", "sqlite:copy.db"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("pass --force to replace them"));
    let forced = cadre(
        dir.path(),
        &["db", "copy", "--to", "sqlite:copy.db", "--force"],
    );
    assert!(forced.status.success());
    // Every person went with each copy: the audit trail says so, and that one was refused.
    let trail = text(&cadre(dir.path(), &["audit", "list", "--limit", "50"]).stdout);
    assert!(
        trail
            .lines()
            .any(|l| l.contains("exported") && l.contains("copy")),
        "{trail}"
    );
    assert!(
        trail.lines().any(|l| l.contains("export-failed")),
        "{trail}"
    );
}

/// Two imports started at the same instant on one SQLite file: the second waits for the
/// first's write lock instead of failing with "database is locked".
#[test]
fn two_imports_at_once_into_one_sqlite_file_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    load_2020(dir.path());
    roster(&dir.path().join("a.csv"), "2020-01", "a", 20_000);
    roster(&dir.path().join("b.csv"), "2020-07", "b", 20_000);
    let start = |file: &str| {
        Command::new(env!("CARGO_BIN_EXE_cadre"))
            .args(["import", "attendance", file])
            .current_dir(dir.path())
            .env_remove("CADRE_DATABASE_URL")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start("a.csv"), start("b.csv"));
    for (file, child) in [("a.csv", a), ("b.csv", b)] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{file}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            format!("{file}: 20000 rows read, 20000 created, 0 updated, 0 unchanged; 20000 new participants, 0 participants updated\n")
        );
    }
    let status = text(&cadre(dir.path(), &["db", "status"]).stdout);
    assert!(status.contains("attendance       40000"), "{status}");
}

#[test]
fn replace_roster_lists_in_a_dry_run_and_removes() {
    let dir = tempfile::tempdir().unwrap();
    load_2020(dir.path());
    roster(&dir.path().join("a.csv"), "2020-01", "a", 3);
    roster(&dir.path().join("b.csv"), "2020-01", "a", 2);
    assert!(cadre(dir.path(), &["import", "attendance", "a.csv"])
        .status
        .success());
    let out = cadre(
        dir.path(),
        &[
            "import",
            "attendance",
            "b.csv",
            "--replace-roster",
            "--dry-run",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "b.csv: 2 rows read, 0 created, 0 updated, 2 unchanged; 0 new participants, 0 participants updated; \
         1 removed (not in the roster) (dry run: nothing written)\n  \
         would remove: 2020-01 - P2 Qa\n"
    );
    let out = cadre(
        dir.path(),
        &["import", "attendance", "b.csv", "--replace-roster"],
    );
    assert!(text(&out.stdout).contains("; 1 removed (not in the roster)\n"));
    let status = text(&cadre(dir.path(), &["db", "status"]).stdout);
    assert!(status.contains("attendance           2"), "{status}");
    let out = cadre(
        dir.path(),
        &["import", "partners", "a.csv", "--replace-roster"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--replace-roster is for attendance files"));
}
