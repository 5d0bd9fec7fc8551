//! Participants: the list with search, a person's page with their trainings, correcting a
//! person, and merging two records of the same person after a preview of the result.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use cadre_app::domain::PersonRecord;
use cadre_app::{AppError, MergePreview};
use cadre_app::{Participant, PersonAttendance, Versioned};
use cadre_render::view;
use serde::Deserialize;

use crate::error::{PageResult, WebError};
use crate::forms::{merge_if_clear, names, take_base, Conflict, FormView, PARTICIPANT_FIELDS};
use crate::view::{page, page_with, see_other, url_encode};
use crate::Ctx;

const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    after: Option<i64>,
    #[serde(default)]
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "participants.html")]
struct ListPage {
    nav: &'static str,
    q: String,
    people: Vec<Versioned<Participant>>,
    /// How many the search matches, in words ("1,204 participants").
    total: String,
    previous: Option<String>,
    next: Option<String>,
    /// Whether any participant on the page has an organisation or department to show.
    organisations: bool,
}

pub(crate) async fn list(s: Ctx, Query(query): Query<ListQuery>) -> PageResult<Response> {
    let q = cadre_app::domain::listing::search_text(query.q.as_deref().unwrap_or_default().trim())
        .to_string();
    let search = (!q.is_empty()).then_some(q.as_str());
    let cursor = match (query.before, query.after) {
        (Some(before), _) => cadre_app::PersonCursor::Before(before),
        (None, after) => cadre_app::PersonCursor::After(after.unwrap_or(0)),
    };
    let found = s
        .app
        .participant_page(&s.actor, search, cursor, PER_PAGE)
        .await?;
    let link = |key: &str, id: i64| {
        if q.is_empty() {
            format!("?{key}={id}")
        } else {
            format!("?q={}&{key}={id}", url_encode(&q))
        }
    };
    let organisations = found
        .people
        .iter()
        .any(|p| p.record.person.organisation.is_some() || p.record.person.department.is_some());
    page(ListPage {
        nav: "participants",
        total: format!(
            "{} participant{}",
            view::num(found.total.max(0) as u64),
            if found.total == 1 { "" } else { "s" }
        ),
        previous: found.before.map(|id| link("before", id)),
        next: found.after.map(|id| link("after", id)),
        q,
        people: found.people,
        organisations,
    })
}

fn gender_label(p: &PersonRecord) -> &'static str {
    match p.gender {
        Some(cadre_app::domain::Gender::Male) => "Male",
        Some(cadre_app::domain::Gender::Female) => "Female",
        None => "Not recorded",
    }
}

#[derive(Template)]
#[template(path = "participant.html")]
struct PersonPage {
    nav: &'static str,
    p: Versioned<Participant>,
    gender: &'static str,
    attended: Vec<(PersonAttendance, String)>,
    /// Its audit trail, to those who may change records.
    history: Vec<cadre_app::domain::audit::Entry>,
    /// Likely duplicates: (the other record, what the rule says, the merge preview's link).
    duplicates: Vec<(i64, String, String)>,
}

#[derive(Template)]
#[template(path = "merged_away.html")]
struct MergedPage {
    nav: &'static str,
    id: i64,
    into: i64,
    when: String,
}

pub(crate) async fn show(s: Ctx, Path(id): Path<i64>) -> PageResult<Response> {
    let p = match s.app.participant(&s.actor, id).await {
        Ok(p) => p,
        // A record merged into another says where it went (404: it is no longer here).
        Err(e) if e.kind() == cadre_app::ErrorKind::NotFound => {
            return match s.app.merged_into(&s.actor, id).await? {
                Some((into, at)) => page_with(
                    StatusCode::NOT_FOUND,
                    MergedPage {
                        nav: "participants",
                        id,
                        into,
                        when: crate::auth::viewer().when(&at),
                    },
                ),
                None => Err(e.into()),
            };
        }
        Err(e) => return Err(e.into()),
    };
    let attended = s
        .app
        .attended(&s.actor, id)
        .await?
        .into_iter()
        .map(|a| {
            let dates = view::date_range(a.start, None);
            (a, dates)
        })
        .collect();
    let history = crate::view::if_allowed(s.app.history(&s.actor, "participant", id, 50).await)?;
    let findings = s.app.person_findings(&s.actor, id).await?;
    let names = s.app.finding_names(&s.actor, &findings).await?;
    let who = |id: u64| match names.get(&id) {
        Some(name) => format!("{name} (no. {id})"),
        None => format!("participant {id}"),
    };
    let duplicates = findings
        .iter()
        .map(|f| {
            // The pair, whichever record of it this page is; the earlier one kept.
            let (kept, other) = (f.n("other") as i64, f.person.unwrap_or(0));
            let shown = if kept == id { other } else { kept };
            let message = if kept == id {
                format!(
                    "{} may be the same person: {}",
                    capitalised(&who(other as u64)),
                    cadre_render::quality::title(f.rule).to_lowercase()
                )
            } else {
                cadre_render::quality::message_naming(f, &who)
            };
            (
                shown,
                message,
                format!("/participants/merge?kept={kept}&other={other}"),
            )
        })
        .collect();
    page(PersonPage {
        nav: "participants",
        gender: gender_label(&p.record.person),
        p,
        attended,
        history,
        duplicates,
    })
}

const GENDERS: [(&str, &str); 3] = [("", "Not recorded"), ("male", "Male"), ("female", "Female")];

#[derive(Template)]
#[template(path = "participant_form.html")]
struct EditPage {
    nav: &'static str,
    id: i64,
    version: i64,
    form: FormView,
    genders: [(&'static str, &'static str); 3],
    /// The record as the form was filled from it (see `forms::take_base`).
    base: BTreeMap<String, String>,
    conflict: Option<Conflict>,
}

pub(crate) async fn edit(s: Ctx, Path(id): Path<i64>) -> PageResult<Response> {
    let p = s.app.participant_to_edit(&s.actor, id).await?;
    let fields = cadre_app::domain::fields::person_fields(&p.record.person);
    page(EditPage {
        nav: "participants",
        id,
        version: p.version,
        form: FormView::new(fields.clone()),
        genders: GENDERS,
        base: fields,
        conflict: None,
    })
}

pub(crate) async fn update(
    s: Ctx,
    Path(id): Path<i64>,
    Form(mut values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let version: i64 = values
        .remove("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let base = take_base(&mut values);
    let mut result = s
        .app
        .update_participant(&s.actor, id, version, &values)
        .await;
    if let Err(AppError::Conflict { .. }) = &result {
        // Merged three ways: what only the other person changed is kept.
        let stored = s.app.participant(&s.actor, id).await?;
        let theirs = cadre_app::domain::fields::person_fields(&stored.record.person);
        if let Some(fields) = merge_if_clear(&base, &values, &theirs) {
            values = fields;
            result = s
                .app
                .update_participant(&s.actor, id, stored.version, &values)
                .await;
        }
    }
    match result {
        Ok(_) => Ok(see_other(&format!("/participants/{id}?notice=saved"))),
        Err(AppError::Fields(problems)) => page_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            EditPage {
                nav: "participants",
                id,
                version,
                form: FormView::new(values).with_problems(&problems, &names(&PARTICIPANT_FIELDS)),
                genders: GENDERS,
                base,
                conflict: None,
            },
        ),
        Err(AppError::Conflict { current, .. }) => {
            let stored = s.app.participant(&s.actor, id).await?;
            let theirs = cadre_app::domain::fields::person_fields(&stored.record.person);
            let (values, conflict) =
                Conflict::between(current, &base, &values, &theirs, &PARTICIPANT_FIELDS);
            page_with(
                StatusCode::CONFLICT,
                EditPage {
                    nav: "participants",
                    id,
                    version: current,
                    form: FormView::new(values),
                    genders: GENDERS,
                    base: theirs,
                    conflict: Some(conflict),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MergeQuery {
    kept: Option<String>,
    other: Option<String>,
}

#[derive(Template)]
#[template(path = "merge.html")]
struct MergePage {
    nav: &'static str,
    preview: MergePreview,
    form: FormView,
    genders: [(&'static str, &'static str); 3],
    stale: bool,
}

fn id_of(s: &Option<String>, what: &str) -> Result<i64, WebError> {
    s.as_deref()
        .map(|v| v.trim().trim_start_matches('#'))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            WebError::BadRequest(format!(
                "the {what} record's number is missing or not a number"
            ))
        })
}

pub(crate) async fn merge_preview(s: Ctx, Query(q): Query<MergeQuery>) -> PageResult<Response> {
    let kept = id_of(&q.kept, "kept")?;
    let other = id_of(&q.other, "other")?;
    if kept == other {
        return Err(WebError::BadRequest(
            "a record cannot be merged with itself: give the number of the other record".into(),
        ));
    }
    let preview = s.app.merge_preview(&s.actor, kept, other).await?;
    page(MergePage {
        nav: "participants",
        form: FormView::new(cadre_app::domain::fields::person_fields(&preview.merged)),
        preview,
        genders: GENDERS,
        stale: false,
    })
}

pub(crate) async fn merge(
    s: Ctx,
    Form(mut values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let mut take = |k: &str| -> Result<i64, WebError> {
        values
            .remove(k)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| WebError::BadRequest(format!("{k} is missing")))
    };
    let kept = (take("kept")?, take("kept_version")?);
    let other = (take("other")?, take("other_version")?);
    match s
        .app
        .merge_participants(&s.actor, kept, other, &values)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/participants/{}?notice=merged",
            kept.0
        ))),
        Err(e @ (AppError::Fields(_) | AppError::Conflict { .. })) => {
            let preview = s.app.merge_preview(&s.actor, kept.0, other.0).await?;
            let (form, stale) = match &e {
                AppError::Fields(problems) => (
                    FormView::new(values).with_problems(problems, &names(&PARTICIPANT_FIELDS)),
                    false,
                ),
                _ => (
                    FormView::new(cadre_app::domain::fields::person_fields(&preview.merged)),
                    true,
                ),
            };
            let status = if stale {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            page_with(
                status,
                MergePage {
                    nav: "participants",
                    preview,
                    form,
                    genders: GENDERS,
                    stale,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// A sentence's first letter in capitals ("participant 12" starting one).
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
