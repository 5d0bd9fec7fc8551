//! The report as one self-contained HTML page: inline CSS and SVG, no script, no external
//! request, and a print stylesheet for A4.

use askama::Template;
use cadre_core::report::Report;
use cadre_core::words::ENGLISH;

use crate::svg;
use crate::view::{self, num};

struct Figure {
    value: String,
    label: &'static str,
}

struct Row {
    cells: Vec<String>,
}

struct Listing {
    code: String,
    title: String,
    dates: String,
    modality: &'static str,
    venue: String,
    partners: String,
    audience: String,
    countries: String,
    participants: String,
    gender: String,
    source: String,
    note: String,
    summary: String,
}

struct Note {
    training: String,
    rule: &'static str,
    severity: &'static str,
    message: String,
}

struct Approval {
    sentence: String,
    rows: Vec<Row>,
    edits: Vec<String>,
}

struct Chart {
    id: &'static str,
    heading: &'static str,
    svg: String,
    columns: Vec<&'static str>,
    rows: Vec<Row>,
    empty: &'static str,
}

#[derive(Template)]
#[template(path = "report.html", blocks = ["body"])]
struct Page {
    title: String,
    period: String,
    headline: String,
    persons: String,
    modality: String,
    value_sentence: String,
    value_usd: String,
    figures: Vec<Figure>,
    partners: Vec<Row>,
    charts: Vec<Chart>,
    listing: Vec<Listing>,
    published: Vec<Row>,
    published_columns: [&'static str; 6],
    published_intro: &'static str,
    quality: Vec<Note>,
    approval: Option<Approval>,
    /// Files of the same report to link to (a published report's downloads): (file, label).
    downloads: Vec<(String, String)>,
}

pub fn render(r: &Report) -> Result<String, askama::Error> {
    page(r).render()
}

/// The report's content without the document around it, for a page that shows it inside its
/// own (the web application's report page), styled by [`REPORT_CSS`].
pub fn body(r: &Report) -> Result<String, askama::Error> {
    page(r).as_body().render()
}

/// The standalone page with links to the same report in other files (a published report's
/// folder: `report.pdf`, ...), given as (file, label).
pub fn with_downloads(r: &Report, downloads: &[(&str, &str)]) -> Result<String, askama::Error> {
    let mut p = page(r);
    p.downloads = downloads
        .iter()
        .map(|(f, l)| (f.to_string(), l.to_string()))
        .collect();
    p.render()
}

/// The report's stylesheet, as the standalone page inlines it.
pub const REPORT_CSS: &str = include_str!("../templates/report.css");

fn page(r: &Report) -> Page {
    let p = &r.participants;
    let figures = vec![
        Figure {
            value: num(r.trainings.total),
            label: "trainings",
        },
        Figure {
            value: num(p.total),
            label: "participants",
        },
        Figure {
            value: num(r.persons),
            label: "individual persons",
        },
        Figure {
            value: num(r.countries.len() as u64),
            label: "countries reached",
        },
        Figure {
            value: view::usd(r.value),
            label: "estimated value",
        },
    ];
    let gender_rows = vec![
        Row {
            cells: vec!["Male".into(), num(p.male)],
        },
        Row {
            cells: vec!["Female".into(), num(p.female)],
        },
        Row {
            cells: vec!["Not recorded".into(), num(p.not_recorded)],
        },
    ];
    let (department_title, department_bars) = view::chart_rows(
        r.departments
            .iter()
            .map(|d| (d.name.clone(), d.participants, d.trainings)),
        "department",
    );
    let (country_title, country_bars) = view::chart_rows(
        r.countries
            .iter()
            .map(|c| (c.name.clone(), c.participants, c.trainings)),
        "country",
    );
    let month_bars: Vec<(String, u64)> = r
        .months
        .iter()
        .map(|m| (m.label.clone(), m.trainings))
        .collect();
    let charts = vec![
        Chart {
            id: "gender",
            heading: "Training by gender",
            svg: svg::gender("gender-chart", p.male, p.female, p.not_recorded),
            columns: vec!["Gender", "Participants"],
            rows: gender_rows,
            empty: "",
        },
        Chart {
            id: "departments",
            heading: "Departments trained",
            svg: if department_bars.is_empty() {
                String::new()
            } else {
                svg::bars("departments-chart", &department_title, &department_bars)
            },
            columns: vec!["Department", "Trainings", "Participants (from records)"],
            rows: r
                .departments
                .iter()
                .map(|d| Row {
                    cells: vec![d.name.clone(), num(d.trainings), num(d.participants)],
                })
                .collect(),
            empty: "No department is recorded for the trainings of this period.",
        },
        Chart {
            id: "countries",
            heading: "Countries",
            svg: if country_bars.is_empty() {
                String::new()
            } else {
                svg::bars("countries-chart", &country_title, &country_bars)
            },
            columns: vec!["Country", "Trainings", "Participants (from records)"],
            rows: r
                .countries
                .iter()
                .map(|c| Row {
                    cells: vec![c.name.clone(), num(c.trainings), num(c.participants)],
                })
                .collect(),
            empty: "No country is named for the trainings of this period.",
        },
        Chart {
            id: "months",
            heading: "Trainings by month",
            svg: if month_bars.is_empty() {
                String::new()
            } else {
                svg::bars("months-chart", "Trainings by month of start", &month_bars)
            },
            columns: vec!["Month", "Trainings", "Participants"],
            rows: r
                .months
                .iter()
                .map(|m| Row {
                    cells: vec![m.label.clone(), num(m.trainings), num(m.participants)],
                })
                .collect(),
            empty: "No training starts in this period.",
        },
    ];
    let partners = r
        .partners
        .iter()
        .map(|pa| Row {
            cells: vec![
                pa.name.clone(),
                pa.short_name.clone(),
                if pa.roles == ["funder"] {
                    "Funder".into()
                } else if pa.roles.len() > 1 {
                    "Partner and funder".into()
                } else {
                    "Partner".into()
                },
                num(pa.trainings),
                view::partner_participants(pa),
            ],
        })
        .collect();
    let listing = r
        .listing
        .iter()
        .map(|t| {
            let mut partners = t.partners.clone();
            partners.extend(t.funders.iter().map(|f| format!("{f} (funder)")));
            let venue = [t.venue.clone(), t.platform.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            Listing {
                code: t.code.clone(),
                title: t.title.clone(),
                dates: view::date_range(t.start, t.end),
                modality: view::modality(t.modality),
                venue,
                partners: partners.join(", "),
                audience: t.departments.join(", "),
                countries: view::countries_cell(&t.countries, t.countries_reached),
                participants: t
                    .participants
                    .map_or_else(|| "Not known".to_string(), |c| ENGLISH.count(c.total)),
                gender: t.participants.map_or_else(String::new, |c| {
                    format!(
                        "{} male, {} female, {} not recorded",
                        num(c.male),
                        num(c.female),
                        num(c.not_recorded)
                    )
                }),
                source: match t.source {
                    cadre_core::report::CountSource::Unknown => String::new(),
                    other => format!(", from {}", view::source_label(other)),
                },
                note: t.note.clone().unwrap_or_default(),
                summary: t.summary.clone().unwrap_or_default(),
            }
        })
        .collect();
    let quality = r
        .quality
        .iter()
        .map(|q| Note {
            training: q.training.clone().unwrap_or_else(|| "Period".into()),
            rule: q.rule.code(),
            severity: crate::quality::severity(q.severity),
            message: crate::quality::message(q),
        })
        .collect();
    Page {
        title: view::title(r),
        period: r.period.label(),
        headline: view::headline(r),
        persons: view::persons_sentence(r),
        modality: view::modality_sentence(r),
        value_sentence: view::value_sentence(r),
        value_usd: view::usd(r.value),
        figures,
        partners,
        charts,
        listing,
        published: view::published_rows(r)
            .into_iter()
            .map(|cells| Row { cells })
            .collect(),
        published_columns: view::PUBLISHED_COLUMNS,
        published_intro: view::PUBLISHED_INTRO,
        quality,
        approval: r.approval.as_ref().map(|a| Approval {
            sentence: view::approval_sentence(a),
            rows: view::approval_rows(a)
                .into_iter()
                .map(|cells| Row { cells })
                .collect(),
            edits: a.edits.iter().map(view::edit_line).collect(),
        }),
        downloads: Vec::new(),
    }
}
