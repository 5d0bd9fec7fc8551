//! The report rendered from the real 2020 files, through import and the store, in every format.

use std::path::PathBuf;

use cadre_app::{Actor, App, ImportRequest};
use cadre_core::report::{build, Period, Report};
use cadre_import::Kind;
use cadre_render::{render, Format};
use cadre_store::Store;

/// Imports a file as a local admin would, through the application layer.
async fn import(store: &Store, kind: Kind, path: &std::path::Path) {
    let outcome = App::new(store.clone())
        .import(
            &Actor::local(),
            &ImportRequest::new(kind, path),
            &mut |_, _| {},
        )
        .await
        .unwrap();
    assert!(!outcome.refused(), "{}", outcome.problems);
}

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(path)
}

async fn store_with_2020() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", dir.path().join("r.db").display()))
        .await
        .unwrap();
    for (kind, file) in [
        (Kind::Partners, "partners.csv"),
        (Kind::Trainings, "trainings.csv"),
        (Kind::Sessions, "sessions.csv"),
        (Kind::Published, "period-2020-published.csv"),
    ] {
        import(&store, kind, &data(&format!("2020/{file}"))).await;
    }
    (dir, store)
}

/// The period of the published page: January to September 2020.
async fn report_2020() -> Report {
    let (_dir, store) = store_with_2020().await;
    let from = cadre_core::Date::parse("2020-01-01").unwrap();
    let to = cadre_core::Date::parse("2020-09-30").unwrap();
    let period = Period::new(from, to).unwrap();
    build(period, &store.report_input(period).await.unwrap())
}

/// The synthetic year, with attendance records, for the breakdowns that need them.
async fn report_synthetic() -> Report {
    let (dir, store) = store_with_2020().await;
    let config = cadre_gen::Config::demo_year(2021);
    let (mut t, mut s, mut a) = (Vec::new(), Vec::new(), Vec::new());
    cadre_gen::generate(&config, &mut t, &mut s, &mut a).unwrap();
    for (kind, bytes) in [
        (Kind::Trainings, t),
        (Kind::Sessions, s),
        (Kind::Attendance, a),
    ] {
        let path = dir.path().join(format!("synthetic-{}.csv", kind.as_str()));
        std::fs::write(&path, bytes).unwrap();
        import(&store, kind, &path).await;
    }
    let period = Period::year(2021);
    let report = build(period, &store.report_input(period).await.unwrap());
    // Counted from the attendance just imported, in this same process.
    assert!(
        report.persons > 100 && report.countries.len() > 10,
        "{report:?}"
    );
    report
}

fn text(r: &Report, format: Format) -> String {
    String::from_utf8(render(r, format).unwrap()).unwrap()
}

#[tokio::test]
async fn the_2020_report_counts_what_the_facts_support() {
    let r = report_2020().await;
    assert_eq!(r.trainings.total, 14);
    assert_eq!((r.trainings.physical, r.trainings.virtual_), (2, 12));
    // 29 + 33 + 111 + 60 + 263 + 155 + 325 + 154 + 27 + 377 + 78; three trainings have no count.
    assert_eq!(r.participants.total, 1_612);
    assert_eq!(
        r.participants.not_recorded, 1_612,
        "the page gives no gender per training"
    );
    assert_eq!(r.trainings_without_count(), 3);
    assert_eq!(r.persons, 1_612);
    let reached: Vec<&str> = r.countries.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(reached.len(), 15);
    assert!(reached.contains(&"DO"));
    assert!(r
        .quality
        .iter()
        .any(|q| q.rule == "count_unknown" && q.training.as_deref() == Some("2020-14")));
}

#[tokio::test]
async fn html_snapshot_2020() {
    let html = text(&report_2020().await, Format::Html);
    // Self-contained: no script, no stylesheet or image fetched from elsewhere.
    for banned in ["<script", "<link", "src=\"http", "href=\"http", "@import"] {
        assert!(!html.contains(banned), "{banned}");
    }
    insta::assert_snapshot!("report_2020_html", html);
}

#[tokio::test]
async fn markdown_snapshot_2020() {
    insta::assert_snapshot!(
        "report_2020_md",
        text(&report_2020().await, Format::Markdown)
    );
}

#[tokio::test]
async fn json_keeps_its_contract() {
    let r = report_synthetic().await;
    let v: serde_json::Value = serde_json::from_str(&text(&r, Format::Json)).unwrap();
    for pointer in [
        "/period/from",
        "/period/to",
        "/trainings/total",
        "/trainings/physical",
        "/trainings/virtual",
        "/trainings/hybrid",
        "/value_usd",
        "/value_words",
        "/participants/total",
        "/participants/male",
        "/participants/female",
        "/participants/not_recorded",
        "/persons/total",
        "/countries/0/code",
        "/countries/0/name",
        "/countries/0/participants",
        "/departments/0/name",
        "/departments/0/participants",
        "/partners/0/short_name",
        "/partners/0/name",
        "/partners/0/trainings",
        "/partners/0/participants",
        "/trainings_list/0/code",
        "/trainings_list/0/title",
        "/trainings_list/0/start_date",
        "/trainings_list/0/end_date",
        "/trainings_list/0/modality",
        "/trainings_list/0/partners",
        "/trainings_list/0/participants",
    ] {
        assert!(v.pointer(pointer).is_some(), "{pointer} missing");
    }
    assert_eq!(v["period"]["from"], "2021-01-01");
    assert_eq!(v["trainings"]["total"], 24);
    let value = v["value_usd"].as_str().unwrap();
    assert_eq!(
        value,
        format!("{}.{:02}", r.value.cents() / 100, r.value.cents() % 100)
    );
    assert!(value.split_once('.').unwrap().1.len() == 2);
    let p = &v["participants"];
    assert_eq!(
        p["total"].as_u64().unwrap(),
        p["male"].as_u64().unwrap()
            + p["female"].as_u64().unwrap()
            + p["not_recorded"].as_u64().unwrap()
    );
    assert!(
        v["persons"]["total"].as_u64().unwrap() < p["total"].as_u64().unwrap(),
        "repeat attendees"
    );

    let v2020: serde_json::Value =
        serde_json::from_str(&text(&report_2020().await, Format::Json)).unwrap();
    assert!(v2020["quality"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["rule"] == "count_unknown"
            && q["training"] == "2020-03"
            && q["message"].as_str().is_some()));
    insta::assert_snapshot!(
        "report_2020_json",
        serde_json::to_string_pretty(&v2020).unwrap()
    );
}

#[tokio::test]
async fn the_pdf_carries_the_headline_figures_as_text() {
    let r = report_synthetic().await;
    let bytes = render(&r, Format::Pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-1.4"));
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert!(pages.len() >= 2);
    let all = doc.extract_text(&pages).unwrap();
    let flat = all.split_whitespace().collect::<Vec<_>>().join(" ");
    let words = cadre_core::words::ENGLISH;
    for expected in [
        "2021 Trainings".to_string(),
        "Twenty-Four (24) trainings".to_string(),
        words.count(r.participants.total),
        words.count(r.participants.male),
        cadre_render::view::usd(r.value),
        "Listing of trainings delivered".to_string(),
        "Data quality and provenance".to_string(),
    ] {
        let expected = expected.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&expected), "{expected:?} not in the PDF text");
    }
    // The document's title reads as written (a reader decodes the UTF-16 text string; the
    // unit test of `text_string` covers an en dash).
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let title = doc
        .get_object(info)
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"Title")
        .unwrap()
        .as_str()
        .unwrap();
    assert_eq!(
        &title[..2],
        &[0xFE, 0xFF],
        "UTF-16 with its byte order mark"
    );
    let units: Vec<u16> = title[2..]
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    let title = String::from_utf16(&units).unwrap();
    assert_eq!(title, cadre_render::view::title(&r));
}

#[tokio::test]
async fn the_workbook_reads_back() {
    use calamine::{Data, Reader, Xlsx};
    let r = report_synthetic().await;
    let bytes = render(&r, Format::Xlsx).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "Gender",
            "Departments",
            "Countries",
            "Months",
            "Partners",
            "Trainings",
            "Data quality"
        ]
    );
    let summary = book.worksheet_range("Summary").unwrap();
    let figure = |label: &str| {
        summary
            .rows()
            .find(|row| row.first() == Some(&Data::String(label.into())))
            .and_then(|row| row.get(1).cloned())
    };
    assert_eq!(figure("Trainings"), Some(Data::Float(24.0)));
    assert_eq!(
        figure("Participants"),
        Some(Data::Float(r.participants.total as f64))
    );
    assert_eq!(
        figure("Estimated value (USD)"),
        Some(Data::Float(r.value.cents() as f64 / 100.0))
    );
    let trainings = book.worksheet_range("Trainings").unwrap();
    assert_eq!(trainings.height(), 1 + 24);
    let countries = book.worksheet_range("Countries").unwrap();
    assert_eq!(countries.height(), 1 + r.countries.len());
}

#[tokio::test]
async fn csv_is_long_form_and_adds_up() {
    let r = report_synthetic().await;
    let csv_text = text(&r, Format::Csv);
    // A byte-order mark first, for Excel; the rest is plain CSV.
    let csv_text = csv_text
        .strip_prefix('\u{feff}')
        .expect("the CSV starts with a byte-order mark");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "section",
            "key",
            "label",
            "participants",
            "trainings",
            "value_usd"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let sum = |section: &str| -> u64 {
        rows.iter()
            .filter(|r| &r[0] == section)
            .map(|r| r[3].parse::<u64>().unwrap_or(0))
            .sum()
    };
    assert_eq!(sum("training"), r.participants.total);
    assert_eq!(
        sum("country"),
        r.participants.total,
        "every synthetic person has a country"
    );
    let gender: u64 = rows
        .iter()
        .filter(|r| &r[0] == "participants" && &r[1] != "total")
        .map(|r| r[3].parse::<u64>().unwrap())
        .sum();
    assert_eq!(gender, r.participants.total);
}

/// The 2020 report with hostile text where records put text: a formula, a `javascript:` link,
/// raw HTML and a script, as a careless or malicious entry would type them.
async fn report_hostile() -> Report {
    let mut r = report_2020().await;
    r.listing[0].title = "=HYPERLINK(\"http://evil.example\",\"Open\")".into();
    r.listing[1].title = "[click](javascript:alert(1))".into();
    r.listing[2].title = "<img src=x onerror=alert(1)>".into();
    r.listing[3].title = "<script>alert(1)</script>".into();
    r.listing[4].title = "*bold* _it_ `code` a|b back\\slash".into();
    r.listing[5].code = "\r2020-07".into();
    r.listing[6].title = "Train-the-Trainers for Côte d'Ivoire's Customs".into();
    r.partners[0].name = "+cmd|' /C calc'!A0".into();
    r.partners[0].short_name = "@SUM(1+1)".into();
    r.departments[0].name = "-2+3".into();
    r.departments[1].name = "<b onmouseover=alert(1)>Customs</b>".into();
    r.countries[0].name = "\tBarbados".into();
    r.countries[1].name = "Côte d'Ivoire".into();
    r
}

/// What a spreadsheet takes for the start of a formula (OWASP, CSV injection).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

#[tokio::test]
async fn csv_text_cells_cannot_start_a_formula() {
    let r = report_hostile().await;
    let csv_text = text(&r, Format::Csv);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for row in &rows {
        for cell in row.iter().take(3) {
            assert!(!cell.starts_with(FORMULA_START), "{row:?}");
        }
    }
    let cell = |section: &str, col: usize, value: &str| {
        rows.iter()
            .any(|row| &row[0] == section && &row[col] == value)
    };
    assert!(cell(
        "training",
        2,
        "'=HYPERLINK(\"http://evil.example\",\"Open\")"
    ));
    assert!(cell("training", 1, "'\r2020-07"));
    assert!(cell("partner", 1, "'@SUM(1+1)"));
    assert!(cell("partner", 2, "'+cmd|' /C calc'!A0"));
    assert!(cell("department", 1, "'-2+3"));
    assert!(cell("department", 2, "'-2+3"));
    assert!(cell("country", 2, "'\tBarbados"));
    assert!(cell("country", 2, "Côte d'Ivoire"), "other text as typed");
    assert!(cell("training", 1, "2020-01"));
    // Figures cadre formats are not text: they stay numbers.
    assert!(rows
        .iter()
        .filter(|row| &row[0] == "training")
        .all(|row| row[3].is_empty() || row[3].parse::<u64>().is_ok()));
}

#[tokio::test]
async fn markdown_shows_hostile_text_as_text() {
    let md = text(&report_hostile().await, Format::Markdown);
    for banned in ["<img", "<script", "<b ", "[click]"] {
        assert!(!md.contains(banned), "{banned}");
    }
    // No link can form: every closing bracket before a parenthesis is escaped.
    assert!(md.match_indices("](").all(|(i, _)| md[..i].ends_with('\\')));
    for shown in [
        r"\[click\](javascript:alert(1))",
        r"&lt;img src=x onerror=alert(1)&gt;",
        r"&lt;script&gt;alert(1)&lt;/script&gt;",
        r"\*bold\* \_it\_ \`code\` a\|b back\\slash",
        r"@SUM(1+1)",
        "| Train-the-Trainers for Côte d'Ivoire's Customs |",
        "| &lt;b onmouseover=alert(1)&gt;Customs&lt;/b&gt; |",
    ] {
        assert!(md.contains(shown), "{shown} not in\n{md}");
    }
    assert!(!md.contains('\r'), "a carriage return ends a table row");
}

#[tokio::test]
async fn html_escapes_hostile_text() {
    let html = text(&report_hostile().await, Format::Html);
    // The department also goes through the SVG chart, which the page includes unescaped.
    for banned in ["<script", "<img", "onerror=alert(1)>", "<b onmouseover"] {
        assert!(!html.contains(banned), "{banned}");
    }
    // askama writes `<` and `>` as numeric entities; either spelling is escaped.
    let html = html.replace("&#60;", "&lt;").replace("&#62;", "&gt;");
    assert!(
        html.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"),
        "{html}"
    );
    assert!(html.contains("<td>&lt;img src=x onerror=alert(1)&gt;</td>"));
}

#[tokio::test]
async fn the_workbook_holds_record_text_as_strings_not_formulas() {
    use calamine::{Data, Reader, Xlsx};
    let r = report_hostile().await;
    let bytes = render(&r, Format::Xlsx).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    for sheet in book.sheet_names() {
        let formulas = book.worksheet_formula(&sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "a formula in {sheet}"
        );
    }
    let trainings = book.worksheet_range("Trainings").unwrap();
    assert_eq!(
        trainings.get_value((1, 1)),
        Some(&Data::String(
            "=HYPERLINK(\"http://evil.example\",\"Open\")".into()
        ))
    );
    let partners = book.worksheet_range("Partners").unwrap();
    // Its name, then its short name.
    assert_eq!(
        partners.get_value((1, 0)),
        Some(&Data::String("+cmd|' /C calc'!A0".into()))
    );
    assert_eq!(
        partners.get_value((1, 1)),
        Some(&Data::String("@SUM(1+1)".into()))
    );
}

/// The 2020 page's faults, each found by its rule, and nothing else that is wrong: what the
/// rules find beyond them are notes of where a figure comes from.
#[tokio::test]
async fn the_2020_data_gives_the_pages_faults_and_nothing_spurious() {
    use cadre_core::quality::Severity;
    let r = report_2020().await;
    let faults: Vec<(String, &str)> = r
        .quality
        .iter()
        .filter(|f| f.severity != Severity::Note)
        .filter(|f| f.rule != "value_missing")
        .map(|f| {
            (
                f.training.clone().unwrap_or_else(|| "period".into()),
                f.rule.code(),
            )
        })
        .collect();
    assert_eq!(
        faults,
        [
            ("2020-03".to_string(), "count_unknown"),
            ("2020-04".into(), "count_unknown"),
            ("2020-14".into(), "count_unknown"),
            ("2020-14".into(), "no_partner"),
            ("2020-14".into(), "same_summary"),
            ("period".into(), "published_differs"),
            ("period".into(), "declared_not_itemised"),
            ("period".into(), "declared_value_not_itemised"),
        ]
    );
    // Every itemised training lacks a value: the value is declared for the period only.
    assert_eq!(
        r.quality
            .iter()
            .filter(|f| f.rule == "value_missing")
            .count(),
        14
    );
    let same = r.quality.iter().find(|f| f.rule == "same_summary").unwrap();
    assert_eq!(same.text("other"), "2020-13");
    let gap = r
        .quality
        .iter()
        .find(|f| f.rule == "declared_gender_not_recorded")
        .unwrap();
    assert_eq!(
        (
            gap.n("persons"),
            gap.n("male"),
            gap.n("female"),
            gap.n("not_recorded")
        ),
        (4053, 2218, 1770, 65)
    );
    // Declared against recorded, each difference explained.
    let lines: Vec<(&str, i64, i64, Vec<&str>)> = r
        .declared
        .iter()
        .map(|d| {
            (
                d.figure.as_str(),
                d.declared,
                d.recorded,
                d.explained_by.iter().map(|(rule, _)| rule.code()).collect(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("trainings", 29, 14, vec!["declared_not_itemised"]),
            (
                "persons_trained",
                4053,
                1612,
                vec!["count_unknown", "declared_not_itemised"]
            ),
            (
                "male",
                2218,
                0,
                vec!["aggregate_only", "count_unknown", "declared_not_itemised"]
            ),
            (
                "female",
                1770,
                0,
                vec!["aggregate_only", "count_unknown", "declared_not_itemised"]
            ),
            (
                "gender_not_recorded",
                65,
                1612,
                vec!["declared_gender_not_recorded", "aggregate_only"]
            ),
            ("physical_trainings", 2, 2, vec![]),
            (
                "value_usd",
                393_780_100,
                0,
                vec![
                    "declared_value_not_itemised",
                    "value_missing",
                    "declared_not_itemised"
                ]
            ),
        ]
    );
    let persons = &r.declared[1].explained_by;
    assert_eq!(persons[0], (cadre_core::quality::Rule::CountUnknown, 3));
    assert!(!r.quality.iter().any(|f| f.rule == "declared_unexplained"));
}

#[path = "formats/unknown.rs"]
mod unknown;

#[path = "formats/face.rs"]
mod face;
