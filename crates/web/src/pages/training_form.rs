//! Creating, editing and deleting a training, and adding or deleting its sessions. A refused
//! save shows the form again as typed, each problem at its field; a save from a version that
//! is no longer current shows both versions side by side and lets the editor re-apply theirs.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use cadre_app::domain::fields::training_fields;
use cadre_app::AppError;
use cadre_app::Dependents;

use crate::error::PageResult;
use crate::forms::{merge_if_clear, take_base, Conflict, FormView};
use crate::view::{page, page_with, see_other, MODALITIES, STATUSES};
use crate::Ctx;

pub(crate) use crate::forms::TRAINING_FIELDS as FIELDS;

fn shown() -> Vec<&'static str> {
    crate::forms::names(&FIELDS)
}

#[derive(Template)]
#[template(path = "training_form.html")]
struct FormPage {
    nav: &'static str,
    /// `None` for a new training.
    id: Option<i64>,
    version: i64,
    heading: String,
    form: FormView,
    /// The record as the form was filled from it: sent back with the save, so that a save
    /// from an old version merges three ways.
    base: BTreeMap<String, String>,
    conflict: Option<Conflict>,
    modalities: [(&'static str, &'static str); 4],
    statuses: [(&'static str, &'static str); 5],
    partners: String,
    /// A partner proposing a correction rather than an editor saving.
    proposing: bool,
}

impl FormPage {
    async fn new(s: &Ctx, id: Option<i64>, version: i64, heading: String, form: FormView) -> Self {
        let partners = s
            .app
            .partner_labels(&s.actor)
            .await
            .map(|ps| ps.join("; "))
            .unwrap_or_default();
        FormPage {
            nav: "trainings",
            id,
            version,
            heading,
            form,
            base: BTreeMap::new(),
            conflict: None,
            modalities: MODALITIES,
            statuses: STATUSES,
            partners,
            proposing: false,
        }
    }
}

pub(crate) async fn new(s: Ctx) -> PageResult<Response> {
    s.app.open_form(&s.actor, cadre_app::Form::NewTraining)?;
    page(FormPage::new(&s, None, 0, "New training".into(), FormView::default()).await)
}

pub(crate) async fn create(
    s: Ctx,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    match s.app.create_training(&s.actor, &values).await {
        Ok(created) => Ok(see_other(&format!(
            "/trainings/{}?notice=added",
            created.id
        ))),
        Err(AppError::Fields(problems)) => {
            let form = FormView::new(values).with_problems(&problems, &shown());
            let view = FormPage::new(&s, None, 0, "New training".into(), form).await;
            page_with(StatusCode::UNPROCESSABLE_ENTITY, view)
        }
        Err(AppError::Locked(why)) => {
            // What was typed stays in the form, with why it cannot be saved now.
            let mut form = FormView::new(values);
            form.general.push(why);
            let view = FormPage::new(&s, None, 0, "New training".into(), form).await;
            page_with(StatusCode::CONFLICT, view)
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn edit(s: Ctx, Path(id): Path<i64>) -> PageResult<Response> {
    let t = s.app.training_to_edit(&s.actor, id).await?;
    let heading = format!("Edit {}", t.record.title);
    let fields = training_fields(&t.record);
    let mut view = FormPage::new(
        &s,
        Some(id),
        t.version,
        heading,
        FormView::new(fields.clone()),
    )
    .await;
    view.base = fields;
    page(view)
}

pub(crate) async fn update(
    s: Ctx,
    Path(id): Path<i64>,
    Form(mut values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let version: i64 = values
        .remove("version")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let base = take_base(&mut values);
    let mut result = s.app.update_training(&s.actor, id, version, &values).await;
    let mut merged = false;
    if let Err(AppError::Conflict { .. }) = &result {
        // Three ways: what the editor started from, what they typed, what is stored now. What
        // only one side changed is kept from that side; if no field was changed by both, the
        // merge is saved as it stands.
        let stored = s.app.training(&s.actor, id).await?;
        if let Some(fields) = merge_if_clear(&base, &values, &training_fields(&stored.record)) {
            merged = fields != values;
            values = fields;
            result = s
                .app
                .update_training(&s.actor, id, stored.version, &values)
                .await;
        }
    }
    match result {
        Ok(_) if merged => Ok(see_other(&format!("/trainings/{id}?notice=saved-merged"))),
        Ok(_) => Ok(see_other(&format!("/trainings/{id}?notice=saved"))),
        Err(AppError::Fields(problems)) => {
            let form = FormView::new(values).with_problems(&problems, &shown());
            let heading = format!("Edit {}", form.value("title"));
            let mut view = FormPage::new(&s, Some(id), version, heading, form).await;
            view.base = base;
            page_with(StatusCode::UNPROCESSABLE_ENTITY, view)
        }
        Err(AppError::Conflict { current, .. }) => {
            let stored = s.app.training(&s.actor, id).await?;
            let theirs = training_fields(&stored.record);
            let (form_values, conflict) =
                Conflict::between(current, &base, &values, &theirs, &FIELDS);
            let heading = format!("Edit {}", stored.record.title);
            let mut view =
                FormPage::new(&s, Some(id), current, heading, FormView::new(form_values)).await;
            // The next save starts from what is stored now.
            view.base = theirs;
            view.conflict = Some(conflict);
            page_with(StatusCode::CONFLICT, view)
        }
        Err(AppError::Locked(why)) => {
            let mut form = FormView::new(values);
            form.general.push(why);
            let heading = format!("Edit {}", form.value("title"));
            let mut view = FormPage::new(&s, Some(id), version, heading, form).await;
            view.base = base;
            page_with(StatusCode::CONFLICT, view)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "training_delete.html")]
struct DeletePage {
    nav: &'static str,
    id: i64,
    version: i64,
    title: String,
    code: String,
    sessions: i64,
    attendance: i64,
    refused: Option<String>,
}

async fn delete_page(s: &Ctx, id: i64, refused: Option<String>) -> PageResult<DeletePage> {
    let t = s.app.training_to_edit(&s.actor, id).await?;
    let sessions = s.app.sessions_of(&s.actor, id).await?.len() as i64;
    let attendance = s.app.roster(&s.actor, id, 0).await?.total;
    Ok(DeletePage {
        nav: "trainings",
        id,
        version: t.version,
        title: t.record.title,
        code: t.record.code,
        sessions,
        attendance,
        refused,
    })
}

pub(crate) async fn confirm_delete(s: Ctx, Path(id): Path<i64>) -> PageResult<Response> {
    page(delete_page(&s, id, None).await?)
}

pub(crate) async fn delete(
    s: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let version = values.get("version").and_then(|v| v.parse().ok());
    let cascade = values.get("cascade").is_some_and(|v| v == "yes");
    match s.app.delete_training(&s.actor, id, version, cascade).await {
        Ok(_) => Ok(see_other("/trainings?notice=deleted")),
        Err(AppError::InUse { dependents, .. }) => {
            let why = format!(
                "It has {}. Tick the box to delete them with it.",
                Dependents::describe(&dependents)
            );
            page_with(StatusCode::CONFLICT, delete_page(&s, id, Some(why)).await?)
        }
        Err(AppError::Conflict { .. }) => {
            let why = "It was changed by someone else since you opened this page: check it again before deleting.".to_string();
            page_with(StatusCode::CONFLICT, delete_page(&s, id, Some(why)).await?)
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn create_session(
    s: Ctx,
    Path(id): Path<i64>,
    Form(mut values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let t = s.app.training(&s.actor, id).await?;
    values.insert("training_code".into(), t.record.code.clone());
    match s.app.create_session(&s.actor, &values).await {
        Ok(_) => Ok(see_other(&format!(
            "/trainings/{id}?notice=session-added#sessions"
        ))),
        Err(AppError::Fields(problems)) => {
            let form = FormView::new(values).with_problems(
                &problems,
                &["start_date", "end_date", "participants_total", "note"],
            );
            let view = super::trainings::training_page(&s, id, form).await?;
            page_with(StatusCode::UNPROCESSABLE_ENTITY, view)
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn delete_session(
    s: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let cascade = values.get("cascade").is_some_and(|v| v == "yes");
    let training = s.app.training_of_session(&s.actor, id).await?;
    match s.app.delete_session(&s.actor, id, None, cascade).await {
        Ok(_) => {}
        // Said on the training's page, of the session by its dates and of the page's box.
        Err(AppError::InUse { dependents, .. }) if training.is_some() => {
            let t = training.unwrap_or_default();
            let session = s.app.session(&s.actor, id).await?;
            let dates =
                cadre_render::view::date_range(Some(session.record.start), session.record.end);
            let mut form = FormView::default();
            form.general.push(format!(
                "Nothing was deleted: the session of {dates} has {}. Tick \"with its attendance\" beside it to delete them with it.",
                dependents.describe()
            ));
            let view = super::trainings::training_page(&s, t, form).await?;
            return page_with(StatusCode::CONFLICT, view);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&match training {
        Some(t) => format!("/trainings/{t}?notice=session-deleted#sessions"),
        None => "/trainings".to_string(),
    }))
}

/// A partner's form to propose a correction to a training of theirs, filled with it as it is.
pub(crate) async fn correct(s: Ctx, Path(id): Path<i64>) -> PageResult<Response> {
    let t = s.app.training_to_correct(&s.actor, id).await?;
    let heading = format!("Propose a correction to {}", t.record.title);
    let mut view = FormPage::new(
        &s,
        Some(id),
        t.version,
        heading,
        FormView::new(training_fields(&t.record)),
    )
    .await;
    view.proposing = true;
    page(view)
}

pub(crate) async fn propose(
    s: Ctx,
    Path(id): Path<i64>,
    Form(mut values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let note = values.remove("correction_note").unwrap_or_default();
    values.remove("version");
    match s.app.propose_correction(&s.actor, id, &values, &note).await {
        Ok(_) => Ok(see_other("/corrections?done=proposed")),
        Err(AppError::Fields(problems)) => {
            let t = s.app.training(&s.actor, id).await?;
            let form = FormView::new(values).with_problems(&problems, &shown());
            let heading = format!("Propose a correction to {}", t.record.title);
            let mut view = FormPage::new(&s, Some(id), t.version, heading, form).await;
            view.proposing = true;
            page_with(StatusCode::UNPROCESSABLE_ENTITY, view)
        }
        Err(e) => Err(e.into()),
    }
}
