//! Reading sheets as they come: lines counted as an editor shows them, broken quoting and
//! cells under no header refused, encodings, delimiters and title rows found out.

use super::*;
use crate::problem::Problems;

fn sheet(text: &'static [u8]) -> Sheet {
    Sheet::from_csv("f.csv", text, text.len() as u64).unwrap()
}

fn problems_of(result: Result<Sheet, ImportError>) -> Problems {
    match result {
        Err(ImportError::Problems(p)) => p,
        Err(e) => panic!("expected problems, got {e}"),
        Ok(_) => panic!("expected problems, the sheet was read"),
    }
}

#[test]
fn lines_are_counted_as_in_the_file() {
    // A quoted cell spanning two lines, a blank line and a byte-order mark.
    let s = sheet(b"\xEF\xBB\xBFcode,note\nA,\"two\n\nlines\"\n\r\n\nB,x\r\nC,y\n");
    assert_eq!(s.headers(), ["code", "note"]);
    let rows: Vec<Row> = s.map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[0].line, &rows[0].cells[1]), (2, "two\n\nlines"));
    assert_eq!((rows[1].line, &rows[1].cells[0]), (7, "B"));
    assert_eq!((rows[2].line, &rows[2].cells[0]), (8, "C"));
}

/// Lines are counted the same however the file arrives: here a byte at a time, so that
/// every line end, quote and carriage return falls at the edge of a read.
#[test]
fn lines_are_counted_across_reads() {
    struct ByteByByte(&'static [u8]);
    impl Read for ByteByByte {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }
    let text = b"code,note\r\n\r\nA,\"x\r\n\"\"\"\r\n\r\r\n \nB,y\n\nC,z";
    let s = Sheet::from_csv("f.csv", ByteByByte(text), text.len() as u64).unwrap();
    let rows: Vec<(usize, String)> = s
        .map(Result::unwrap)
        .map(|r| (r.line, r.cells[0].to_string()))
        .collect();
    let whole: Vec<(usize, String)> = sheet(text)
        .map(Result::unwrap)
        .map(|r| (r.line, r.cells[0].to_string()))
        .collect();
    assert_eq!(rows, whole);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [3, 7, 9]);
}

/// Reading into one reused row gives what iterating gives: the same rows, lines and
/// problems, blank lines skipped.
#[test]
fn rows_read_into_one_buffer_are_the_rows() {
    let text = b"code,title\n\nA,ok\n,\nB,caf\xC3\xA9\n\"C\",\"two\nlines\"\n";
    let iterated: Vec<_> = sheet(text).collect();
    let mut s = sheet(text);
    let mut row = Row::default();
    let mut read = Vec::new();
    while let Some(item) = s.next_into(&mut row) {
        read.push(item.map(|()| row.clone()));
    }
    assert_eq!(read, iterated);
    assert_eq!(read.len(), 3);
}

/// The defect: an unclosed quote made the rest of the file one cell, and the import said
/// "1 rows read". The file is now refused at the line where the quote opens.
#[test]
fn an_unclosed_quote_is_refused_where_it_opens() {
    let text = b"code,title,note\nA,One,\"fine\"\nB,Two,\"oops\nC,Three,x\nD,Four,y\n";
    let items: Vec<_> = sheet(text).collect();
    assert!(items[0].is_ok());
    let p = items
        .iter()
        .find_map(|i| i.as_ref().err())
        .expect("a problem");
    assert_eq!((p.line, p.code), (3, "unclosed-quote"), "{p}");
    assert!(p.to_string().starts_with("f.csv:3: a quote opened"), "{p}");
    // A quote inside a cell (not at its start) is text, as the csv reader reads it.
    let fine: Vec<_> = sheet(b"code,title\nA,5\" screen\nB,x\n").collect();
    assert!(fine.iter().all(Result::is_ok), "{fine:?}");
    assert_eq!(fine.len(), 2);
}

/// A quote left open in a large file is stopped at the row limit, not read to the end.
#[test]
fn an_unclosed_quote_stops_at_the_row_limit() {
    let mut text = b"code,note\nA,\"open\n".to_vec();
    for i in 0..20_000 {
        text.extend_from_slice(format!("R{i},row\n").as_bytes());
    }
    let options = ReadOptions {
        limits: Limits {
            max_row_bytes: 4096,
            ..Limits::default()
        },
        ..ReadOptions::default()
    };
    let len = text.len() as u64;
    let s = Sheet::from_csv_with("f.csv", std::io::Cursor::new(text), len, &options).unwrap();
    let items: Vec<_> = s.collect();
    let p = items.last().unwrap().as_ref().unwrap_err();
    assert_eq!((p.line, p.code), (2, "unclosed-quote"), "{p}");
}

/// The defect: a row with more cells than its header was cut at the header's width.
#[test]
fn a_row_wider_than_its_header_is_refused() {
    let items: Vec<_> = sheet(b"code,title\nA,Firearms, basic\nB,ok,\n").collect();
    let p = items[0].as_ref().unwrap_err();
    assert_eq!(
        (p.line, p.column, p.code),
        (2, Some(3), "cell-without-header")
    );
    assert!(
        p.message.contains("\" basic\"") || p.message.contains("\"basic\""),
        "{p}"
    );
    // An empty trailing cell (spreadsheet exports write them) loses nothing.
    assert!(items[1].is_ok());
    // Data under an empty header is refused too.
    let items: Vec<_> = sheet(b"code,,title\nA,x,T\n").collect();
    assert_eq!(items[0].as_ref().unwrap_err().column, Some(2));
    // Unless the mapping says the extra cells are to be ignored.
    let options = ReadOptions {
        ignore_extra: true,
        ..ReadOptions::default()
    };
    let text = b"code,title\nA,Firearms, basic\n";
    let s = Sheet::from_csv_with("f.csv", &text[..], 0, &options).unwrap();
    assert!(s.into_iter().all(|r| r.is_ok()));
}

#[test]
fn semicolons_and_windows_1252_are_read() {
    let s = sheet(b"code;title;country\nA;Caf\xe9 training;Cura\xe7ao\n");
    assert_eq!(s.layout().delimiter, Some(b';'));
    assert_eq!(s.layout().encoding, Some(TextEncoding::Windows1252));
    let rows: Vec<Row> = s.map(Result::unwrap).collect();
    assert_eq!(&rows[0].cells[1], "Café training");
    assert_eq!(&rows[0].cells[2], "Curaçao");
}

#[test]
fn tabs_and_utf16_are_read() {
    let text = "code\ttitle\nA\tTítulo\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let len = bytes.len() as u64;
    let s = Sheet::from_csv("f.csv", std::io::Cursor::new(bytes), len).unwrap();
    assert_eq!(s.headers(), ["code", "title"]);
    let rows: Vec<Row> = s.map(Result::unwrap).collect();
    assert_eq!(&rows[0].cells[1], "Título");
}

#[test]
fn title_rows_above_the_header_are_passed_over() {
    const KNOWN: &[&str] = &["code", "title", "start_date"];
    let text =
        b"CARICOM IMPACS,,\nTrainings delivered in 2020,,\n,,\ncode,title,start_date\nA,One,2020\n";
    let options = ReadOptions {
        known: KNOWN,
        ..ReadOptions::default()
    };
    let s = Sheet::from_csv_with("f.csv", &text[..], 0, &options).unwrap();
    assert_eq!(s.header_line(), 4);
    assert_eq!(s.layout().skipped_above, 2);
    let rows: Vec<Row> = s.map(Result::unwrap).collect();
    assert_eq!((rows.len(), rows[0].line), (1, 5));
    // Said outright, the header row is taken as said.
    let options = ReadOptions {
        header_row: Some(2),
        ..ReadOptions::default()
    };
    let s = Sheet::from_csv_with("f.csv", &text[..], 0, &options).unwrap();
    assert_eq!(s.header_line(), 2);
    // And without knowing the columns, the first row as wide as the table is the header.
    let s = sheet(b"Attendance list\n\nName,Surname,Country\nAnn,Lee,Belize\n");
    assert_eq!(s.headers(), ["Name", "Surname", "Country"]);
}

#[test]
fn too_many_rows_are_refused_with_the_limit() {
    let options = ReadOptions {
        limits: Limits {
            max_rows: 2,
            ..Limits::default()
        },
        ..ReadOptions::default()
    };
    let text = b"code\nA\nB\nC\nD\n";
    let s = Sheet::from_csv_with("f.csv", &text[..], 0, &options).unwrap();
    let items: Vec<_> = s.collect();
    assert_eq!(items.len(), 3);
    let p = items[2].as_ref().unwrap_err();
    assert!(p.message.contains("more than 2 rows"), "{p}");
}

#[test]
fn a_line_that_is_not_utf8_is_a_located_problem() {
    let s = sheet(b"code,title\nA,ok\nB,caf\xC3\xA9\n");
    assert!(s.into_iter().all(|r| r.is_ok()));
    // Valid UTF-8 at the start, and not further on.
    let mut text = b"code,title\n".to_vec();
    for _ in 0..8000 {
        text.extend_from_slice("A,café\n".as_bytes());
    }
    text.extend_from_slice(b"B,caf\xE9\nC,fine\n");
    let len = text.len() as u64;
    let s = Sheet::from_csv("f.csv", std::io::Cursor::new(text), len).unwrap();
    let items: Vec<_> = s.collect();
    let problem = items
        .iter()
        .find_map(|i| i.as_ref().err())
        .expect("a problem");
    assert_eq!(problem.line, 8002);
    assert!(problem.message.contains("UTF-8"), "{problem}");
    // The rows after it are read on: the problem is its row's.
    assert_eq!(items.len(), 8002);
    assert_eq!(&items.last().unwrap().as_ref().unwrap().cells[0], "C");
}

#[test]
fn an_empty_file_says_it_needs_a_header() {
    let p = problems_of(Sheet::from_csv("e.csv", &b"\n\n"[..], 2));
    assert_eq!(
        p.to_string(),
        "e.csv:1: the file is empty: it needs a header row"
    );
}

#[test]
fn unknown_extensions_are_refused() {
    assert!(matches!(
        Sheet::open(Path::new("notes.pdf")),
        Err(ImportError::UnknownFormat { .. })
    ));
    assert!(matches!(
        Sheet::open(Path::new("/nonexistent/x.csv")),
        Err(ImportError::Io { .. })
    ));
    assert!(matches!(
        Sheet::open(Path::new("old.xls")),
        Err(ImportError::Workbook { .. })
    ));
}

fn tight(limits: Limits) -> ReadOptions {
    ReadOptions {
        limits,
        ..ReadOptions::default()
    }
}

#[test]
fn a_cell_past_its_limit_is_refused_with_the_limit() {
    let options = tight(Limits {
        max_cell_chars: 10,
        ..Limits::default()
    });
    let text = b"code,note\nA,short\nB,a note far longer than ten\n";
    let s = Sheet::from_csv_with("f.csv", &text[..], 0, &options).unwrap();
    let items: Vec<_> = s.collect();
    assert!(items[0].is_ok());
    let p = items[1].as_ref().unwrap_err();
    assert_eq!((p.line, p.column, p.code), (3, Some(2), "cell-too-long"));
    assert!(p.message.contains("more than 10 characters"), "{p}");
}

#[test]
fn a_header_past_the_column_limit_is_refused_with_the_limit() {
    let options = tight(Limits {
        max_columns: 3,
        ..Limits::default()
    });
    let p = problems_of(Sheet::from_csv_with(
        "f.csv",
        &b"a,b,c,d\n1,2,3,4\n"[..],
        0,
        &options,
    ));
    assert!(
        p.to_string().contains("4 columns, more than 3 (the limit)"),
        "{p}"
    );
}

/// Workbooks past the limits of shared strings (count and text) or of inflated size are
/// refused before their rows are read, each naming its limit.
#[test]
fn workbook_limits_are_checked_while_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "code").unwrap();
    for i in 1..=50u32 {
        sheet.write_string(i, 0, format!("T-{i:04}")).unwrap();
    }
    book.save(&path).unwrap();
    assert!(Sheet::open(&path).is_ok());
    let refused = |limits: Limits| match Sheet::open_with(&path, &tight(limits)) {
        Err(ImportError::Problems(p)) => p.to_string(),
        Err(e) => e.to_string(),
        Ok(_) => panic!("past a limit, the workbook must be refused"),
    };
    let said = refused(Limits {
        max_shared_strings: 20,
        ..Limits::default()
    });
    assert!(
        said.contains("more than 20 shared strings (the limit)"),
        "{said}"
    );
    let said = refused(Limits {
        max_shared_bytes: 100,
        ..Limits::default()
    });
    assert!(
        said.contains("more than 100 bytes of text (the limit)"),
        "{said}"
    );
    let said = refused(Limits {
        max_inflated: 2_000,
        ..Limits::default()
    });
    assert!(said.contains("inflates to more than"), "{said}");
}

/// The defect: a Windows-1252 file whose last line has no line end made the decoder panic.
#[test]
fn a_last_line_without_a_line_end_is_read_in_any_encoding() {
    let s = sheet(b"code;title\nA;Caf\xe9");
    let rows: Vec<Row> = s.map(Result::unwrap).collect();
    assert_eq!(&rows[0].cells[1], "Café");
}

/// Old Excel for Mac ends lines with a carriage return alone: lines are counted as such.
#[test]
fn lines_ended_by_carriage_returns_alone_are_lines() {
    let s = sheet(b"code,title\rA,One\rB,\"Two\"\r\rC,x");
    let rows: Vec<(usize, String)> = s
        .map(Result::unwrap)
        .map(|r| (r.line, r.cells[0].to_string()))
        .collect();
    assert_eq!(
        rows,
        [
            (2, "A".to_string()),
            (3, "B".to_string()),
            (5, "C".to_string())
        ]
    );
}
