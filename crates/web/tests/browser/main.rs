//! End to end in a real browser: Debian's headless Chromium, driven through chromedriver, on a
//! cadre served from a real SQLite database. A coordinator creates a training through the form,
//! meets a field error with what they typed kept, edits one training from two browsers and
//! sees the conflict, merges two records of a person, uploads a sheet whose headers need a
//! mapping, fixes a row through the rejected rows and sees the report change, picks a period and
//! downloads the XLSX report. axe-core checks every main page; screenshots at 1280 and 360 px
//! go to `screenshots/` (named in .gitignore) for anyone to look at.
//!
//! Needs `chromium` and `chromium-driver` (Debian) and axe-core from npm; `scripts/test.sh`
//! installs them when missing. `CADRE_CHROMEDRIVER`, `CADRE_CHROMIUM` and `CADRE_AXE` point
//! elsewhere.

mod admin;
mod chromium;
#[path = "../common/mod.rs"]
mod common;
mod imports;
mod phones;
#[path = "../access/table.rs"]
#[allow(dead_code)]
mod table;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cadre_app::{Actor, App};
use cadre_import::Kind;
use cadre_store::Store;
use cadre_web::AppState;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use chromium::{browser, driver, session, Driver};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

async fn serve(dir: &Path) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let url = format!("sqlite:{}", dir.join("cadre.db").display());
    let store = Store::open(&url).await.unwrap();
    common::load_2020(&store, false).await;
    // Two records of one person, as two sheets spelt her: one to merge into the other.
    let attendance = "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n\
        2020-01,,Ann,Lee,,F,Jamaica,JCF,,yes\n\
        2020-07,,Ann,Lee,,,Trinidad and Tobago,,,\n";
    common::import_text(&store, Kind::Attendance, "people.csv", attendance).await;
    let mut app = App::new(store);
    app.warm_up().await.unwrap();
    use cadre_core::access::{Grant, Role};
    for (email, grant) in [
        (COORDINATOR, Grant::plain(Role::Coordinator)),
        (ADMIN, Grant::plain(Role::Admin)),
        (VIEWER, Grant::plain(Role::Viewer)),
        (
            FOCAL,
            Grant::new(Role::FocalPoint, ["JM".to_string()], []).unwrap(),
        ),
        (
            PARTNER,
            Grant::new(Role::Partner, [], ["UNODC".to_string()]).unwrap(),
        ),
    ] {
        app.add_user(&Actor::local(), email, &grant, PASSWORD)
            .await
            .unwrap();
    }
    let state = AppState::new(app);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        cadre_web::serve(
            state,
            "127.0.0.1:0".parse().unwrap(),
            async {
                let _ = rx.await;
            },
            move |a| {
                let _ = addr_tx.send(a);
            },
        )
        .await
        .unwrap();
    });
    (addr_rx.await.unwrap(), tx)
}

fn axe_source() -> String {
    let path = std::env::var("CADRE_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("target/axe/node_modules/axe-core/axe.min.js"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is needed at {} ({e}): npm install axe-core (scripts/test.sh does)",
            path.display()
        )
    })
}

/// The serious and critical accessibility violations axe-core finds on the page shown.
async fn violations(c: &Client, axe: &str) -> Vec<Value> {
    c.execute(axe, vec![]).await.expect("axe-core injected");
    let out = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { resultTypes: ['violations'] })
                 .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target.join(' ')) }))))
                 .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e) }]));"#,
            vec![],
        )
        .await
        .expect("axe-core ran");
    out.as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect()
}

/// Fetches a URL as the page would (same cookies, same origin) and gives the status and, for
/// text, the body; for a binary, its first bytes in hex.
async fn fetch(c: &Client, url: &str) -> Value {
    c.execute_async(
        r#"const [url, done] = [arguments[0], arguments[arguments.length - 1]];
           fetch(url).then(async r => {
             const buf = new Uint8Array(await r.arrayBuffer());
             const head = Array.from(buf.slice(0, 4)).map(b => b.toString(16).padStart(2, '0')).join('');
             done({ status: r.status, type: r.headers.get('content-type'),
                    disposition: r.headers.get('content-disposition'),
                    head, text: new TextDecoder().decode(buf), size: buf.length });
           }).catch(e => done({ error: String(e) }));"#,
        vec![json!(url)],
    )
    .await
    .unwrap()
}

async fn fill(c: &Client, id: &str, text: &str) {
    let el = c.find(Locator::Id(id)).await.unwrap();
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

/// Clicks a submit button and waits for the page it leads to (the click itself returns as
/// soon as the browser has it).
async fn submit(c: &Client, css: &str) {
    c.execute("window.__cadreOld = true;", vec![])
        .await
        .unwrap();
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for _ in 0..200 {
        let fresh = c
            .execute(
                "return window.__cadreOld === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await
            .unwrap();
        if fresh == json!(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css}: no page came after the click");
}

async fn value(c: &Client, id: &str) -> String {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Where the first element `css` selects links to.
async fn href(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap()
}

async fn body(c: &Client) -> String {
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn shoot(c: &Client, name: &str, width: u32) {
    let dir = root().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    c.set_window_size(width, 1000).await.unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}-{width}.png")), png).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_works_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, stop) = serve(dir.path()).await;
    let base = format!("http://{addr}");
    let d = driver().await;
    let a = browser(&d, 1280).await;
    let b = browser(&d, 1280).await;
    // Every session is closed whatever happens, or Chromium outlives the driver.
    let outcome = tokio::spawn({
        let (a, b, base, dir) = (a.clone(), b.clone(), base.clone(), dir.path().to_path_buf());
        async move { scenario(&a, &b, &base, &dir).await }
    })
    .await;
    let _ = a.close().await;
    let _ = b.close().await;
    drop(d);
    let _ = stop.send(());
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

const COORDINATOR: &str = "coordinator@example.org";
const ADMIN: &str = "admin@example.org";
const VIEWER: &str = "viewer@example.org";
const FOCAL: &str = "focal.jm@example.org";
const PARTNER: &str = "unodc@example.org";
const PASSWORD: &str = "a password long enough";

/// Signs in through the sign-in page, as a person does: asking for a page sends there first.
async fn sign_in(c: &Client, base: &str, email: &str) {
    c.goto(&format!("{base}/trainings")).await.unwrap();
    assert!(
        c.current_url().await.unwrap().path() == "/sign-in",
        "someone not signed in is sent to sign in"
    );
    c.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    submit(c, "form.sign-in button[type=submit]").await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/trainings",
        "back to the page asked for"
    );
}

async fn scenario(a: &Client, b: &Client, base: &str, dir: &Path) {
    let axe = axe_source();
    sign_in(a, base, COORDINATOR).await;
    sign_in(b, base, COORDINATOR).await;

    // Every main page: no serious or critical accessibility violation; screenshots.
    for (name, path) in [
        ("dashboard", "/"),
        ("trainings", "/trainings"),
        ("training", "/trainings/1"),
        ("new-training", "/trainings/new"),
        ("participants", "/participants"),
        ("partners", "/partners"),
        ("report", "/report"),
        ("imports", "/imports"),
        ("import-new", "/imports/new"),
        ("countries", "/countries"),
        ("sign-in", "/sign-in"),
        ("account", "/account"),
        ("corrections", "/corrections"),
        ("published", "/reports"),
        ("to-fix", "/quality?year=2020"),
    ] {
        a.goto(&format!("{base}{path}")).await.unwrap();
        let found = violations(a, &axe).await;
        assert!(
            found.is_empty(),
            "{path}: {}",
            serde_json::to_string_pretty(&found).unwrap()
        );
        for width in [1280, 360] {
            shoot(a, name, width).await;
        }
    }
    a.set_window_size(1280, 1000).await.unwrap();

    // A field error keeps what was typed, and the error is at its field.
    a.goto(&format!("{base}/trainings/new")).await.unwrap();
    fill(a, "f-code", "WEB-B1").await;
    fill(a, "f-title", "Typed in a browser").await;
    fill(a, "f-start_date", "2020-13").await;
    fill(a, "f-value_usd", "3,937,801").await;
    submit(a, "form[novalidate] button[type=submit].primary").await;
    let error = a.find(Locator::Id("e-start_date")).await.unwrap();
    assert!(!error.text().await.unwrap().is_empty());
    assert_eq!(value(a, "f-title").await, "Typed in a browser");
    assert_eq!(value(a, "f-value_usd").await, "3,937,801");
    assert!(
        violations(a, &axe).await.is_empty(),
        "the refused form is accessible"
    );
    shoot(a, "form-error", 1280).await;
    fill(a, "f-start_date", "2020-07-16").await;
    submit(a, "form[novalidate] button[type=submit].primary").await;
    assert!(body(a).await.contains("Typed in a browser"));
    let page = a.current_url().await.unwrap();
    let id: i64 = page
        .path()
        .trim_start_matches("/trainings/")
        .parse()
        .expect("the new training's page");

    // Two browsers edit it; the second save meets the first's, side by side.
    let edit = format!("{base}/trainings/{id}/edit");
    a.goto(&edit).await.unwrap();
    b.goto(&edit).await.unwrap();
    fill(a, "f-title", "First browser's title").await;
    submit(a, "form[novalidate] button[type=submit].primary").await;
    fill(b, "f-title", "Second browser's title").await;
    submit(b, "form[novalidate] button[type=submit].primary").await;
    let conflict = b
        .find(Locator::Id("conflict"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(conflict.contains("First browser's title"), "{conflict}");
    assert!(conflict.contains("Second browser's title"), "{conflict}");
    assert_eq!(
        value(b, "f-title").await,
        "Second browser's title",
        "theirs is kept in the form"
    );
    shoot(b, "conflict", 1280).await;
    a.goto(&format!("{base}/trainings/{id}")).await.unwrap();
    assert!(
        body(a).await.contains("First browser's title"),
        "nothing was overwritten"
    );
    // The second chooses the first's title after all: it stays.
    b.find(Locator::Css("input[name='keep.title'][value='theirs']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(b, "form[novalidate] button[type=submit].primary").await;
    assert_eq!(
        b.current_url().await.unwrap().path(),
        format!("/trainings/{id}")
    );
    assert!(body(b).await.contains("First browser's title"));

    // Each changes another field from the same version: both changes are kept (three ways),
    // and the second save reverts nothing of the first.
    a.goto(&edit).await.unwrap();
    b.goto(&edit).await.unwrap();
    fill(a, "f-theme", "Cybercrime").await;
    submit(a, "form[novalidate] button[type=submit].primary").await;
    fill(b, "f-participants_total", "42").await;
    submit(b, "form[novalidate] button[type=submit].primary").await;
    assert_eq!(
        b.current_url().await.unwrap().path(),
        format!("/trainings/{id}"),
        "saved, without a conflict to settle"
    );
    assert!(body(b).await.contains("their changes are kept with yours"));
    b.goto(&edit).await.unwrap();
    assert_eq!(
        value(b, "f-theme").await,
        "Cybercrime",
        "the first's change"
    );
    assert_eq!(value(b, "f-participants_total").await, "42", "the second's");
    assert_eq!(value(b, "f-title").await, "First browser's title");

    // Two records of Ann Lee, merged after a preview.
    a.goto(&format!("{base}/participants?q=ann+lee"))
        .await
        .unwrap();
    let links = a
        .find_all(Locator::Css("table a[href^='/participants/']"))
        .await
        .unwrap();
    assert_eq!(links.len(), 2, "two records of one person");
    let mut ids = Vec::new();
    for l in &links {
        let href = l.attr("href").await.unwrap().unwrap();
        ids.push(href.trim_start_matches("/participants/").to_string());
    }
    a.goto(&format!("{base}/participants/{}", ids[0]))
        .await
        .unwrap();
    fill(a, "other", &ids[1]).await;
    submit(a, "form[action='/participants/merge'] button[type=submit]").await;
    assert!(body(a).await.contains("The merged record"));
    assert!(
        violations(a, &axe).await.is_empty(),
        "the merge preview is accessible"
    );
    submit(
        a,
        "form[action='/participants/merge'] button[type=submit].primary",
    )
    .await;
    assert!(body(a).await.contains("Trainings attended"));
    a.goto(&format!("{base}/participants?q=ann+lee"))
        .await
        .unwrap();
    let links = a
        .find_all(Locator::Css("table a[href^='/participants/']"))
        .await
        .unwrap();
    assert_eq!(links.len(), 1, "one record now");

    // An upload whose headers need a mapping; a bad row fixed through the rejected rows.
    let report = |c: &Client| {
        let c = c.clone();
        let base = base.to_string();
        async move {
            let r = fetch(
                &c,
                &format!("{base}/api/v1/report?from=2020-01-01&to=2020-12-31"),
            )
            .await;
            let v: Value = serde_json::from_str(r["text"].as_str().unwrap()).unwrap();
            v["trainings"]["total"].as_i64().unwrap()
        }
    };
    let before = report(a).await;
    let sheet = dir.join("courses.csv");
    std::fs::write(
        &sheet,
        "Course Code,Course Title,Start\nUP-B1,Uploaded in a browser,2020-06-15\nUP-B2,Bad date course,2020-02-31\n",
    )
    .unwrap();
    a.goto(&format!("{base}/imports/new")).await.unwrap();
    a.find(Locator::Css("#kind option[value=trainings]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    a.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(sheet.to_str().unwrap())
        .await
        .unwrap();
    submit(a, "form[action='/imports'] button[type=submit]").await;
    assert!(
        body(a).await.contains("Uploaded in a browser"),
        "the preview"
    );
    assert!(
        violations(a, &axe).await.is_empty(),
        "the mapping page is accessible"
    );
    shoot(a, "import-mapping", 1280).await;
    submit(a, "button[value=import]").await;
    assert_eq!(report(a).await, before + 1, "the good row is in");
    // Back to the staged upload: its rejected rows, fixed, uploaded again.
    a.back().await.unwrap();
    let staged = a.current_url().await.unwrap();
    let rejects = fetch(
        a,
        &format!("{}/rejects.csv", staged.as_str().trim_end_matches('/')),
    )
    .await;
    assert_eq!(rejects["status"], 200, "{rejects}");
    let fixed = rejects["text"]
        .as_str()
        .unwrap()
        .replace("2020-02-31", "2020-02-28");
    let again = dir.join("courses-fixed.csv");
    std::fs::write(&again, fixed).unwrap();
    a.goto(&format!("{base}/imports/new")).await.unwrap();
    a.find(Locator::Css("#kind option[value=trainings]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    a.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(again.to_str().unwrap())
        .await
        .unwrap();
    submit(a, "form[action='/imports'] button[type=submit]").await;
    submit(a, "button[value=import]").await;
    assert_eq!(
        report(a).await,
        before + 2,
        "the fixed row is in, and the report counts it"
    );

    // A quarter picked, its report shown and downloaded as XLSX.
    a.goto(&format!("{base}/report")).await.unwrap();
    a.find(Locator::Css("#kind option[value=quarter]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    a.find(Locator::Css("#quarter option[value='3']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(a, "form[action='/report'] button[type=submit]").await;
    assert!(body(a).await.contains("July – September 2020"));
    let link = href(a, "a[href^='/report/download/xlsx']").await;
    let xlsx = fetch(a, &format!("{base}{link}")).await;
    assert_eq!(xlsx["status"], 200);
    assert_eq!(xlsx["head"], "504b0304", "an XLSX is a zip file");
    assert!(xlsx["disposition"].as_str().unwrap().contains(".xlsx"));

    admin::admin_pages(b, base, &axe).await;
}
