//! The authorization matrix: every route of the web application and the API, in one table,
//! with what each kind of account meets there (admin, coordinator, viewer, the focal point of
//! the record's country and of another, the partner of the training and of another, someone
//! not signed in). The test walks the table with in-process requests signed in as each, and
//! fails when the application has a route the table lacks or the table names one it lacks.

#[path = "../common/mod.rs"]
mod common;

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use cadre_app::{import_sheet, Actor, App, ImportOptions};
use cadre_core::access::{Grant, Role};
use cadre_import::{Kind, Sheet};
use cadre_store::Store;
use cadre_web::{route_list, router, AppState};
use tower::ServiceExt;

/// The kinds of account, in the order of each row's expectations.
const WHO: [&str; 8] = [
    "admin",
    "coordinator",
    "viewer",
    "focal point of the record's country (JM)",
    "focal point of another (TT)",
    "partner of the training (UNODC)",
    "partner of another (ComSec)",
    "not signed in",
];

/// What a request meets: `A` answered (the page, the record, or a refusal of what was sent:
/// 400, 409, 422, all after the access check), `F` forbidden (403), `N` not there for them
/// (404: a record outside their scope, as if it did not exist), `S` sent to sign in (a
/// redirect to the sign-in page, 401, or 429 for a sign-in throttled). A 5xx is `E`, which
/// no row expects.
type Expect = &'static str;

struct Row {
    method: &'static str,
    /// The route's pattern, as the application declares it.
    route: &'static str,
    /// The request made: `{T}` a training of UNODC's with attendance, `{P}` a participant of
    /// Jamaica, `{P2}` one of Trinidad and Tobago, `{S}` a session of `{T}`, `{partner}` a
    /// partner, `{new_session}` / `{new_partner}` a record made afresh for each request (a
    /// delete that is allowed takes it), `{token}` an API token of the coordinator's (only
    /// they and an admin may revoke it: allowed, it is made afresh), `{account}` an account.
    uri: &'static str,
    body: Body_,
    expect: Expect,
}

#[derive(Clone, Copy)]
enum Body_ {
    None,
    Form(&'static str),
    Json(&'static str),
    Multipart,
}

use Body_::{Form, Json, Multipart, None as Empty};

const fn row(
    method: &'static str,
    route: &'static str,
    uri: &'static str,
    body: Body_,
    expect: Expect,
) -> Row {
    Row {
        method,
        route,
        uri,
        body,
        expect,
    }
}

//                                                              admin, coordinator, viewer, focal own, focal other, partner own, partner other, anonymous
const TABLE: &[Row] = &[
    // Pages anyone signed in reads.
    row("GET", "/", "/", Empty, "AAAAAAAS"),
    row("GET", "/trainings", "/trainings", Empty, "AAAAAAAS"),
    row(
        "GET",
        "/trainings/{id}",
        "/trainings/{T}",
        Empty,
        "AAAAAANS",
    ),
    row(
        "GET",
        "/report",
        "/report?kind=year&year=2020",
        Empty,
        "AAAAAAAS",
    ),
    row(
        "GET",
        "/report/download/{format}",
        "/report/download/json?kind=year&year=2020",
        Empty,
        "AAAAAAAS",
    ),
    row("GET", "/partners", "/partners", Empty, "AAAAAAAS"),
    row("GET", "/countries", "/countries", Empty, "AAAAAAAS"),
    row("GET", "/departments", "/departments", Empty, "AAAAAAAS"),
    // Trainings and sessions: coordinators and admins change them.
    row("POST", "/trainings", "/trainings", Form(""), "AAFFFFFS"),
    row("GET", "/trainings/new", "/trainings/new", Empty, "AAFFFFFS"),
    row(
        "POST",
        "/trainings/{id}",
        "/trainings/{T}",
        Form("version=999"),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/trainings/{id}/edit",
        "/trainings/{T}/edit",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/trainings/{id}/delete",
        "/trainings/{T}/delete",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "POST",
        "/trainings/{id}/delete",
        "/trainings/{T}/delete",
        Form(""),
        "AAFFFFFS",
    ),
    row(
        "POST",
        "/trainings/{id}/sessions",
        "/trainings/{T}/sessions",
        Form(""),
        "AAFFFFNS",
    ),
    row(
        "POST",
        "/sessions/{id}/delete",
        "/sessions/{new_session}/delete",
        Form(""),
        "AAFFFFNS",
    ),
    // Corrections: a partner proposes to its own trainings, a coordinator or an admin reviews.
    row(
        "GET",
        "/trainings/{id}/correct",
        "/trainings/{T}/correct",
        Empty,
        "AAFFFANS",
    ),
    row(
        "POST",
        "/trainings/{id}/corrections",
        "/trainings/{T}/corrections",
        Form("title="),
        "AAFFFANS",
    ),
    row("GET", "/corrections", "/corrections", Empty, "AAFFFAAS"),
    row(
        "POST",
        "/corrections/{id}/accept",
        "/corrections/{new_correction}/accept",
        Form(""),
        "AAFFFFFS",
    ),
    row(
        "POST",
        "/corrections/{id}/reject",
        "/corrections/{new_correction}/reject",
        Form("reason=not+so"),
        "AAFFFFFS",
    ),
    // Imports: coordinators and admins; a staged upload's token alone opens nothing.
    row("GET", "/imports", "/imports", Empty, "AAFFFFFS"),
    row("POST", "/imports", "/imports", Multipart, "AAFFFFFS"),
    row("GET", "/imports/new", "/imports/new", Empty, "AAFFFFFS"),
    row(
        "GET",
        "/imports/staged/{token}",
        "/imports/staged/no-such-upload",
        Empty,
        "NNFFFFFS",
    ),
    row(
        "POST",
        "/imports/staged/{token}",
        "/imports/staged/no-such-upload",
        Form(""),
        "NNFFFFFS",
    ),
    row(
        "GET",
        "/imports/staged/{token}/rejects.csv",
        "/imports/staged/no-such-upload/rejects.csv",
        Empty,
        "NNFFFFFS",
    ),
    row(
        "GET",
        "/imports/staged/{token}/progress",
        "/imports/staged/no-such-upload/progress",
        Empty,
        "NNFFFFFS",
    ),
    // Participants: by name to coordinators, admins and the focal point of their country.
    row("GET", "/participants", "/participants", Empty, "AAFAAFFS"),
    row(
        "GET",
        "/participants/{id}",
        "/participants/{P}",
        Empty,
        "AAFAFFFS",
    ),
    row(
        "POST",
        "/participants/{id}",
        "/participants/{P}",
        Form("version=999"),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/participants/{id}/edit",
        "/participants/{P}/edit",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/participants/merge",
        "/participants/merge?kept={P}&other={P2}",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "POST",
        "/participants/merge",
        "/participants/merge",
        Form("kept={P}&kept_version=999&other={P2}&other_version=999"),
        "AAFFFFFS",
    ),
    // Partners.
    row("POST", "/partners", "/partners", Form(""), "AAFFFFFS"),
    row("GET", "/partners/new", "/partners/new", Empty, "AAFFFFFS"),
    row(
        "POST",
        "/partners/{id}",
        "/partners/{partner}",
        Form("version=999"),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/partners/{id}/edit",
        "/partners/{partner}/edit",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "POST",
        "/partners/{id}/delete",
        "/partners/{new_partner}/delete",
        Form(""),
        "AAFFFFFS",
    ),
    // One's own account; the admins' pages.
    row("GET", "/account", "/account", Empty, "AAAAAAAS"),
    row(
        "POST",
        "/account/tokens",
        "/account/tokens",
        Form("days=1&label=matrix"),
        "AAAAAAAS",
    ),
    row(
        "POST",
        "/account/tokens/{id}/revoke",
        "/account/tokens/{token}/revoke",
        Form(""),
        "AAFFFFFS",
    ),
    row("GET", "/admin/users", "/admin/users", Empty, "AFFFFFFS"),
    row(
        "POST",
        "/admin/users",
        "/admin/users",
        Form("email=&role=viewer&password=short"),
        "AFFFFFFS",
    ),
    row(
        "POST",
        "/admin/users/{id}",
        "/admin/users/{account}",
        Form("action=nothing"),
        "AFFFFFFS",
    ),
    row("GET", "/admin/audit", "/admin/audit", Empty, "AFFFFFFS"),
    row("GET", "/admin/persons", "/admin/persons", Empty, "AFFFFFFS"),
    row(
        "POST",
        "/admin/persons/export",
        "/admin/persons/export",
        Form("email=nobody%40example.org"),
        "AFFFFFFS",
    ),
    row(
        "POST",
        "/admin/persons/erase",
        "/admin/persons/erase",
        Form("email=nobody%40example.org&confirm=yes"),
        "AFFFFFFS",
    ),
    // Published reports are open to anyone; only an admin publishes.
    row("GET", "/reports", "/reports", Empty, "AAAAAAAA"),
    row(
        "POST",
        "/reports",
        "/reports?kind=year&year=2020",
        Form(""),
        "AFFFFFFF",
    ),
    row("GET", "/reports/{slug}", "/reports/2020", Empty, "AAAAAAAA"),
    row(
        "GET",
        "/reports/{slug}/{file}",
        "/reports/2020/report.pdf",
        Empty,
        "AAAAAAAA",
    ),
    // Signing in and out, and the styles, are open.
    row("GET", "/sign-in", "/sign-in", Empty, "AAAAAAAA"),
    row(
        "POST",
        "/sign-in",
        "/sign-in",
        Form("email=nobody%40example.org&password=wrong+password+here"),
        "SSSSSSSS",
    ),
    row("POST", "/sign-out", "/sign-out", Form(""), "AAAAAAAS"),
    row(
        "POST",
        "/sign-out-everywhere",
        "/sign-out-everywhere",
        Form(""),
        "AAAAAAAS",
    ),
    row(
        "GET",
        "/assets/report.css",
        "/assets/report.css",
        Empty,
        "AAAAAAAA",
    ),
    row(
        "GET",
        "/assets/{file}",
        "/assets/cadre.css",
        Empty,
        "AAAAAAAA",
    ),
    // The API: the same rules.
    row(
        "GET",
        "/api/v1/openapi.json",
        "/api/v1/openapi.json",
        Empty,
        "AAAAAAAA",
    ),
    row(
        "GET",
        "/api/v1/trainings",
        "/api/v1/trainings",
        Empty,
        "AAAAAAAS",
    ),
    row(
        "POST",
        "/api/v1/trainings",
        "/api/v1/trainings",
        Json(r#"{"code":"MATRIX","title":"Made by the matrix"}"#),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/trainings/{id}",
        "/api/v1/trainings/{T}",
        Empty,
        "AAAAAANS",
    ),
    row(
        "PUT",
        "/api/v1/trainings/{id}",
        "/api/v1/trainings/{T}",
        Json(r#"{"code":"2020-02","title":"Changed"}"#),
        "AAFFFFFS",
    ),
    row(
        "DELETE",
        "/api/v1/trainings/{id}",
        "/api/v1/trainings/{T}",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/trainings/{id}/attendance",
        "/api/v1/trainings/{T}/attendance",
        Empty,
        "AAAAAANS",
    ),
    row(
        "GET",
        "/api/v1/sessions",
        "/api/v1/sessions",
        Empty,
        "AAAAAAAS",
    ),
    row(
        "POST",
        "/api/v1/sessions",
        "/api/v1/sessions",
        Json(r#"{"training_code":"2020-02","start_date":"2020-03-10"}"#),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/sessions/{id}",
        "/api/v1/sessions/{S}",
        Empty,
        "AAAAAANS",
    ),
    row(
        "PUT",
        "/api/v1/sessions/{id}",
        "/api/v1/sessions/{S}",
        Json(r#"{"training_code":"2020-02","start_date":"2020-03-11"}"#),
        "AAFFFFFS",
    ),
    row(
        "DELETE",
        "/api/v1/sessions/{id}",
        "/api/v1/sessions/{S}",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/partners",
        "/api/v1/partners",
        Empty,
        "AAAAAAAS",
    ),
    row(
        "POST",
        "/api/v1/partners",
        "/api/v1/partners",
        Json(r#"{"name":"Made by the matrix"}"#),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/partners/{id}",
        "/api/v1/partners/{partner}",
        Empty,
        "AAAAAAAS",
    ),
    row(
        "PUT",
        "/api/v1/partners/{id}",
        "/api/v1/partners/{partner}",
        Json(r#"{"name":"Changed"}"#),
        "AAFFFFFS",
    ),
    row(
        "DELETE",
        "/api/v1/partners/{id}",
        "/api/v1/partners/{partner}",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/participants",
        "/api/v1/participants",
        Empty,
        "AAFAAFFS",
    ),
    row(
        "POST",
        "/api/v1/participants",
        "/api/v1/participants",
        Json(r#"{"given_name":"Made","family_name":"By the matrix"}"#),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/participants/{id}",
        "/api/v1/participants/{P}",
        Empty,
        "AAFAFFFS",
    ),
    row(
        "PUT",
        "/api/v1/participants/{id}",
        "/api/v1/participants/{P}",
        Json(r#"{"given_name":"Ann","family_name":"Lee"}"#),
        "AAFFFFFS",
    ),
    row(
        "DELETE",
        "/api/v1/participants/{id}",
        "/api/v1/participants/{P}",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/report",
        "/api/v1/report?year=2020",
        Empty,
        "AAAAAAAS",
    ),
];

const PASSWORD: &str = "a password long enough";

struct World {
    router: Router,
    app: App,
    ids: BTreeMap<&'static str, i64>,
    /// Each kind of account's e-mail, in the order of [`WHO`] (none for the last).
    emails: Vec<Option<String>>,
    _dir: tempfile::TempDir,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    let store = Store::open(&url).await.unwrap();
    common::load_2020(&store, false).await;
    let attendance = "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n\
        2020-02,,Ann,Lee,ann.lee@example.org,F,Jamaica,,,yes\n\
        2020-02,,Ben,Ray,ben.ray@example.org,M,Trinidad and Tobago,,,yes\n";
    let sheet =
        Sheet::from_csv("people.csv", attendance.as_bytes(), attendance.len() as u64).unwrap();
    import_sheet(
        &store,
        Kind::Attendance,
        sheet,
        ImportOptions::default(),
        &mut |_, _| {},
    )
    .await
    .unwrap();
    let mut app = App::new(store.clone());
    app.warm_up().await.unwrap();
    let admin = Actor::local();
    let grants = [
        Grant::plain(Role::Admin),
        Grant::plain(Role::Coordinator),
        Grant::plain(Role::Viewer),
        Grant::new(Role::FocalPoint, ["JM".to_string()], []).unwrap(),
        Grant::new(Role::FocalPoint, ["TT".to_string()], []).unwrap(),
        Grant::new(Role::Partner, [], ["UNODC".to_string()]).unwrap(),
        Grant::new(Role::Partner, [], ["ComSec".to_string()]).unwrap(),
    ];
    let mut emails = Vec::new();
    for (n, grant) in grants.iter().enumerate() {
        let email = format!("account{n}@example.org");
        app.add_user(&admin, &email, grant, PASSWORD).await.unwrap();
        emails.push(Some(email));
    }
    emails.push(None);
    let t = store.training_id("2020-02").await.unwrap().unwrap();
    let people = app.participants(&admin, None, 0, 10).await.unwrap();
    let of = |country: &str| {
        people
            .iter()
            .find(|p| p.record.person.country.as_deref() == Some(country))
            .unwrap()
            .id
    };
    let session: BTreeMap<String, String> = [
        ("training_code".to_string(), "2020-02".to_string()),
        ("start_date".to_string(), "2020-03-09".to_string()),
    ]
    .into_iter()
    .collect();
    let session = app.create_session(&admin, &session).await.unwrap();
    let mut ids = BTreeMap::new();
    ids.insert("{T}", t);
    ids.insert("{P}", of("JM"));
    ids.insert("{P2}", of("TT"));
    ids.insert("{S}", session.id);
    ids.insert("{partner}", store.partners_after(0, 1).await.unwrap()[0].id);
    ids.insert("{account}", app.users(&admin).await.unwrap()[2].id);
    let published = app
        .publish(&admin, cadre_core::report::Period::year(2020))
        .await
        .unwrap();
    assert_eq!(published.slug, "2020");
    World {
        router: router(AppState::new(app.clone())),
        app,
        ids,
        emails,
        _dir: dir,
    }
}

impl World {
    async fn cookie(&self, who: usize) -> Option<String> {
        let email = self.emails[who].as_ref()?;
        let signed = self.app.sign_in(email, PASSWORD, "", None).await.unwrap();
        Some(format!("{}={}", cadre_web::COOKIE, signed.secret))
    }

    /// The request's path with its records' ids, making afresh what a delete may take.
    async fn uri(&self, template: &str) -> String {
        let mut uri = template.to_string();
        let admin = Actor::local();
        if uri.contains("{new_session}") {
            static DAY: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
            let day = DAY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let fields: BTreeMap<String, String> = [
                ("training_code".to_string(), "2020-02".to_string()),
                ("start_date".to_string(), format!("2020-04-{day:02}")),
            ]
            .into_iter()
            .collect();
            let s = self.app.create_session(&admin, &fields).await.unwrap();
            uri = uri.replace("{new_session}", &s.id.to_string());
        }
        if uri.contains("{new_correction}") {
            let partner = Actor::new(
                self.emails[5].clone().unwrap(),
                Grant::new(Role::Partner, [], ["UNODC".to_string()]).unwrap(),
            );
            let t = self.app.training(&admin, self.ids["{T}"]).await.unwrap();
            let fields = cadre_core::fields::training_fields(&t.record);
            let id = self
                .app
                .propose_correction(&partner, t.id, &fields, "from the matrix")
                .await
                .unwrap();
            uri = uri.replace("{new_correction}", &id.to_string());
        }
        if uri.contains("{token}") {
            let t = self
                .app
                .create_token(&admin, self.emails[1].as_deref().unwrap(), false, 1, "")
                .await
                .unwrap();
            uri = uri.replace("{token}", &t.token.id.to_string());
        }
        if uri.contains("{new_partner}") {
            let name = format!("Fresh partner {}", rand_suffix());
            let fields: BTreeMap<String, String> =
                [("name".to_string(), name)].into_iter().collect();
            let p = self.app.create_partner(&admin, &fields).await.unwrap();
            uri = uri.replace("{new_partner}", &p.id.to_string());
        }
        for (k, v) in &self.ids {
            uri = uri.replace(k, &v.to_string());
        }
        uri
    }

    async fn outcome(&self, row: &Row, who: usize) -> (char, String) {
        let uri = self.uri(row.uri).await;
        let mut req = Request::builder()
            .method(row.method)
            .uri(&uri)
            .header("sec-fetch-site", "same-origin")
            // Writes through the API name a version the record is not at: an allowed one is
            // refused as a conflict, after the access check, and changes nothing.
            .header(header::IF_MATCH, "\"999\"");
        if let Some(c) = self.cookie(who).await {
            req = req.header(header::COOKIE, c);
        }
        let body = match row.body {
            Empty => Body::empty(),
            Form(f) => {
                let mut f = f.to_string();
                for (k, v) in &self.ids {
                    f = f.replace(k, &v.to_string());
                }
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(f)
            }
            Json(j) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(j)
            }
            Multipart => {
                req = req.header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ");
                Body::from("--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ntrainings\r\n--XyZ--\r\n")
            }
        };
        let res = self
            .router
            .clone()
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .unwrap_or("")
            .to_string();
        let seen = match status {
            StatusCode::FORBIDDEN => 'F',
            StatusCode::NOT_FOUND => 'N',
            // Refused sign-ins, throttled ones included, leave one not signed in.
            StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS => 'S',
            StatusCode::SEE_OTHER if location.starts_with("/sign-in?next=") => 'S',
            s if s.is_server_error() => 'E',
            _ => 'A',
        };
        (seen, format!("{status} {location}"))
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_each_role_as_the_table_says() {
    // The table and the application name the same routes.
    let table: Vec<(String, String)> = {
        let mut t: Vec<_> = TABLE
            .iter()
            .map(|r| (r.method.to_string(), r.route.to_string()))
            .collect();
        t.sort();
        t
    };
    let routes = route_list();
    let missing: Vec<_> = routes.iter().filter(|r| !table.contains(r)).collect();
    let extra: Vec<_> = table.iter().filter(|r| !routes.contains(r)).collect();
    assert!(missing.is_empty(), "routes the table lacks: {missing:?}");
    assert!(
        extra.is_empty(),
        "the table names routes that do not exist: {extra:?}"
    );
    let mut dupes = table.clone();
    dupes.dedup();
    assert_eq!(dupes.len(), table.len(), "a route is in the table twice");

    let w = world().await;
    let mut wrong = Vec::new();
    for row in TABLE {
        assert_eq!(row.expect.len(), WHO.len(), "{} {}", row.method, row.route);
        for (who, expected) in row.expect.chars().enumerate() {
            let (seen, detail) = w.outcome(row, who).await;
            if seen != expected {
                wrong.push(format!(
                    "{} {} as {}: expected {expected}, got {seen} ({detail})",
                    row.method, row.uri, WHO[who]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
