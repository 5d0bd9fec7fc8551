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
}
