//! The JSON API under `/api/v1`: list (filters, `limit`, `cursor`), get, create, update (`PUT`
//! with the version in the body or as `If-Match`) and delete of trainings, sessions, partners
//! and participants; a training's attendance; the report of any period. A record's keys are
//! its v1 import column names plus `id` and `version`. Errors are `application/problem+json`
//! (RFC 9457) with the field problems. The OpenAPI document is generated from this code.

mod extract;
mod participants;
mod partners;
mod problem;
mod records;
mod report;
mod schema;
mod sessions;
mod trainings;

use axum::http::{header, HeaderMap};
use axum::routing::get;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) use problem::Problem;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "cadre",
        description = "Trainings an agency delivers with its partners, who took part, and the period report.",
        version = "1"
    ),
    tags(
        (name = "trainings"), (name = "sessions"), (name = "partners"),
        (name = "participants"), (name = "report")
    )
)]
struct ApiDoc;

/// The API's routes and its OpenAPI document, made from the same handlers.
pub(crate) fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(
            trainings::list_trainings,
            trainings::create_training
        ))
        .routes(routes!(
            trainings::get_training,
            trainings::put_training,
            trainings::delete_training
        ))
        .routes(routes!(trainings::training_attendance))
        .routes(routes!(sessions::list_sessions, sessions::create_session))
        .routes(routes!(
            sessions::get_session,
            sessions::put_session,
            sessions::delete_session
        ))
        .routes(routes!(partners::list_partners, partners::create_partner))
        .routes(routes!(
            partners::get_partner,
            partners::put_partner,
            partners::delete_partner
        ))
        .routes(routes!(
            participants::list_participants,
            participants::create_participant
        ))
        .routes(routes!(
            participants::get_participant,
            participants::put_participant,
            participants::delete_participant
        ))
        .routes(routes!(report::report))
        .split_for_parts();
    doc.servers = Some(vec![utoipa::openapi::Server::new("/api/v1")]);
    (router, doc)
}

/// The OpenAPI 3.1 document, as served at `/api/v1/openapi.json`.
pub fn openapi_json() -> String {
    let doc = serde_json::to_value(parts().1).unwrap_or_default();
    serde_json::to_string_pretty(&complete(doc)).unwrap_or_default()
}

/// What every operation of the document says alike, added once here rather than on each
/// handler: the problems any request can meet (a query or path that does not parse, a body
/// that is not JSON), and that a replacement names the version it is made from.
fn complete(mut doc: serde_json::Value) -> serde_json::Value {
    use serde_json::json;
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        })
    };
    // Every call is made as an account: a token (`cadre token create`) as a Bearer header,
    // or the web application's sign-in cookie.
    if let Some(root) = doc.as_object_mut() {
        root.insert("security".into(), json!([{"bearer": []}, {"cookie": []}]));
        let components = root
            .entry("components")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .map(|c| c.entry("securitySchemes").or_insert_with(|| json!({})));
        if let Some(schemes) = components.and_then(|s| s.as_object_mut()) {
            schemes.insert(
                "bearer".into(),
                json!({"type": "http", "scheme": "bearer", "description": "An API token from `cadre token create`"}),
            );
            schemes.insert(
                "cookie".into(),
                json!({"type": "apiKey", "in": "cookie", "name": crate::auth::COOKIE}),
            );
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return doc;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let has_body = op.get("requestBody").is_some();
            if method == "put" {
                if let Some(schema) =
                    op.pointer_mut("/requestBody/content/application~1json/schema")
                {
                    let base = schema.take();
                    *schema = json!({"allOf": [base, {
                        "required": ["version"],
                        "properties": {"version": {"type": "integer", "format": "int64", "minimum": 1}}
                    }]});
                }
            }
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            let mut add = |status: &str, description: &str| {
                responses
                    .entry(status.to_string())
                    .or_insert_with(|| problem(description));
            };
            add("400", "The query or the body is not understood");
            add(
                "401",
                "Not signed in, or the token is not valid (expired, revoked)",
            );
            add(
                "403",
                "The account's role does not allow it (a read-only token writes nothing)",
            );
            add(
                "422",
                "Understood, and asking what cannot be (a period that ends before it starts, a 31 February)",
            );
            if path.contains('{') {
                add("404", "No such record");
            }
            if has_body {
                add("413", "The body is over the size limit");
                add("415", "The body is not JSON");
                add(
                    "409",
                    "The record conflicts with the records held (a duplicate, a partner not recorded, or a newer version)",
                );
            }
        }
    }
    doc
}

pub(crate) fn routes() -> Router<AppState> {
    let (api, _) = parts();
    let doc = openapi_json();
    Router::new().nest(
        "/api/v1",
        api.route(
            "/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], doc) }),
        )
        .fallback(|| async { Problem::not_found("there is no such API route") }),
    )
}

/// The version an `If-Match` header names (`"3"`, `W/"3"`, `3`), if any.
pub(crate) fn if_match(headers: &HeaderMap) -> Option<i64> {
    let v = headers.get(header::IF_MATCH)?.to_str().ok()?;
    v.trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .trim_start_matches('v')
        .parse()
        .ok()
}
