//! Partners and funders: the list, and creating, editing and deleting one.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use cadre_app::domain::{PartnerKind, PartnerRecord};
use cadre_app::AppError;
use cadre_app::Versioned;

use crate::error::PageResult;
use crate::forms::{merge_if_clear, names, take_base, Conflict, FormView, PARTNER_FIELDS};
use crate::view::{page, page_with, see_other};
use crate::Ctx;

#[derive(Template)]
#[template(path = "partners.html")]
struct ListPage {
    nav: &'static str,
    partners: Vec<(Versioned<PartnerRecord>, &'static str)>,
}

fn kind_label(k: Option<PartnerKind>) -> &'static str {
    k.map(PartnerKind::as_str).unwrap_or("")
}

pub(crate) async fn list(s: Ctx) -> PageResult<Response> {
    let mut partners: Vec<(Versioned<PartnerRecord>, &'static str)> = s
        .app
        .partners_after(&s.actor, 0, 100_000)
        .await?
        .into_iter()
        .map(|p| {
            let k = kind_label(p.record.kind);
            (p, k)
        })
        .collect();
    partners.sort_by_key(|(p, _)| cadre_app::domain::text::fold(&p.record.name));
    page(ListPage {
        nav: "partners",
        partners,
    })
}

#[derive(Template)]
#[template(path = "partner_form.html")]
struct FormPage {
    nav: &'static str,
    id: Option<i64>,
    version: i64,
    form: FormView,
    kinds: Vec<(&'static str, &'static str)>,
    /// The record as the form was filled from it (see `forms::take_base`).
    base: BTreeMap<String, String>,
    conflict: Option<Conflict>,
    refused: Option<String>,
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    let mut k = vec![("", "Not recorded")];
    k.extend(PartnerKind::ALL.iter().map(|k| (k.as_str(), k.as_str())));
    k
}

fn form_page(id: Option<i64>, version: i64, form: FormView) -> FormPage {
    FormPage {
        nav: "partners",
        id,
        version,
        form,
        kinds: kinds(),
        base: BTreeMap::new(),
        conflict: None,
        refused: None,
    }
}

pub(crate) async fn new(s: Ctx) -> PageResult<Response> {
    s.app.open_form(&s.actor, cadre_app::Form::NewPartner)?;
    page(form_page(None, 0, FormView::default()))
}

pub(crate) async fn create(
    s: Ctx,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    match s.app.create_partner(&s.actor, &values).await {
        Ok(_) => Ok(see_other("/partners?notice=added")),
        Err(AppError::Fields(problems)) => page_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(
                None,
                0,
                FormView::new(values).with_problems(&problems, &names(&PARTNER_FIELDS)),
            ),
        ),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn edit(s: Ctx, Path(id): Path<i64>) -> PageResult<Response> {
    let p = s.app.partner_to_edit(&s.actor, id).await?;
    let fields = cadre_app::domain::fields::partner_fields(&p.record);
    let mut view = form_page(Some(id), p.version, FormView::new(fields.clone()));
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
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let base = take_base(&mut values);
    let mut result = s.app.update_partner(&s.actor, id, version, &values).await;
    if let Err(AppError::Conflict { .. }) = &result {
        // Merged three ways: what only the other person changed is kept.
        let stored = s.app.partner(&s.actor, id).await?;
        let theirs = cadre_app::domain::fields::partner_fields(&stored.record);
        if let Some(fields) = merge_if_clear(&base, &values, &theirs) {
            values = fields;
            result = s
                .app
                .update_partner(&s.actor, id, stored.version, &values)
                .await;
        }
    }
    match result {
        Ok(_) => Ok(see_other("/partners?notice=saved")),
        Err(AppError::Fields(problems)) => {
            let mut view = form_page(
                Some(id),
                version,
                FormView::new(values).with_problems(&problems, &names(&PARTNER_FIELDS)),
            );
            view.base = base;
            page_with(StatusCode::UNPROCESSABLE_ENTITY, view)
        }
        Err(AppError::Conflict { current, .. }) => {
            let stored = s.app.partner(&s.actor, id).await?;
            let theirs = cadre_app::domain::fields::partner_fields(&stored.record);
            let (values, conflict) =
                Conflict::between(current, &base, &values, &theirs, &PARTNER_FIELDS);
            let mut view = form_page(Some(id), current, FormView::new(values));
            view.base = theirs;
            view.conflict = Some(conflict);
            page_with(StatusCode::CONFLICT, view)
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn delete(
    s: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let cascade = values.get("cascade").is_some_and(|v| v == "yes");
    let version = values.get("version").and_then(|v| v.parse().ok());
    match s.app.delete_partner(&s.actor, id, version, cascade).await {
        Ok(_) => Ok(see_other("/partners?notice=deleted")),
        Err(AppError::InUse { dependents, .. }) => {
            let p = s.app.partner(&s.actor, id).await?;
            let mut view = form_page(
                Some(id),
                p.version,
                FormView::new(cadre_app::domain::fields::partner_fields(&p.record)),
            );
            view.refused = Some(format!(
                "Nothing was deleted: {} refer to it. Tick the box to delete it anyway; the trainings stay, without it.",
                dependents.describe()
            ));
            page_with(StatusCode::CONFLICT, view)
        }
        Err(e) => Err(e.into()),
    }
}
