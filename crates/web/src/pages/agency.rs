//! The agency's face, set by an admin: name, short name, logo, colours, time zone and date
//! style. The form is multipart (it carries the logo); the application layer checks it.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use cadre_app::domain::agency::{DateStyle, Face, FaceInput, LOGO_MAX_BYTES};
use cadre_app::{AppError, LogoChange};

use crate::error::PageResult;
use crate::forms::{names, FormView, AGENCY_FIELDS};
use crate::view::{page, page_with, see_other};
use crate::Ctx;

#[derive(Template)]
#[template(path = "admin_agency.html")]
struct AgencyPage {
    nav: &'static str,
    form: FormView,
    styles: Vec<(&'static str, &'static str)>,
    /// Whether a logo is set now (the form offers to keep or remove it).
    has_logo: bool,
    logo_max_kib: usize,
}

fn values_of(face: &Face) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("name".into(), face.name.clone()),
        ("short_name".into(), face.short_name.clone()),
        ("colour".into(), face.colour.hex()),
        ("accent".into(), face.accent.hex()),
        ("time_zone".into(), face.time_zone.clone()),
        ("date_style".into(), face.date_style.code().into()),
    ])
}

fn agency_page(form: FormView, has_logo: bool) -> AgencyPage {
    AgencyPage {
        nav: "admin",
        form,
        styles: DateStyle::ALL
            .iter()
            .map(|d| (d.code(), d.label()))
            .collect(),
        has_logo,
        logo_max_kib: LOGO_MAX_BYTES / 1024,
    }
}

pub(crate) async fn show(s: Ctx) -> PageResult<Response> {
    s.app.open_form(&s.actor, cadre_app::Form::Agency)?;
    let face = s.app.face().await?;
    page(agency_page(
        FormView::new(values_of(&face)),
        face.logo.is_some(),
    ))
}

/// The most text a field of this form may carry before the application layer bounds it
/// (a name is at most 120 characters): more is cut, never held whole.
const TEXT_MAX: usize = 4 * 1024;

pub(crate) async fn save(s: Ctx, mut form: Multipart) -> PageResult<Response> {
    s.app.open_form(&s.actor, cadre_app::Form::Agency)?;
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    let mut logo = LogoChange::Keep;
    let mut problems = Vec::new();
    let mut parts = 0;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                problems.push(problem(
                    "logo",
                    format!(
                        "The form did not arrive whole: choose a logo of at most {} KiB",
                        LOGO_MAX_BYTES / 1024
                    ),
                ));
                break;
            }
        };
        parts += 1;
        if parts > 16 {
            break;
        }
        let name = field.name().unwrap_or("").to_string();
        // Read in pieces, up to a bound: no part is held whole beyond it.
        let bound = if name == "logo" {
            LOGO_MAX_BYTES + 1
        } else {
            TEXT_MAX
        };
        let mut bytes = Vec::new();
        while let Ok(Some(chunk)) = field.chunk().await {
            let room = bound.saturating_sub(bytes.len());
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        match name.as_str() {
            "logo" if !bytes.is_empty() => logo = LogoChange::Replace(bytes),
            // A file chosen wins over the box ticked.
            "remove_logo" if !matches!(logo, LogoChange::Replace(_)) => logo = LogoChange::Remove,
            "name" | "short_name" | "colour" | "accent" | "time_zone" | "date_style" => {
                values.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
            _ => {}
        }
    }
    let value = |f: &str| values.get(f).cloned().unwrap_or_default();
    let input = FaceInput {
        name: value("name"),
        short_name: value("short_name"),
        colour: value("colour"),
        accent: value("accent"),
        time_zone: value("time_zone"),
        date_style: value("date_style"),
    };
    let had_logo = s.app.face().await?.logo.is_some();
    if problems.is_empty() {
        match s.app.set_face(&s.actor, &input, logo).await {
            Ok(_) => return Ok(see_other("/admin/agency?notice=saved")),
            Err(AppError::Fields(found)) => problems = found,
            Err(e) => return Err(e.into()),
        }
    }
    page_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        agency_page(
            FormView::new(values).with_problems(&problems, &names(&AGENCY_FIELDS)),
            had_logo,
        ),
    )
}

fn problem(field: &'static str, message: String) -> cadre_app::domain::validate::FieldProblem {
    cadre_app::domain::validate::FieldProblem {
        field,
        code: "upload",
        message,
    }
}
