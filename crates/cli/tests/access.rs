//! The command line's part of the authorization matrix: every verb `cadre --help` lists is
//! in the table below, saying whether it reads personal data; those that do are run with
//! `--as` each kind of account and must answer as the table says. A verb added without a row
//! fails the test.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{cadre, data, text};

/// The kinds of account, in the order of each row's expectations.
const WHO: [(&str, &str, &str); 7] = [
    ("admin@example.org", "admin", ""),
    ("coordinator@example.org", "coordinator", ""),
    ("viewer@example.org", "viewer", ""),
    ("focal.jm@example.org", "focal-point", "--country=JM"),
    ("focal.tt@example.org", "focal-point", "--country=TT"),
    ("unodc@example.org", "partner", "--partner=UNODC"),
    ("comsec@example.org", "partner", "--partner=ComSec"),
];

const PASSWORD: &str = "a password long enough";

/// A verb, and if it reads personal data: the arguments it is run with and what each kind of
/// account meets (`A` it answers, `F` refused as not allowed).
struct Verb {
    path: &'static str,
    personal: Option<(&'static [&'static str], &'static str)>,
}

const fn verb(path: &'static str) -> Verb {
    Verb {
        path,
        personal: None,
    }
}

const fn reads(path: &'static str, args: &'static [&'static str], expect: &'static str) -> Verb {
    Verb {
        path,
        personal: Some((args, expect)),
    }
}

//                                                             admin, coordinator, viewer, focal JM, focal TT, partner UNODC, partner ComSec
const VERBS: &[Verb] = &[
    reads("import", &["import", "history"], "AAFFFFF"),
    reads(
        "person export",
        &["person", "export", "ann.lee@example.org"],
        "AFFFFFF",
    ),
    reads("audit list", &["audit", "list"], "AFFFFFF"),
    reads("backup", &["backup", "backup-{n}.db"], "AFFFFFF"),
    reads("user list", &["user", "list"], "AFFFFFF"),
    reads(
        "token list",
        &["token", "list", "coordinator@example.org"],
        "AAFFFFF",
    ),
    reads(
        "db copy",
        &["db", "copy", "--to", "sqlite:copy-{n}.db"],
        "AFFFFFF",
    ),
    // Likely duplicate persons are listed (by record number) only to those who see every name.
    reads("quality list", &["quality", "list"], "AAAAAAA"),
    // The rest hold no personal data in what they print (counts, aggregates, hashes), or write
    // without reading it back, or serve pages that check each request themselves.
    verb("report"),
    verb("db status"),
    verb("gen"),
    verb("demo"),
    verb("serve"),
    verb("publish"),
    verb("user add"),
    verb("user disable"),
    verb("user enable"),
    verb("user reset-password"),
    verb("user set-role"),
    verb("token create"),
    verb("token revoke"),
    verb("audit verify"),
    verb("audit checkpoint"),
    verb("audit public-key"),
    verb("person erase"),
    verb("quality rules"),
    verb("period submit"),
    verb("period approve"),
    verb("period reopen"),
    verb("period list"),
    verb("db check"),
    verb("db migrate"),
    verb("restore"),
    verb("quality set"),
];

/// The verbs a `--help` lists under "Commands:", but `help`.
fn subcommands(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line.starts_with("Commands:") {
            inside = true;
            continue;
        }
        if inside {
            if !line.starts_with("  ") {
                break;
            }
            if let Some(name) = line.split_whitespace().next() {
                if name != "help" {
                    out.push(name.to_string());
                }
            }
        }
    }
    out
}

/// Every leaf verb of the command, as "verb sub".
fn leaf_verbs(dir: &Path, prefix: &[String]) -> Vec<String> {
    let mut args: Vec<&str> = prefix.iter().map(String::as_str).collect();
    args.push("--help");
    let help = text(&cadre(dir, &args).stdout);
    let subs = subcommands(&help);
    if subs.is_empty() {
        return vec![prefix.join(" ")];
    }
    subs.into_iter()
        .flat_map(|s| {
            let mut p = prefix.to_vec();
            p.push(s);
            leaf_verbs(dir, &p)
        })
        .collect()
}

fn run_as(dir: &Path, email: &str, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cadre"))
        .arg("--as")
        .arg(email)
        .args(args)
        .current_dir(dir)
        .env_remove("CADRE_DATABASE_URL")
        .env("CADRE_PASSWORD", PASSWORD)
        .output()
        .unwrap()
}

#[test]
fn every_verb_that_reads_personal_data_answers_each_role_as_the_table_says() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut listed = leaf_verbs(d, &[]);
    listed.sort();
    let mut table: Vec<String> = VERBS.iter().map(|v| v.path.to_string()).collect();
    table.sort();
    assert_eq!(
        listed, table,
        "the table and `cadre --help` name the same verbs"
    );

    // The 2020 records, two participants, and one account of each kind.
    for (kind, file) in [
        ("partners", "2020/partners.csv"),
        ("trainings", "2020/trainings.csv"),
    ] {
        let out = cadre(d, &["import", kind, data(file).to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let people = d.join("people.csv");
    std::fs::write(
        &people,
        "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n\
         2020-02,,Ann,Lee,ann.lee@example.org,F,Jamaica,,,yes\n\
         2020-02,,Ben,Ray,ben.ray@example.org,M,Trinidad and Tobago,,,yes\n",
    )
    .unwrap();
    let out = cadre(d, &["import", "attendance", people.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (email, role, scope) in WHO {
        let mut args = vec!["user", "add", email, "--role", role, "--password-stdin"];
        if !scope.is_empty() {
            args.push(scope);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_cadre"))
            .args(&args)
            .current_dir(d)
            .env_remove("CADRE_DATABASE_URL")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{PASSWORD}\n").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }

    let mut wrong = Vec::new();
    let mut n = 0;
    for v in VERBS {
        let Some((args, expect)) = v.personal else {
            continue;
        };
        assert_eq!(expect.len(), WHO.len(), "{}", v.path);
        for ((email, _, _), expected) in WHO.iter().zip(expect.chars()) {
            n += 1;
            let args: Vec<String> = args
                .iter()
                .map(|a| a.replace("{n}", &n.to_string()))
                .collect();
            let out = run_as(d, email, &args);
            let stderr = text(&out.stderr);
            let seen = if out.status.success() {
                'A'
            } else if stderr.contains("not allowed") {
                'F'
            } else {
                'E'
            };
            if seen != expected {
                wrong.push(format!(
                    "cadre --as {email} {}: expected {expected}, got {seen} ({})",
                    args.join(" "),
                    stderr.trim()
                ));
            }
        }
    }
    // A wrong password is refused, and says nothing of whether the account exists.
    for email in ["admin@example.org", "nobody@example.org"] {
        let out = Command::new(env!("CARGO_BIN_EXE_cadre"))
            .args(["--as", email, "user", "list"])
            .current_dir(d)
            .env_remove("CADRE_DATABASE_URL")
            .env("CADRE_PASSWORD", "not the password")
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(
            text(&out.stderr).contains("the e-mail or the password is not right"),
            "{}",
            text(&out.stderr)
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
