//! CSV in long form: one row per figure, `section,key,label,participants,trainings,value_usd`,
//! for spreadsheets and statistics tools.

use std::borrow::Cow;

use cadre_core::report::Report;

use crate::RenderError;

/// A text cell as a spreadsheet may safely open it. Excel, LibreOffice and Google Sheets take a
/// cell that begins with `=`, `+`, `-` or `@` (or with a tab or carriage return before one) for
/// a formula, so a training title or partner name typed as `=HYPERLINK(...)` would run when the
/// report is opened (CSV injection). As OWASP advises, such a cell gets a leading `'`, which
/// spreadsheets read as "this is text". Only text goes through here: the figures cadre formats
/// itself (counts, `12.50`) are numbers and must stay numbers.
fn text_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// One row of the long form: three text cells, then three figures formatted by cadre.
fn row(
    w: &mut csv::Writer<Vec<u8>>,
    [section, key, label]: [&str; 3],
    figures: [&str; 3],
) -> Result<(), csv::Error> {
    let [participants, trainings, value] = figures;
    w.write_record([
        &*text_cell(section),
        &*text_cell(key),
        &*text_cell(label),
        participants,
        trainings,
        value,
    ])
}

/// The long form, UTF-8 with a byte-order mark: Excel on Windows reads a CSV without one in
/// the system's code page, and shows "fÃ¼r" for "für"; every other reader skips it.
pub fn render(r: &Report) -> Result<Vec<u8>, RenderError> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([
        "section",
        "key",
        "label",
        "participants",
        "trainings",
        "value_usd",
    ])?;
    let n = |v: u64| v.to_string();
    let money = |m: cadre_core::Money| {
        let c = m.cents();
        let sign = if c < 0 { "-" } else { "" };
        format!(
            "{sign}{}.{:02}",
            (c / 100).unsigned_abs(),
            (c % 100).unsigned_abs()
        )
    };
    let p = &r.participants;
    let t = &r.trainings;
    for (key, label, trainings) in [
        ("total", "Trainings", t.total),
        ("physical", "Physical", t.physical),
        ("virtual", "Virtual", t.virtual_),
        ("hybrid", "Hybrid", t.hybrid),
        (
            "modality_not_recorded",
            "Mode of delivery not recorded",
            t.modality_unknown,
        ),
        (
            "without_participant_count",
            "Without a participant count",
            r.trainings_without_count(),
        ),
    ] {
        row(&mut w, ["trainings", key, label], ["", &n(trainings), ""])?;
    }
    // A figure not known is an empty cell, never 0: the value where no training has one, the
    // gender split where no gender is recorded, participants by country or department where
    // no attendance records give them.
    let value = if r.value_known == 0 {
        String::new()
    } else {
        money(r.value)
    };
    row(
        &mut w,
        ["value", "total", "Estimated value"],
        ["", &n(r.value_known), &value],
    )?;
    let split = p.male + p.female > 0;
    for (key, label, v, known) in [
        ("total", "Participants", p.total, true),
        ("male", "Male", p.male, split),
        ("female", "Female", p.female, split),
        ("not_recorded", "Gender not recorded", p.not_recorded, true),
    ] {
        let v = if known { n(v) } else { String::new() };
        row(&mut w, ["participants", key, label], [&v, "", ""])?;
    }
    for (key, label, v) in [
        ("total", "Individual persons", r.persons),
        (
            "from_records",
            "Persons with attendance records, each once",
            r.persons_from_records,
        ),
        (
            "from_aggregates",
            "Persons in the figures of trainings without names",
            r.persons_from_aggregates,
        ),
    ] {
        row(&mut w, ["persons", key, label], [&n(v), "", ""])?;
    }
    let recorded = |v: u64, any: bool| if any { n(v) } else { String::new() };
    let any = r.countries.iter().any(|c| c.participants > 0);
    for c in &r.countries {
        row(
            &mut w,
            ["country", &c.code, &c.name],
            [&recorded(c.participants, any), &n(c.trainings), ""],
        )?;
    }
    let any = r.departments.iter().any(|d| d.participants > 0);
    for d in &r.departments {
        row(
            &mut w,
            ["department", &d.name, &d.name],
            [&recorded(d.participants, any), &n(d.trainings), ""],
        )?;
    }
    for pa in &r.partners {
        row(
            &mut w,
            ["partner", &pa.short_name, &pa.name],
            [
                // Empty, not 0, when none of its trainings has a known count.
                &if pa.counted > 0 {
                    n(pa.participants)
                } else {
                    String::new()
                },
                &n(pa.trainings),
                "",
            ],
        )?;
    }
    for m in &r.months {
        let key = match m.month {
            Some(month) => format!("{}-{month:02}", m.year),
            None => m.year.to_string(),
        };
        row(
            &mut w,
            ["month", &key, &m.label],
            [&n(m.participants), &n(m.trainings), ""],
        )?;
    }
    for tr in &r.listing {
        row(
            &mut w,
            ["training", &tr.code, &tr.title],
            [
                &tr.participants.map(|c| n(c.total)).unwrap_or_default(),
                "1",
                &tr.value.map(money).unwrap_or_default(),
            ],
        )?;
    }
    for pf in &r.published {
        let (participants, trainings, value) = match pf.figure {
            cadre_core::Figure::ValueUsd => (
                String::new(),
                String::new(),
                money(cadre_core::Money::from_cents(pf.published)),
            ),
            cadre_core::Figure::Trainings
            | cadre_core::Figure::PhysicalTrainings
            | cadre_core::Figure::VirtualTrainings
            | cadre_core::Figure::HybridTrainings
            | cadre_core::Figure::CountriesReached => {
                (String::new(), pf.published.to_string(), String::new())
            }
            _ => (pf.published.to_string(), String::new(), String::new()),
        };
        row(
            &mut w,
            ["published", pf.figure.as_str(), pf.figure.label()],
            [&participants, &trainings, &value],
        )?;
    }
    // What explains each difference, the difference in the column of its kind.
    for d in &r.declared {
        let diff = d.difference.to_string();
        let (participants, trainings, value) = match d.figure {
            cadre_core::Figure::ValueUsd => (
                String::new(),
                String::new(),
                money(cadre_core::Money::from_cents(d.difference)),
            ),
            cadre_core::Figure::Trainings
            | cadre_core::Figure::PhysicalTrainings
            | cadre_core::Figure::VirtualTrainings
            | cadre_core::Figure::HybridTrainings
            | cadre_core::Figure::CountriesReached => (String::new(), diff, String::new()),
            _ => (diff, String::new(), String::new()),
        };
        row(
            &mut w,
            [
                "declared_difference",
                d.figure.as_str(),
                &crate::quality::explained(d, &r.quality),
            ],
            [&participants, &trainings, &value],
        )?;
    }
    if let Some(a) = &r.approval {
        for c in &a.changes {
            let label = format!(
                "{}: approved {}, now {}",
                crate::view::approved_figure_label(&c.figure),
                crate::view::approved_figure_value(&c.figure, c.approved),
                crate::view::approved_figure_value(&c.figure, c.now)
            );
            row(
                &mut w,
                ["changed_since_approval", &c.figure, &label],
                ["", "", ""],
            )?;
        }
    }
    for q in &r.quality {
        let label = format!(
            "{} ({}): {}",
            q.training.as_deref().unwrap_or("Period"),
            q.severity.as_str(),
            crate::quality::message(q)
        );
        row(&mut w, ["quality", q.rule.code(), &label], ["", "", ""])?;
    }
    w.flush().map_err(csv::Error::from)?;
    w.into_inner()
        .map_err(|e| RenderError::Csv(csv::Error::from(e.into_error())))
}

#[cfg(test)]
mod tests {
    use super::text_cell;

    #[test]
    fn text_that_a_spreadsheet_would_run_is_quoted() {
        for hostile in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(text_cell(hostile), format!("'{hostile}"));
        }
        for plain in ["Customs", "2020-01", "Côte d'Ivoire", "a=b", ""] {
            assert_eq!(text_cell(plain), plain);
        }
    }
}
