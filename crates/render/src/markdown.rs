//! Markdown, for pasting the report into documents.

use std::fmt::Write;

use cadre_core::report::Report;

use crate::view::{self, num};

/// A table cell: pipes and line breaks would break the table.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A table; `align` has one letter per column: `l` for text, `r` for figures.
fn table(
    out: &mut String,
    head: &[&str],
    align: &str,
    rows: impl IntoIterator<Item = Vec<String>>,
) {
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        head.iter()
            .enumerate()
            .map(|(i, _)| if align.as_bytes().get(i) == Some(&b'r') {
                " ---: "
            } else {
                " --- "
            })
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let p = &r.participants;
    let _ = writeln!(out, "# {}\n", view::title(r));
    let _ = writeln!(out, "_Period: {}_\n", r.period.label());
    let _ = writeln!(out, "{}\n", view::headline(r));
    let _ = writeln!(out, "{}\n", view::persons_sentence(r));
    let _ = writeln!(out, "{}\n", view::modality_sentence(r));
    let _ = writeln!(
        out,
        "## Value of capacity building\n\n{}\n",
        view::value_sentence(r)
    );

    let _ = writeln!(out, "## Training by gender\n");
    table(
        &mut out,
        &["Gender", "Participants"],
        "lr",
        [
            vec!["Male".into(), num(p.male)],
            vec!["Female".into(), num(p.female)],
            vec!["Not recorded".into(), num(p.not_recorded)],
            vec!["**Total**".into(), format!("**{}**", num(p.total))],
        ],
    );

    let _ = writeln!(out, "## Departments trained\n");
    if r.departments.is_empty() {
        let _ = writeln!(
            out,
            "No department is recorded for the trainings of this period.\n"
        );
    } else {
        table(
            &mut out,
            &["Department", "Participants (from records)", "Trainings"],
            "lrr",
            r.departments
                .iter()
                .map(|d| vec![d.name.clone(), num(d.participants), num(d.trainings)]),
        );
    }

    let _ = writeln!(out, "## Countries\n");
    if r.countries.is_empty() {
        let _ = writeln!(
            out,
            "No country is named for the trainings of this period.\n"
        );
    } else {
        table(
            &mut out,
            &["Country", "Participants (from records)", "Trainings"],
            "lrr",
            r.countries
                .iter()
                .map(|c| vec![c.name.clone(), num(c.participants), num(c.trainings)]),
        );
    }

    let _ = writeln!(out, "## Trainings by month\n");
    table(
        &mut out,
        &["Month", "Trainings", "Participants"],
        "lrr",
        r.months
            .iter()
            .map(|m| vec![m.label.clone(), num(m.trainings), num(m.participants)]),
    );

    let _ = writeln!(out, "## Partner agencies\n");
    table(
        &mut out,
        &["Partner", "Name", "Trainings", "Participants"],
        "llrr",
        r.partners.iter().map(|p| {
            let role = if p.roles == ["funder"] {
                " (funder)"
            } else {
                ""
            };
            vec![
                format!("{}{role}", p.short_name),
                p.name.clone(),
                num(p.trainings),
                num(p.participants),
            ]
        }),
    );

    let _ = writeln!(out, "## Listing of trainings delivered\n");
    table(
        &mut out,
        &[
            "Code",
            "Training",
            "Dates",
            "Mode",
            "Partners",
            "Audience",
            "Countries",
            "Participants",
        ],
        "lllllllr",
        r.listing.iter().map(|t| {
            let mut partners = t.partners.clone();
            partners.extend(t.funders.iter().map(|f| format!("{f} (funder)")));
            vec![
                t.code.clone(),
                t.title.clone(),
                view::date_range(t.start, t.end),
                view::modality(t.modality).to_string(),
                partners.join(", "),
                t.departments.join(", "),
                view::countries_cell(&t.countries, t.countries_reached),
                view::participants_cell(t.participants),
            ]
        }),
    );

    if !r.published.is_empty() {
        let _ = writeln!(out, "## Published figures and the records\n");
        let _ = writeln!(out, "{}\n", view::PUBLISHED_INTRO);
        table(
            &mut out,
            &["Figure", "Published", "From the records", "Note"],
            "lrrl",
            view::published_rows(r),
        );
    }

    let _ = writeln!(out, "## Data quality\n");
    if r.quality.is_empty() {
        let _ = writeln!(
            out,
            "Every figure of this period comes from complete records."
        );
    } else {
        for q in &r.quality {
            match &q.training {
                Some(code) => {
                    let _ = writeln!(out, "- **{code}** ({}): {}", q.rule, q.message);
                }
                None => {
                    let _ = writeln!(out, "- **Period** ({}): {}", q.rule, q.message);
                }
            }
        }
    }
    out
}
