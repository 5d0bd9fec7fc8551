//! Imports as users make them, through the application layer, on real files: workbooks written
//! by another program (openpyxl), CSV in the encodings and delimiters spreadsheets save, sheets
//! with title rows and cover pages, headers in other languages, mappings proposed, saved and
//! remembered, rejected rows set aside and imported again, and hostile workbooks refused with
//! nothing written.

mod endings;
mod hostile;
mod known;

use std::path::{Path, PathBuf};
use std::process::Command;

use cadre_app::{Actor, App, ImportOutcome, ImportRequest, MappingSource};
use cadre_core::date_order::DateOrder;
use cadre_import::Kind;
use cadre_store::Store;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A Python with openpyxl: `CADRE_TEST_PYTHON`, or the virtualenv scripts/test.sh makes.
fn python() -> PathBuf {
    if let Ok(p) = std::env::var("CADRE_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = workspace().join("target/test-venv/bin/python");
    assert!(
        venv.exists(),
        "these tests read workbooks written by openpyxl: run scripts/test.sh, which makes \
         target/test-venv with it, or set CADRE_TEST_PYTHON to a python that has it"
    );
    venv
}

/// Writes the openpyxl workbooks into `dir`.
fn openpyxl_workbooks(dir: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/imports/fixtures/workbooks.py");
    let status = Command::new(python())
        .arg(script)
        .arg(dir)
        .status()
        .expect("python runs");
    assert!(status.success(), "the openpyxl fixtures were written");
}

pub struct Env {
    pub dir: tempfile::TempDir,
    pub app: App,
    /// The same database, to inspect what the operations wrote.
    pub store: Store,
    pub actor: Actor,
}

impl Env {
    /// A fresh SQLite store holding the 2020 facts (partners, trainings, sessions).
    pub async fn with_2020() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
        let store = Store::open(&url).await.unwrap();
        let app = App::new(store.clone());
        let env = Env {
            dir,
            app,
            store,
            actor: Actor::new(
                "coordinator",
                cadre_core::access::Grant::plain(cadre_core::access::Role::Coordinator),
            ),
        };
        for (kind, file) in [
            (Kind::Partners, "partners.csv"),
            (Kind::Trainings, "trainings.csv"),
            (Kind::Sessions, "sessions.csv"),
        ] {
            let path = workspace().join("data/2020").join(file);
            let out = env.import(ImportRequest::new(kind, path)).await;
            assert!(!out.refused(), "{}", out.problems);
        }
        env
    }

    pub async fn import(&self, request: ImportRequest) -> ImportOutcome {
        self.app
            .import(&self.actor, &request, &mut |_, _| {})
            .await
            .unwrap()
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub async fn content(&self) -> String {
        self.store.content().await.unwrap()
    }
}

fn counts(out: &ImportOutcome) -> (u64, u64, u64) {
    let s = out
        .summary
        .as_ref()
        .unwrap_or_else(|| panic!("refused: {}", out.problems));
    (s.created, s.updated, s.unchanged)
}

/// A partner's workbook as it comes: a cover page, a merged title above the header, Spanish
/// headers, a department typed as its initials and a country spelt the local way. The
/// proposal maps it, a person completes it, the import takes it, and the next sheet of the
/// same form is read with the remembered mapping.
#[tokio::test]
async fn a_spanish_workbook_is_proposed_mapped_imported_and_remembered() {
    let env = Env::with_2020().await;
    openpyxl_workbooks(env.dir.path());
    let path = env.dir.path().join("participantes.xlsx");
    let mut request = ImportRequest::new(Kind::Attendance, &path);
    request.training = Some("2020-07".into());

    let proposal = env.app.propose_mapping(&env.actor, &request).await.unwrap();
    let m = &proposal.mapping;
    assert_eq!(
        m.sheet.as_deref(),
        Some("Participantes"),
        "the data sheet, not the cover"
    );
    assert_eq!(m.columns["Apellido"], "family_name");
    assert_eq!(m.columns["Nombre"], "given_name");
    assert_eq!(m.columns["Sexo"], "gender");
    assert_eq!(m.columns["País"], "country");
    assert_eq!(m.columns["Departamento"], "department");
    assert_eq!(m.columns["Correo electrónico"], "email");
    assert_eq!(m.fixed["training_code"], "2020-07");
    // Each unknown value once, with its count of rows.
    let toml = proposal.to_toml();
    assert!(toml.contains("# 2 rows: not known"), "{toml}");
    assert!(m.values["department"].contains_key("RPF"), "{toml}");
    // "Sta. Lucía" is Saint Lucia as Spanish writes it: known, nothing to decide.
    assert!(!m.values.contains_key("country"), "{toml}");

    // Without the values decided, the import is refused on those rows, naming the sheet's
    // own header and the cell as the spreadsheet shows it.
    let draft = env.write("draft.toml", toml.as_bytes());
    let mut with_draft = request.clone();
    with_draft.mapping = Some(draft);
    with_draft.training = None;
    let refused = env.import(with_draft).await;
    assert!(refused.refused());
    let said = refused.problems.to_string();
    assert!(
        said.contains("participantes.xlsx:6:E: Departamento (department)"),
        "{said}"
    );

    // Completed by a person: RPF kept as an alias of Police.
    let completed = toml
        .replace("\"RPF\" = \"\"", "\"RPF\" = \"Police\"")
        .replace("[values.department]", "[aliases]");
    let mapping = env.write("MAPPING.toml", completed.as_bytes());
    let mut import = request.clone();
    import.mapping = Some(mapping.clone());
    import.training = None;
    let out = env.import(import).await;
    assert_eq!(counts(&out), (4, 0, 0));
    assert_eq!(out.layout.skipped_above, 1, "the merged title row");
    let people = env.store.participants().await.unwrap();
    let ana = people
        .iter()
        .find(|p| p.person.family_name == "Pérez")
        .unwrap();
    assert_eq!(ana.person.department.as_deref(), Some("Police"));
    assert_eq!(ana.person.country.as_deref(), Some("BZ"));
    let kim = people
        .iter()
        .find(|p| p.person.family_name == "Brown")
        .unwrap();
    assert_eq!(
        kim.person.country.as_deref(),
        Some("LC"),
        "Sta. Lucía read as Saint Lucia"
    );
    assert_eq!(ana.person.gender.map(|g| g.as_str()), Some("female"));

    // The alias is known from now on, to a plain v1 sheet too.
    let v1 = env.write(
        "v1.csv",
        b"training_code,given_name,family_name,email,department\n2020-07,Zed,Young,zed@example.org,RPF\n",
    );
    assert_eq!(
        counts(&env.import(ImportRequest::new(Kind::Attendance, v1)).await),
        (1, 0, 0)
    );

    // The next sheet of the same form needs no --mapping: it is remembered by its header.
    let again = env
        .import(ImportRequest::new(Kind::Attendance, &path))
        .await;
    assert!(matches!(again.mapping, Some(MappingSource::Remembered(_))));
    assert_eq!(counts(&again), (0, 0, 4));

    let history = env.app.import_history(&env.actor, 10).await.unwrap();
    let last = &history[0];
    assert_eq!(
        (
            last.outcome.as_str(),
            last.kind.as_str(),
            last.actor.as_str()
        ),
        ("committed", "attendance", "coordinator")
    );
    assert_eq!((last.created, last.unchanged), (0, 4));
    assert_eq!(last.digest.len(), 64);
    assert!(last.mapping.as_deref().unwrap().contains("Apellido"));
    let refused = history.iter().find(|r| r.outcome == "refused").unwrap();
    assert!(
        refused.problems.contains("Departamento (department)"),
        "{}",
        refused.problems
    );
}

/// A CSV from a European Excel: semicolons, Windows-1252, French headers, dates typed
/// day first. Dates that fit both orders are settled once for the column, or by the column
/// itself when one of them can only be read one way.
#[tokio::test]
async fn a_french_csv_in_windows_1252_with_dates_to_settle() {
    let env = Env::with_2020().await;
    let sheet = |dates: [&str; 2]| {
        let mut text = b"Nom;Pr\xe9nom;Sexe;Pays;Date\n".to_vec();
        for (i, d) in dates.iter().enumerate() {
            text.extend_from_slice(
                format!("Dupont{i};Andr\u{e9};F;Belize;{d}\n")
                    .replace('\u{e9}', "\u{1}")
                    .as_bytes(),
            );
        }
        // The accent as Windows-1252 writes it.
        text.iter()
            .map(|&b| if b == 1 { 0xE9 } else { b })
            .collect::<Vec<u8>>()
    };
    let ambiguous = env.write("ambigu.csv", &sheet(["07/05/2020", "13/07/2020"]));
    let mut request = ImportRequest::new(Kind::Attendance, &ambiguous);
    request.training = Some("2020-03".into());
    let proposal = env.app.propose_mapping(&env.actor, &request).await.unwrap();
    assert_eq!(proposal.mapping.columns["Date"], "session_date");
    assert_eq!(proposal.mapping.delimiter.as_deref(), Some(";"));
    assert_eq!(proposal.mapping.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(
        proposal
            .mapping
            .date_orders
            .get("session_date")
            .map(String::as_str),
        Some("dmy"),
        "13/07 settles it: {}",
        proposal.to_toml()
    );
    let mapping = env.write("m.toml", proposal.to_toml().as_bytes());
    let mut with_mapping = request.clone();
    with_mapping.mapping = Some(mapping.clone());
    with_mapping.training = None;
    let out = env.import(with_mapping.clone()).await;
    assert_eq!(counts(&out), (2, 0, 0));
    let people = env.store.participants().await.unwrap();
    assert!(people.iter().any(|p| p.person.given_name == "André"));

    // Every date fits both orders: refused once, for the column, until the order is said.
    let both = env.write("both.csv", &sheet(["07/05/2020", "07/05/2020"]));
    let text = std::fs::read_to_string(&mapping)
        .unwrap()
        .replace("session_date = \"dmy\"\n", "");
    let undecided = env.write("undecided.toml", text.as_bytes());
    let mut r = ImportRequest::new(Kind::Attendance, &both);
    r.mapping = Some(undecided);
    let out = env.import(r.clone()).await;
    assert!(out.refused());
    assert_eq!(out.problems.len(), 1, "{}", out.problems);
    assert!(
        out.problems.to_string().contains("--date-order dmy or mdy"),
        "{}",
        out.problems
    );
    r.date_order = Some(DateOrder::Dmy);
    // Dupont0 came to the session of 7 May already; Dupont1 is new there.
    assert_eq!(counts(&env.import(r.clone()).await), (1, 0, 1));
    // Month first, 05/07 is the 7th of May: no session of 2020-03 starts then but one.
    r.date_order = Some(DateOrder::Mdy);
    let out = env.import(r).await;
    assert!(
        out.refused(),
        "07/05 month first is July 5th, not a session"
    );
}

/// Rejected rows set aside with their cells and a column saying why; fixed and imported
/// again, they land, and the whole file is then unchanged.
#[tokio::test]
async fn rejected_rows_round_trip() {
    let env = Env::with_2020().await;
    let original = env.write(
        "sheet.csv",
        "training_code,given_name,family_name,email,country\n\
         2020-07,Ann,Grant,ann@example.org,Belize\n\
         2020-07,Bob,Hall,bob@example,Guyana\n\
         2020-07,Cy,Innis,cy@example.org,Belize\n\
         2020-99,=Di,Joy,di@example.org,Belize\n\
         2020-07,Ed,King,ed@example.org,Jamaica\n"
            .as_bytes(),
    );
    let rejects = env.dir.path().join("rejects.csv");
    let mut request = ImportRequest::new(Kind::Attendance, &original);
    request.rejects = Some(rejects.clone());
    let out = env.import(request.clone()).await;
    assert_eq!(counts(&out), (3, 0, 0));
    assert_eq!(out.rejects.as_ref().map(|r| r.1), Some(2));
    let text = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "cadre_problems,training_code,given_name,family_name,email,country"
    );
    assert!(lines[1].starts_with("\"line 3: column 4: email: \"\"bob@example\"\" is not an e-mail address\",2020-07,Bob,Hall,bob@example,Guyana"), "{}", lines[1]);
    assert!(lines[2].contains("unknown training code"), "{}", lines[2]);
    assert!(
        lines[2].contains(",'=Di,"),
        "a formula-looking cell is marked: {}",
        lines[2]
    );
    assert_eq!(lines.len(), 3);

    // The person corrects the two rows in the rejects file and imports it as it is.
    let fixed = text
        .replace("bob@example,", "bob@example.org,")
        .replace(",2020-99,", ",2020-07,");
    std::fs::write(&rejects, fixed).unwrap();
    let out = env
        .import(ImportRequest::new(Kind::Attendance, &rejects))
        .await;
    assert_eq!(counts(&out), (2, 0, 0));

    // The original again: the three good rows unchanged, the two bad ones set aside again.
    // The rejects file may not be the file being imported.
    let mut onto_itself = request.clone();
    onto_itself.rejects = Some(original.clone());
    let e = env
        .app
        .import(&env.actor, &onto_itself, &mut |_, _| {})
        .await
        .unwrap_err();
    assert!(e.to_string().contains("is the file being imported"), "{e}");
    assert!(std::fs::read_to_string(&original)
        .unwrap()
        .contains("Ed,King"));
    let again = env.dir.path().join("again.csv");
    request.rejects = Some(again);
    let out = env.import(request).await;
    assert_eq!(counts(&out), (0, 0, 3));
    assert_eq!(out.summary.unwrap().rejected, 2);
}

/// Without a mapping, a sheet whose headers are not cadre's is refused with the headers found
/// and the closest cadre columns.
#[tokio::test]
async fn unknown_headers_name_the_closest_columns() {
    let env = Env::with_2020().await;
    let path = env.write("t.csv", b"Code,Titel,Start\nX,Y,2020\n");
    let out = env.import(ImportRequest::new(Kind::Trainings, path)).await;
    let said = out.problems.to_string();
    assert!(
        said.contains("unknown column \"Titel\" (it looks like title)"),
        "{said}"
    );
    assert!(
        said.contains("the file's headers are \"Code\", \"Titel\", \"Start\""),
        "{said}"
    );
    assert!(said.contains("--propose-mapping"), "{said}");
}

/// An attendance sheet for one event has no training column: --training names it, and
/// --session its session.
#[tokio::test]
async fn a_sheet_of_one_event_goes_to_the_training_named() {
    let env = Env::with_2020().await;
    let path = env.write(
        "event.csv",
        b"given_name,family_name\nAnn,Grant\nBob,Hall\n",
    );
    let out = env
        .import(ImportRequest::new(Kind::Attendance, &path))
        .await;
    assert!(
        out.problems.to_string().contains("--training CODE"),
        "{}",
        out.problems
    );
    let mut r = ImportRequest::new(Kind::Attendance, &path);
    r.training = Some("2020-03".into());
    let out = env.import(r.clone()).await;
    assert!(
        out.problems.to_string().contains("say which one"),
        "{}",
        out.problems
    );
    r.session = Some("2020-07-13".into());
    assert_eq!(counts(&env.import(r).await), (2, 0, 0));

    // A mapping for such sheets is remembered as it was given: the training named on the
    // command line is not, and the next event's sheet must name its own.
    let first = env.write("first.csv", b"First,Last\nCy,Innis\n");
    let mapping = env.write(
        "m.toml",
        b"format = 1\n[columns]\nFirst = \"given_name\"\nLast = \"family_name\"\n",
    );
    let mut r = ImportRequest::new(Kind::Attendance, &first);
    r.mapping = Some(mapping);
    r.training = Some("2020-07".into());
    assert_eq!(counts(&env.import(r).await), (1, 0, 0));
    let next = env.write("next.csv", b"First,Last\nDee,Jones\n");
    let out = env
        .import(ImportRequest::new(Kind::Attendance, &next))
        .await;
    assert!(matches!(out.mapping, Some(MappingSource::Remembered(_))));
    assert!(
        out.problems.to_string().contains("--training CODE"),
        "{}",
        out.problems
    );
}

/// Workbooks written by openpyxl: dates in the 1904 system, a formula never calculated,
/// a country merged over three rows.
#[tokio::test]
async fn workbooks_from_another_program_are_read_as_they_are() {
    let env = Env::with_2020().await;
    openpyxl_workbooks(env.dir.path());
    let out = env
        .import(ImportRequest::new(
            Kind::Trainings,
            env.dir.path().join("dates-1904.xlsx"),
        ))
        .await;
    assert_eq!(counts(&out), (1, 0, 0));
    let t = env.store.training("M-1").await.unwrap().unwrap();
    assert_eq!(
        t.start.unwrap().to_string(),
        "2021-03-15",
        "not four years early"
    );
    assert_eq!(t.end.unwrap().to_string(), "2021-03-17");

    let before = env.content().await;
    let out = env
        .import(ImportRequest::new(
            Kind::Sessions,
            env.dir.path().join("formula.xlsx"),
        ))
        .await;
    assert!(out.refused());
    let p = &out.problems.list[0];
    assert_eq!((p.line, p.code), (2, "formula-without-value"));
    assert!(p.message.contains("cell C2"), "{p}");
    assert_eq!(before, env.content().await);

    let out = env
        .import(ImportRequest::new(
            Kind::Attendance,
            env.dir.path().join("merged.xlsx"),
        ))
        .await;
    assert_eq!(counts(&out), (4, 0, 0));
    let people = env.store.participants().await.unwrap();
    assert!(people
        .iter()
        .filter(|p| ["Grant", "Hall", "Innis"].contains(&p.person.family_name.as_str()))
        .all(|p| p.person.country.as_deref() == Some("BZ")));
    let dee = people
        .iter()
        .find(|p| p.person.family_name == "Jones")
        .unwrap();
    assert_eq!(dee.person.country, None, "a drop-down is not a merge");
}

/// A workbook of one training's attendance (a title above the header, no training column)
/// with a bad row: set aside, its rejects written as CSV and as a workbook, every line of the
/// CSV as wide as its header, and both read back as sheets with the row and its problem.
#[tokio::test]
async fn a_workbooks_rejected_rows_come_back_as_csv_and_as_a_workbook() {
    let env = Env::with_2020().await;
    let path = env.dir.path().join("lista.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows: [[&str; 4]; 4] = [
        ["Lista de participantes", "", "", ""],
        ["given_name", "family_name", "gender", "country"],
        ["Ana", "Pérez", "F", "Jamaica"],
        ["Luis", "Gómez", "unknown-gender-word", "Jamaica"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save(&path).unwrap();
    let mut request = ImportRequest::new(Kind::Attendance, &path);
    request.training = Some("2020-07".into());
    let csv = env.dir.path().join("rejects.csv");
    let xlsx = env.dir.path().join("rejects.xlsx");
    request.rejects = Some(csv.clone());
    request.rejects_workbook = Some(xlsx.clone());
    let out = env.import(request).await;
    let summary = out
        .summary
        .as_ref()
        .unwrap_or_else(|| panic!("{}", out.problems));
    assert_eq!(
        (summary.created, summary.rejected),
        (1, 1),
        "{}",
        out.problems
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "cadre_problems");
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 1, "{text}");
    assert!(records[0][0].contains("line 4"), "{text}");
    assert_eq!(&records[0][1], "Luis");
    for file in [&csv, &xlsx] {
        let mut back = cadre_import::Sheet::open(file).unwrap();
        assert_eq!(back.sheet_headers()[0], "cadre_problems");
        let row = back.next().unwrap().unwrap();
        assert_eq!(&row.cells[1], "Luis", "{}", file.display());
        assert!(row.cells[0].contains("gender"), "{:?}", row.cells);
        assert!(back.next().is_none());
    }
}
