//! Markdown, for pasting the report into documents.

use std::fmt::Write;

use cadre_core::report::Report;

use crate::view::{self, num};

/// A table cell: pipes and line breaks would break the table.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Text from the records (titles, names, notes) as Markdown shows it, letter for letter. A
/// renderer would otherwise run it: `<img onerror=...>` as raw HTML, `[click](javascript:...)`
/// as a link, `*`, `_` and backticks as emphasis and code, a leading `#` as a heading and a
/// line break as a new block. Markup characters get a backslash, and `<`, `>`, `&` become
/// entities (not every renderer takes `\<` as an escape); letters, accents, apostrophes and
/// hyphens stay as typed. `|` is left to `cell`, which escapes it in every table cell.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut line_start = true;
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '[' | ']' | '(' | ')' | '*' | '_' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '#' if line_start => out.push_str("\\#"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
        line_start &= c.is_whitespace();
    }
    out
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
    if let Some(a) = &r.approval {
        let _ = writeln!(
            out,
            "## Approval\n\n{}\n",
            text(&view::approval_sentence(a))
        );
        if !a.changes.is_empty() {
            table(
                &mut out,
                &["Figure", "Approved", "Now"],
                "lrr",
                view::approval_rows(a),
            );
        }
        if !a.edits.is_empty() {
            let _ = writeln!(out, "The changes since approval:\n");
            for e in &a.edits {
                let _ = writeln!(out, "- {}", text(&view::edit_line(e)));
            }
            let _ = writeln!(out);
        }
    }
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
                .map(|d| vec![text(&d.name), num(d.participants), num(d.trainings)]),
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
                .map(|c| vec![text(&c.name), num(c.participants), num(c.trainings)]),
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
                format!("{}{role}", text(&p.short_name)),
                text(&p.name),
                num(p.trainings),
                view::partner_participants(p),
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
            let mut partners: Vec<String> = t.partners.iter().map(|p| text(p)).collect();
            partners.extend(t.funders.iter().map(|f| format!("{} (funder)", text(f))));
            let departments: Vec<String> = t.departments.iter().map(|d| text(d)).collect();
            vec![
                text(&t.code),
                text(&t.title),
                view::date_range(t.start, t.end),
                view::modality(t.modality).to_string(),
                partners.join(", "),
                departments.join(", "),
                text(&view::countries_cell(&t.countries, t.countries_reached)),
                view::participants_cell(t.participants),
            ]
        }),
    );
    if r.listing.iter().any(|t| t.summary.is_some()) {
        let _ = writeln!(out, "### What each training was\n");
        for t in &r.listing {
            if let Some(summary) = &t.summary {
                let _ = writeln!(
                    out,
                    "**{}** {}\n\n{}\n",
                    text(&t.code),
                    text(&t.title),
                    text(summary)
                );
            }
        }
    }

    if !r.published.is_empty() {
        let _ = writeln!(out, "## Declared figures and the records\n");
        let _ = writeln!(out, "{}\n", view::PUBLISHED_INTRO);
        table(
            &mut out,
            &view::PUBLISHED_COLUMNS,
            "lrrrll",
            view::published_rows(r).into_iter().map(|mut row| {
                // The note is typed with the published figures; the rest is cadre's own.
                if let Some(note) = row.last_mut() {
                    *note = text(note);
                }
                row
            }),
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
            let severity = crate::quality::severity(q.severity);
            let message = text(&crate::quality::message(q));
            match &q.training {
                Some(code) => {
                    let _ = writeln!(
                        out,
                        "- **{}** ({}, {}): {message}",
                        text(code),
                        q.rule,
                        severity.to_lowercase()
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "- **Period** ({}, {}): {message}",
                        q.rule,
                        severity.to_lowercase()
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{cell, text};

    #[test]
    fn record_text_is_shown_not_run() {
        assert_eq!(
            text("[click](javascript:alert(1))"),
            r"\[click\]\(javascript:alert\(1\)\)"
        );
        assert_eq!(text("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(text("Trinidad & Tobago"), "Trinidad &amp; Tobago");
        assert_eq!(text("# Title"), r"\# Title");
        assert_eq!(text("  #1"), r"  \#1");
        assert_eq!(
            text("Course #1"),
            "Course #1",
            "a heading only at the start"
        );
        assert_eq!(text("a\\b *c* _d_ `e`"), r"a\\b \*c\* \_d\_ \`e\`");
        assert_eq!(text("one\r\n# two"), "one  # two", "no new block");
        assert_eq!(
            text("Train-the-Trainers, Côte d'Ivoire"),
            "Train-the-Trainers, Côte d'Ivoire"
        );
        assert_eq!(cell(&text(r"a|b\")), r"a\|b\\");
    }
}
