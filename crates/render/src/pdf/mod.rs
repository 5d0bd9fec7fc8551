//! PDF of the report, written directly: A4 pages, the standard Helvetica fonts (which every PDF
//! reader has, so nothing is embedded), text that can be searched and copied, and charts drawn
//! as vectors.
//!
//! Why not a library: typst would typeset better but adds some 300 crates and five minutes to a
//! clean build on our two cores; printpdf renders little more than this does. The report needs
//! headings, wrapped paragraphs, tables and bar charts, which fit in this one file.

use cadre_core::report::Report;

use crate::document::{self, Block, Chart, Show};
use crate::view::num;

mod writer;

use writer::*;

pub fn render(r: &Report) -> Vec<u8> {
    let doc = document::build(r);
    let mut w = Writer::new();
    w.brand = r.agency.colour.unit();
    w.accent = r.agency.accent.unit();
    // The agency's logo (at most 40 points high and 200 wide), then its name, then the title.
    if let Some(logo) = r.agency.logo.as_ref().filter(|l| w.set_logo(l)) {
        let scale = (40.0 / logo.height as f32).min(200.0 / logo.width as f32);
        let (lw, lh) = (logo.width as f32 * scale, logo.height as f32 * scale);
        w.logo(MARGIN, w.y - lh, lw, lh);
        w.y -= lh + 16.0;
    }
    if let Some(name) = r.agency.named() {
        w.text_at(MARGIN, w.y, name, true, 11.0, MUTED);
        w.y -= 18.0;
    }
    let brand = w.brand;
    w.text_at(MARGIN, w.y - 10.0, &doc.title, true, 24.0, brand);
    w.y -= 30.0;
    w.text_at(
        MARGIN,
        w.y,
        &format!("Building Member State capacity · {}", doc.period),
        false,
        11.0,
        MUTED,
    );
    w.y -= 12.0;
    w.rect(MARGIN, w.y, BODY_W, 2.5, brand);
    w.y -= 28.0;

    // Headline figures in boxes.
    let box_w = BODY_W / doc.figures.len().max(1) as f32;
    for (i, (value, label)) in doc.figures.iter().enumerate() {
        let x = MARGIN + i as f32 * box_w;
        w.rect(x + 2.0, w.y - 26.0, box_w - 4.0, 44.0, (0.95, 0.96, 0.98));
        w.rect(x + 2.0, w.y - 26.0, 2.5, 44.0, w.accent);
        let size = if value.len() > 10 { 11.0 } else { 15.0 };
        w.text_at(x + 10.0, w.y, value, true, size, brand);
        w.text_at(x + 10.0, w.y - 16.0, label, false, 8.0, MUTED);
    }
    w.y -= 50.0;
    for (i, line) in doc.lead.iter().enumerate() {
        w.paragraph(line, if i == 0 { 10.5 } else { 10.0 }, INK);
    }
    for section in &doc.sections {
        if section
            .blocks
            .iter()
            .all(|b| matches!(b, Block::Table(_, Show::Data)))
        {
            continue;
        }
        w.heading(section.heading);
        for block in &section.blocks {
            match block {
                Block::Text(s) => w.paragraph(s, 10.0, INK),
                Block::Empty(s) => w.paragraph(s, 10.0, MUTED),
                Block::Aside(s) => w.paragraph(s, 8.5, MUTED),
                Block::List(lines) => {
                    for l in lines {
                        w.paragraph(l, 9.0, INK);
                    }
                }
                Block::Paragraphs(items) => {
                    for (title, body) in items {
                        w.paragraph(title, 9.5, INK);
                        w.paragraph(body, 9.0, MUTED);
                    }
                }
                Block::Chart(Chart::Bars { title, bars, .. }) => {
                    w.paragraph(title, 9.0, MUTED);
                    w.bars(bars);
                }
                Block::Chart(Chart::Gender {
                    male,
                    female,
                    not_recorded,
                }) => gender(&mut w, *male, *female, *not_recorded),
                Block::Table(t, Show::All | Show::Reading) => {
                    let shown = t.reading();
                    let head: Vec<&str> = shown.iter().map(|&i| t.columns[i].label).collect();
                    let sum: f32 = shown.iter().map(|&i| t.columns[i].width).sum();
                    let widths: Vec<f32> = shown
                        .iter()
                        .map(|&i| t.columns[i].width / sum.max(1.0) * BODY_W)
                        .collect();
                    let numeric: Vec<bool> = shown.iter().map(|&i| t.columns[i].numeric).collect();
                    let rows: Vec<Vec<String>> = t
                        .rows
                        .iter()
                        .map(|row| shown.iter().map(|&i| row[i].shown()).collect())
                        .collect();
                    w.table_aligned(&head, &widths, &numeric, &rows);
                }
                Block::Table(_, Show::Data) => {}
            }
        }
    }
    w.paragraph(&doc.footer, 8.0, MUTED);
    w.finish(&doc.title)
}

/// The participants' gender as one bar in three parts, with its legend.
fn gender(w: &mut Writer, male: u64, female: u64, not_recorded: u64) {
    let total = (male + female + not_recorded).max(1) as f32;
    w.room(60.0);
    let mut x = MARGIN;
    for (i, v) in [male, female, not_recorded].iter().enumerate() {
        let bw = *v as f32 / total * BODY_W;
        if bw > 0.0 {
            w.rect(x, w.y - 6.0, bw, 16.0, GENDER[i]);
        }
        x += bw;
    }
    w.y -= 24.0;
    let mut x = MARGIN;
    for (i, (label, v)) in [
        ("Male", male),
        ("Female", female),
        ("Not recorded", not_recorded),
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
