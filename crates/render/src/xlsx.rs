//! XLSX: a summary sheet, one sheet per breakdown, the listing and the data-quality notes.

use cadre_core::report::Report;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::view;

fn header(sheet: &mut Worksheet, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (i, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *name, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

pub fn render(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let p = &r.participants;

    let s = book.add_worksheet().set_name("Summary")?;
    s.write_string_with_format(0, 0, view::title(r), &bold)?;
    s.write_string(1, 0, format!("Period: {}", r.period.label()))?;
    let rows: [(&str, u64); 13] = [
        ("Trainings", r.trainings.total),
        ("Physical", r.trainings.physical),
        ("Virtual", r.trainings.virtual_),
        ("Hybrid", r.trainings.hybrid),
        ("Participants", p.total),
        ("Male", p.male),
        ("Female", p.female),
        ("Gender not recorded", p.not_recorded),
        ("Individual persons", r.persons),
        (
            "  of them, with attendance records (each once)",
            r.persons_from_records,
        ),
        (
            "  of them, in figures of trainings without names",
            r.persons_from_aggregates,
        ),
        ("Countries reached", r.countries.len() as u64),
        (
            "Trainings without a participant count",
            r.trainings_without_count(),
        ),
    ];
    for (i, (label, v)) in rows.iter().enumerate() {
        s.write_string(3 + i as u32, 0, *label)?;
        s.write_number(3 + i as u32, 1, *v as f64)?;
    }
    let row = 3 + rows.len() as u32;
    s.write_string(row, 0, "Estimated value (USD)")?;
    // The cents are exact; the cell shows them to two decimals.
    s.write_number_with_format(row, 1, r.value.cents() as f64 / 100.0, &money)?;
    s.write_string(row + 2, 0, view::headline(r))?;
    s.write_string(row + 3, 0, view::value_sentence(r))?;
    s.set_column_width(0, 40)?;

    let s = book.add_worksheet().set_name("Gender")?;
    header(s, &["Gender", "Participants"], &bold)?;
    for (i, (label, v)) in [
        ("Male", p.male),
        ("Female", p.female),
        ("Not recorded", p.not_recorded),
    ]
    .iter()
    .enumerate()
    {
        s.write_string(1 + i as u32, 0, *label)?;
        s.write_number(1 + i as u32, 1, *v as f64)?;
    }

    let s = book.add_worksheet().set_name("Countries")?;
    header(s, &["Code", "Country", "Participants", "Trainings"], &bold)?;
    for (i, c) in r.countries.iter().enumerate() {
        let row = 1 + i as u32;
        s.write_string(row, 0, &c.code)?;
        s.write_string(row, 1, &c.name)?;
        s.write_number(row, 2, c.participants as f64)?;
        s.write_number(row, 3, c.trainings as f64)?;
    }

    let s = book.add_worksheet().set_name("Departments")?;
    header(s, &["Department", "Participants", "Trainings"], &bold)?;
    for (i, d) in r.departments.iter().enumerate() {
        let row = 1 + i as u32;
        s.write_string(row, 0, &d.name)?;
        s.write_number(row, 1, d.participants as f64)?;
        s.write_number(row, 2, d.trainings as f64)?;
    }

    let s = book.add_worksheet().set_name("Partners")?;
    header(
        s,
        &["Short name", "Name", "Role", "Trainings", "Participants"],
        &bold,
    )?;
    for (i, pa) in r.partners.iter().enumerate() {
        let row = 1 + i as u32;
        s.write_string(row, 0, &pa.short_name)?;
        s.write_string(row, 1, &pa.name)?;
        s.write_string(row, 2, pa.roles.join(", "))?;
        s.write_number(row, 3, pa.trainings as f64)?;
        // An empty cell, not 0, when none of its trainings has a known count.
        if pa.counted > 0 {
            s.write_number(row, 4, pa.participants as f64)?;
        }
    }

    let s = book.add_worksheet().set_name("Months")?;
    header(s, &["Month", "Trainings", "Participants"], &bold)?;
    for (i, m) in r.months.iter().enumerate() {
        let row = 1 + i as u32;
        s.write_string(row, 0, &m.label)?;
        s.write_number(row, 1, m.trainings as f64)?;
        s.write_number(row, 2, m.participants as f64)?;
    }

    let s = book.add_worksheet().set_name("Trainings")?;
    header(
        s,
        &[
            "Code",
            "Title",
            "Start",
            "End",
            "Dates",
            "Mode",
            "Partners",
            "Funders",
            "Audience",
            "Countries",
            "Participants",
            "Male",
            "Female",
            "Not recorded",
            "Source",
            "Value (USD)",
            "Summary",
        ],
        &bold,
    )?;
    for (i, t) in r.listing.iter().enumerate() {
        let row = 1 + i as u32;
        s.write_string(row, 0, &t.code)?;
        s.write_string(row, 1, &t.title)?;
        s.write_string(row, 2, t.start.map(|d| d.to_string()).unwrap_or_default())?;
        s.write_string(row, 3, t.end.map(|d| d.to_string()).unwrap_or_default())?;
        s.write_string(row, 4, view::date_range(t.start, t.end))?;
        s.write_string(row, 5, view::modality(t.modality))?;
        s.write_string(row, 6, t.partners.join(", "))?;
        s.write_string(row, 7, t.funders.join(", "))?;
        s.write_string(row, 8, t.departments.join(", "))?;
        s.write_string(
            row,
            9,
            view::countries_cell(&t.countries, t.countries_reached),
        )?;
        if let Some(c) = t.participants {
            s.write_number(row, 10, c.total as f64)?;
            s.write_number(row, 11, c.male as f64)?;
            s.write_number(row, 12, c.female as f64)?;
            s.write_number(row, 13, c.not_recorded as f64)?;
        }
        s.write_string(row, 14, view::source_label(t.source))?;
        if let Some(v) = t.value {
            s.write_number_with_format(row, 15, v.cents() as f64 / 100.0, &money)?;
        }
        if let Some(summary) = &t.summary {
            s.write_string(row, 16, summary)?;
        }
    }
    s.set_column_width(1, 50)?;

    if !r.published.is_empty() {
        let s = book.add_worksheet().set_name("Published")?;
        header(
            s,
            &[
                "Figure",
                "Published",
                "From the records",
                "Note",
                "Difference",
                "Why",
            ],
            &bold,
        )?;
        for (i, pf) in r.published.iter().enumerate() {
            let row = 1 + i as u32;
            let scale = if pf.figure == cadre_core::Figure::ValueUsd {
                100.0
            } else {
                1.0
            };
            s.write_string(row, 0, pf.figure.label())?;
            s.write_number(row, 1, pf.published as f64 / scale)?;
            if let Some(v) = pf.records {
                s.write_number(row, 2, v as f64 / scale)?;
            }
            s.write_string(row, 3, pf.note.as_deref().unwrap_or(""))?;
            if let Some(d) = r.declared.iter().find(|d| d.figure == pf.figure) {
                s.write_number(row, 4, d.difference as f64 / scale)?;
                s.write_string(row, 5, crate::quality::explained(d, &r.quality))?;
            }
        }
        s.set_column_width(3, 60)?;
        s.set_column_width(5, 80)?;
    }

    if let Some(a) = &r.approval {
        let s = book.add_worksheet().set_name("Approval")?;
        s.write_string(0, 0, view::approval_sentence(a))?;
        for (i, name) in ["Figure", "Approved", "Now"].iter().enumerate() {
            s.write_string_with_format(2, i as u16, *name, &bold)?;
        }
        for (i, c) in a.changes.iter().enumerate() {
            let row = 3 + i as u32;
            let scale = if c.figure == "value_cents" {
                100.0
            } else {
                1.0
            };
            s.write_string(row, 0, view::approved_figure_label(&c.figure))?;
            s.write_number(row, 1, c.approved as f64 / scale)?;
            s.write_number(row, 2, c.now as f64 / scale)?;
        }
        let below = 4 + a.changes.len() as u32;
        for (i, e) in a.edits.iter().enumerate() {
            s.write_string(below + i as u32, 0, view::edit_line(e))?;
        }
        s.set_column_width(0, 40)?;
    }

    let s = book.add_worksheet().set_name("Data quality")?;
    header(s, &["Rule", "Training", "Note", "Severity"], &bold)?;
    for (i, q) in r.quality.iter().enumerate() {
        let row = 1 + i as u32;
        s.write_string(row, 0, q.rule.code())?;
        s.write_string(row, 1, q.training.as_deref().unwrap_or("(period)"))?;
        s.write_string(row, 2, crate::quality::message(q))?;
        s.write_string(row, 3, q.severity.as_str())?;
    }
    s.set_column_width(2, 90)?;

    book.save_to_buffer()
}
