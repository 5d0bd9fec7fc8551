//! `cadre import` on files as they come, through the binary: broken quoting refused where it
//! opens, hostile workbooks refused under a memory limit with nothing written, mappings
//! proposed, rows set aside, and the history of it all.

#[path = "../../app/tests/imports/hostile_files.rs"]
mod hostile_files;

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{cadre, data, text};

/// The binary with its address space capped (prlimit, util-linux): a reader that allocated by
/// what a file claims, or inflated a sheet into memory, would be killed or abort.
fn cadre_capped(dir: &Path, bytes: u64, args: &[&str]) -> Output {
    Command::new("prlimit")
        .arg(format!("--as={bytes}"))
        .arg(env!("CARGO_BIN_EXE_cadre"))
        .args(args)
        .current_dir(dir)
        .env_remove("CADRE_DATABASE_URL")
        .output()
        .expect("prlimit (util-linux) runs")
}

fn load_2020(dir: &Path) {
    for (kind, file) in [
        ("partners", "partners.csv"),
        ("trainings", "trainings.csv"),
        ("sessions", "sessions.csv"),
    ] {
        let path = data(&format!("2020/{file}"));
        let out = cadre(dir, &["import", kind, path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

fn status(dir: &Path) -> String {
    text(&cadre(dir, &["db", "status"]).stdout)
}

/// The defect: "1 rows read, 1 created" for a file of four rows, the rest in one cell.
#[test]
fn a_broken_quote_is_refused_at_its_line_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    load_2020(dir.path());
    let before = status(dir.path());
    std::fs::write(
        dir.path().join("a.csv"),
        "training_code,given_name,family_name,email\n\
         2020-07,Ann,Grant,\"ann@example.org\n\
         2020-07,Bob,Hall,bob@example.org\n\
         2020-07,Cy,Innis,cy@example.org\n",
    )
    .unwrap();
    let out = cadre(dir.path(), &["import", "attendance", "a.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("a.csv:2: a quote opened on this line is never closed"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(before, status(dir.path()));
    // An unquoted comma in a note: the extra cell is named, not cut off.
    std::fs::write(
        dir.path().join("b.csv"),
        "training_code,given_name,family_name,email\n2020-07,Ann,Grant,ann@example.org,extra\n",
    )
    .unwrap();
    let out = cadre(dir.path(), &["import", "attendance", "b.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("b.csv:2:5: the row has 1 more cell than the header's 4 (\"extra\")"),
        "{err}"
    );
}

/// The defects: a 5 KB workbook with a cell at XFD1048576 aborted allocating 512 GiB, and a
/// zip bomb ran to 3 GB. Under a 1 GiB address space both are refused, naming what is wrong.
#[test]
fn hostile_workbooks_are_refused_within_a_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    load_2020(dir.path());
    let before = status(dir.path());
    hostile_files::far_cell(&dir.path().join("far.xlsx"));
    hostile_files::zip_bomb(&dir.path().join("bomb.xlsx"), 4_000_000_000);
    hostile_files::long_text(&dir.path().join("long.xlsx"), 1_500_000_000);
    let cap = 1 << 30;
    let out = cadre_capped(dir.path(), cap, &["import", "attendance", "far.xlsx"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("far.xlsx:1048576:XFD:"),
        "{}",
        text(&out.stderr)
    );
    let out = cadre_capped(dir.path(), cap, &["import", "attendance", "bomb.xlsx"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("inflates to more than 2147483648 bytes (the limit)"),
        "{}",
        text(&out.stderr)
    );
    // One text of 1.5 GB: held whole by an XML reader, it would pass the 1 GiB cap.
    let out = cadre_capped(dir.path(), cap, &["import", "attendance", "long.xlsx"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("longer than 1048576 bytes"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(before, status(dir.path()));
}

#[test]
fn a_proposed_mapping_is_a_mapping_and_imports_are_kept_in_the_history() {
    let dir = tempfile::tempdir().unwrap();
    load_2020(dir.path());
    std::fs::write(
        dir.path().join("list.csv"),
        "Surname;First Name;Sex;Member State\nGrant;Ann;F;Belize\nHall;Bob;M;Guyana\n",
    )
    .unwrap();
    let out = cadre(
        dir.path(),
        &[
            "import",
            "attendance",
            "list.csv",
            "--training",
            "2020-07",
            "--propose-mapping",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let toml = text(&out.stdout);
    assert!(toml.contains("\"Surname\" = \"family_name\""), "{toml}");
    assert!(toml.contains("training_code = \"2020-07\""), "{toml}");
    std::fs::write(dir.path().join("MAPPING.toml"), &toml).unwrap();
    let out = cadre(
        dir.path(),
        &[
            "import",
            "attendance",
            "list.csv",
            "--mapping",
            "MAPPING.toml",
            "--dry-run",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 created"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stdout).contains("dry run"),
        "{}",
        text(&out.stdout)
    );
    let out = cadre(
        dir.path(),
        &[
            "import",
            "attendance",
            "list.csv",
            "--mapping",
            "MAPPING.toml",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cadre(dir.path(), &["import", "history"]);
    let history = text(&out.stdout);
    let lines: Vec<&str> = history.lines().filter(|l| l.starts_with('#')).collect();
    assert!(
        lines[0].contains("committed attendance list.csv"),
        "{history}"
    );
    assert!(lines[0].contains("2 created"), "{history}");
    assert!(
        lines[1].contains("dry-run attendance list.csv"),
        "{history}"
    );
    assert_eq!(
        lines.len(),
        5,
        "three 2020 files, a dry run and the import: {history}"
    );
}

/// A sheet in Spanish with `--training` and no mapping: refused naming each header, the
/// column it looks like, the lists, and how to have a mapping proposed (not a mapping's gap,
/// since none was given). With the proposal, the same sheet imports, its country written as
/// the partner wrote it; and the summary says what changed of a known participant.
#[test]
fn a_spanish_sheet_without_a_mapping_is_told_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    load_2020(dir.path());
    std::fs::write(
        dir.path().join("es.csv"),
        "Nombre,Apellido,Sexo,País\nAna,Pérez,F,Trinidad y Tobago\nLuis,Gómez,M,Jamaïque\n",
    )
    .unwrap();
    let out = cadre(
        dir.path(),
        &["import", "attendance", "es.csv", "--training", "2020-07"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(!err.contains("is not in the mapping"), "{err}");
    for said in [
        "es.csv:1:1: unknown column \"Nombre\" (it looks like given_name)",
        "the file's headers are \"Nombre\", \"Apellido\", \"Sexo\", \"País\"",
        "--propose-mapping",
        "unknown column \"País\" (it looks like country)",
    ] {
        assert!(err.contains(said), "{said}: {err}");
    }
    let proposal = cadre(
        dir.path(),
        &[
            "import",
            "attendance",
            "es.csv",
            "--training",
            "2020-07",
            "--propose-mapping",
        ],
    );
    assert!(proposal.status.success(), "{}", text(&proposal.stderr));
    std::fs::write(dir.path().join("es.toml"), &proposal.stdout).unwrap();
    let args = [
        "import",
        "attendance",
        "es.csv",
        "--training",
        "2020-07",
        "--mapping",
        "es.toml",
    ];
    let out = cadre(dir.path(), &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(
        said.contains("2 created") && said.contains("2 new participants"),
        "{said}"
    );
    // Ana said again, as a man: the change is made and said.
    std::fs::write(
        dir.path().join("es.csv"),
        "Nombre,Apellido,Sexo,País\nAna,Pérez,M,Trinidad y Tobago\n",
    )
    .unwrap();
    let out = cadre(dir.path(), &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(said.contains("1 participants updated"), "{said}");
    assert!(said.contains("changed participant Ana Pérez"), "{said}");
    assert!(said.contains("gender female -> male"), "{said}");
}
