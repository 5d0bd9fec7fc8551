//! PDF of the report, written directly: A4 pages, the standard Helvetica fonts (which every PDF
//! reader has, so nothing is embedded), text that can be searched and copied, and charts drawn
//! as vectors.
//!
//! Why not a library: typst would typeset better but adds some 300 crates and five minutes to a
//! clean build on our two cores; printpdf renders little more than this does. The report needs
//! headings, wrapped paragraphs, tables and bar charts, which fit in this one file.

use cadre_core::report::Report;

use crate::view::{self, num};

mod writer;

use writer::*;

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
