//! Countries with their groups, and departments with the spellings that name them.

use askama::Template;
use axum::response::Response;

use crate::error::PageResult;
use crate::view::page;
use crate::Ctx;

#[derive(Template)]
#[template(path = "countries.html")]
struct CountriesPage {
    nav: &'static str,
    countries: Vec<(String, String, String)>,
}

pub(crate) async fn countries() -> PageResult<Response> {
    let mut countries: Vec<(String, String, String)> = cadre_app::domain::Countries::get()
        .all()
        .iter()
        .map(|c| (c.code.clone(), c.name.clone(), c.groups.join(", ")))
        .collect();
    countries.sort_by(|a, b| a.1.cmp(&b.1));
    page(CountriesPage {
        nav: "countries",
        countries,
    })
}

#[derive(Template)]
#[template(path = "departments.html")]
struct DepartmentsPage {
    nav: &'static str,
    departments: Vec<(String, String)>,
}

pub(crate) async fn departments(s: Ctx) -> PageResult<Response> {
    let departments = s
        .app
        .departments(&s.actor)
        .await?
        .into_iter()
        .map(|d| (d.name, d.aliases.join("; ")))
        .collect();
    page(DepartmentsPage {
        nav: "departments",
        departments,
    })
}
