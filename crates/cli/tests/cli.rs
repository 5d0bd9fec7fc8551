//! The `cadre` binary as users run it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(path)
}

fn cadre(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cadre"))
        .args(args)
        .current_dir(dir)
        .env_remove("CADRE_DATABASE_URL")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["import", "--help"],
        vec!["demo", "--help"],
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
    let out = cadre(dir.path(), &["demo", "--dir", demo.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("data/2020/trainings.csv: 14 rows read, 14 created"),
        "{stdout}"
    );
    assert!(stdout.contains("synthetic-2021-attendance.csv"), "{stdout}");
    assert!(demo.join("cadre.db").exists());
    // Run again: a fresh database, the same content.
    let again = cadre(dir.path(), &["demo", "--dir", demo.to_str().unwrap()]);
    assert_eq!(text(&again.stdout), stdout);
}
