//! The trainings list (filters, search, sort and page, all in the URL) and a training's page
//! (facts, sessions, partners and funders, figures with their source, roster, notes).

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use cadre_app::domain::listing::{self, Sort};
use cadre_app::domain::report::{CountSource, TrainingFacts};
use cadre_app::{RosterLine, Versioned};
use cadre_render::view;

use crate::error::PageResult;
use crate::view::{country_name, modality_label, num, page, status_label};
use crate::Ctx;

/// The list's query string: the application layer's filter, read and checked there the
/// same way for this page and the API.
pub(crate) type ListQuery = cadre_app::TrainingFilter;

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
            value: r.value.map(view::usd_column).unwrap_or_default(),
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
    let listed = s.app.list_trainings(&s.actor, &query, 25).await?;
    let mut countries: Vec<(String, String)> = listed
        .countries
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
        lines: listed.trainings.iter().map(Line::of).collect(),
        total: listed.total,
        page: listed.page,
        pages: listed.pages,
        years: listed.years.iter().map(i32::to_string).collect(),
        partners: listed.partners,
        partner: listed.partner.unwrap_or_default(),
        countries,
        themes: listed.themes,
        sorts: Sort::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        modalities: crate::view::MODALITIES,
        statuses: crate::view::STATUSES,
        query,
        problem: listed.problem,
        filtered,
    };
    page(view)
}

/// A figure with where it comes from.
struct Figure {
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "training.html")]
pub(crate) struct TrainingPage {
    nav: &'static str,
    t: Versioned<cadre_app::domain::TrainingRecord>,
    dates: String,
    modality: &'static str,
    status: &'static str,
    value: String,
    requested_by: String,
    /// The countries it lists as taking part.
    countries: Vec<String>,
    /// The countries its attendance records show, with their participants.
    countries_attended: Vec<(String, String)>,
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
    history: Vec<cadre_app::domain::audit::Entry>,
    can_edit: bool,
    can_propose: bool,
}

pub(crate) async fn show(s: Ctx, Path(id): Path<i64>) -> PageResult<Response> {
    page(training_page(&s, id, crate::forms::FormView::default()).await?)
}

/// The training's page, with the session form as given (kept when a session was refused).
pub(crate) async fn training_page(
    s: &Ctx,
    id: i64,
    session_form: crate::forms::FormView,
) -> PageResult<TrainingPage> {
    let cadre_app::TrainingView {
        training: t,
        sessions,
        share,
    } = s.app.training_view(&s.actor, id).await?;
    let countries_attended = share
        .iter()
        .flat_map(|sh| sh.countries.iter())
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| (country_name(c), num(*n)))
        .collect();
    let sessions = sessions
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
            CountSource::Aggregate => "From the training's own count (no attendance records)",
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
        countries_attended,
        figures,
        source,
        sessions,
        roster,
        roster_total,
        roster_hidden,
        notes,
        session_form,
        history: crate::view::if_allowed(s.app.history(&s.actor, "training", id, 50).await)?,
        locked: s.app.lock_of(t.record.start).await?,
        can_edit: s.actor.may(cadre_app::domain::access::Action::EditRecords),
        can_propose: s
            .actor
            .may(cadre_app::domain::access::Action::ProposeCorrection),
        t,
    })
}
