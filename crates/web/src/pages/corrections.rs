//! Corrections proposed by partner agencies: a partner's own, and for coordinators every
//! pending one beside the training as it is now, to accept or reject with a reason.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::Form;
use cadre_app::domain::access::Action;
use cadre_app::AppError;
use cadre_app::Correction;
use serde::Deserialize;

use super::training_form::FIELDS;
use crate::error::PageResult;
use crate::forms::Difference;
use crate::view::{page, see_other};
use crate::Ctx;

struct Line {
    c: Correction,
    title: String,
    differences: Vec<Difference>,
}

#[derive(Template)]
#[template(path = "corrections.html")]
struct ListPage {
    nav: &'static str,
    lines: Vec<Line>,
    reviewer: bool,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub(crate) struct Done {
    done: Option<String>,
}

pub(crate) async fn list(s: Ctx, Query(q): Query<Done>) -> PageResult<Response> {
    let reviewer = s.actor.may(Action::ReviewCorrection);
    let mut lines = Vec::new();
    for c in s.app.corrections(&s.actor, false).await? {
        let proposed: BTreeMap<String, String> =
            serde_json::from_str(&c.fields).unwrap_or_default();
        let (title, current) = match s.app.training(&s.actor, c.training_id).await {
            Ok(t) => (
                t.record.title.clone(),
                cadre_app::domain::fields::training_fields(&t.record),
            ),
            Err(AppError::NotFound { .. }) => ("(deleted)".to_string(), BTreeMap::new()),
            Err(e) => return Err(e.into()),
        };
        let differences = FIELDS
            .iter()
            .filter_map(|(f, label)| {
                let mine = proposed.get(*f).cloned().unwrap_or_default();
                let theirs = current.get(*f).cloned().unwrap_or_default();
                (mine != theirs).then_some(Difference {
                    field: f,
                    label,
                    mine,
                    theirs,
                })
            })
            .collect();
        lines.push(Line {
            c,
            title,
            differences,
        });
    }
    page(ListPage {
        nav: "corrections",
        lines,
        reviewer,
        notice: match q.done.as_deref() {
            Some("proposed") => Some("Your correction was sent: a coordinator reviews it."),
            Some("accepted") => Some("Accepted: the training now holds the correction."),
            Some("rejected") => Some("Rejected, with your reason."),
            _ => None,
        },
    })
}

pub(crate) async fn accept(s: Ctx, Path(id): Path<i64>) -> PageResult<Response> {
    s.app.accept_correction(&s.actor, id).await?;
    Ok(see_other("/corrections?done=accepted"))
}

pub(crate) async fn reject(
    s: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let reason = values.get("reason").map(String::as_str).unwrap_or("");
    s.app.reject_correction(&s.actor, id, reason).await?;
    Ok(see_other("/corrections?done=rejected"))
}
