//! The report as one self-contained HTML page: inline CSS and SVG, no script, no external
//! request, and a print stylesheet for A4.

use askama::Template;
use cadre_core::report::Report;

use crate::document::{self, Block, Chart, Show};
use crate::svg;

/// A section as the page shows it.
struct Part {
    id: &'static str,
    heading: &'static str,
    blocks: Vec<Piece>,
}

/// A block of a section as the page shows it.
enum Piece {
    Text(String),
    Aside(String),
    Empty(&'static str),
    List(Vec<String>),
    Paragraphs(Vec<(String, String)>),
    /// An SVG chart, drawn here.
    Chart(String),
    Table(Grid),
}

/// A table as the page shows it: each cell with whether it is a figure.
struct Grid {
    caption: &'static str,
    head: Vec<(&'static str, bool)>,
    rows: Vec<Vec<(String, bool)>>,
    /// The last row is a total.
    total: bool,
    /// Under a chart, folded away as its figures.
    folded: bool,
}

#[derive(Template)]
#[template(path = "report.html", blocks = ["body"])]
struct Page {
    title: String,
    period: String,
    figures: Vec<(String, &'static str)>,
    lead: Vec<String>,
    parts: Vec<Part>,
    footer: String,
    /// Files of the same report to link to (a published report's downloads): (file, label).
    downloads: Vec<(String, String)>,
    /// Who publishes it.
    agency: String,
    /// The agency's logo as a `data:` address (a file stands alone); none inside the site's
    /// page, whose header shows it.
    logo: Option<String>,
    /// The agency's colours, as the stylesheet's variables.
    colours: String,
}

pub fn render(r: &Report) -> Result<String, askama::Error> {
    standalone(r).render()
}

/// The page as a file: the logo inside it.
fn standalone(r: &Report) -> Page {
    let mut p = page(r);
    p.logo = r.agency.logo.as_ref().map(crate::face::logo_data_uri);
    p
}

/// The report's content without the document around it, for a page that shows it inside its
/// own (the web application's report page), styled by [`REPORT_CSS`].
pub fn body(r: &Report) -> Result<String, askama::Error> {
    page(r).as_body().render()
}

/// The standalone page with links to the same report in other files (a published report's
/// folder: `report.pdf`, ...), given as (file, label).
pub fn with_downloads(r: &Report, downloads: &[(&str, &str)]) -> Result<String, askama::Error> {
    let mut p = standalone(r);
    p.downloads = downloads
        .iter()
        .map(|(f, l)| (f.to_string(), l.to_string()))
        .collect();
    p.render()
}

/// The report's stylesheet, as the standalone page inlines it.
pub const REPORT_CSS: &str = include_str!("../templates/report.css");

fn page(r: &Report) -> Page {
    let doc = document::build(r);
    let parts = doc
        .sections
        .iter()
        .filter(|s| {
            !s.blocks
                .iter()
                .all(|b| matches!(b, Block::Table(_, Show::Data)))
        })
        .map(|s| {
            let mut blocks = Vec::new();
            let mut charted = false;
            for b in &s.blocks {
                blocks.push(match b {
                    Block::Text(t) => Piece::Text(t.clone()),
                    Block::Aside(t) => Piece::Aside(t.clone()),
                    Block::Empty(t) => Piece::Empty(t),
                    Block::List(l) => Piece::List(l.clone()),
                    Block::Paragraphs(p) => Piece::Paragraphs(p.clone()),
                    Block::Chart(c) => {
                        charted = true;
                        Piece::Chart(match c {
                            Chart::Bars { id, title, bars } => svg::bars(id, title, bars),
                            Chart::Gender {
                                male,
                                female,
                                not_recorded,
                            } => svg::gender("gender-chart", *male, *female, *not_recorded),
                        })
                    }
                    Block::Table(t, Show::All | Show::Reading) => {
                        let shown = t.reading();
                        Piece::Table(Grid {
                            caption: s.heading,
                            head: shown
                                .iter()
                                .map(|&i| (t.columns[i].label, t.columns[i].numeric))
                                .collect(),
                            rows: t
                                .rows
                                .iter()
                                .map(|row| {
                                    shown
                                        .iter()
                                        .map(|&i| (row[i].shown(), t.columns[i].numeric))
                                        .collect()
                                })
                                .collect(),
                            total: t.total,
                            folded: charted,
                        })
                    }
                    Block::Table(_, Show::Data) => continue,
                });
            }
            Part {
                id: s.id,
                heading: s.heading,
                blocks,
            }
        })
        .collect();
    Page {
        title: doc.title,
        period: doc.period,
        figures: doc.figures,
        lead: doc.lead,
        parts,
        footer: doc.footer,
        downloads: Vec::new(),
        agency: r.agency.named().unwrap_or_default().to_string(),
        logo: None,
        colours: format!(
            ":root {{ --brand: {}; --accent: {}; }}",
            r.agency.colour.hex(),
            r.agency.accent.hex()
        ),
    }
}
