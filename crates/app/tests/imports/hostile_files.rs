//! Hostile workbooks, made byte by byte: a zip bomb (a sheet of a few megabytes that inflates
//! to gigabytes) and a small workbook with one stray cell at the far corner of the sheet.
//! Shared by the application tests and the command-line tests (which run the binary under a
//! memory limit).

#![allow(dead_code)]

use std::path::Path;

/// Deflate bits, least significant first, as RFC 1951 packs them.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, len: u32) {
        self.acc |= value << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, which deflate writes from its most significant bit.
    fn code(&mut self, code: u32, len: u32) {
        let reversed = code.reverse_bits() >> (32 - len);
        self.put(u64::from(reversed), len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A deflate stream of `prefix`, then `unit` (one to four bytes) repeated to about `inflated`
/// bytes: one fixed-Huffman block in which every 258 bytes cost 13 bits (a length of 258 at a
/// distance of the unit's length).
fn bomb_stream(prefix: &[u8], unit: &[u8], inflated: u64) -> Vec<u8> {
    assert!((1..=4).contains(&unit.len()));
    let mut b = Bits {
        out: Vec::with_capacity((inflated / 258 * 13 / 8) as usize + 64),
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // the last block
    b.put(1, 2); // fixed Huffman codes
    let literal = |b: &mut Bits, byte: u8| {
        if byte < 144 {
            b.code(0x30 + u32::from(byte), 8);
        } else {
            b.code(0x190 + u32::from(byte) - 144, 9);
        }
    };
    for &byte in prefix {
        literal(&mut b, byte);
    }
    for &byte in unit {
        literal(&mut b, byte);
    }
    for _ in 0..inflated / 258 {
        b.code(0xC0 + 5, 8); // length code 285: 258 bytes
        b.code(unit.len() as u32 - 1, 5); // distance codes 0-3: 1 to 4 bytes back
    }
    b.code(0, 7); // end of block
    b.finish()
}

struct Entry<'a> {
    name: &'a str,
    data: Vec<u8>,
    deflated: bool,
    crc: u32,
    size: u32,
}

fn stored<'a>(name: &'a str, text: &str) -> Entry<'a> {
    let mut crc = flate2::Crc::new();
    crc.update(text.as_bytes());
    Entry {
        name,
        data: text.as_bytes().to_vec(),
        deflated: false,
        crc: crc.sum(),
        size: text.len() as u32,
    }
}

/// A zip archive of the entries, written by hand (a bomb's sizes are not what a zip writer
/// would write).
fn zip(path: &Path, entries: &[Entry]) {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let method: u16 = if e.deflated { 8 } else { 0 };
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&0u32.to_le_bytes()); // time and date
            h.extend_from_slice(&e.crc.to_le_bytes());
            h.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            h.extend_from_slice(&e.size.to_le_bytes());
            h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&0u16.to_le_bytes()); // comment
                h.extend_from_slice(&0u16.to_le_bytes()); // disk
                h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(e.name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(&e.data);
        central.extend(header(0x0201_4b50, true));
    }
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    std::fs::write(path, out).unwrap();
}

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// A workbook whose one sheet inflates to `inflated` bytes (the file is about 1/160 of that)
/// of empty elements.
pub fn zip_bomb(path: &Path, inflated: u64) {
    let prefix = b"<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
    sheet_workbook(path, bomb_stream(prefix, b"<x/>", inflated), inflated);
}

/// A workbook whose first cell's text is `inflated` bytes long, inflated from a few megabytes:
/// the XML reader would hold it whole.
pub fn long_text(path: &Path, inflated: u64) {
    let prefix = b"<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>";
    sheet_workbook(path, bomb_stream(prefix, b"a", inflated), inflated);
}

fn sheet_workbook(path: &Path, data: Vec<u8>, inflated: u64) {
    let sheet = Entry {
        name: "xl/worksheets/sheet1.xml",
        data,
        deflated: true,
        crc: 0,
        size: inflated.min(u64::from(u32::MAX - 1)) as u32,
    };
    zip(
        path,
        &[
            stored("xl/workbook.xml", WORKBOOK),
            stored("xl/_rels/workbook.xml.rels", RELS),
            sheet,
        ],
    );
}

/// A small attendance workbook with one stray cell at XFD1048576, the last cell of a sheet.
pub fn far_cell(path: &Path) {
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>training_code</t></is></c><c r="B1" t="inlineStr"><is><t>given_name</t></is></c><c r="C1" t="inlineStr"><is><t>family_name</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>2020-07</t></is></c><c r="B2" t="inlineStr"><is><t>Ann</t></is></c><c r="C2" t="inlineStr"><is><t>Grant</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#;
    zip(
        path,
        &[
            stored("xl/workbook.xml", WORKBOOK),
            stored("xl/_rels/workbook.xml.rels", RELS),
            stored("xl/worksheets/sheet1.xml", sheet),
        ],
    );
}

/// A workbook of `rows` rows, each merged across every column (A:XFD): small on disk, and
/// tens of millions of cells if the merged ranges were filled without a bound.
pub fn merged_rows(path: &Path, rows: u32) {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c><c r="B1" t="inlineStr"><is><t>title</t></is></c></row>"#,
    );
    for r in 2..rows + 2 {
        sheet.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>T-{r}</t></is></c></row>"#
        ));
    }
    sheet.push_str(&format!(r#"</sheetData><mergeCells count="{rows}">"#));
    for r in 2..rows + 2 {
        sheet.push_str(&format!(r#"<mergeCell ref="A{r}:XFD{r}"/>"#));
    }
    sheet.push_str("</mergeCells></worksheet>");
    zip(
        path,
        &[
            stored("xl/workbook.xml", WORKBOOK),
            stored("xl/_rels/workbook.xml.rels", RELS),
            stored("xl/worksheets/sheet1.xml", &sheet),
        ],
    );
}
