//! The PDF writer under the report: page geometry and colours, the standard Helvetica fonts'
//! widths (so text is measured and wrapped without embedding a font), text strings as PDF
//! wants them, and a writer of pages with headings, paragraphs, tables and bars.

use std::fmt::Write as _;

use crate::view::num;

pub(super) const PAGE_W: f32 = 595.28;
pub(super) const PAGE_H: f32 = 841.89;
pub(super) const MARGIN: f32 = 50.0;
pub(super) const BODY_W: f32 = PAGE_W - 2.0 * MARGIN;
pub(super) const BRAND: (f32, f32, f32) = (0.122, 0.306, 0.475);
pub(super) const INK: (f32, f32, f32) = (0.11, 0.15, 0.2);
pub(super) const MUTED: (f32, f32, f32) = (0.36, 0.40, 0.45);
pub(super) const GENDER: [(f32, f32, f32); 3] = [
    (0.122, 0.306, 0.475),
    (0.753, 0.314, 0.302),
    (0.647, 0.647, 0.647),
];

/// Advance widths (per 1000 units of font size) of Helvetica and Helvetica-Bold for the
/// printable ASCII characters, from the fonts' metrics.
pub(super) const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
pub(super) const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// The character in the fonts' WinAnsi encoding; what it cannot show becomes `?`.
pub(super) fn win_ansi(c: char) -> u8 {
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

pub(super) fn char_width(byte: u8, bold: bool) -> f32 {
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

pub(super) fn width(s: &str, bold: bool, size: f32) -> f32 {
    s.chars()
        .map(|c| char_width(win_ansi(c), bold))
        .sum::<f32>()
        * size
        / 1000.0
}

/// Breaks text into lines no wider than `max`.
pub(super) fn wrap(s: &str, bold: bool, size: f32, max: f32) -> Vec<String> {
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
pub(super) fn text_string(s: &str) -> Vec<u8> {
    let mut out = b"<FEFF".to_vec();
    for unit in s.encode_utf16() {
        out.extend_from_slice(format!("{unit:04X}").as_bytes());
    }
    out.push(b'>');
    out
}

/// A PDF string literal in WinAnsi, with its delimiters escaped.
pub(super) fn literal(s: &str) -> Vec<u8> {
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

pub(super) struct Writer {
    pages: Vec<Vec<u8>>,
    page: Vec<u8>,
    /// The baseline of the next line, from the bottom of the page.
    pub(super) y: f32,
    /// The agency's colours: headings and rules, and chart bars.
    pub(super) brand: (f32, f32, f32),
    pub(super) accent: (f32, f32, f32),
    /// The logo as image objects (the image, and its transparency apart), drawn as `/Im1`.
    image: Option<(Vec<u8>, Option<Vec<u8>>)>,
}

/// A stream object's bytes: its dictionary's entries, then the data.
fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = z.write_all(data);
    z.finish().unwrap_or_default()
}

impl Writer {
    pub(super) fn new() -> Writer {
        Writer {
            pages: Vec::new(),
            page: Vec::new(),
            y: PAGE_H - MARGIN,
            brand: BRAND,
            accent: BRAND,
            image: None,
        }
    }

    /// Takes the logo as an image the pages may draw; a logo that does not decode (it was
    /// checked when uploaded) is left out.
    pub(super) fn set_logo(&mut self, logo: &cadre_core::agency::Logo) -> bool {
        use cadre_core::agency::ImageKind;
        self.image = match logo.kind {
            ImageKind::Jpeg => crate::face::jpeg_frame(&logo.bytes).ok().map(|f| {
                let space = if f.components == 1 { "/DeviceGray" } else { "/DeviceRGB" };
                let dict = format!(
                    "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode",
                    f.width, f.height
                );
                (stream(&dict, &logo.bytes), None)
            }),
            ImageKind::Png => crate::face::decode_png(&logo.bytes).ok().map(|px| {
                let space = if px.colours == 1 { "/DeviceGray" } else { "/DeviceRGB" };
                let mask = px.alpha.as_ref().map(|a| {
                    stream(
                        &format!(
                            "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                            px.width, px.height
                        ),
                        &deflate(a),
                    )
                });
                let dict = format!(
                    "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace {space} /BitsPerComponent 8 /Filter /FlateDecode{}",
                    px.width,
                    px.height,
                    if mask.is_some() { " /SMask MASK" } else { "" }
                );
                (stream(&dict, &deflate(&px.samples)), mask)
            }),
        };
        self.image.is_some()
    }

    /// Draws the logo with its lower left corner at (x, y), `w` by `h` points.
    pub(super) fn logo(&mut self, x: f32, y: f32, w: f32, h: f32) {
        if self.image.is_some() {
            self.ops(&format!("q {w:.2} 0 0 {h:.2} {x:.2} {y:.2} cm /Im1 Do Q\n"));
        }
    }

    pub(super) fn ops(&mut self, s: &str) {
        self.page.extend_from_slice(s.as_bytes());
    }

    pub(super) fn color(&mut self, (r, g, b): (f32, f32, f32)) {
        self.ops(&format!("{r:.3} {g:.3} {b:.3} rg\n"));
    }

    pub(super) fn text_at(
        &mut self,
        x: f32,
        y: f32,
        s: &str,
        bold: bool,
        size: f32,
        color: (f32, f32, f32),
    ) {
        self.color(color);
        let font = if bold { "F2" } else { "F1" };
        self.ops(&format!("BT /{font} {size} Tf {x:.2} {y:.2} Td "));
        let lit = literal(s);
        self.page.extend_from_slice(&lit);
        self.ops(" Tj ET\n");
    }

    pub(super) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (f32, f32, f32)) {
        self.color(color);
        self.ops(&format!("{x:.2} {y:.2} {w:.2} {h:.2} re f\n"));
    }

    pub(super) fn new_page(&mut self) {
        if !self.page.is_empty() {
            self.pages.push(std::mem::take(&mut self.page));
        }
        self.y = PAGE_H - MARGIN;
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub(super) fn room(&mut self, height: f32) {
        if self.y - height < MARGIN + 20.0 {
            self.new_page();
        }
    }

    pub(super) fn heading(&mut self, s: &str) {
        self.room(60.0);
        self.y -= 14.0;
        self.text_at(MARGIN, self.y, s, true, 14.0, self.brand);
        self.y -= 6.0;
        self.rect(MARGIN, self.y, BODY_W, 0.8, self.brand);
        self.y -= 16.0;
    }

    pub(super) fn paragraph(&mut self, s: &str, size: f32, color: (f32, f32, f32)) {
        let leading = size * 1.4;
        for line in wrap(s, false, size, BODY_W) {
            self.room(leading);
            self.text_at(MARGIN, self.y, &line, false, size, color);
            self.y -= leading;
        }
        self.y -= size * 0.6;
    }

    /// A table whose columns in `numeric` are figures, aligned to the right.
    pub(super) fn table_aligned(
        &mut self,
        head: &[&str],
        widths: &[f32],
        numeric: &[bool],
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
                    let tx = if numeric.get(i).copied().unwrap_or(false) {
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
    pub(super) fn bars(&mut self, rows: &[(String, u64)]) {
        let label_w = 190.0;
        let bar_w = BODY_W - label_w - 50.0;
        let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f32;
        for (label, value) in rows {
            self.room(16.0);
            let shown = wrap(label, false, 8.5, label_w - 10.0).remove(0);
            let lw = width(&shown, false, 8.5);
            self.text_at(MARGIN + label_w - 8.0 - lw, self.y, &shown, false, 8.5, INK);
            let w = (*value as f32 / max * bar_w).max(1.0);
            self.rect(MARGIN + label_w, self.y - 2.0, w, 10.0, self.accent);
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

    pub(super) fn finish(mut self, title: &str) -> Vec<u8> {
        self.new_page();
        let count = self.pages.len();
        // Page numbers, now that the count is known.
        for (i, page) in self.pages.iter_mut().enumerate() {
            let mut w = Writer {
                page: std::mem::take(page),
                ..Writer::new()
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
        // The logo's objects follow the pages.
        let image_at = 6 + 2 * count;
        let xobject = if self.image.is_some() {
            format!(" /XObject << /Im1 {image_at} 0 R >>")
        } else {
            String::new()
        };
        for (i, content) in self.pages.iter().enumerate() {
            object(
                &mut out,
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >>{xobject} >> /Contents {} 0 R >>",
                    7 + 2 * i
                )
                .as_bytes(),
            );
            let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
            stream.extend_from_slice(content);
            stream.extend_from_slice(b"\nendstream");
            object(&mut out, &stream);
        }
        if let Some((image, mask)) = &self.image {
            let mask_ref = format!("{} 0 R", image_at + 1);
            let image = match mask {
                // The image's dictionary names its mask, the object after it.
                Some(_) => replace_once(image, b"MASK", mask_ref.as_bytes()),
                None => image.clone(),
            };
            object(&mut out, &image);
            if let Some(mask) = mask {
                object(&mut out, mask);
            }
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

/// `data` with the first `from` replaced by `to` (a reference known only when objects are
/// numbered).
fn replace_once(data: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    match data.windows(from.len()).position(|w| w == from) {
        Some(at) => [&data[..at], to, &data[at + from.len()..]].concat(),
        None => data.to_vec(),
    }
}
