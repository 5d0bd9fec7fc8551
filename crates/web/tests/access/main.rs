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
use cadre_app::{Actor, App};
use cadre_core::access::{Grant, Role};
use cadre_import::Kind;
use cadre_store::Store;
use cadre_web::{route_list, router, AppState};
use tower::ServiceExt;

/// The kinds of account, in the order of each row's expectations.
mod table;

use table::{Body_, Row, TABLE, WHO};
use Body_::{Form, Json, Multipart, None as Empty};

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
    common::import_text(&store, Kind::Attendance, "people.csv", attendance).await;
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
        .publish(&admin, cadre_core::report::Period::year(2020), true)
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
        let (status, location) = self.send(row, &uri, who).await;
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

    /// The row's request at `uri`, as `who`: the status and where it sends.
    async fn send(&self, row: &Row, uri: &str, who: usize) -> (StatusCode, String) {
        let mut req = Request::builder()
            .method(row.method)
            .uri(uri)
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
        (status, location)
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

/// The placeholders of the table's addresses that stand for a record's id.
const IDS: [&str; 10] = [
    "{T}",
    "{P2}",
    "{P}",
    "{S}",
    "{partner}",
    "{account}",
    "{token}",
    "{new_session}",
    "{new_partner}",
    "{new_correction}",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_not_there_is_404_and_a_stale_version_409_on_every_route_that_names_one() {
    let w = world().await;
    let mut wrong = Vec::new();
    for row in TABLE
        .iter()
        .filter(|r| IDS.iter().any(|p| r.uri.contains(p)))
    {
        // A record that is not there (or was just deleted), asked for by an admin, who may
        // do anything: the answer says so, never a fault.
        let mut gone = row.uri.to_string();
        for (n, p) in IDS.iter().enumerate() {
            gone = gone.replace(p, &(987_654_321 + n).to_string());
        }
        let (status, location) = w.send(row, &gone, 0).await;
        if status != StatusCode::NOT_FOUND {
            wrong.push(format!(
                "{} {gone}: expected 404, got {status} {location}",
                row.method
            ));
        }
        // A write through the API from a version the record is no longer at (the request
        // names version 999): a conflict, and nothing changed.
        if row.route.starts_with("/api/") && matches!(row.method, "PUT" | "DELETE") {
            let uri = w.uri(row.uri).await;
            let (status, _) = w.send(row, &uri, 0).await;
            if status != StatusCode::CONFLICT {
                wrong.push(format!("{} {uri}: expected 409, got {status}", row.method));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
