//! Imports that meet what is known already: changes to known participants listed, held until
//! confirmed and counted, and rows set aside for every kind of file, CSV and workbook alike.

use super::*;

/// A sheet that says otherwise of a participant already recorded (her gender, her
/// organisation): a dry run lists each change, who, from what, to what; the page's import is
/// held for them to be confirmed, nothing written; the command line's import makes them and
/// says so.
#[tokio::test]
async fn changes_to_known_participants_are_listed_held_and_counted() {
    let env = Env::with_2020().await;
    let first = env.write(
        "first.csv",
        b"training_code,given_name,family_name,email,gender,country,organisation\n\
          2020-07,Ana,Perez,ana.perez@police.example,male,JM,JCF\n\
          2020-07,Luis,Gomez,luis.gomez@police.example,male,JM,JCF\n",
    );
    let out = env
        .import(ImportRequest::new(Kind::Attendance, &first))
        .await;
    assert_eq!(
        out.summary.as_ref().unwrap().persons_created,
        2,
        "{}",
        out.problems
    );
    let second = env.write(
        "second.csv",
        b"training_code,given_name,family_name,email,gender,country,organisation\n\
          2020-07,Ana,Perez,ana.perez@police.example,female,JM,Customs\n\
          2020-07,Luis,Gomez,luis.gomez@police.example,male,JM,JCF\n",
    );
    let said = |out: &ImportOutcome| {
        let s = out
            .summary
            .as_ref()
            .unwrap_or_else(|| panic!("{}", out.problems));
        let mut list: Vec<String> = s
            .person_changes
            .iter()
            .map(|c| format!("{}: {} {} -> {}", c.name, c.field, c.from, c.to))
            .collect();
        list.sort();
        (s.persons_updated, list)
    };
    let expected = (
        1,
        vec![
            "Ana Perez: gender male -> female".to_string(),
            "Ana Perez: organisation JCF -> Customs".to_string(),
        ],
    );
    let before = env.content().await;
    let mut dry = ImportRequest::new(Kind::Attendance, &second);
    dry.dry_run = true;
    let out = env.import(dry).await;
    assert_eq!(said(&out), expected);
    assert!(out
        .summary
        .as_ref()
        .unwrap()
        .to_string()
        .contains("1 participants updated"));
    let mut held = ImportRequest::new(Kind::Attendance, &second);
    held.hold_person_changes = true;
    let out = env.import(held).await;
    assert!(out.summary.as_ref().unwrap().held);
    assert_eq!(said(&out), expected);
    assert_eq!(before, env.content().await, "held: nothing written");
    let out = env
        .import(ImportRequest::new(Kind::Attendance, &second))
        .await;
    assert!(!out.summary.as_ref().unwrap().held);
    assert_eq!(said(&out), expected);
    assert_ne!(before, env.content().await, "confirmed: written");
    let history = env.app.import_history(&env.actor, 10).await.unwrap();
    let outcomes: Vec<&str> = history.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(&outcomes[..3], ["committed", "dry-run", "dry-run"]);
    // Said again, the same rows change nothing more.
    let out = env
        .import(ImportRequest::new(Kind::Attendance, &second))
        .await;
    assert_eq!(said(&out), (0, vec![]));
}

/// Rows set aside, for every kind of sheet, as CSV and as a workbook: a dry run and then the
/// import take the good row and set the bad one aside, in a rejects file (and a workbook's
/// rejects as a workbook too) that holds just that row. Published figures are one record:
/// they are refused whole, said as such.
#[tokio::test]
async fn rows_are_set_aside_for_every_kind_in_csv_and_workbooks() {
    let cases: [(Kind, &str, [&str; 2], [&str; 2]); 5] = [
        (
            Kind::Departments,
            "name,aliases",
            ["Coast Guard Training Unit,CGTU", ",nameless"],
            ["CGTU", "nameless"],
        ),
        (
            Kind::Partners,
            "name,short_name,parent",
            [
                "Set Aside Agency,SAA,",
                "Orphan Programme,OP,NO-SUCH-PARENT",
            ],
            ["SAA", "NO-SUCH-PARENT"],
        ),
        (
            Kind::Trainings,
            "code,title,start_date",
            [
                "SA-1,Set aside good,2020-06-15",
                "SA-2,Set aside bad,2020-02-31",
            ],
            ["SA-1", "2020-02-31"],
        ),
        (
            Kind::Sessions,
            "training_code,start_date",
            ["2020-03,2020-09-01", "NO-SUCH-TRAINING,2020-09-01"],
            ["2020-03", "NO-SUCH-TRAINING"],
        ),
        (
            Kind::Attendance,
            "training_code,given_name,family_name,gender",
            ["2020-07,Good,Row,F", "2020-07,Bad,Row,XX"],
            ["Good", "XX"],
        ),
    ];
    for workbook in [false, true] {
        for (kind, header, [good, bad], [good_mark, bad_mark]) in cases {
            let env = Env::with_2020().await;
            let name = format!(
                "{}.{}",
                kind.as_str(),
                if workbook { "xlsx" } else { "csv" }
            );
            let path = env.dir.path().join(&name);
            let lines = [header, good, bad];
            if workbook {
                let mut book = rust_xlsxwriter::Workbook::new();
                let sheet = book.add_worksheet();
                for (r, line) in lines.iter().enumerate() {
                    for (c, cell) in line.split(',').enumerate() {
                        if !cell.is_empty() {
                            sheet.write_string(r as u32, c as u16, cell).unwrap();
                        }
                    }
                }
                book.save(&path).unwrap();
            } else {
                std::fs::write(&path, lines.join("\n") + "\n").unwrap();
            }
            for dry_run in [true, false] {
                let mut request = ImportRequest::new(kind, &path);
                request.dry_run = dry_run;
                let csv = env.dir.path().join("rejects.csv");
                let xlsx = env.dir.path().join("rejects.xlsx");
                request.rejects = Some(csv.clone());
                request.rejects_workbook = workbook.then(|| xlsx.clone());
                let out = env.import(request).await;
                let s = out
                    .summary
                    .as_ref()
                    .unwrap_or_else(|| panic!("{name}: {}", out.problems));
                assert_eq!(
                    (s.rejected, s.created),
                    (1, 1),
                    "{name} (dry run {dry_run}): {}",
                    out.problems
                );
                let text = std::fs::read_to_string(&csv).unwrap();
                assert!(
                    text.contains(bad_mark) && !text.contains(good_mark),
                    "{name}: {text}"
                );
                if workbook {
                    let mut back = cadre_import::Sheet::open(&xlsx).unwrap();
                    let row = back.next().unwrap().unwrap();
                    assert!(
                        row.cells.iter().any(|c| c.contains(bad_mark)),
                        "{name}: {:?}",
                        row.cells
                    );
                }
            }
        }
    }
    // Published figures: refused whole, never in part, and said so.
    let env = Env::with_2020().await;
    let path = env.write(
        "figures.csv",
        b"figure,value,note\ntrainings,29,\nno_such_figure,1,\n",
    );
    let mut request = ImportRequest::new(Kind::Published, &path);
    request.rejects = Some(env.dir.path().join("rejects.csv"));
    let out = env.import(request).await;
    assert!(out.refused());
    assert!(
        out.problems.to_string().contains("no_such_figure"),
        "{}",
        out.problems
    );
}
