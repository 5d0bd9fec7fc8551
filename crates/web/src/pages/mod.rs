//! The pages: each module holds the handlers of one part of the site and the views its
//! templates show. Handlers read the request, call one operation of the application layer,
//! and render; nothing here counts or checks a record.

mod account;
mod admin;
mod agency;
mod backup;
mod corrections;
mod dashboard;
mod import_outcome;
mod import_runs;
mod imports;
mod participants;
mod partners;
mod periods;
mod places;
mod published;
mod quality;
mod report;
mod training_form;
mod trainings;

use axum::http::Method;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

use crate::AppState;

/// Every page route, by method and path: the one list the router is made from and the
/// authorization matrix test is checked against.
pub(crate) fn table() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    use Method as M;
    vec![
        (M::GET, "/", get(dashboard::show)),
        (M::GET, "/trainings", get(trainings::list)),
        (M::POST, "/trainings", post(training_form::create)),
        (M::GET, "/trainings/new", get(training_form::new)),
        (M::GET, "/trainings/{id}", get(trainings::show)),
        (M::POST, "/trainings/{id}", post(training_form::update)),
        (M::GET, "/trainings/{id}/edit", get(training_form::edit)),
        (
            M::GET,
            "/trainings/{id}/delete",
            get(training_form::confirm_delete),
        ),
        (
            M::POST,
            "/trainings/{id}/delete",
            post(training_form::delete),
        ),
        (
            M::POST,
            "/trainings/{id}/sessions",
            post(training_form::create_session),
        ),
        (
            M::GET,
            "/trainings/{id}/correct",
            get(training_form::correct),
        ),
        (
            M::POST,
            "/trainings/{id}/corrections",
            post(training_form::propose),
        ),
        (M::GET, "/corrections", get(corrections::list)),
        (
            M::POST,
            "/corrections/{id}/accept",
            post(corrections::accept),
        ),
        (
            M::POST,
            "/corrections/{id}/reject",
            post(corrections::reject),
        ),
        (
            M::POST,
            "/sessions/{id}/delete",
            post(training_form::delete_session),
        ),
        (M::GET, "/imports", get(imports::history)),
        (M::POST, "/imports", post(imports::upload)),
        (M::GET, "/imports/new", get(imports::new)),
        (M::GET, "/imports/staged/{token}", get(imports::staged_view)),
        (M::POST, "/imports/staged/{token}", post(import_runs::run)),
        (
            M::GET,
            "/imports/staged/{token}/rejects.csv",
            get(imports::rejects),
        ),
        (
            M::GET,
            "/imports/staged/{token}/rejects.xlsx",
            get(imports::rejects_xlsx),
        ),
        (
            M::POST,
            "/imports/staged/{token}/discard",
            post(imports::discard),
        ),
        (
            M::GET,
            "/imports/staged/{token}/progress",
            get(import_runs::progress),
        ),
        (M::GET, "/report", get(report::show)),
        (M::GET, "/report/download/{format}", get(report::download)),
        (M::GET, "/participants", get(participants::list)),
        (
            M::GET,
            "/participants/merge",
            get(participants::merge_preview),
        ),
        (M::POST, "/participants/merge", post(participants::merge)),
        (M::GET, "/participants/{id}", get(participants::show)),
        (M::POST, "/participants/{id}", post(participants::update)),
        (M::GET, "/participants/{id}/edit", get(participants::edit)),
        (M::GET, "/partners", get(partners::list)),
        (M::POST, "/partners", post(partners::create)),
        (M::GET, "/partners/new", get(partners::new)),
        (M::POST, "/partners/{id}", post(partners::update)),
        (M::GET, "/partners/{id}/edit", get(partners::edit)),
        (M::POST, "/partners/{id}/delete", post(partners::delete)),
        (M::GET, "/reports", get(published::list)),
        (M::POST, "/reports", post(published::publish)),
        (M::GET, "/report/publish", get(published::confirm)),
        (M::GET, "/reports/{slug}", get(published::show)),
        (M::GET, "/reports/{slug}/{file}", get(published::file)),
        (M::GET, "/account", get(account::show)),
        (M::POST, "/account/tokens", post(account::create_token)),
        (
            M::POST,
            "/account/tokens/{id}/revoke",
            post(account::revoke_token),
        ),
        (M::GET, "/admin/users", get(admin::users)),
        (M::POST, "/admin/users", post(admin::add_user)),
        (M::POST, "/admin/users/{id}", post(admin::change_user)),
        (M::GET, "/admin/audit", get(admin::audit)),
        (M::GET, "/admin/agency", get(agency::show)),
        (M::POST, "/admin/agency", post(agency::save)),
        (M::GET, "/admin/persons", get(admin::persons)),
        (M::POST, "/admin/persons/export", post(admin::export_person)),
        (M::POST, "/admin/persons/erase", post(admin::erase_person)),
        (M::GET, "/periods", get(periods::list)),
        (M::POST, "/periods/submit", post(periods::submit)),
        (M::POST, "/periods/approve", post(periods::approve)),
        (M::POST, "/periods/reopen", post(periods::reopen)),
        (M::GET, "/quality", get(quality::to_fix)),
        (M::GET, "/admin/rules", get(quality::rules)),
        (M::POST, "/admin/backup", post(backup::download)),
        (M::POST, "/admin/rules/{rule}", post(quality::set_rule)),
        (M::GET, "/countries", get(places::countries)),
        (M::GET, "/departments", get(places::departments)),
    ]
}

/// A router made from a table of routes (several methods of one path are merged).
pub(crate) fn from_table(
    table: Vec<(Method, &'static str, MethodRouter<AppState>)>,
) -> Router<AppState> {
    table
        .into_iter()
        .fold(Router::new(), |r, (_, path, route)| r.route(path, route))
}

pub(crate) fn routes() -> Router<AppState> {
    from_table(table())
}
