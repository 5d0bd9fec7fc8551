//! The JSON API in-process on a real SQLite store: records by their v1 column names with `id`
//! and `version`, versions by body or If-Match, problems as `application/problem+json`, pages
//! by cursor, the report as `cadre report --format json` writes it; and the OpenAPI document,
//! kept as a snapshot so that a change to the contract is seen in review.

use std::path::PathBuf;

#[path = "../common/mod.rs"]
mod common;
mod reads;
mod writes;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use cadre_app::{Actor, App};
use cadre_store::Store;
use cadre_web::{router, AppState};
use serde_json::{json, Value};
use tower::ServiceExt;

struct Api {
    router: Router,
    /// A coordinator's API token, sent with every call.
    token: String,
    app: App,
    _dir: tempfile::TempDir,
}

async fn api() -> Api {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    let store = Store::open(&url).await.unwrap();
    common::load_2020(&store, true).await;
    let mut app = App::new(store);
    app.warm_up().await.unwrap();
    let admin = Actor::local();
    app.add_user(
        &admin,
        "api@example.org",
        &cadre_core::access::Grant::plain(cadre_core::access::Role::Coordinator),
        "a password long enough",
    )
    .await
    .unwrap();
    let token = app
        .create_token(&admin, "api@example.org", false, 1, "tests")
        .await
        .unwrap()
        .secret;
    Api {
        router: router(AppState::new(app.clone())),
        token,
        app,
        _dir: dir,
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    json: Value,
}

impl Api {
    /// A call with this `Authorization` header (or none).
    async fn call_with(
        &self,
        method: &str,
        uri: &str,
        auth: Option<&str>,
        body: Option<Value>,
    ) -> StatusCode {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(a) = auth {
            req = req.header(header::AUTHORIZATION, a);
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        self.router.clone().oneshot(req).await.unwrap().status()
    }

    async fn call(
        &self,
        method: &str,
        uri: &str,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> Answer {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        if let Some(m) = if_match {
            req = req.header(header::IF_MATCH, m);
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Answer {
            status,
            headers,
            json,
        }
    }
}

fn content_type(a: &Answer) -> &str {
    a.headers[header::CONTENT_TYPE].to_str().unwrap()
}

#[tokio::test]
async fn a_training_through_the_api_with_versions_and_problems() {
    let api = api().await;
    let created = api
        .call(
            "POST",
            "/api/v1/trainings",
            Some(json!({
                "code": "API-1", "title": "Through the API", "start_date": "2020-10",
                "partners": ["CoE"], "value_usd": "3,937,801", "countries": ["JM", "Trinidad and Tobago"],
                "participants_total": 20, "participants_female": 12, "modality": "virtual"
            })),
            None,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let t = &created.json;
    assert_eq!(t["version"], 1);
    assert_eq!(
        t["value_usd"], "3937801.00",
        "money is an exact decimal string"
    );
    assert_eq!(t["countries"], json!(["JM", "TT"]));
    assert_eq!(t["partners"], json!(["Council of Europe"]));
    let id = t["id"].as_i64().unwrap();
    let uri = format!("/api/v1/trainings/{id}");

    let got = api.call("GET", &uri, None, None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers[header::ETAG], "\"v1\"");
    assert_eq!(got.json, created.json);

    let mut body = got.json.clone();
    body.as_object_mut().unwrap().retain(|k, _| k != "id");
    body["title"] = json!("Renamed through the API");
    let put = api.call("PUT", &uri, Some(body.clone()), None).await;
    assert_eq!(
        (put.status, &put.json["version"]),
        (StatusCode::OK, &json!(2))
    );

    // The body's version 1 is stale now: refused, and told the version it is at.
    let stale = api.call("PUT", &uri, Some(body.clone()), None).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(content_type(&stale), "application/problem+json");
    assert_eq!(stale.json["current_version"], 2);
    // If-Match names the version instead of the body.
    let mut unversioned = body.clone();
    unversioned.as_object_mut().unwrap().remove("version");
    let none = api.call("PUT", &uri, Some(unversioned.clone()), None).await;
    assert_eq!(none.status, StatusCode::PRECONDITION_REQUIRED);
    let matched = api
        .call("PUT", &uri, Some(unversioned), Some("\"v2\""))
        .await;
    assert_eq!(matched.status, StatusCode::OK);
    assert_eq!(matched.json["version"], 3);

    let bad = api
        .call(
            "POST",
            "/api/v1/trainings",
            Some(json!({"code": "API-2", "title": "t", "start_date": "2020-02-30", "partners": ["Nobody"]})),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<(&str, &str)> = bad.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert!(fields.contains(&("start_date", "bad-date")), "{fields:?}");
    assert!(
        fields.contains(&("partners", "unknown-partner")),
        "{fields:?}"
    );

    let gone = api.call("DELETE", &uri, None, Some("\"v3\"")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let missing = api.call("GET", &uri, None, None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(content_type(&missing), "application/problem+json");
}

#[tokio::test]
async fn lists_page_by_cursor_and_filter() {
    let api = api().await;
    let mut seen = Vec::new();
    let mut uri = "/api/v1/trainings?limit=4".to_string();
    loop {
        let page = api.call("GET", &uri, None, None).await;
        assert_eq!(page.status, StatusCode::OK);
        for t in page.json["items"].as_array().unwrap() {
            seen.push(t["id"].as_i64().unwrap());
        }
        match page.json["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/v1/trainings?limit=4&cursor={c}"),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(seen, sorted, "every training once, in id order");
    let all = api
        .call("GET", "/api/v1/trainings?limit=500", None, None)
        .await;
    assert_eq!(all.json["items"].as_array().unwrap().len(), seen.len());
    let virtual_ = api
        .call(
            "GET",
            "/api/v1/trainings?limit=500&modality=virtual",
            None,
            None,
        )
        .await;
    let items = virtual_.json["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.len() < seen.len());
    assert!(items.iter().all(|t| t["modality"] == "virtual"));
    for (bad, status) in [
        ("limit=0", StatusCode::BAD_REQUEST),
        ("limit=501", StatusCode::BAD_REQUEST),
        ("cursor=abc", StatusCode::BAD_REQUEST),
        ("from=2020-13-01", StatusCode::UNPROCESSABLE_ENTITY),
        (
            "from=2020-03-01&to=2020-02-01",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let r = api
            .call("GET", &format!("/api/v1/trainings?{bad}"), None, None)
            .await;
        assert_eq!(r.status, status, "{bad}");
        assert_eq!(content_type(&r), "application/problem+json");
    }
    let partners = api
        .call("GET", "/api/v1/partners?limit=3", None, None)
        .await;
    assert_eq!(partners.json["items"].as_array().unwrap().len(), 3);
    let sessions = api
        .call("GET", "/api/v1/sessions?training_code=2020-03", None, None)
        .await;
    assert!(sessions.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["training_code"] == "2020-03"));
}

#[tokio::test]
async fn the_report_is_the_same_json_as_the_command_writes() {
    let api = api().await;
    let r = api
        .call(
            "GET",
            "/api/v1/report?from=2020-01-01&to=2020-12-31",
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(content_type(&r), "application/json");
    for key in [
        "period",
        "trainings",
        "participants",
        "countries",
        "partners",
        "published",
    ] {
        assert!(r.json.get(key).is_some(), "{key} in {}", r.json);
    }
    let before = r.json["trainings"]["total"].as_i64().unwrap();
    api.call(
        "POST",
        "/api/v1/trainings",
        Some(json!({"code": "API-R", "title": "Counted", "start_date": "2020-12-01"})),
        None,
    )
    .await;
    let after = api
        .call(
            "GET",
            "/api/v1/report?from=2020-01-01&to=2020-12-31",
            None,
            None,
        )
        .await;
    assert_eq!(
        after.json["trainings"]["total"].as_i64().unwrap(),
        before + 1
    );
    let bad = api
        .call(
            "GET",
            "/api/v1/report?from=2020-02-01&to=2020-01-01",
            None,
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn participants_sessions_and_partners_through_the_api() {
    let api = api().await;
    let p = api
        .call(
            "POST",
            "/api/v1/participants",
            Some(json!({"given_name": "Ann", "family_name": "Lee", "email": "ann@example.org", "gender": "F", "country": "Jamaica"})),
            None,
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.json);
    assert_eq!(
        (&p.json["gender"], &p.json["country"]),
        (&json!("female"), &json!("JM"))
    );
    let again = api
        .call(
            "POST",
            "/api/v1/participants",
            Some(json!({"email": "ANN@example.org"})),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "the same person twice");
    let id = p.json["id"].as_i64().unwrap();
    let put = api
        .call(
            "PUT",
            &format!("/api/v1/participants/{id}"),
            Some(json!({"version": 1, "given_name": "Anne", "family_name": "Lee", "email": "ann@example.org"})),
            None,
        )
        .await;
    assert_eq!(
        (put.status, &put.json["given_name"]),
        (StatusCode::OK, &json!("Anne"))
    );
    let found = api
        .call("GET", "/api/v1/participants?q=anne", None, None)
        .await;
    assert_eq!(found.json["items"].as_array().unwrap().len(), 1);

    let s = api
        .call(
            "POST",
            "/api/v1/sessions",
            Some(json!({"training_code": "2020-01", "start_date": "2020-01-28", "participants_total": 10})),
            None,
        )
        .await;
    assert_eq!(s.status, StatusCode::CREATED, "{}", s.json);
    let dup = api
        .call(
            "POST",
            "/api/v1/sessions",
            Some(json!({"training_code": "2020-01", "start_date": "2020-01-28"})),
            None,
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.json["errors"][0]["field"], "start_date");

    let partner = api
        .call(
            "POST",
            "/api/v1/partners",
            Some(json!({"name": "Élan Agency", "short_name": "EA"})),
            None,
        )
        .await;
    assert_eq!(partner.status, StatusCode::CREATED);
    let pid = partner.json["id"].as_i64().unwrap();
    // A partner named by a training is refused without cascade.
    let named = api
        .call(
            "POST",
            "/api/v1/trainings",
            Some(json!({"code": "API-P", "title": "With a partner", "partners": ["EA"]})),
            None,
        )
        .await;
    assert_eq!(named.status, StatusCode::CREATED);
    let refused = api
        .call("DELETE", &format!("/api/v1/partners/{pid}"), None, None)
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let cascaded = api
        .call(
            "DELETE",
            &format!("/api/v1/partners/{pid}?cascade=true"),
            None,
            None,
        )
        .await;
    assert_eq!(cascaded.status, StatusCode::NO_CONTENT);
    let tid = named.json["id"].as_i64().unwrap();
    let t = api
        .call("GET", &format!("/api/v1/trainings/{tid}"), None, None)
        .await;
    assert_eq!(t.json["partners"], json!([]));
    let attendance = api
        .call(
            "GET",
            &format!("/api/v1/trainings/{tid}/attendance"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (attendance.status, &attendance.json["total"]),
        (StatusCode::OK, &json!(0))
    );
}

/// The OpenAPI document is generated from the handlers; the snapshot beside this test is the
/// contract as reviewed. `CADRE_UPDATE_OPENAPI=1` writes it anew after a deliberate change.
#[tokio::test]
async fn the_openapi_document_matches_its_snapshot_and_is_served() {
    let doc = cadre_web::openapi_json();
    let parsed: Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(parsed["openapi"], "3.1.0");
    for path in [
        "/trainings",
        "/trainings/{id}",
        "/trainings/{id}/attendance",
        "/sessions",
        "/sessions/{id}",
        "/partners",
        "/partners/{id}",
        "/participants",
        "/participants/{id}",
        "/report",
    ] {
        assert!(parsed["paths"].get(path).is_some(), "{path}");
    }
    let snapshot = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/api/openapi.json");
    if std::env::var_os("CADRE_UPDATE_OPENAPI").is_some() {
        std::fs::write(&snapshot, &doc).unwrap();
    }
    let kept = std::fs::read_to_string(&snapshot)
        .expect("tests/api/openapi.json: run with CADRE_UPDATE_OPENAPI=1 once");
    assert_eq!(
        doc, kept,
        "the API's contract changed: review the difference, then CADRE_UPDATE_OPENAPI=1"
    );
    let api = api().await;
    let served = api.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(served.json, parsed);
}

#[tokio::test]
async fn tokens_are_read_only_revocable_and_sent_only_as_bearer() {
    let api = api().await;
    let admin = Actor::local();
    let partner = json!({"name": "Made with a token"});
    // No token, a made-up one, a token in the query or a cookie: 401.
    assert_eq!(
        api.call_with("GET", "/api/v1/trainings", None, None).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        api.call_with(
            "GET",
            "/api/v1/trainings",
            Some("Bearer cadre_made-up"),
            None
        )
        .await,
        StatusCode::UNAUTHORIZED
    );
    let query = format!("/api/v1/trainings?access_token={}", api.token);
    assert_eq!(
        api.call_with("GET", &query, None, None).await,
        StatusCode::UNAUTHORIZED
    );
    // A read-only token reads and never writes.
    let ro = api
        .app
        .create_token(&admin, "api@example.org", true, 1, "reader")
        .await
        .unwrap();
    let bearer = format!("Bearer {}", ro.secret);
    assert_eq!(
        api.call_with("GET", "/api/v1/trainings", Some(&bearer), None)
            .await,
        StatusCode::OK
    );
    assert_eq!(
        api.call_with(
            "POST",
            "/api/v1/partners",
            Some(&bearer),
            Some(partner.clone())
        )
        .await,
        StatusCode::FORBIDDEN
    );
    // The read-write one writes; revoked, it is refused at once.
    let rw = format!("Bearer {}", api.token);
    assert_eq!(
        api.call_with("POST", "/api/v1/partners", Some(&rw), Some(partner))
            .await,
        StatusCode::CREATED
    );
    let id = api
        .app
        .tokens(&admin, "api@example.org")
        .await
        .unwrap()
        .iter()
        .find(|t| !t.read_only)
        .unwrap()
        .id;
    api.app.revoke_token(&admin, id).await.unwrap();
    assert_eq!(
        api.call_with("GET", "/api/v1/trainings", Some(&rw), None)
            .await,
        StatusCode::UNAUTHORIZED
    );
}
