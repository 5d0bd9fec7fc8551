//! The web application in-process (`router.oneshot`) on real databases: pages answer, forms
//! create and refuse as users expect, two editors of one training meet a conflict and never a
//! silent overwrite, the report follows an edit, ETags give 304, and writes from another
//! site are refused. The writes run on SQLite and PostgreSQL.

use std::path::PathBuf;

#[path = "../common/mod.rs"]
mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use cadre_app::{Actor, App};
use cadre_import::Kind;
use cadre_store::Store;
use cadre_web::{router, AppState};
use tower::ServiceExt;

mod agency;
mod controls;
mod forms;
mod hostile;
mod imports;
mod people;
mod periods;
mod quality;
mod security;

struct Site {
    router: Router,
    /// The application behind the router, for setting up what a test needs.
    app: App,
    /// Its database, to look at what was written.
    store: Store,
    /// The sign-in cookie every request carries (a coordinator's), unless it has its own.
    cookie: String,
    url: String,
    _dir: tempfile::TempDir,
    schema: Option<String>,
}

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/2020")
        .join(path)
}

async fn load(store: &Store) {
    for (kind, file) in [
        (Kind::Partners, "partners.csv"),
        (Kind::Trainings, "trainings.csv"),
        (Kind::Sessions, "sessions.csv"),
    ] {
        common::import_file(store, kind, &data(file)).await;
    }
}

async fn site_on(url: &str, dir: tempfile::TempDir, schema: Option<String>) -> Site {
    site_waiting(url, dir, schema, std::time::Duration::from_secs(2)).await
}

/// A site whose imports answer with their progress page once they take longer than `wait`.
async fn site_waiting(
    url: &str,
    dir: tempfile::TempDir,
    schema: Option<String>,
    wait: std::time::Duration,
) -> Site {
    let store = Store::open(url).await.unwrap();
    load(&store).await;
    let mut app = App::new(store.clone());
    app.warm_up().await.unwrap();
    let cookie = sign_in_as(
        &app,
        "coordinator@example.org",
        cadre_core::access::Role::Coordinator,
    )
    .await;
    let mut state = AppState::new(app.clone());
    state.inline_wait = wait;
    Site {
        router: router(state),
        app,
        store,
        cookie,
        url: url.to_string(),
        _dir: dir,
        schema,
    }
}

/// Adds an account with this role and signs it in; says the cookie to send.
async fn sign_in_as(app: &App, email: &str, role: cadre_core::access::Role) -> String {
    const PASSWORD: &str = "a password long enough";
    app.add_user(
        &Actor::local(),
        email,
        &cadre_core::access::Grant::plain(role),
        PASSWORD,
    )
    .await
    .unwrap();
    let signed = app
        .sign_in(email, PASSWORD, "127.0.0.1", None)
        .await
        .unwrap();
    format!("{}={}", cadre_web::COOKIE, signed.secret)
}

async fn sqlite() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    site_on(&url, dir, None).await
}

async fn postgres() -> Site {
    let base = std::env::var("CADRE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let schema = format!("cadre_web_{}_{nanos}", std::process::id());
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}schema={schema}");
    site_on(&url, tempfile::tempdir().unwrap(), Some(schema)).await
}

impl Site {
    /// The id of the training with this code.
    async fn id_of(&self, code: &str) -> i64 {
        self.app.training_ids(&Actor::local()).await.unwrap()[code]
    }

    async fn send(&self, mut req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
        if !req.headers().contains_key(header::COOKIE) {
            req.headers_mut()
                .insert(header::COOKIE, self.cookie.parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    async fn get(&self, uri: &str) -> (StatusCode, String) {
        let (status, _, body) = self
            .send(Request::get(uri).body(Body::empty()).unwrap())
            .await;
        (status, body)
    }

    async fn post(
        &self,
        uri: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let body: Vec<String> = form
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body.join("&")))
                .unwrap(),
        )
        .await
    }

    async fn drop_schema(&self) {
        if let Some(schema) = &self.schema {
            use sqlx::Connection;
            let base = std::env::var("CADRE_TEST_POSTGRES")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
            let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
            sqlx::query(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The id in a `303` to `/trainings/{id}...`.
fn created_id(headers: &axum::http::HeaderMap) -> i64 {
    let to = headers[header::LOCATION].to_str().unwrap();
    to.trim_start_matches("/trainings/")
        .split(['?', '#'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn every_main_page_answers() {
    let site = sqlite().await;
    for uri in [
        "/",
        "/?year=2020",
        "/trainings",
        "/trainings?q=cyber&sort=title",
        "/trainings?year=2020&modality=virtual&page=2",
        "/trainings/1",
        "/trainings/new",
        "/trainings/1/edit",
        "/trainings/1/delete",
        "/report",
        "/report?kind=quarter&year=2020&quarter=3",
        "/report?kind=range&from=2020-01-01&to=2020-09-30",
        "/participants",
        "/partners",
        "/partners/new",
        "/countries",
        "/departments",
        "/assets/cadre.css",
    ] {
        let (status, body) = site.get(uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    }
    let (status, body) = site.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Not found"));
    let (status, _) = site.get("/trainings/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_list_keeps_its_search_in_the_url_and_finds_by_words() {
    let site = sqlite().await;
    let (_, all) = site.get("/trainings").await;
    assert!(all.contains("Train the Trainers Workshop on Electronic Evidence"));
    let (_, found) = site.get("/trainings?q=ELECTRONIC+evidence").await;
    assert!(found.contains("Train the Trainers Workshop on Electronic Evidence"));
    assert!(
        found.contains("value=\"ELECTRONIC evidence\""),
        "the search stays in the box"
    );
    let (_, none) = site.get("/trainings?q=no+such+words+anywhere").await;
    assert!(none.contains("No training matches this search"));
    let (status, bad) = site.get("/trainings?year=twenty").await;
    assert_eq!(status, StatusCode::OK);
    assert!(bad.contains("was not understood"));
    // A filter not understood lists nothing under it, rather than every training.
    let (_, bad) = site.get("/trainings?from=2021-13-45&to=2021-12-31").await;
    assert!(
        bad.contains("was not understood, so no training is listed"),
        "{bad}"
    );
    assert!(!bad.contains("Train the Trainers Workshop on Electronic Evidence"));
    // A partner by its full name or its short name, with its programmes (UNODC-GPML's
    // workshop is UNODC's too).
    for partner in ["United+Nations+Office+on+Drugs+and+Crime", "UNODC", "unodc"] {
        let (_, found) = site.get(&format!("/trainings?partner={partner}")).await;
        assert!(
            found.contains("Combating Trade-Based Money Laundering"),
            "{partner}: a programme's training"
        );
        assert!(
            found.contains("Country-specific Training for Criminal Justice Officers"),
            "{partner}: its own"
        );
        assert!(
            !found.contains("Train the Trainers Workshop on Electronic Evidence"),
            "{partner}: not another's"
        );
        assert!(
            found.contains("<option selected>United Nations Office on Drugs and Crime</option>"),
            "{partner}: the list of partners shows the one filtered by"
        );
    }
}

#[tokio::test]
async fn a_repeated_request_gets_304_until_the_data_changes() {
    let site = sqlite().await;
    let get = |tag: Option<String>| {
        let mut req = Request::get("/trainings");
        if let Some(t) = tag {
            req = req.header(header::IF_NONE_MATCH, t);
        }
        req.body(Body::empty()).unwrap()
    };
    let (status, headers, _) = site.send(get(None)).await;
    assert_eq!(status, StatusCode::OK);
    let tag = headers[header::ETAG].to_str().unwrap().to_string();
    let (status, _, body) = site.send(get(Some(tag.clone()))).await;
    assert_eq!((status, body.len()), (StatusCode::NOT_MODIFIED, 0));
    site.post("/partners", &[("name", "A New Partner")]).await;
    let (status, headers, _) = site.send(get(Some(tag.clone()))).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(headers[header::ETAG].to_str().unwrap(), tag);
}

/// A GET with this cookie (not the site's own sign-in).
fn get_as(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

/// A same-site form POST with this cookie and these headers besides.
fn post_as(uri: &str, cookie: &str, extra: &[(&str, &str)], body: String) -> Request<Body> {
    let mut req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie);
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    req.body(Body::from(body)).unwrap()
}

/// Pages are answered from memory while the data version stands; a write by another process
/// (an import at the command line) moves it, and the next pages show the write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_by_another_process_shows_within_a_poll() {
    let site = sqlite().await;
    let (_, before) = site.get("/trainings?q=elsewhere").await;
    assert!(before.contains("No training matches"));
    let other = App::new(Store::open(&site.url).await.unwrap());
    let fields: std::collections::BTreeMap<String, String> = [
        ("code", "ELSEWHERE-1"),
        ("title", "Entered elsewhere"),
        ("start_date", "2020-04"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    other
        .create_training(
            &Actor::new(
                "cli",
                cadre_core::access::Grant::plain(cadre_core::access::Role::Coordinator),
            ),
            &fields,
        )
        .await
        .unwrap();
    let mut seen = false;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if site
            .get("/trainings?q=elsewhere")
            .await
            .1
            .contains("Entered elsewhere")
        {
            seen = true;
            break;
        }
    }
    assert!(seen, "the other process's training never showed");
}

/// Asks `uri` with `cookie` until its page satisfies `shows`, for at most four seconds (a
/// write by another process is seen within a poll of the versions); says whether it did.
async fn shows_soon(site: &Site, uri: &str, cookie: &str, shows: impl Fn(&str) -> bool) -> bool {
    for _ in 0..40 {
        let (_, _, page) = site.send(get_as(uri, cookie)).await;
        if shows(&page) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

/// Whatever a page shows besides the records (accounts, tokens, corrections, the audit trail,
/// publications) is shown as soon as it is written, by this process or another: no cached
/// answer outlives a write of what it shows.
async fn every_kind_of_state_shows_after_it_is_written(site: &Site) {
    use cadre_core::access::{Grant, Role};
    let admin = sign_in_as(&site.app, "director@agency.example", Role::Admin).await;
    // Written as another process would (the command line on the same database).
    let other = App::new(Store::open(&site.url).await.unwrap());
    let local = Actor::local();

    // An account added, then disabled.
    let (_, _, before) = site.send(get_as("/admin/users", &admin)).await;
    assert!(!before.contains("new.viewer@agency.example"));
    other
        .add_user(
            &local,
            "new.viewer@agency.example",
            &Grant::plain(Role::Viewer),
            "a password long enough",
        )
        .await
        .unwrap();
    assert!(
        shows_soon(site, "/admin/users", &admin, |p| p
            .contains("new.viewer@agency.example"))
        .await,
        "a new account"
    );
    let (_, _, active) = site.send(get_as("/admin/users", &admin)).await;
    let disabled_before = active.matches(">Disabled<").count();
    other
        .set_user_disabled(&local, "new.viewer@agency.example", true)
        .await
        .unwrap();
    assert!(
        shows_soon(site, "/admin/users", &admin, |p| p
            .matches(">Disabled<")
            .count()
            > disabled_before)
        .await,
        "a disabled account"
    );

    // A token made for the coordinator, then revoked.
    let (_, before) = site.get("/account").await;
    assert!(!before.contains("robot-sync"));
    let token = other
        .create_token(&local, "coordinator@example.org", true, 30, "robot-sync")
        .await
        .unwrap();
    let cookie = site.cookie.clone();
    assert!(
        shows_soon(site, "/account", &cookie, |p| p.contains("robot-sync")).await,
        "a new token"
    );
    other.revoke_token(&local, token.token.id).await.unwrap();
    assert!(
        shows_soon(site, "/account", &cookie, |p| !p
            .contains(&format!("/account/tokens/{}/revoke", token.token.id)))
        .await,
        "a revoked token"
    );

    // A partner's proposed correction, in the coordinator's list.
    let (_, before) = site.get("/corrections").await;
    assert!(!before.contains("UNODC counted the second day"));
    let partner = Actor::new(
        "desk@unodc.example",
        Grant::new(Role::Partner, [], ["UNODC".to_string()]).unwrap(),
    );
    let id = site.id_of("2020-02").await;
    let t = other.training(&local, id).await.unwrap();
    let mut fields = cadre_core::fields::training_fields(&t.record);
    fields.insert("participants_total".into(), "35".into());
    other
        .propose_correction(&partner, id, &fields, "UNODC counted the second day")
        .await
        .unwrap();
    assert!(
        shows_soon(site, "/corrections", &cookie, |p| p
            .contains("UNODC counted the second day"))
        .await,
        "a proposed correction"
    );

    // The audit trail: a sign-in elsewhere is on its page at once.
    let (_, _, before) = site.send(get_as("/admin/audit", &admin)).await;
    let before = before.matches("sign-in-failed").count();
    let _ = other
        .sign_in("nobody@agency.example", "wrong password!", "10.9.9.9", None)
        .await;
    let (_, _, after) = site.send(get_as("/admin/audit", &admin)).await;
    assert!(
        after.matches("sign-in-failed").count() > before,
        "the trail's page"
    );

    // A publication.
    let (_, before) = site.get("/reports").await;
    assert!(!before.contains("/reports/2020\""));
    other
        .publish(&local, cadre_core::report::Period::year(2020), true)
        .await
        .unwrap();
    assert!(
        shows_soon(site, "/reports", &cookie, |p| p.contains("/reports/2020\"")).await,
        "a publication"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_state_shows_after_it_is_written_on_sqlite() {
    let site = sqlite().await;
    every_kind_of_state_shows_after_it_is_written(&site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_state_shows_after_it_is_written_on_postgres() {
    let site = postgres().await;
    every_kind_of_state_shows_after_it_is_written(&site).await;
    site.drop_schema().await;
}
