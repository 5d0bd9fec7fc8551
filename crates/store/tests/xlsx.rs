//! The same columns in a workbook import exactly as from CSV.

use cadre_import::Kind;
use rust_xlsxwriter::{ExcelDateTime, Workbook};

use crate::common::{both, data, fresh_sqlite, problems, TestStore};

/// Writes rows of text into the first sheet, with the given columns written as real dates or
/// numbers, the way a spreadsheet user would have typed them.
fn workbook(path: &std::path::Path, csv_text: &str) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.as_bytes());
    for (r, rec) in reader.records().enumerate() {
        let rec = rec.unwrap();
        for (c, cell) in rec.iter().enumerate() {
            let (row, col) = (r as u32, c as u16);
            let date = (r > 0 && cell.len() == 10)
                .then(|| ExcelDateTime::parse_from_str(cell).ok())
                .flatten();
            if let Some(date) = date {
                let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
                sheet
                    .write_datetime_with_format(row, col, &date, &format)
                    .unwrap();
            } else if r > 0 && !cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit()) && c > 2
            {
                sheet
                    .write_number(row, col, cell.parse::<f64>().unwrap())
                    .unwrap();
            } else if !cell.is_empty() {
                sheet.write_string(row, col, cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

/// The CSV goes into SQLite and the workbook into the backend under test: the same content
/// proves the workbook reading and the two databases alike.
async fn a_workbook_imports_the_same_records_as_its_csv(t: &TestStore) {
    let from_csv = fresh_sqlite().await;
    from_csv.load_2020().await;

    for file in ["partners", "trainings", "sessions"] {
        let text = std::fs::read_to_string(data(&format!("2020/{file}.csv"))).unwrap();
        let path = t.dir.path().join(format!("{file}.xlsx"));
        workbook(&path, &text);
        let kind = match file {
            "partners" => Kind::Partners,
            "trainings" => Kind::Trainings,
            _ => Kind::Sessions,
        };
        t.import_file(kind, &path).await.unwrap();
    }
    assert_eq!(
        t.store.content().await.unwrap(),
        from_csv.store.content().await.unwrap()
    );
}
both!(a_workbook_imports_the_same_records_as_its_csv);

async fn workbook_problems_name_the_row_and_column(t: &TestStore) {
    t.load_2020().await;
    let path = t.dir.path().join("sessions.xlsx");
    workbook(
        &path,
        "training_code,start_date,end_date,participants_total,note\n2020-03,2020-02-30,,,\nnope,2020-05-01,,,\n",
    );
    let got = problems(t.import_file(Kind::Sessions, &path).await);
    let name = path.display();
    assert_eq!(
        got,
        [
            format!("{name}:2:B: start_date: 2020-02-30 does not exist (February 2020 has 29 days)"),
            format!("{name}:3:A: training_code: unknown training code \"nope\": import it in trainings.csv first"),
        ]
    );
}
both!(workbook_problems_name_the_row_and_column);
