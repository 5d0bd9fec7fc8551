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

    // A new database has a key of its own: the backup's trail is checked with the key of
    // the database it came from, named with --audit-key, which the new one then takes.
    let out = cadre(d, &["--database", "sqlite:restored.db", "restore", "b.db"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--audit-key"),
        "{}",
        text(&out.stderr)
    );
    let out = cadre(
        d,
        &[
            "--database",
            "sqlite:restored.db",
            "restore",
            "b.db",
            "--audit-key",
            "cadre.db.audit-key",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read(d.join("restored.db.audit-key")).unwrap(),
        std::fs::read(d.join("cadre.db.audit-key")).unwrap()
    );
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
    assert!(trail("sqlite:cadre.db").contains("holds together"));

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

/// A checkpoint of the trail, written and kept elsewhere, is checked by `audit verify`; one
/// altered is named, and the public key that checks it is printed for whoever will.
#[test]
fn the_audit_trail_is_verified_through_its_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = cadre(
        d,
        &[
            "import",
            "partners",
            data("2020/partners.csv").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cadre(d, &["audit", "checkpoint", "--out", "cp.txt"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Checkpoint of entry 1"),
        "{}",
        text(&out.stdout)
    );
    let out = cadre(d, &["audit", "checkpoint", "--out", "cp.txt"]);
    assert!(!out.status.success(), "never over a file");
    let out = cadre(d, &["audit", "public-key"]);
    let public = text(&out.stdout);
    let key_line = public
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("public key: ");
    let cp = std::fs::read_to_string(d.join("cp.txt")).unwrap();
    assert!(
        cp.contains(&format!("public-key: {key_line}")),
        "{public}\n{cp}"
    );
    // The key itself is never printed.
    let secret = std::fs::read_to_string(d.join("cadre.db.audit-key")).unwrap();
    let secret = secret.split_whitespace().nth(1).unwrap();
    assert!(!public.contains(secret));

    let out = cadre(
        d,
        &[
            "import",
            "trainings",
            data("2020/trainings.csv").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cadre(d, &["audit", "verify", "--checkpoint", "cp.txt"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("through 1 checkpoint"),
        "{}",
        text(&out.stdout)
    );
    // A checkpoint whose entry number was changed: its signature no longer holds.
    std::fs::write(d.join("forged.txt"), cp.replace("seq: 1\n", "seq: 2\n")).unwrap();
    let out = cadre(d, &["audit", "verify", "--checkpoint", "forged.txt"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("forged.txt") && text(&out.stderr).contains("signature"),
        "{}",
        text(&out.stderr)
    );
}
