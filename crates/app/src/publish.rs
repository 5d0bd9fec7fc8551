//! Publishing: an admin freezes a period's report, in every format, for anyone to read at
//! `/reports/{slug}` and to copy as a static folder onto the agency's web site. A published
//! report is the report of aggregates that anyone signed in may read: it holds no name or
//! e-mail of a participant (a test scans every file of it for every person in the store).

use std::path::{Path, PathBuf};

use cadre_core::access::Action;
use cadre_core::report::Period;
use cadre_render::Format;
use cadre_store::Publication;

use crate::{clock, Actor, App, AppError};

/// What a period's publication would be, for the admin to confirm.
#[derive(Debug, Clone)]
pub struct PublishPreview {
    pub title: String,
    pub figures: Vec<(String, &'static str)>,
    /// Whether the period stands approved.
    pub approved: bool,
    /// Where its approval stands, in a sentence (`None`: never submitted or approved).
    pub approval: Option<String>,
}

/// The files of a published report, with the label of each link to it.
pub const FILES: [(&str, &str); 6] = [
    ("index.html", "Web page"),
    ("report.pdf", "PDF"),
    ("report.xlsx", "Excel workbook"),
    ("report.csv", "CSV"),
    ("report.json", "JSON"),
    ("report.md", "Markdown"),
];

/// The report's content for a page of the web application to show inside its own layout.
pub const BODY_FILE: &str = "body.html";

/// A slug from the period: `2020`, `2020-q3`, `2020-07`, or `2020-01-27-to-2020-09-30`.
fn slug_of(p: &Period) -> String {
    let (f, t) = (p.from, p.to);
    let last = cadre_core::date::days_in_month(t.year, t.month);
    let whole = f.day == 1 && t.day == last;
    if whole && f.year == t.year {
        if f.month == 1 && t.month == 12 {
            return f.year.to_string();
        }
        if f.month == t.month {
            return format!("{}-{:02}", f.year, f.month);
        }
        if (f.month - 1) % 3 == 0 && t.month == f.month + 2 {
            return format!("{}-q{}", f.year, (f.month - 1) / 3 + 1);
        }
    }
    format!("{f}-to-{t}")
}

/// What a file is, for a browser.
pub fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("md") => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    }
}

impl App {
    /// What publishing the period would publish, and whether it stands approved: what a
    /// confirmation shows before [`App::publish`].
    pub async fn publish_preview(
        &self,
        actor: &Actor,
        period: Period,
    ) -> Result<PublishPreview, AppError> {
        actor.must(Action::Publish)?;
        let report = self.report(actor, period).await?;
        Ok(PublishPreview {
            title: format!("{}: {}", cadre_render::view::title(&report), period.label()),
            figures: cadre_render::document::figures(&report),
            approved: report.is_approved(),
            approval: report
                .approval
                .as_ref()
                .map(cadre_render::view::approval_sentence),
        })
    }

    /// Freezes the period's report in every format and publishes it; says where it is. A
    /// period that does not stand approved is published only when `unapproved` says the admin
    /// chose to: the publication, its audit entry and every file of it say so.
    pub async fn publish(
        &self,
        actor: &Actor,
        period: Period,
        unapproved: bool,
    ) -> Result<Publication, AppError> {
        actor.must(Action::Publish)?;
        let mut report = self.report(actor, period).await?;
        let approved = report.is_approved();
        if !approved && !unapproved {
            return Err(AppError::Locked(format!(
                "{} is not approved: approve it first, or choose to publish it unapproved (the report will say so)",
                period.label()
            )));
        }
        report.unapproved_at_publication = !approved;
        let render = |f: Format| {
            cadre_render::render(&report, f)
                .map_err(|e| AppError::Invalid(format!("the report could not be written: {e}")))
        };
        let links: Vec<(&str, &str)> = FILES[1..].to_vec();
        let index = cadre_render::html::with_downloads(&report, &links)
            .map_err(|e| AppError::Invalid(format!("the report could not be written: {e}")))?;
        let body = cadre_render::html::body(&report)
            .map_err(|e| AppError::Invalid(format!("the report could not be written: {e}")))?;
        let files = vec![
            ("index.html".to_string(), index.into_bytes()),
            (BODY_FILE.to_string(), body.into_bytes()),
            ("report.pdf".to_string(), render(Format::Pdf)?),
            ("report.xlsx".to_string(), render(Format::Xlsx)?),
            ("report.csv".to_string(), render(Format::Csv)?),
            ("report.json".to_string(), render(Format::Json)?),
            ("report.md".to_string(), render(Format::Markdown)?),
        ];
        let base = slug_of(&period);
        let taken = self.store.publication_slugs(&base).await?;
        let slug = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                }
            })
            .find(|s| !taken.contains(s))
            .unwrap_or(base);
        let at = clock::now();
        let publication = Publication {
            slug,
            period_from: period.from.to_string(),
            period_to: period.to.to_string(),
            title: format!("{}: {}", cadre_render::view::title(&report), period.label()),
            published_at: at.clone(),
            published_by: actor.name.clone(),
            approved: Some(approved),
        };
        self.store
            .create_publication(&publication, &files, actor.stamp(&at))
            .await?;
        Ok(publication)
    }

    /// Every published report, the newest first: open to anyone.
    pub async fn publications(&self) -> Result<Vec<Publication>, AppError> {
        Ok(self.store.publications().await?)
    }

    /// One published report and the names of its files: open to anyone.
    pub async fn publication(
        &self,
        slug: &str,
    ) -> Result<Option<(Publication, Vec<String>)>, AppError> {
        let Some(p) = self.store.publication(slug).await? else {
            return Ok(None);
        };
        let files = self.store.publication_files(slug).await?;
        Ok(Some((p, files)))
    }

    /// One file of a published report: open to anyone.
    pub async fn publication_file(
        &self,
        slug: &str,
        name: &str,
    ) -> Result<Option<Vec<u8>>, AppError> {
        Ok(self.store.publication_file(slug, name).await?)
    }

    /// Writes a published report as a folder for a web site: `index.html` and its downloads.
    pub async fn write_publication(
        &self,
        slug: &str,
        dir: &Path,
    ) -> Result<Vec<PathBuf>, AppError> {
        std::fs::create_dir_all(dir).map_err(|source| AppError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let mut written = Vec::new();
        for (name, _) in FILES {
            let Some(bytes) = self.store.publication_file(slug, name).await? else {
                continue;
            };
            let path = dir.join(name);
            // Readable by the web server; a link standing at the name is replaced, never
            // written through.
            crate::files::replace_file(&path, &bytes, 0o644).map_err(|source| AppError::Io {
                path: path.display().to_string(),
                source,
            })?;
            written.push(path);
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cadre_core::Date;

    fn period(from: (i32, u8, u8), to: (i32, u8, u8)) -> Period {
        let d = |(year, month, day)| Date { year, month, day };
        Period::new(d(from), d(to)).unwrap()
    }

    #[test]
    fn a_slug_says_the_period_as_people_name_it() {
        assert_eq!(slug_of(&Period::year(2020)), "2020");
        assert_eq!(slug_of(&period((2020, 7, 1), (2020, 9, 30))), "2020-q3");
        assert_eq!(slug_of(&period((2020, 2, 1), (2020, 2, 29))), "2020-02");
        assert_eq!(
            slug_of(&period((2020, 1, 1), (2020, 9, 30))),
            "2020-01-01-to-2020-09-30"
        );
        assert_eq!(
            slug_of(&period((2020, 2, 1), (2020, 4, 30))),
            "2020-02-01-to-2020-04-30"
        );
    }
}
