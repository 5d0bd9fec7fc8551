//! `cadre quality`: the rules listed as set, one switched off and given another severity by
//! the operator, and what the rules find in the 2020 records, in the report too.

mod common;

use common::{cadre, data, text};

#[test]
fn rules_are_listed_set_and_obeyed_by_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (kind, file) in [
        ("partners", "2020/partners.csv"),
        ("trainings", "2020/trainings.csv"),
        ("published", "2020/period-2020-published.csv"),
    ] {
        let out = cadre(d, &["import", kind, data(file).to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let out = cadre(d, &["quality", "rules"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rules = text(&out.stdout);
    let line = |rules: &str, code: &str| {
        rules
            .lines()
            .find(|l| l.starts_with(&format!("{code} ")))
            .unwrap()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line(&rules, "same_summary"), "same_summary on warning");
    assert_eq!(rules.lines().count(), cadre_core::quality::Rule::ALL.len());

    // The period the figures were published for: the declared figures are set beside it.
    let out = cadre(
        d,
        &[
            "quality",
            "list",
            "--from",
            "2020-01-01",
            "--to",
            "2020-09-30",
        ],
    );
    let listed = text(&out.stdout);
    assert!(
        listed.contains("Same summary as another training (same_summary, warning): 1"),
        "{listed}"
    );
    assert!(listed.contains("  2020-14: Its summary is the same paragraph as training 2020-13"));
    assert!(listed.contains("  period: 29 trainings are declared for the period, 14 itemised: 15 are not in the records"));

    let out = cadre(d, &["quality", "set", "same_summary", "--off"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cadre(
        d,
        &["quality", "set", "value-missing", "--severity", "note"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rules = text(&cadre(d, &["quality", "rules"]).stdout);
    assert_eq!(line(&rules, "same_summary"), "same_summary off warning");
    assert_eq!(line(&rules, "value_missing"), "value_missing on note");

    let out = cadre(d, &["report", "--year", "2020", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let quality = json["quality"].as_array().unwrap();
    assert!(!quality.iter().any(|q| q["rule"] == "same_summary"));
    assert!(quality
        .iter()
        .filter(|q| q["rule"] == "value_missing")
        .all(|q| q["severity"] == "note"));

    // A rule or a severity that does not exist is refused, naming what was typed.
    let out = cadre(d, &["quality", "set", "no_such_rule", "--off"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("there is no rule \"no_such_rule\""));
    let out = cadre(d, &["quality", "set", "no_partner", "--severity", "fatal"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("\"fatal\" is not a severity"));

    // Kept in the audit trail.
    let trail = text(&cadre(d, &["audit", "list", "--limit", "5"]).stdout);
    assert!(trail.contains("quality_rule"), "{trail}");
}

/// `cadre period`: submitted, approved (an import into it then refused, naming the period),
/// listed, reopened with a reason; the report says what was approved.
#[test]
fn a_period_approved_locks_its_trainings_until_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (kind, file) in [
        ("partners", "2020/partners.csv"),
        ("trainings", "2020/trainings.csv"),
    ] {
        let out = cadre(d, &["import", kind, data(file).to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let out = cadre(d, &["period", "approve", "--year", "2020"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("a coordinator submits the period first"));
    for step in ["submit", "approve"] {
        let out = cadre(d, &["period", step, "--year", "2020"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    // The same file again changes nothing, and is taken; one that changes a training of the
    // period is refused, naming the row, the period and its approval.
    let out = cadre(
        d,
        &[
            "import",
            "trainings",
            data("2020/trainings.csv").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let changed = d.join("changed.csv");
    std::fs::write(
        &changed,
        "code,title,start_date
2021-01,A later one,2021-02-03
2020-08,Stress Management,2020
",
    )
    .unwrap();
    let out = cadre(d, &["import", "trainings", changed.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("changed.csv:3:1: code: training 2020-08: the period January – December 2020 was approved on"),
        "{stderr}"
    );
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.contains("was approved on"))
            .count(),
        1,
        "{stderr}"
    );
    let listed = text(&cadre(d, &["period", "list"]).stdout);
    assert!(
        listed.starts_with("2020-01-01 to 2020-12-31  approved "),
        "{listed}"
    );
    let out = cadre(d, &["period", "reopen", "--year", "2020", "--reason", ""]);
    assert!(!out.status.success(), "a reason is needed");
    let out = cadre(
        d,
        &[
            "period",
            "reopen",
            "--year",
            "2020",
            "--reason",
            "IOM sent counts",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cadre(
        d,
        &[
            "import",
            "trainings",
            data("2020/trainings.csv").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cadre(d, &["report", "--year", "2020", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["approval"]["status"], "reopened");
    assert_eq!(json["approval"]["reason"], "IOM sent counts");
    assert_eq!(
        json["approval"]["changed_since_approval"],
        serde_json::json!([])
    );
}
