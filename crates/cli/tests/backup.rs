//! `cadre backup`, `cadre restore` and `cadre db check` end to end: a backup restored into a
//! new database gives the same report and a sound check; a restore over records and a backup
//! over a file are refused.

mod common;

use common::{cadre, data, text};

#[test]
fn a_backup_restores_into_an_empty_database_with_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (kind, file) in [
        ("partners", "2020/partners.csv"),
        ("trainings", "2020/trainings.csv"),
        ("sessions", "2020/sessions.csv"),
    ] {
        let out = cadre(d, &["import", kind, data(file).to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let out = cadre(d, &["db", "check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("sound"));

    let out = cadre(d, &["backup", "b.db"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cadre(d, &["backup", "b.db"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("is there already"));

    let out = cadre(d, &["--database", "sqlite:restored.db", "restore", "b.db"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = |db: &str| {
        let out = cadre(
            d,
            &[
                "--database",
                db,
                "report",
                "--year",
                "2020",
                "--format",
                "json",
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        out.stdout
    };
    assert_eq!(report("sqlite:cadre.db"), report("sqlite:restored.db"));
    let out = cadre(d, &["--database", "sqlite:restored.db", "db", "check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let trail = |db: &str| text(&cadre(d, &["--database", db, "audit", "verify"]).stdout);
    assert_eq!(trail("sqlite:cadre.db"), trail("sqlite:restored.db"));

    let out = cadre(d, &["restore", "b.db"]);
    assert!(!out.status.success(), "not over records");
    assert!(
        text(&out.stderr).contains("already holds records"),
        "{}",
        text(&out.stderr)
    );
    let out = cadre(
        d,
        &["--database", "sqlite:other.db", "restore", "missing.db"],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("there is no backup at missing.db"));
}
