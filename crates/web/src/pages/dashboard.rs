//! The dashboard: the current period's headline figures in words and figures, its months as
//! a chart, the most recent trainings, and the data-quality notes still open.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use cadre_render::{svg, view};

use super::trainings::Line;
use crate::error::{PageResult, WebError};
use crate::view::page;
use crate::Ctx;
use cadre_app::PeriodQuery;

struct Figure {
    value: String,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    nav: &'static str,
    period_label: String,
    period_query: String,
    headline: String,
    persons: String,
    figures: Vec<Figure>,
    months_chart: String,
    recent: Vec<Line>,
    /// Findings counted by rule: (severity, what the rule checks, its code, how many).
    notes: Vec<(&'static str, &'static str, &'static str, u64)>,
    notes_total: usize,
    empty: bool,
    /// A partner agency's account: the figures are of its own trainings.
    partner_view: bool,
    years: Vec<i32>,
    year: i32,
}

pub(crate) async fn show(s: Ctx, Query(q): Query<PeriodQuery>) -> PageResult<Response> {
    let asked = q.period().map_err(WebError::BadRequest)?;
    let cadre_app::Dashboard {
        period,
        years,
        recent,
        empty,
    } = s.app.dashboard(&s.actor, asked).await?;
    let recent = recent.iter().map(Line::of).collect();
    let r = s.app.report(&s.actor, period).await?;
    // The report's own headline figures: a figure not known is said so, never a 0.
    let figures = cadre_render::document::figures(&r)
        .into_iter()
        .map(|(value, label)| Figure { value, label })
        .collect();
    let months: Vec<(String, u64)> = r
        .months
        .iter()
        .map(|m| (m.label.clone(), m.trainings))
        .collect();
    let months_chart = if months.is_empty() {
        String::new()
    } else {
        svg::bars("months-chart", "Trainings by month", &months)
    };
    let mut notes: Vec<(&'static str, &'static str, &'static str, u64)> =
        cadre_app::domain::quality::count_by_rule(&r.quality)
            .into_iter()
            .map(|(rule, severity, n)| {
                (
                    cadre_render::quality::severity(severity),
                    cadre_render::quality::title(rule),
                    rule.code(),
                    n,
                )
            })
            .collect();
    // The errors first, then warnings, then notes, each by its count.
    let rank = |s: &str| ["Error", "Warning", "Note"].iter().position(|x| *x == s);
    notes.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)).then(b.3.cmp(&a.3)));
    page(Dashboard {
        nav: "home",
        period_label: r.period.label(),
        period_query: PeriodQuery::of(period).query_string(),
        headline: view::headline(&r),
        persons: view::persons_sentence(&r),
        figures,
        months_chart,
        recent,
        notes_total: r.quality.len(),
        notes,
        empty,
        partner_view: s
            .actor
            .grant
            .as_ref()
            .is_some_and(|g| g.role == cadre_app::domain::access::Role::Partner),
        year: period.from.year,
        years,
    })
}
