//! The data-quality pages: what the rules find, grouped by rule with a link to each record to
//! fix ("to fix", for a year or all years), and the rules themselves, which an admin switches
//! off or gives another severity. The findings and who may see what come from the application
//! layer; the words from `cadre_render::quality`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::Form;
use cadre_app::domain::quality::{Finding, Rule, Severity};
use cadre_app::domain::report::Period;
use cadre_render::quality as words;
use serde::Deserialize;

use crate::error::{PageResult, WebError};
use crate::view::{page, see_other};
use crate::Ctx;

/// One finding as the page shows it: where it points, and what it says.
pub(crate) struct Line {
    pub href: String,
    pub label: String,
    pub severity: &'static str,
    pub message: String,
}

pub(crate) struct Group {
    pub code: &'static str,
    pub title: &'static str,
    pub severity: &'static str,
    pub lines: Vec<Line>,
}

#[derive(Template)]
#[template(path = "quality.html")]
struct ToFixPage {
    nav: &'static str,
    year: String,
    years: Vec<i32>,
    period_label: String,
    total: usize,
    groups: Vec<Group>,
    persons: Option<Vec<Line>>,
    /// The rules with findings, the likely duplicates' among them: as many as the list shows.
    rules: usize,
    may_set_rules: bool,
}

#[derive(Deserialize, Default)]
pub(crate) struct YearQuery {
    /// A year, or blank for all years.
    year: Option<String>,
}

/// A finding about a training, linked to its page (the training's id from the warm engine).
pub(crate) fn line(f: &Finding, ids: &HashMap<String, i64>) -> Line {
    let (href, label) = match (&f.training, f.person) {
        (Some(code), _) => (
            ids.get(code)
                .map_or_else(String::new, |id| format!("/trainings/{id}")),
            code.clone(),
        ),
        (None, Some(id)) => (format!("/participants/{id}"), format!("Participant {id}")),
        (None, None) => (String::new(), "Period".into()),
    };
    Line {
        href,
        label,
        severity: words::severity(f.severity),
        message: words::message(f),
    }
}

pub(crate) async fn to_fix(s: Ctx, Query(q): Query<YearQuery>) -> PageResult<Response> {
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1900..=2999).contains(y))
                .ok_or_else(|| WebError::BadRequest(format!("\"{y}\" is not a year")))?,
        ),
        None => None,
    };
    let period = year.map_or_else(cadre_app::all_time, Period::year);
    let found = s.app.to_fix(&s.actor, period).await?;
    let ids: HashMap<String, i64> = s.app.training_ids(&s.actor).await?;
    let years = s.app.years(&s.actor).await?;
    let groups: Vec<Group> = found
        .groups
        .iter()
        .map(|(rule, severity, findings)| Group {
            code: rule.code(),
            title: words::title(*rule),
            severity: words::severity(*severity),
            lines: findings.iter().map(|f| line(f, &ids)).collect(),
        })
        .collect();
    let names = &found.names;
    let who = |id: u64| match names.get(&id) {
        Some(name) => format!("{name} (no. {id})"),
        None => format!("participant {id}"),
    };
    let persons = found.persons.map(|fs| {
        fs.iter()
            .map(|f| {
                let mut l = line(f, &ids);
                if let Some(id) = f.person {
                    l.label = who(id as u64);
                }
                l.message = cadre_render::quality::message_naming(f, &who);
                // The pair goes to the merge preview, the earlier record kept.
                l.href = format!(
                    "/participants/merge?kept={}&other={}",
                    f.n("other"),
                    f.person.unwrap_or(0)
                );
                l
            })
            .collect::<Vec<_>>()
    });
    page(ToFixPage {
        nav: "quality",
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        years,
        period_label: year.map_or_else(|| "All years".to_string(), |_| period.label()),
        total: groups.iter().map(|g| g.lines.len()).sum::<usize>()
            + persons.as_ref().map_or(0, Vec::len),
        rules: groups.len() + usize::from(persons.as_ref().is_some_and(|p| !p.is_empty())),
        groups,
        persons,
        may_set_rules: s.actor.may(cadre_app::domain::access::Action::ManageUsers),
    })
}

#[derive(Template)]
#[template(path = "quality_rules.html")]
struct RulesPage {
    nav: &'static str,
    rules: Vec<RuleRow>,
    severities: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
}

struct RuleRow {
    code: &'static str,
    title: &'static str,
    enabled: bool,
    severity: &'static str,
    default_severity: &'static str,
    changed: bool,
}

#[derive(Deserialize, Default)]
pub(crate) struct Done {
    done: Option<String>,
}

pub(crate) async fn rules(s: Ctx, Query(q): Query<Done>) -> PageResult<Response> {
    // Reading them is open to readers of reports; the page is for those who set them.
    s.app.open_form(&s.actor, cadre_app::Form::QualityRules)?;
    let rules = s
        .app
        .quality_rules(&s.actor)
        .await?
        .into_iter()
        .map(|r| RuleRow {
            code: r.rule.code(),
            title: words::title(r.rule),
            enabled: r.enabled,
            severity: r.severity.as_str(),
            default_severity: words::severity(r.rule.default_severity()),
            changed: r.changed,
        })
        .collect();
    page(RulesPage {
        nav: "admin",
        rules,
        severities: Severity::ALL
            .iter()
            .map(|s| (s.as_str(), words::severity(*s)))
            .collect(),
        notice: q
            .done
            .map(|_| "Saved: every report shows the rule as set now.".into()),
    })
}

#[derive(Deserialize)]
pub(crate) struct RuleForm {
    /// Present (`on`) when the box is ticked.
    #[serde(default)]
    enabled: Option<String>,
    severity: String,
}

pub(crate) async fn set_rule(
    s: Ctx,
    Path(code): Path<String>,
    Form(form): Form<RuleForm>,
) -> PageResult<Response> {
    let rule = Rule::parse(&code).ok_or(WebError::NotFound)?;
    let severity = Severity::parse(&form.severity).ok_or_else(|| {
        WebError::BadRequest(format!(
            "\"{}\" is not a severity: error, warning or note",
            form.severity
        ))
    })?;
    s.app
        .set_quality_rule(&s.actor, rule, form.enabled.is_some(), severity)
        .await?;
    Ok(see_other(&format!("/admin/rules?done=1#rule-{code}")))
}
