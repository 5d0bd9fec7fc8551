//! Every main page as each role sees it, on a desktop (1280 px) and on a phone (360 px,
//! emulated as Chromium's device mode does): no sideways scrolling on the phone, no text drawn
//! under 11 px (SVG charts included, as scaled), no serious or critical accessibility
//! violation on the phone, screenshots kept in `screenshots/`; and every
//! control a page shows is one its role may use, by the access matrix, while the actions the
//! matrix allows have their control.

use super::*;
use table::{TABLE, WHO};

/// A Chromium session the size of a phone (360 by 780 CSS pixels).
async fn phone(d: &Driver) -> Client {
    let metrics = json!({ "width": 360, "height": 780, "pixelRatio": 1 });
    session(
        d,
        json!({ "mobileEmulation": { "deviceMetrics": metrics } }),
    )
    .await
}

/// How far the page scrolls sideways, and the visible text drawn under 11 px.
const MEASURE: &str = r#"
const small = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  if (!node.textContent.trim()) continue;
  const el = node.parentElement;
  const box = el.getBoundingClientRect();
  if (box.width <= 1 || box.height <= 1) continue;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden') continue;
  let size = parseFloat(style.fontSize);
  if (el instanceof SVGElement && el.getScreenCTM()) {
    const m = el.getScreenCTM();
    size *= Math.hypot(m.a, m.b);
  }
  if (size < 11) small.push(el.tagName + ' "' + node.textContent.trim().slice(0, 40) + '" ' + size.toFixed(1) + 'px');
}
return { sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth, small: small.slice(0, 10) };
"#;

/// The links and forms of the page as shown: (method, path) of each visible control.
const CONTROLS: &str = r#"
const seen = el => { const b = el.getBoundingClientRect(); return b.width > 0 && b.height > 0; };
const out = [];
for (const a of document.querySelectorAll('main a[href^="/"], header a[href^="/"], header summary')) {
  if (a.tagName === 'A' && seen(a)) out.push(['GET', a.getAttribute('href')]);
}
for (const f of document.querySelectorAll('form')) {
  const method = (f.getAttribute('method') || 'get').toUpperCase();
  const button = f.querySelector('button, input[type=submit]');
  if (button && seen(button)) out.push([method, f.getAttribute('action') || location.pathname]);
}
return out;
"#;

/// Whether a path is the route pattern's (`{x}` one segment).
fn matches(pattern: &str, path: &str) -> bool {
    let (p, a): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == a.len() && p.iter().zip(&a).all(|(p, a)| p.starts_with('{') || p == a)
}

/// What the access matrix expects of this role for a request: its letter, for the row of
/// exactly this route, else the first whose pattern takes the path (`/trainings/new` is its
/// own route, not a training's id).
fn expected(method: &str, path: &str, who: usize) -> Option<char> {
    let rows = || TABLE.iter().filter(|r| r.method == method);
    rows()
        .find(|r| r.route == path)
        .or_else(|| rows().find(|r| matches(r.route, path)))
        .and_then(|r| r.expect.chars().nth(who))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_reads_every_page_on_a_desktop_and_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, stop) = serve(dir.path()).await;
    let base = format!("http://{addr}");
    let d = driver().await;
    let wide = browser(&d, 1280).await;
    let narrow = phone(&d).await;
    let outcome = tokio::spawn({
        let (wide, narrow, base) = (wide.clone(), narrow.clone(), base.clone());
        async move { every_role(&wide, &narrow, &base).await }
    })
    .await;
    let _ = wide.close().await;
    let _ = narrow.close().await;
    drop(d);
    let _ = stop.send(());
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn every_role(wide: &Client, narrow: &Client, base: &str) {
    let axe = axe_source();
    // Each role with its column in the access matrix.
    let roles = [
        ("admin", Some(ADMIN), 0),
        ("coordinator", Some(COORDINATOR), 1),
        ("viewer", Some(VIEWER), 2),
        ("focal-point", Some(FOCAL), 3),
        ("partner", Some(PARTNER), 5),
        ("signed-out", None, 7),
    ];
    assert_eq!(WHO[5], "partner of the training (UNODC)");
    for (name, email, who) in roles {
        for (c, width) in [(wide, 1280), (narrow, 360)] {
            c.delete_all_cookies().await.unwrap();
            if let Some(email) = email {
                sign_in(c, base, email).await;
            }
            let pages: Vec<&str> = match email {
                Some(_) => vec![
                    "/",
                    "/trainings",
                    "/trainings/1",
                    "/report?kind=year&year=2020",
                    "/participants",
                    "/imports",
                    "/partners",
                    "/countries",
                    "/departments",
                    "/quality?year=2020",
                    "/reports",
                    "/account",
                    "/admin/users",
                    "/admin/audit",
                ],
                None => vec!["/reports", "/sign-in"],
            };
            for path in pages {
                // A page the role may not open is not one of its pages.
                if expected("GET", path.split('?').next().unwrap(), who) != Some('A') {
                    continue;
                }
                c.goto(&format!("{base}{path}")).await.unwrap();
                let shot = format!(
                    "{name}-{}",
                    path.trim_matches('/')
                        .split('?')
                        .next()
                        .unwrap()
                        .replace('/', "-")
                );
                let shot = if shot.ends_with('-') {
                    format!("{name}-dashboard")
                } else {
                    shot
                };
                let dir = root().join("screenshots");
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(
                    dir.join(format!("{shot}-{width}.png")),
                    c.screenshot().await.unwrap(),
                )
                .unwrap();
                let m = c.execute(MEASURE, vec![]).await.unwrap();
                if width == 360 {
                    assert_eq!(m["sideways"], 0, "{name} {path} at 360 px scrolls sideways");
                    // The phone's layout (its menu, folded filters) meets the same bar.
                    let found = violations(c, &axe).await;
                    assert!(
                        found.is_empty(),
                        "{name} {path} at 360 px: {}",
                        serde_json::to_string_pretty(&found).unwrap()
                    );
                }
                assert_eq!(
                    m["small"].as_array().unwrap().len(),
                    0,
                    "{name} {path} at {width} px: text under 11 px: {}",
                    m["small"]
                );
                check_controls(c, base, name, who, path).await;
            }
        }
    }
}

/// Every control shown is allowed to the role: each link answers it (not 401 or 403), each
/// form's action is one the access matrix lets it use. And the actions it may take have their
/// link where a person looks for them.
async fn check_controls(c: &Client, base: &str, name: &str, who: usize, path: &str) {
    let shown = c.execute(CONTROLS, vec![]).await.unwrap();
    let mut links = std::collections::BTreeSet::new();
    for control in shown.as_array().unwrap() {
        let method = control[0].as_str().unwrap();
        let target = control[1].as_str().unwrap();
        let route = target.split(['?', '#']).next().unwrap();
        if method == "GET" {
            // One link of each shape is enough (a list's rows all go to the same route).
            let shape: String = route
                .split('/')
                .map(|s| {
                    if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() {
                        "n"
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            if links.insert(shape) {
                let answer = fetch(c, &format!("{base}{target}")).await;
                let status = answer["status"].as_u64().unwrap();
                assert!(
                    status != 401 && status != 403,
                    "{name} on {path} is shown a link to {target}, which answers {status}"
                );
            }
        } else if route != "/sign-in" {
            // (Signing in is open to all: the matrix counts its refusal of a wrong password.)
            let letter = expected(method, route, who);
            assert!(
                matches!(letter, Some('A') | Some('N')),
                "{name} on {path} is shown a form for {method} {target}, which the matrix refuses ({letter:?})"
            );
        }
    }
    // The actions the role may take, where a person looks for them.
    let html = c.source().await.unwrap();
    let offered = |href: &str| html.contains(&format!("href=\"{href}\""));
    let page = path.split('?').next().unwrap();
    if page == "/" {
        for nav in ["/participants", "/imports", "/admin/users", "/corrections"] {
            let allowed = expected("GET", nav, who) == Some('A');
            assert_eq!(
                offered(nav),
                allowed,
                "{name}: the navigation's link to {nav}"
            );
        }
    }
    if page == "/trainings" {
        let allowed = expected("GET", "/trainings/new", who) == Some('A');
        assert_eq!(offered("/trainings/new"), allowed, "{name}: New training");
    }
    if page == "/report" {
        let allowed = expected("GET", "/report/publish", who) == Some('A');
        assert_eq!(
            html.contains("href=\"/report/publish?"),
            allowed,
            "{name}: Publish"
        );
    }
}
