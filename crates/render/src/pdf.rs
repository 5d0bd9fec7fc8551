//! PDF of the report, written directly: A4 pages, the standard Helvetica fonts (which every PDF
//! reader has, so nothing is embedded), text that can be searched and copied, and charts drawn
//! as vectors.
//!
//! Why not a library: typst would typeset better but adds some 300 crates and five minutes to a
//! clean build on our two cores; printpdf renders little more than this does. The report needs
//! headings, wrapped paragraphs, tables and bar charts, which fit in this one file.

use std::fmt::Write as _;

use cadre_core::report::Report;

use crate::view::{self, num};

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 50.0;
const BODY_W: f32 = PAGE_W - 2.0 * MARGIN;
const BRAND: (f32, f32, f32) = (0.122, 0.306, 0.475);
const INK: (f32, f32, f32) = (0.11, 0.15, 0.2);
const MUTED: (f32, f32, f32) = (0.36, 0.40, 0.45);
const GENDER: [(f32, f32, f32); 3] = [
    (0.122, 0.306, 0.475),
    (0.753, 0.314, 0.302),
    (0.647, 0.647, 0.647),
];

/// Advance widths (per 1000 units of font size) of Helvetica and Helvetica-Bold for the
/// printable ASCII characters, from the fonts' metrics.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// The character in the fonts' WinAnsi encoding; what it cannot show becomes `?`.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '–' => 0x96,
        '—' => 0x97,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '…' => 0x85,
        '€' => 0x80,
        '\u{a0}'..='ÿ' => c as u32 as u8,
        _ => b'?',
    }
}

fn char_width(byte: u8, bold: bool) -> f32 {
    let table = if bold { &HELVETICA_BOLD } else { &HELVETICA };
    match byte {
        32..=126 => f32::from(table[usize::from(byte - 32)]),
        0x96 | 0x85 => 556.0,
        0x97 | 0x80 => 1000.0,
        0x91 | 0x92 => 222.0,
        0x93 | 0x94 => 333.0,
        0x95 => 350.0,
        _ => 556.0,
    }
}

fn width(s: &str, bold: bool, size: f32) -> f32 {
    s.chars()
        .map(|c| char_width(win_ansi(c), bold))
        .sum::<f32>()
        * size
        / 1000.0
}

/// Breaks text into lines no wider than `max`.
fn wrap(s: &str, bold: bool, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, bold, size) <= max || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A PDF text string (what a reader shows as a document's title): UTF-16BE with its byte
/// order mark, in hex, so that any character reads as written. (Page text is in the fonts'
/// WinAnsi, but the document information dictionary is not drawn with a font: a WinAnsi byte
/// there is read as PDFDocEncoding, where an en dash's 0x96 is another letter.)
fn text_string(s: &str) -> Vec<u8> {
    let mut out = b"<FEFF".to_vec();
    for unit in s.encode_utf16() {
        out.extend_from_slice(format!("{unit:04X}").as_bytes());
    }
    out.push(b'>');
    out
}

/// A PDF string literal in WinAnsi, with its delimiters escaped.
fn literal(s: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in s.chars() {
        let b = win_ansi(c);
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

struct Writer {
    pages: Vec<Vec<u8>>,
    page: Vec<u8>,
    /// The baseline of the next line, from the bottom of the page.
    y: f32,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            pages: Vec::new(),
            page: Vec::new(),
            y: PAGE_H - MARGIN,
        }
    }

    fn ops(&mut self, s: &str) {
        self.page.extend_from_slice(s.as_bytes());
    }

    fn color(&mut self, (r, g, b): (f32, f32, f32)) {
        self.ops(&format!("{r:.3} {g:.3} {b:.3} rg\n"));
    }

    fn text_at(&mut self, x: f32, y: f32, s: &str, bold: bool, size: f32, color: (f32, f32, f32)) {
        self.color(color);
        let font = if bold { "F2" } else { "F1" };
        self.ops(&format!("BT /{font} {size} Tf {x:.2} {y:.2} Td "));
        let lit = literal(s);
        self.page.extend_from_slice(&lit);
        self.ops(" Tj ET\n");
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (f32, f32, f32)) {
        self.color(color);
        self.ops(&format!("{x:.2} {y:.2} {w:.2} {h:.2} re f\n"));
    }

    fn new_page(&mut self) {
        if !self.page.is_empty() {
            self.pages.push(std::mem::take(&mut self.page));
        }
        self.y = PAGE_H - MARGIN;
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn room(&mut self, height: f32) {
        if self.y - height < MARGIN + 20.0 {
            self.new_page();
        }
    }

    fn heading(&mut self, s: &str) {
        self.room(60.0);
        self.y -= 14.0;
        self.text_at(MARGIN, self.y, s, true, 14.0, BRAND);
        self.y -= 6.0;
        self.rect(MARGIN, self.y, BODY_W, 0.8, BRAND);
        self.y -= 16.0;
    }

    fn paragraph(&mut self, s: &str, size: f32, color: (f32, f32, f32)) {
        let leading = size * 1.4;
        for line in wrap(s, false, size, BODY_W) {
            self.room(leading);
            self.text_at(MARGIN, self.y, &line, false, size, color);
            self.y -= leading;
        }
        self.y -= size * 0.6;
    }

    /// A table with the given column widths; columns from `numeric_from` on are right-aligned.
    fn table(&mut self, head: &[&str], widths: &[f32], numeric_from: usize, rows: &[Vec<String>]) {
        self.table_aligned(head, widths, numeric_from..head.len(), rows);
    }

    /// A table whose columns in `numeric` are figures, aligned to the right.
    fn table_aligned(
        &mut self,
        head: &[&str],
        widths: &[f32],
        numeric: std::ops::Range<usize>,
        rows: &[Vec<String>],
    ) {
        let size = 8.5;
        let leading = 11.0;
        let draw_row = |w: &mut Writer, cells: &[String], bold: bool| {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(widths)
                .map(|(c, cw)| wrap(c, bold, size, cw - 6.0))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
            let height = lines as f32 * leading + 5.0;
            w.room(height + 2.0);
            if bold {
                w.rect(
                    MARGIN,
                    w.y - height + leading - 2.0,
                    BODY_W,
                    height,
                    (0.94, 0.96, 0.97),
                );
            }
            let mut x = MARGIN;
            for (i, (cell_lines, cw)) in wrapped.iter().zip(widths).enumerate() {
                for (j, line) in cell_lines.iter().enumerate() {
                    let tx = if numeric.contains(&i) {
                        x + cw - 3.0 - width(line, bold, size)
                    } else {
                        x + 3.0
                    };
                    let y = w.y - j as f32 * leading;
                    w.text_at(tx, y, line, bold, size, INK);
                }
                x += cw;
            }
            w.y -= height;
            w.rect(MARGIN, w.y + leading - 3.0, BODY_W, 0.4, (0.85, 0.87, 0.89));
        };
        let head: Vec<String> = head.iter().map(|h| h.to_string()).collect();
        draw_row(self, &head, true);
        for row in rows {
            if self.y - 2.0 * leading < MARGIN + 20.0 {
                self.new_page();
                draw_row(self, &head, true);
            }
            draw_row(self, row, false);
        }
        self.y -= 8.0;
    }

    /// Horizontal bars with their labels and values.
    fn bars(&mut self, rows: &[(String, u64)]) {
        let label_w = 190.0;
        let bar_w = BODY_W - label_w - 50.0;
        let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f32;
        for (label, value) in rows {
            self.room(16.0);
            let shown = wrap(label, false, 8.5, label_w - 10.0).remove(0);
            let lw = width(&shown, false, 8.5);
            self.text_at(MARGIN + label_w - 8.0 - lw, self.y, &shown, false, 8.5, INK);
            let w = (*value as f32 / max * bar_w).max(1.0);
            self.rect(MARGIN + label_w, self.y - 2.0, w, 10.0, BRAND);
            self.text_at(
                MARGIN + label_w + w + 4.0,
                self.y,
                &num(*value),
                false,
                8.5,
                MUTED,
            );
            self.y -= 15.0;
        }
        self.y -= 8.0;
    }

    fn finish(mut self, title: &str) -> Vec<u8> {
        self.new_page();
        let count = self.pages.len();
        // Page numbers, now that the count is known.
        for (i, page) in self.pages.iter_mut().enumerate() {
            let mut w = Writer {
                pages: Vec::new(),
                page: std::mem::take(page),
                y: 0.0,
            };
            let label = format!("{title} · page {} of {count}", i + 1);
            let x = PAGE_W - MARGIN - width(&label, false, 8.0);
            w.text_at(x, MARGIN - 20.0, &label, false, 8.0, MUTED);
            *page = w.page;
        }
        let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        let mut object = |out: &mut Vec<u8>, body: &[u8]| {
            offsets.push(out.len());
            let n = offsets.len();
            out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        };
        // 1 catalog, 2 pages, 3-4 fonts, 5 info, then a page and its content per page.
        let kids: String = (0..count).map(|i| format!("{} 0 R ", 6 + 2 * i)).collect();
        object(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
        object(
            &mut out,
            format!("<< /Type /Pages /Kids [{kids}] /Count {count} >>").as_bytes(),
        );
        object(
            &mut out,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        );
        object(&mut out, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
        let mut info = b"<< /Title ".to_vec();
        info.extend_from_slice(&text_string(title));
        info.extend_from_slice(b" /Producer (cadre) >>");
        object(&mut out, &info);
        for (i, content) in self.pages.iter().enumerate() {
            object(
                &mut out,
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                    7 + 2 * i
                )
                .as_bytes(),
            );
            let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
            stream.extend_from_slice(content);
            stream.extend_from_slice(b"\nendstream");
            object(&mut out, &stream);
        }
        let xref = out.len();
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
        for o in &offsets {
            let _ = writeln!(table, "{o:010} 00000 n ");
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        );
        out.extend_from_slice(table.as_bytes());
        out
    }
}

pub fn render(r: &Report) -> Vec<u8> {
    let title = view::title(r);
    let mut w = Writer::new();
    w.text_at(MARGIN, w.y - 10.0, &title, true, 24.0, BRAND);
    w.y -= 30.0;
    w.text_at(
        MARGIN,
        w.y,
        &format!("Building Member State capacity · {}", r.period.label()),
        false,
        11.0,
        MUTED,
    );
    w.y -= 12.0;
    w.rect(MARGIN, w.y, BODY_W, 2.5, BRAND);
    w.y -= 28.0;

    // Headline figures in boxes.
    let p = &r.participants;
    let figures = [
        (num(r.trainings.total), "trainings"),
        (num(p.total), "participants"),
        (num(r.persons), "individual persons"),
        (num(r.countries.len() as u64), "countries reached"),
        (view::usd(r.value), "estimated value"),
    ];
    let box_w = BODY_W / figures.len() as f32;
    for (i, (value, label)) in figures.iter().enumerate() {
        let x = MARGIN + i as f32 * box_w;
        w.rect(x + 2.0, w.y - 26.0, box_w - 4.0, 44.0, (0.95, 0.96, 0.98));
        w.rect(x + 2.0, w.y - 26.0, 2.5, 44.0, BRAND);
        let size = if value.len() > 10 { 11.0 } else { 15.0 };
        w.text_at(x + 10.0, w.y, value, true, size, BRAND);
        w.text_at(x + 10.0, w.y - 16.0, label, false, 8.0, MUTED);
    }
    w.y -= 50.0;

    w.paragraph(&view::headline(r), 10.5, INK);
    w.paragraph(&view::persons_sentence(r), 10.0, INK);
    if let Some(a) = &r.approval {
        w.heading("Approval");
        w.paragraph(&view::approval_sentence(a), 10.0, INK);
        if !a.changes.is_empty() {
            w.table(
                &["Figure", "Approved", "Now"],
                &[250.0, 120.0, 120.0],
                1,
                &view::approval_rows(a),
            );
        }
        for e in &a.edits {
            w.paragraph(&view::edit_line(e), 8.5, MUTED);
        }
    }

    w.heading("Physical and virtual training");
    w.paragraph(&view::modality_sentence(r), 10.0, INK);
    w.heading("Value of capacity building");
    w.paragraph(&view::value_sentence(r), 10.0, INK);

    w.heading("Training by gender");
    let total = (p.male + p.female + p.not_recorded).max(1) as f32;
    w.room(60.0);
    let mut x = MARGIN;
    for (i, v) in [p.male, p.female, p.not_recorded].iter().enumerate() {
        let bw = *v as f32 / total * BODY_W;
        if bw > 0.0 {
            w.rect(x, w.y - 6.0, bw, 16.0, GENDER[i]);
        }
        x += bw;
    }
    w.y -= 24.0;
    let mut x = MARGIN;
    for (i, (label, v)) in [
        ("Male", p.male),
        ("Female", p.female),
        ("Not recorded", p.not_recorded),
    ]
    .iter()
    .enumerate()
    {
        w.rect(x, w.y - 1.0, 9.0, 9.0, GENDER[i]);
        let text = format!("{label}: {}", num(*v));
        w.text_at(x + 13.0, w.y, &text, false, 9.0, INK);
        x += width(&text, false, 9.0) + 40.0;
    }
    w.y -= 24.0;

    w.heading("Departments trained");
    if r.departments.is_empty() {
        w.paragraph(
            "No department is recorded for the trainings of this period.",
            10.0,
            MUTED,
        );
    } else {
        let (title, rows) = view::chart_rows(
            r.departments
                .iter()
                .map(|d| (d.name.clone(), d.participants, d.trainings)),
            "department",
        );
        w.paragraph(&title, 9.0, MUTED);
        w.bars(&rows);
    }
    w.heading("Countries");
    if r.countries.is_empty() {
        w.paragraph(
            "No country is named for the trainings of this period.",
            10.0,
            MUTED,
        );
    } else {
        let (title, rows) = view::chart_rows(
            r.countries
                .iter()
                .map(|c| (c.name.clone(), c.participants, c.trainings)),
            "country",
        );
        w.paragraph(&title, 9.0, MUTED);
        w.bars(&rows);
    }
    w.heading("Trainings by month");
    let rows: Vec<(String, u64)> = r
        .months
        .iter()
        .map(|m| (m.label.clone(), m.trainings))
        .collect();
    w.bars(&rows);

    w.heading("Partner agencies");
    let rows: Vec<Vec<String>> = r
        .partners
        .iter()
        .map(|pa| {
            let role = if pa.roles == ["funder"] {
                " (funder)"
            } else {
                ""
            };
            vec![
                format!("{}{role}", pa.name),
                pa.short_name.clone(),
                num(pa.trainings),
                view::partner_participants(pa),
            ]
        })
        .collect();
    w.table(
        &["Partner agency", "Short name", "Trainings", "Participants"],
        &[260.0, 95.0, 70.0, 70.0],
        2,
        &rows,
    );

    w.heading("Listing of trainings delivered");
    let rows: Vec<Vec<String>> = r
        .listing
        .iter()
        .map(|t| {
            let mut partners = t.partners.clone();
            partners.extend(t.funders.iter().map(|f| format!("{f} (funder)")));
            vec![
                format!("{} ({})", t.title, t.code),
                view::date_range(t.start, t.end),
                view::modality(t.modality).to_string(),
                partners.join(", "),
                view::participants_cell(t.participants),
            ]
        })
        .collect();
    w.table(
        &["Training", "Dates", "Mode", "Partners", "Participants"],
        &[185.0, 95.0, 50.0, 105.0, 60.0],
        4,
        &rows,
    );
    if r.listing.iter().any(|t| t.summary.is_some()) {
        w.heading("What each training was");
        for t in &r.listing {
            if let Some(summary) = &t.summary {
                w.paragraph(&format!("{} ({})", t.title, t.code), 9.5, INK);
                w.paragraph(summary, 9.0, MUTED);
            }
        }
    }

    if !r.published.is_empty() {
        w.heading("Declared figures and the records");
        w.paragraph(view::PUBLISHED_INTRO, 9.0, MUTED);
        w.table_aligned(
            &view::PUBLISHED_COLUMNS,
            &[70.0, 65.0, 65.0, 65.0, 145.0, 85.0],
            1..4,
            &view::published_rows(r),
        );
    }

    w.heading("Data quality and provenance");
    if r.quality.is_empty() {
        w.paragraph(
            "Every figure of this period comes from complete records.",
            10.0,
            INK,
        );
    }
    for q in &r.quality {
        let who = q.training.clone().unwrap_or_else(|| "Period".into());
        w.paragraph(
            &format!(
                "{who}: {}. {}",
                crate::quality::severity(q.severity),
                crate::quality::message(q)
            ),
            9.0,
            INK,
        );
    }
    w.finish(&title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_and_wrapped_within_the_width() {
        assert_eq!(width("Hi", false, 10.0), (722.0 + 222.0) * 10.0 / 1000.0);
        let lines = wrap(
            "Three Million, Nine Hundred and Thirty-Seven Thousand",
            false,
            10.0,
            100.0,
        );
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l, false, 10.0) <= 100.0));
    }

    #[test]
    fn the_title_is_a_utf16_text_string() {
        assert_eq!(text_string("A–B"), b"<FEFF004120130042>".to_vec());
        // Beyond the Basic Multilingual Plane, as two units.
        assert_eq!(text_string("𝄞"), b"<FEFFD834DD1E>".to_vec());
    }

    #[test]
    fn strings_are_escaped_and_encoded() {
        assert_eq!(literal("a(b)\\ – é"), b"(a\\(b\\)\\\\ \x96 \xE9)".to_vec());
        assert_eq!(literal("日本"), b"(??)".to_vec());
    }
}
