//! Upgrades: databases made by earlier versions of cadre, with that version's own binary
//! (`scripts/make-upgrade-fixture.sh`, kept in `tests/fixtures/`), open with today's cadre,
//! which migrates them. They give the report that version wrote (every figure it wrote, the
//! same), their audit trail still verifies, their admin still signs in, and `db check` finds
//! them sound. On SQLite (the file) and on PostgreSQL (the dump, loaded in a schema).

mod common;

use std::path::{Path, PathBuf};

use common::{cadre, text};
use serde_json::Value;

/// The schema versions with a fixture, oldest first.
const VERSIONS: &[&str] = &["schema-13"];

fn fixture(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(version)
}

/// Figures written as 0 while they were not known, and null since (docs/report-json.md): the
/// same knowledge, said honestly.
const NULL_WHEN_NOT_KNOWN: &[&str] = &[
    ".value_usd",
    ".value_words",
    ".participants.male",
    ".participants.female",
];

/// The key a breakdown's line is known by (its order follows the figures, which may grow).
fn line_key(v: &Value) -> Option<&Value> {
    v.get("code").or_else(|| v.get("name"))
}

/// Every value the old report wrote is in the new one, the same; keys added since are free.
/// The quality section is left out: its rules and words grew since, by design.
fn keeps(old: &Value, new: &Value, at: &str, wrong: &mut Vec<String>) {
    match (old, new) {
        // Departments and countries: each line found by its code or name.
        (Value::Array(o), Value::Array(n))
            if o.len() == n.len()
                && (at == ".departments" || at == ".countries")
                && o.iter().all(|v| line_key(v).is_some()) =>
        {
            for ov in o {
                let key = line_key(ov);
                match n.iter().find(|nv| line_key(nv) == key) {
                    Some(nv) => keeps(
                        ov,
                        nv,
                        &format!("{at}[{}]", key.unwrap_or(&Value::Null)),
                        wrong,
                    ),
                    None => wrong.push(format!("{at}: {} is gone", key.unwrap_or(&Value::Null))),
                }
            }
        }
        (_, Value::Null) if NULL_WHEN_NOT_KNOWN.contains(&at) => {}
        (Value::Object(o), Value::Object(n)) => {
            for (k, v) in o {
                if at.is_empty() && k == "quality" {
                    continue;
                }
                match n.get(k) {
                    Some(nv) => keeps(v, nv, &format!("{at}.{k}"), wrong),
                    None => wrong.push(format!("{at}.{k} is gone")),
                }
            }
        }
        (Value::Array(o), Value::Array(n)) if o.len() == n.len() => {
            for (i, (ov, nv)) in o.iter().zip(n).enumerate() {
                keeps(ov, nv, &format!("{at}[{i}]"), wrong);
            }
        }
        _ if old == new => {}
        _ => wrong.push(format!("{at}: was {old}, is {new}")),
    }
}

fn check_upgraded(dir: &Path, db: &str, old_report: &Value) {
    let run = |args: &[&str]| {
        let mut all = vec!["--database", db];
        all.extend_from_slice(args);
        cadre(dir, &all)
    };
    let out = run(&["db", "migrate"]);
    assert!(out.status.success(), "{db}: {}", text(&out.stderr));
    let out = run(&[
        "report",
        "--from",
        "2020-01-01",
        "--to",
        "2020-09-30",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{db}: {}", text(&out.stderr));
    let new: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut wrong = Vec::new();
    keeps(old_report, &new, "", &mut wrong);
    assert!(wrong.is_empty(), "{db}: {}", wrong.join("\n"));
    let out = run(&["db", "check"]);
    assert!(out.status.success(), "{db}: {}", text(&out.stderr));
    let out = run(&["audit", "verify"]);
    assert!(out.status.success(), "{db}: {}", text(&out.stderr));
    // The admin made by the old version signs in with the password it was given.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cadre"))
        .args([
            "--database",
            db,
            "--as",
            "admin@fixture.example",
            "user",
            "list",
        ])
        .current_dir(dir)
        .env("CADRE_PASSWORD", "a fixture password")
        .output()
        .unwrap();
    assert!(out.status.success(), "{db}: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("admin@fixture.example"));
}

#[test]
fn databases_of_earlier_versions_migrate_and_give_the_same_report() {
    for version in VERSIONS {
        let f = fixture(version);
        let old_report: Value =
            serde_json::from_str(&std::fs::read_to_string(f.join("report.json")).unwrap()).unwrap();

        // SQLite: a copy of the file, so that the fixture stays as that version made it.
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(f.join("cadre.sqlite"), dir.path().join("old.db")).unwrap();
        check_upgraded(dir.path(), "sqlite:old.db", &old_report);

        // PostgreSQL: the dump loaded into a schema of this test's own.
        let base = std::env::var("CADRE_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
        let schema = format!("cadre_upgrade_{}", std::process::id());
        let dump = std::fs::read_to_string(f.join("postgres.sql"))
            .unwrap()
            .replace("upgrade_fixture", &schema);
        let psql = |input: &str| {
            use std::io::Write;
            let mut child = std::process::Command::new("psql")
                .args([base.as_str(), "-q", "-v", "ON_ERROR_STOP=1"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("psql, PostgreSQL's client, is needed");
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            assert!(child.wait().unwrap().success(), "psql");
        };
        psql(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE;"));
        psql(&dump);
        let sep = if base.contains('?') { '&' } else { '?' };
        check_upgraded(
            dir.path(),
            &format!("{base}{sep}schema={schema}"),
            &old_report,
        );
        psql(&format!("DROP SCHEMA {schema} CASCADE;"));
    }
}
