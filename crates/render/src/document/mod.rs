//! The report as one format-neutral document, built once: its title, headline figures and
//! sentences, then its sections in order, each a heading and blocks (sentences, a chart, a
//! table of typed cells, a list). Every format (HTML, Markdown, PDF, the workbook) lays out
//! this same document, so a section added here appears in each of them; a format decides only
//! how a block looks. Tables say which of their columns a reader sees and which only the
//! workbook (raw dates, counts split by gender, codes) keeps.

use cadre_core::report::Report;
use cadre_core::Money;

use crate::view::{self, num};

mod parts;

use parts::{breakdown, listing, partners, published, quality};

/// The whole report.
#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    /// The period in words.
    pub period: String,
    /// The headline figures, each a value and what it counts.
    pub figures: Vec<(String, &'static str)>,
    /// The sentences under the figures.
    pub lead: Vec<String>,
    pub sections: Vec<Section>,
    /// The closing words (how the figures are counted).
    pub footer: String,
}

/// A part of the report under its heading.
#[derive(Debug, Clone)]
pub struct Section {
    /// Stable, for links and anchors.
    pub id: &'static str,
    pub heading: &'static str,
    /// The workbook's sheet for its table (`None`: the section has no sheet).
    pub sheet: Option<&'static str>,
    pub blocks: Vec<Block>,
}

/// Who a block is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// Every format.
    All,
    /// The formats people read (HTML, Markdown, PDF), not the workbook.
    Reading,
    /// The workbook only: the data behind what readers see.
    Data,
}

/// A piece of a section.
#[derive(Debug, Clone)]
pub enum Block {
    /// A sentence or paragraph.
    Text(String),
    /// A smaller aside.
    Aside(String),
    /// Points, one line each.
    List(Vec<String>),
    /// Titled paragraphs (what each training was).
    Paragraphs(Vec<(String, String)>),
    Chart(Chart),
    Table(Table, Show),
    /// What is said when the section has nothing to show.
    Empty(&'static str),
}

/// A chart, drawn by each format as it can.
#[derive(Debug, Clone)]
pub enum Chart {
    /// Bars with labels and values, under a title.
    Bars {
        id: &'static str,
        title: String,
        bars: Vec<(String, u64)>,
    },
    /// The participants' gender: male, female, not recorded.
    Gender {
        male: u64,
        female: u64,
        not_recorded: u64,
    },
}

/// A column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub label: &'static str,
    /// Figures, aligned right.
    pub numeric: bool,
    /// Whether readers see it (else only the workbook keeps it).
    pub reading: bool,
    /// Its share of a printed page's width (the PDF's), among the columns readers see.
    pub width: f32,
}

const fn text(label: &'static str, width: f32) -> Column {
    Column {
        label,
        numeric: false,
        reading: true,
        width,
    }
}

const fn figure(label: &'static str, width: f32) -> Column {
    Column {
        label,
        numeric: true,
        reading: true,
        width,
    }
}

/// The same column, kept for the workbook only.
const fn data(c: Column) -> Column {
    Column {
        reading: false,
        ..c
    }
}

/// A cell, typed so that the workbook keeps numbers as numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Count(u64),
    /// A signed count (a difference).
    Signed(i64),
    Money(Money),
    /// Not known: said so to a reader, an empty cell in the workbook.
    NotKnown(&'static str),
    Empty,
}

impl Cell {
    /// The cell as a reader sees it.
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Count(n) => num(*n),
            Cell::Signed(d) => match d.signum() {
                0 => "0".into(),
                1 => format!("+{}", num(d.unsigned_abs())),
                _ => format!("\u{2212}{}", num(d.unsigned_abs())),
            },
            Cell::Money(m) => view::usd_column(*m),
            Cell::NotKnown(words) => words.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// Rows under columns; a row may be a total (set apart).
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// The last row is a total.
    pub total: bool,
}

impl Table {
    fn new(columns: &[Column], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            columns: columns.to_vec(),
            rows,
            total: false,
        }
    }

    /// The indexes of the columns readers see.
    pub fn reading(&self) -> Vec<usize> {
        (0..self.columns.len())
            .filter(|&i| self.columns[i].reading)
            .collect()
    }
}

impl Section {
    fn new(id: &'static str, heading: &'static str, sheet: Option<&'static str>) -> Section {
        Section {
            id,
            heading,
            sheet,
            blocks: Vec::new(),
        }
    }

    fn with(mut self, block: Block) -> Section {
        self.blocks.push(block);
        self
    }
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// The document of a report.
pub fn build(r: &Report) -> Document {
    let p = &r.participants;
    let mut sections = vec![summary(r)];
    if let Some(a) = &r.approval {
        let mut s = Section::new("approval", "Approval", Some("Approval"))
            .with(Block::Text(view::approval_sentence(a)));
        if !a.changes.is_empty() {
            let value = |key: &str, v: i64| {
                if key == "value_cents" {
                    Cell::Money(Money::from_cents(v))
                } else {
                    Cell::Count(v.unsigned_abs())
                }
            };
            let rows = a
                .changes
                .iter()
                .map(|c| {
                    vec![
                        t(view::approved_figure_label(&c.figure)),
                        value(&c.figure, c.approved),
                        value(&c.figure, c.now),
                    ]
                })
                .collect();
            s = s.with(Block::Table(
                Table::new(
                    &[
                        text("Figure", 250.0),
                        figure("Approved", 120.0),
                        figure("Now", 120.0),
                    ],
                    rows,
                ),
                Show::All,
            ));
        }
        if !a.edits.is_empty() {
            s = s
                .with(Block::Text("The changes since approval:".into()))
                .with(Block::List(a.edits.iter().map(view::edit_line).collect()));
        }
        sections.push(s);
    }
    sections.push(
        Section::new("modality", "Physical and virtual training", None)
            .with(Block::Text(view::modality_sentence(r))),
    );
    sections.push(
        Section::new("value", "Value of capacity building", None)
            .with(Block::Text(view::value_sentence(r))),
    );
    let split = |n: u64| {
        if p.male + p.female > 0 {
            Cell::Count(n)
        } else {
            Cell::NotKnown("not recorded")
        }
    };
    let mut gender = Table::new(
        &[text("Gender", 250.0), figure("Participants", 120.0)],
        vec![
            vec![t("Male"), split(p.male)],
            vec![t("Female"), split(p.female)],
            vec![t("Not recorded"), Cell::Count(p.not_recorded)],
            vec![t("Total"), Cell::Count(p.total)],
        ],
    );
    gender.total = true;
    let by_gender = Section::new("gender", "Training by gender", Some("Gender"));
    sections.push(if p.male + p.female == 0 {
        // Nothing to chart: a grey ring and "0 male, 0 female" would say more than is known.
        by_gender
            .with(Block::Empty(
                "The participants' gender is not recorded for the trainings of this period.",
            ))
            .with(Block::Table(gender, Show::Data))
    } else {
        by_gender
            .with(Block::Chart(Chart::Gender {
                male: p.male,
                female: p.female,
                not_recorded: p.not_recorded,
            }))
            .with(Block::Table(gender, Show::All))
    });
    sections.push(breakdown(
        ("departments", "Departments trained", "Departments"),
        ("department", "Department"),
        r.departments
            .iter()
            .map(|d| {
                (
                    None,
                    d.name.clone(),
                    d.participants,
                    d.from_figures,
                    d.trainings,
                )
            })
            .collect(),
        r.departments_not_split,
        "No department is recorded for the trainings of this period.",
    ));
    sections.push(breakdown(
        ("countries", "Countries", "Countries"),
        ("country", "Country"),
        r.countries
            .iter()
            .map(|c| {
                (
                    Some(c.code.clone()),
                    c.name.clone(),
                    c.participants,
                    c.from_figures,
                    c.trainings,
                )
            })
            .collect(),
        r.countries_not_split,
        "No country is named for the trainings of this period.",
    ));
    let mut months = Section::new("months", "Trainings by month", Some("Months"));
    if r.months.is_empty() {
        months = months.with(Block::Empty("No training starts in this period."));
    } else {
        months = months
            .with(Block::Chart(Chart::Bars {
                id: "months-chart",
                title: "Trainings by month of start".into(),
                bars: r
                    .months
                    .iter()
                    .map(|m| (m.label.clone(), m.trainings))
                    .collect(),
            }))
            .with(Block::Table(
                Table::new(
                    &[
                        text("Month", 250.0),
                        figure("Trainings", 120.0),
                        figure("Participants", 120.0),
                    ],
                    r.months
                        .iter()
                        .map(|m| {
                            // Not known, not 0, where none of the month's trainings has a count.
                            let participants = if month_counted(r, m) {
                                Cell::Count(m.participants)
                            } else {
                                Cell::NotKnown("not known")
                            };
                            vec![t(&m.label), Cell::Count(m.trainings), participants]
                        })
                        .collect(),
                ),
                Show::All,
            ));
    }
    sections.push(months);
    sections.push(partners(r));
    sections.extend(listing(r));
    if !r.published.is_empty() {
        sections.push(published(r));
    }
    sections.push(quality(r));
    Document {
        title: view::title(r),
        period: r.period.label(),
        figures: figures(r),
        lead: {
            let mut lead = Vec::new();
            if r.unapproved_at_publication {
                lead.push(
                    "Not approved at publication: these figures were published before the period's approval."
                        .to_string(),
                );
            }
            lead.extend([view::headline(r), view::persons_sentence(r)]);
            lead
        },
        sections,
        footer: format!(
            "Produced by cadre from the training records of {}. Participant counts are distinct persons from attendance records where they exist, otherwise the figures published for each training; the data quality section lists every training where that matters.{}",
            r.agency.named().unwrap_or("the agency"),
            if r.value_known == 0 {
                String::new()
            } else {
                format!(" {} is the sum of the recorded values.", view::usd(r.value))
            }
        ),
    }
}

/// The headline figures, each a value and what it counts; a figure not known is said so,
/// never shown as 0: the women among the participants only where gender is recorded, the
/// individual persons only where attendance records count each once (else they are the
/// participants again), the value as not recorded where no training has one.
pub fn figures(r: &Report) -> Vec<(String, &'static str)> {
    let p = &r.participants;
    let mut out = vec![
        (num(r.trainings.total), "trainings"),
        (num(p.total), "participants"),
    ];
    if p.male + p.female > 0 {
        out.push((num(p.female), "women"));
    }
    if r.persons_from_records > 0 {
        out.push((num(r.persons), "individual persons"));
    }
    out.push((num(r.countries.len() as u64), "countries reached"));
    out.push(if r.value_known == 0 {
        ("Not recorded".to_string(), "estimated value")
    } else {
        (view::usd(r.value), "estimated value")
    });
    out
}

/// Whether any training of the month (or, for the line of trainings dated to a year only, of
/// those) has a participant count.
fn month_counted(r: &Report, m: &cadre_core::report::MonthLine) -> bool {
    r.listing.iter().any(|l| {
        l.participants.is_some()
            && l.start.is_some_and(|d| {
                let first = d.first_day();
                let year_only = d.precision() == cadre_core::Precision::Year;
                first.year == m.year
                    && match m.month {
                        Some(month) => !year_only && first.month == month,
                        None => year_only,
                    }
            })
    })
}

/// The figures of the period, one per line: the workbook's first sheet.
fn summary(r: &Report) -> Section {
    let p = &r.participants;
    let counts: [(&str, u64); 13] = [
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
    let gender_known = p.male + p.female > 0;
    let mut rows: Vec<Vec<Cell>> = counts
        .iter()
        .map(|(label, n)| {
            // Male and female are not known, not 0, where no gender is recorded.
            let known = gender_known || !matches!(*label, "Male" | "Female");
            vec![
                t(*label),
                if known {
                    Cell::Count(*n)
                } else {
                    Cell::NotKnown("not recorded")
                },
            ]
        })
        .collect();
    rows.push(vec![
        t("Estimated value (USD)"),
        if r.value_known == 0 {
            Cell::NotKnown("not recorded")
        } else {
            Cell::Money(r.value)
        },
    ]);
    Section::new("summary", "Summary", Some("Summary")).with(Block::Table(
        Table::new(
            &[data(text("Figure", 250.0)), data(figure("Value", 120.0))],
            rows,
        ),
        Show::Data,
    ))
}
