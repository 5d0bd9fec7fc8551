//! The document's sections that read tables out of the report: the breakdowns by department
//! and country, the partners, the listing of trainings, the published figures and the notes
//! on data quality.

use cadre_core::report::Report;
use cadre_core::Money;

use super::{data, figure, t, text, Block, Cell, Chart, Section, Show, Table};
use crate::view;

/// One line of a breakdown: code, name, participants from attendance records, participants
/// from the figures of trainings that name this one only, trainings.
pub(super) type Line = (Option<String>, String, u64, u64, u64);

/// A breakdown by department or country: a chart of participants (or of trainings, where no
/// participants can be placed) and the table of both. A training known by its figure alone
/// counts its participants where it names one department or country; where it names several
/// they are "not split", said in a row of their own.
pub(super) fn breakdown(
    (id, heading, sheet): (&'static str, &'static str, &'static str),
    (what, label): (&'static str, &'static str),
    lines: Vec<Line>,
    not_split: u64,
    empty: &'static str,
) -> Section {
    let section = Section::new(id, heading, Some(sheet));
    if lines.is_empty() {
        return section.with(Block::Empty(empty));
    }
    let (title, bars) = view::chart_rows(
        lines
            .iter()
            .map(|(_, name, records, figures, t)| (name.clone(), records + figures, *t)),
        what,
    );
    let coded = lines.iter().any(|(code, ..)| code.is_some());
    let whats = if what == "country" {
        "countries".to_string()
    } else {
        format!("{what}s")
    };
    let mut columns = Vec::new();
    if coded {
        columns.push(data(text("Code", 60.0)));
    }
    let placed = lines.iter().any(|(_, _, r, f, _)| r + f > 0) || not_split > 0;
    let figures_used = lines.iter().any(|(_, _, _, f, _)| *f > 0);
    let participants = figure("Participants", 120.0);
    columns.extend([
        text(label, 250.0),
        figure("Trainings", 120.0),
        if placed {
            participants
        } else {
            data(participants)
        },
    ]);
    // The workbook keeps both sources apart.
    columns.push(data(figure("From attendance records", 120.0)));
    columns.push(data(figure("From trainings' figures", 120.0)));
    let mut rows: Vec<Vec<Cell>> = lines
        .into_iter()
        .map(|(code, name, records, figures, trainings)| {
            let mut row = Vec::new();
            if coded {
                row.push(t(code.unwrap_or_default()));
            }
            row.extend([
                t(name),
                Cell::Count(trainings),
                if records + figures > 0 {
                    Cell::Count(records + figures)
                } else {
                    Cell::NotKnown("not recorded")
                },
                Cell::Count(records),
                Cell::Count(figures),
            ]);
            row
        })
        .collect();
    if not_split > 0 {
        let mut row = Vec::new();
        if coded {
            row.push(Cell::Empty);
        }
        row.extend([
            t(format!("Not split: trainings that name several {whats}")),
            Cell::Empty,
            Cell::Count(not_split),
            Cell::Empty,
            Cell::Count(not_split),
        ]);
        rows.push(row);
    }
    let mut section = section.with(Block::Chart(Chart::Bars {
        id: if id == "countries" {
            "countries-chart"
        } else {
            "departments-chart"
        },
        title,
        bars,
    }));
    if figures_used || not_split > 0 {
        section = section.with(Block::Aside(format!(
            "Participants come from attendance records, and from the published figure of each training without records that names one {what} only.{}",
            if not_split > 0 {
                format!(
                    " {} participants of trainings that name several {whats} are not split between them.",
                    view::num(not_split)
                )
            } else {
                String::new()
            }
        )));
    }
    section.with(Block::Table(Table::new(&columns, rows), Show::All))
}

pub(super) fn partners(r: &Report) -> Section {
    let section = Section::new("partners", "Partner agencies", Some("Partners"));
    if r.partners.is_empty() {
        return section.with(Block::Empty(
            "No partner agency is recorded for the trainings of this period.",
        ));
    }
    let rows = r
        .partners
        .iter()
        .map(|pa| {
            let role = if pa.roles == ["funder"] {
                "Funder"
            } else if pa.roles.len() > 1 {
                "Partner and funder"
            } else {
                "Partner"
            };
            vec![
                t(&pa.name),
                t(&pa.short_name),
                t(role),
                Cell::Count(pa.trainings),
                // Not known, not zero, when none of its trainings has a known count.
                if pa.counted == 0 {
                    Cell::NotKnown("not known")
                } else {
                    Cell::Count(pa.participants)
                },
            ]
        })
        .collect();
    section.with(Block::Table(
        Table::new(
            &[
                text("Partner agency", 200.0),
                text("Short name", 80.0),
                text("Role", 75.0),
                figure("Trainings", 65.0),
                figure("Participants", 75.0),
            ],
            rows,
        ),
        Show::All,
    ))
}

/// The trainings, one row each, and what each was, in words.
pub(super) fn listing(r: &Report) -> Vec<Section> {
    let columns = [
        text("Code", 74.0),
        text("Training", 112.0),
        data(text("Start", 0.0)),
        data(text("End", 0.0)),
        text("Dates", 70.0),
        text("Mode", 42.0),
        text("Partners", 75.0),
        data(text("Funders", 0.0)),
        text("Audience", 58.0),
        text("Countries", 60.0),
        figure("Participants", 55.0),
        data(figure("Male", 0.0)),
        data(figure("Female", 0.0)),
        data(figure("Not recorded", 0.0)),
        data(text("Source", 0.0)),
        data(figure("Value (USD)", 0.0)),
        data(text("Summary", 0.0)),
    ];
    let rows = r
        .listing
        .iter()
        .map(|l| {
            let mut partners = l.partners.clone();
            partners.extend(l.funders.iter().map(|f| format!("{f} (funder)")));
            let count = |f: fn(&cadre_core::report::GenderCounts) -> u64| {
                l.participants.map_or(Cell::Empty, |c| Cell::Count(f(&c)))
            };
            vec![
                t(&l.code),
                t(&l.title),
                t(l.start.map(|d| d.to_string()).unwrap_or_default()),
                t(l.end.map(|d| d.to_string()).unwrap_or_default()),
                t(view::date_range(l.start, l.end)),
                t(view::modality(l.modality)),
                t(partners.join(", ")),
                t(l.funders.join(", ")),
                t(l.departments.join(", ")),
                t(view::countries_cell(&l.countries, l.countries_reached)),
                l.participants
                    .map_or(Cell::NotKnown("Not known"), |c| Cell::Count(c.total)),
                count(|c| c.male),
                count(|c| c.female),
                count(|c| c.not_recorded),
                t(view::source_label(l.source)),
                l.value.map_or(Cell::Empty, Cell::Money),
                t(l.summary.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let mut sections = vec![Section::new(
        "listing",
        "Listing of trainings delivered",
        Some("Trainings"),
    )
    .with(Block::Table(Table::new(&columns, rows), Show::All))];
    let summaries: Vec<(String, String)> = r
        .listing
        .iter()
        .filter_map(|l| {
            l.summary
                .as_ref()
                .map(|s| (format!("{} ({})", l.title, l.code), s.clone()))
        })
        .collect();
    if !summaries.is_empty() {
        sections.push(
            Section::new("summaries", "What each training was", None)
                .with(Block::Paragraphs(summaries)),
        );
    }
    sections
}

/// The figures the agency published beside what the records give.
pub(super) fn published(r: &Report) -> Section {
    let value = |figure: cadre_core::Figure, v: i64| {
        if figure == cadre_core::Figure::ValueUsd {
            Cell::Money(Money::from_cents(v))
        } else {
            Cell::Count(v.unsigned_abs())
        }
    };
    let unknown = |figure: cadre_core::Figure| match figure {
        cadre_core::Figure::ValueUsd => r.value_known == 0,
        cadre_core::Figure::Male | cadre_core::Figure::Female => {
            r.participants.male + r.participants.female == 0
        }
        _ => false,
    };
    let rows = r
        .published
        .iter()
        .map(|p| {
            let line = r.declared.iter().find(|d| d.figure == p.figure);
            vec![
                t(p.figure.label()),
                value(p.figure, p.published),
                // What the records cannot give is not known, not 0: a gender split where no
                // gender is recorded, a value where no training has one.
                match p.records {
                    None => Cell::NotKnown("—"),
                    Some(_) if unknown(p.figure) => Cell::NotKnown("not recorded"),
                    Some(v) => value(p.figure, v),
                },
                // A difference says its sign, money too.
                line.map_or(Cell::NotKnown("—"), |d| {
                    match (
                        p.figure == cadre_core::Figure::ValueUsd,
                        d.difference.signum(),
                    ) {
                        (true, 1) => t(format!(
                            "+{}",
                            view::usd_column(Money::from_cents(d.difference))
                        )),
                        (true, -1) => t(format!(
                            "\u{2212}{}",
                            view::usd_column(Money::from_cents(-d.difference))
                        )),
                        _ => Cell::Signed(d.difference),
                    }
                }),
                t(line.map_or_else(String::new, |d| crate::quality::explained(d, &r.quality))),
                t(p.note.clone().unwrap_or_default()),
            ]
        })
        .collect();
    Section::new(
        "published",
        "Declared figures and the records",
        Some("Published"),
    )
    .with(Block::Text(view::PUBLISHED_INTRO.into()))
    .with(Block::Table(
        Table::new(
            &[
                text("Figure", 70.0),
                figure("Declared", 65.0),
                figure("From the records", 65.0),
                figure("Difference", 65.0),
                text("Why", 145.0),
                text("Note", 85.0),
            ],
            rows,
        ),
        Show::All,
    ))
}

pub(super) fn quality(r: &Report) -> Section {
    let section = Section::new(
        "quality",
        "Data quality and provenance",
        Some("Data quality"),
    );
    if r.quality.is_empty() {
        return section.with(Block::Empty(
            "Every figure of this period comes from complete records.",
        ));
    }
    let lines = r
        .quality
        .iter()
        .map(|q| {
            format!(
                "{}: {}. {}",
                q.training.as_deref().unwrap_or("Period"),
                crate::quality::severity(q.severity),
                crate::quality::message(q),
            )
        })
        .collect();
    let rows = r
        .quality
        .iter()
        .map(|q| {
            vec![
                t(q.rule.code()),
                t(q.training.as_deref().unwrap_or("(period)")),
                t(crate::quality::message(q)),
                t(q.severity.as_str()),
            ]
        })
        .collect();
    section
        .with(Block::Text(
            "What the figures above rest on, and what they cannot show:".into(),
        ))
        .with(Block::List(lines))
        .with(Block::Table(
            Table::new(
                &[
                    data(text("Rule", 0.0)),
                    data(text("Training", 0.0)),
                    data(text("Note", 0.0)),
                    data(text("Severity", 0.0)),
                ],
                rows,
            ),
            Show::Data,
        ))
}
