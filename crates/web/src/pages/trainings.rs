//! The trainings list (filters, search, sort and page, all in the URL) and a training's page
//! (facts, sessions, partners and funders, figures with their source, roster, notes).

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use cadre_core::listing::{self, Sort};
use cadre_core::report::{CountSource, TrainingFacts};
use cadre_core::{Modality, Status};
use cadre_render::view;
use cadre_store::{RosterLine, Versioned};
use serde::Deserialize;

use super::{country_name, modality_label, num, page, status_label, url_encode};
use crate::error::{PageResult, WebError};
use crate::period::PeriodQuery;
use crate::Ctx;

/// The list's query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    partner: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    modality: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    sort: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

fn given(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl ListQuery {
    pub(crate) fn value(&self, field: &str) -> &str {
        let v = match field {
            // Echoed no longer than it is read.
            "q" => {
                return self
                    .q
                    .as_deref()
                    .map_or("", cadre_core::listing::search_text)
            }
            "year" => &self.year,
            "from" => &self.from,
            "to" => &self.to,
            "partner" => &self.partner,
            "country" => &self.country,
            "modality" => &self.modality,
            "theme" => &self.theme,
            "status" => &self.status,
            "sort" => &self.sort,
            _ => &None,
        };
        v.as_deref().unwrap_or("")
    }

    /// The query string of this list at another page.
    pub(crate) fn at_page(&self, page: usize) -> String {
        let mut parts = Vec::new();
        for field in [
            "q", "year", "from", "to", "partner", "country", "modality", "theme", "status", "sort",
        ] {
            let v = self.value(field).trim();
            if !v.is_empty() {
                parts.push(format!("{field}={}", url_encode(v)));
            }
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    fn query(&self) -> Result<listing::Query, String> {
        let period = PeriodQuery {
            kind: None,
            year: given(&self.year),
            quarter: None,
            month: None,
            from: given(&self.from),
            to: given(&self.to),
        }
        .period()?;
        let modality = match given(&self.modality) {
            Some(m) => Some(Modality::parse(&m).map_err(|e| format!("modality: {e}"))?),
            None => None,
        };
        let status = match given(&self.status) {
            Some(s) => Some(Status::parse(&s).map_err(|e| format!("status: {e}"))?),
            None => None,
        };
        let sort = match given(&self.sort) {
            Some(s) => Sort::parse(&s).ok_or_else(|| format!("sort \"{s}\" is not known"))?,
            None => Sort::default(),
        };
        Ok(listing::Query {
            period,
            partner: given(&self.partner),
            country: given(&self.country),
            modality,
            theme: given(&self.theme),
            status,
            text: given(&self.q),
            sort,
            page: given(&self.page).and_then(|p| p.parse().ok()).unwrap_or(1),
            per_page: 25,
            scope: None,
            partners: None,
        })
    }
}

/// One line of the list.
pub(crate) struct Line {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub dates: String,
    pub modality: &'static str,
    pub partners: String,
    pub participants: String,
    pub value: String,
    pub status: &'static str,
}

impl Line {
    pub(crate) fn of(t: &TrainingFacts) -> Line {
        let r = &t.record;
        Line {
            id: t.id,
            code: r.code.clone(),
            title: r.title.clone(),
            dates: view::date_range(r.start, r.end),
            modality: modality_label(r.modality),
            partners: r.partners.join(", "),
            participants: listing::participants(t).map(num).unwrap_or_default(),
            value: r.value.map(view::usd).unwrap_or_default(),
            status: status_label(r.status),
        }
    }
}

#[derive(Template)]
#[template(path = "trainings.html")]
struct ListPage {
    nav: &'static str,
    query: ListQuery,
    problem: Option<String>,
    lines: Vec<Line>,
    total: usize,
    page: usize,
    pages: usize,
    years: Vec<String>,
    partners: Vec<String>,
    /// The partner filter as the list of partners names it (typed as a short name, say).
    partner: String,
    countries: Vec<(String, String)>,
    themes: Vec<String>,
    sorts: Vec<(&'static str, &'static str)>,
    modalities: [(&'static str, &'static str); 4],
    statuses: [(&'static str, &'static str); 5],
    filtered: bool,
}

pub(crate) async fn list(s: Ctx, Query(query): Query<ListQuery>) -> PageResult<Response> {
    let (problem, selected) = match query.query() {
        Ok(q) => (None, q),
        Err(e) => (
            Some(e),
            listing::Query {
                page: 1,
                per_page: 25,
                ..Default::default()
            },
        ),
    };
    let selected = s.app.listing_query(&s.actor, &selected).await?;
    s.app.catch_up().await?;
    let engine = s
        .app
        .engine()
        .ok_or_else(|| WebError::BadRequest("the report engine is not running".into()))?;
    let trainings = engine.trainings();
    // A filter not understood lists nothing: every training under a filter the reader
    // believes applied would be a wrong answer that looks right.
    let none: &[cadre_core::report::TrainingFacts] = &[];
    let result = listing::select(if problem.is_some() { none } else { trainings }, &selected);
    let mut years: Vec<String> = trainings
        .iter()
        .filter_map(|t| t.record.start.map(|d| d.first_day().year.to_string()))
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let mut partners: Vec<String> = engine.partners().iter().map(|p| p.name.clone()).collect();
    partners.sort_by_key(|p| cadre_core::text::fold(p));
    let typed = cadre_core::text::fold(query.value("partner"));
    let partner = engine
        .partners()
        .iter()
        .find(|p| {
            cadre_core::text::fold(&p.name) == typed
                || p.short_name
                    .as_deref()
                    .is_some_and(|s| cadre_core::text::fold(s) == typed)
        })
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let mut codes: Vec<String> = trainings
        .iter()
        .flat_map(|t| t.record.countries.iter().chain(&t.record.requested_by))
        .cloned()
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let mut countries: Vec<(String, String)> = codes
        .into_iter()
        .map(|c| {
            let name = country_name(&c);
            (c, name)
        })
        .collect();
    countries.sort_by(|a, b| a.1.cmp(&b.1));
    let filtered = query.at_page(1).len() > 1;
    let view = ListPage {
        nav: "trainings",
        lines: result.trainings.iter().map(|t| Line::of(t)).collect(),
        total: result.total,
        page: result.page,
        pages: result.pages,
        years,
        partners,
        partner,
        countries,
        themes: listing::themes(trainings),
        sorts: Sort::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        modalities: super::MODALITIES,
        statuses: super::STATUSES,
        query,
        problem,
        filtered,
    };
    drop(engine);
    page(view)
}

/// A figure with where it comes from.
struct Figure {
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    nav: &'static str,
    t: Versioned<cadre_core::TrainingRecord>,
    dates: String,
    modality: &'static str,
    status: &'static str,
    value: String,
    requested_by: String,
    countries: Vec<String>,
    figures: Vec<Figure>,
    source: &'static str,
    sessions: Vec<(i64, String, String, String)>,
    roster: Vec<RosterLine>,
    roster_total: i64,
    /// Lines of participants this viewer sees only in totals.
    roster_hidden: i64,
    /// Why it cannot be changed now (its period is approved).
    locked: Option<String>,
    /// Its findings: (severity, message, rule code).
    notes: Vec<(&'static str, String, &'static str)>,
    session_form: crate::forms::FormView,
    /// Its audit trail, to those who may change records.
    history: Vec<cadre_core::audit::Entry>,
    can_edit: bool,
    can_propose: bool,
}

pub(crate) async fn show(s: Ctx, Path(id): Path<i64>) -> PageResult<Response> {
    let view = training_page(&s, id, crate::forms::FormView::default()).await?;
    page(view)
}

/// The training's page, with the session form as given (kept when a session was refused).
pub(crate) async fn training_page(
    s: &Ctx,
    id: i64,
    session_form: crate::forms::FormView,
) -> PageResult<impl Template> {
    let t = s.app.training(&s.actor, id).await?;
    s.app.catch_up().await?;
    let share = s.app.engine().and_then(|e| e.share(id));
    let sessions = s
        .app
        .store()
        .sessions_of(id)
        .await
        .map_err(cadre_app::AppError::from)?
        .into_iter()
        .map(|v| {
            (
                v.id,
                view::date_range(Some(v.record.start), v.record.end),
                v.record
                    .participants_total
                    .map(|n| num(u64::from(n)))
                    .unwrap_or_default(),
                v.record.note.unwrap_or_default(),
            )
        })
        .collect();
    let cadre_app::Roster {
        lines: roster,
        total: roster_total,
        hidden: roster_hidden,
    } = s.app.roster(&s.actor, id, 500).await?;
    let r = &t.record;
    let notes = s
        .app
        .training_findings(&s.actor, id)
        .await?
        .iter()
        .map(|f| {
            (
                cadre_render::quality::severity(f.severity),
                cadre_render::quality::message(f),
                f.rule.code(),
            )
        })
        .collect();
    let mut figures = Vec::new();
    let mut source = "Not known";
    if let Some(share) = &share {
        source = match share.source {
            CountSource::Records => "From attendance records (distinct persons)",
            CountSource::Aggregate => "From the figures published for this training",
            CountSource::Unknown => "Not recorded",
        };
        if let Some(c) = share.counts {
            figures.push(Figure {
                label: "Participants",
                value: num(c.total),
            });
            figures.push(Figure {
                label: "Male",
                value: num(c.male),
            });
            figures.push(Figure {
                label: "Female",
                value: num(c.female),
            });
            figures.push(Figure {
                label: "Gender not recorded",
                value: num(c.not_recorded),
            });
        }
    }
    Ok(TrainingPage {
        nav: "trainings",
        dates: view::date_range(r.start, r.end),
        modality: modality_label(r.modality),
        status: status_label(r.status),
        value: r.value.map(view::usd).unwrap_or_default(),
        requested_by: r
            .requested_by
            .as_deref()
            .map(country_name)
            .unwrap_or_default(),
        countries: r.countries.iter().map(|c| country_name(c)).collect(),
        figures,
        source,
        sessions,
        roster,
        roster_total,
        roster_hidden,
        notes,
        session_form,
        history: super::if_allowed(s.app.history(&s.actor, "training", id, 50).await)?,
        locked: s.app.lock_of(t.record.start).await?,
        can_edit: s.actor.may(cadre_core::access::Action::EditRecords),
        can_propose: s.actor.may(cadre_core::access::Action::ProposeCorrection),
        t,
    })
}
