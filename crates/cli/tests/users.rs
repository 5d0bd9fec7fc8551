//! `cadre user` as an administrator runs it: accounts added with a role and its scope, listed,
//! disabled and enabled, their password and role changed, and what is refused with why.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{cadre, text};

/// `cadre ARGS` with `input` on standard input.
fn cadre_with_input(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cadre"))
        .args(args)
        .current_dir(dir)
        .env_remove("CADRE_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn refused(out: &Output) -> String {
    assert!(!out.status.success(), "{}", text(&out.stdout));
    text(&out.stderr)
}

#[test]
fn accounts_are_added_listed_disabled_and_changed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let add = |args: &[&str], password: &str| {
        let mut all = vec!["user", "add"];
        all.extend_from_slice(args);
        all.push("--password-stdin");
        cadre_with_input(d, &all, &format!("{password}\n"))
    };
    ok(&add(
        &["Director@Agency.example", "--role", "admin"],
        "a long enough secret",
    ));
    ok(&add(
        &[
            "focal.bb@agency.example",
            "--role",
            "focal-point",
            "--country",
            "bb",
        ],
        "another long secret",
    ));
    // A partner's scope names a partner cadre knows.
    let refused_scope = add(
        &[
            "iom@agency.example",
            "--role",
            "partner",
            "--partner",
            "IOM",
        ],
        "a third long secret",
    );
    assert!(
        refused(&refused_scope).contains("there is no partner \"IOM\""),
        "{}",
        text(&refused_scope.stderr)
    );
    ok(&cadre(
        d,
        &[
            "import",
            "partners",
            common::data("2020/partners.csv").to_str().unwrap(),
        ],
    ));
    ok(&add(
        &[
            "iom@agency.example",
            "--role",
            "partner",
            "--partner",
            "IOM",
        ],
        "a third long secret",
    ));

    // Refused, each with its reason, and nothing added.
    let e = refused(&add(
        &["director@agency.example", "--role", "viewer"],
        "a long enough secret",
    ));
    assert!(e.contains("already"), "{e}");
    let e = refused(&add(
        &["short@agency.example", "--role", "viewer"],
        "too short",
    ));
    assert!(e.contains("at least 12 characters"), "{e}");
    let e = refused(&add(
        &["focal@agency.example", "--role", "focal-point"],
        "a long enough secret",
    ));
    assert!(e.contains("--country"), "{e}");
    let e = refused(&add(
        &["who@agency.example", "--role", "superuser"],
        "a long enough secret",
    ));
    assert!(e.contains("unknown role"), "{e}");
    let e = refused(&add(
        &["not an address", "--role", "viewer"],
        "a long enough secret",
    ));
    assert!(e.contains("not an e-mail"), "{e}");
    let e = refused(&cadre(d, &["user", "disable", "nobody@agency.example"]));
    assert!(e.contains("no account for nobody@agency.example"), "{e}");

    let list = ok(&cadre(d, &["user", "list"]));
    assert_eq!(
        list.lines().collect::<Vec<_>>(),
        [
            "Director@Agency.example\tadmin",
            "focal.bb@agency.example\tfocal-point (BB)",
            "iom@agency.example\tpartner (IOM)",
        ],
        "{list}"
    );
    assert!(!list.contains("secret") && !list.contains("argon2"));

    ok(&cadre(d, &["user", "disable", "IOM@agency.example"]));
    let list = ok(&cadre(d, &["user", "list"]));
    assert!(
        list.contains("iom@agency.example\tpartner (IOM)\tdisabled"),
        "{list}"
    );
    ok(&cadre(d, &["user", "enable", "iom@agency.example"]));
    assert!(!ok(&cadre(d, &["user", "list"])).contains("disabled"));

    ok(&cadre(
        d,
        &[
            "user",
            "set-role",
            "focal.bb@agency.example",
            "--role",
            "focal-point",
            "--country",
            "JM",
            "--country",
            "BB",
        ],
    ));
    assert!(
        ok(&cadre(d, &["user", "list"])).contains("focal.bb@agency.example\tfocal-point (BB, JM)")
    );
    ok(&cadre_with_input(
        d,
        &[
            "user",
            "reset-password",
            "iom@agency.example",
            "--password-stdin",
        ],
        "a brand new long secret\n",
    ));
    // No terminal and no --password-stdin: said, not hung on.
    let e = refused(&cadre_with_input(
        d,
        &["user", "reset-password", "iom@agency.example"],
        "",
    ));
    assert!(e.contains("--password-stdin"), "{e}");
}
