//! What the 2020 facts do not know, in every format: never a 0.

use super::*;

/// The 2020 facts know no gender split, no value and no participants by country: no format
/// shows a 0 for them, each says they are not recorded (or leaves the cell empty, in files
/// other programs read).
#[tokio::test]
async fn what_2020_does_not_know_is_never_a_zero() {
    use calamine::{Data, Reader, Xlsx};
    let r = report_2020().await;
    let html = text(&r, Format::Html);
    let md = text(&r, Format::Markdown);
    for (name, doc) in [("html", &html), ("markdown", &md)] {
        assert!(
            !doc.contains("USD 0<") && !doc.contains("USD 0 "),
            "{name}: USD 0"
        );
        assert!(
            !doc.contains("USD 0\n") && !doc.contains("USD 0 |"),
            "{name}: USD 0"
        );
        assert!(doc.contains("not recorded"), "{name}");
        assert!(
            !doc.contains("Participants (from records)"),
            "{name}: a column of zeros"
        );
    }
    assert!(html.contains(
        "<span class=\"value\">Not recorded</span><span class=\"label\">estimated value</span>"
    ));
    assert!(!html.contains("<td>Male</td><td class=\"num\">0</td>"));
    assert!(!md.contains("| Male | 0 |"));
    assert!(html.contains("gender is not recorded for the trainings of this period"));

    let pdf = render(&r, Format::Pdf).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let flat = doc
        .extract_text(&pages)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!flat.contains("USD 0 "), "pdf: USD 0");
    assert!(flat.contains("Not recorded estimated value"), "{flat}");

    let csv_text = text(&r, Format::Csv);
    let mut reader = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    for row in reader.records().map(Result::unwrap) {
        let figures = [&row[3], &row[5]];
        match (&row[0], &row[1]) {
            ("participants", "male" | "female") => assert_eq!(&row[3], "", "{row:?}"),
            ("value", "total") => assert_eq!(&row[5], "", "{row:?}"),
            ("country" | "department", _) => assert_eq!(&row[3], "", "{row:?}"),
            _ => assert!(figures.iter().all(|f| *f != "0.00"), "{row:?}"),
        }
    }

    let bytes = render(&r, Format::Xlsx).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let summary = book.worksheet_range("Summary").unwrap();
    for label in ["Male", "Female", "Estimated value (USD)"] {
        let row = summary
            .rows()
            .find(|row| row.first() == Some(&Data::String(label.into())))
            .unwrap();
        assert!(
            matches!(row.get(1), None | Some(Data::Empty)),
            "{label}: {row:?}"
        );
    }

    // JSON keeps null for what is not known: a program reading it cannot take it for 0.
    let json: serde_json::Value =
        serde_json::from_slice(&render(&r, Format::Json).unwrap()).unwrap();
    assert_eq!(json["value_usd"], serde_json::Value::Null);
    assert_eq!(json["value_words"], serde_json::Value::Null);
    assert_eq!(json["participants"]["male"], serde_json::Value::Null);
    assert_eq!(json["participants"]["female"], serde_json::Value::Null);
    assert!(json["participants"]["total"].as_u64().unwrap() > 0);
}

/// Trainings known by their figures alone count where they name one department or country,
/// and are said "not split" where they name several; the chart draws no bar for a line whose
/// participants are not known.
#[tokio::test]
async fn figures_of_trainings_without_records_are_placed_or_said_not_split() {
    let r = report_2020().await;
    let placed: u64 = r.departments.iter().map(|d| d.from_figures).sum();
    assert!(placed > 0 && r.departments_not_split > 0);
    // Every participant counted from figures is placed or not split, none twice (a training
    // that names no department is in neither).
    let named_none: u64 = r
        .listing
        .iter()
        .filter(|t| t.departments.is_empty())
        .filter_map(|t| t.participants.map(|c| c.total))
        .sum();
    assert_eq!(
        placed + r.departments_not_split + named_none,
        r.persons_from_aggregates
    );
    let html = text(&r, Format::Html);
    assert!(html.contains("Participants by department"));
    assert!(html.contains("are not split between them"));
    assert!(
        !html.contains("Prosecution: 0"),
        "no bar of 0 for a line not known"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&render(&r, Format::Json).unwrap()).unwrap();
    assert_eq!(
        json["departments_not_split"].as_u64(),
        Some(r.departments_not_split)
    );
}
