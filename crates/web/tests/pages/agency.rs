//! The agency's face as an admin sets it: its name, short name, logo, colours, time zone and
//! date style, on every page and report, audited; what is refused says which field and why,
//! and saves nothing.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cadre_core::access::{Grant, Role};

use super::{get_as, sqlite, Actor};

const PASSWORD: &str = "a password long enough";

/// A 40 by 20 PNG in one colour.
fn png() -> Vec<u8> {
    cadre_gen::image::png(40, 20, [0x0b, 0x5f, 0x3a, 255])
}

/// The agency form as a browser sends it: its fields, and a logo file (empty: none chosen).
fn form(cookie: &str, fields: &[(&str, &str)], logo: (&str, &[u8])) -> Request<Body> {
    let b = "agencyboundary93XQ";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            logo.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(logo.1);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    Request::post("/admin/agency")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={b}"),
        )
        .header(header::COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap()
}

const IMPACS: [(&str, &str); 6] = [
    (
        "name",
        "CARICOM Implementation Agency for Crime and Security",
    ),
    ("short_name", "CARICOM IMPACS"),
    ("colour", "#0b5f3a"),
    ("accent", "#8a4b08"),
    ("time_zone", "America/Port_of_Spain"),
    ("date_style", "month-day-year"),
];

#[tokio::test]
async fn the_agency_set_by_an_admin_shows_on_every_page_and_report() {
    let site = sqlite().await;
    site.app
        .add_user(
            &Actor::local(),
            "admin@agency.example",
            &Grant::plain(Role::Admin),
            PASSWORD,
        )
        .await
        .unwrap();
    let signed = site
        .app
        .sign_in("admin@agency.example", PASSWORD, "127.0.0.1", None)
        .await
        .unwrap();
    let admin = format!("{}={}", cadre_web::COOKIE, signed.secret);

    // Before: cadre's own name, no logo.
    let (_, home) = site.get("/").await;
    assert!(home.contains("<span>cadre</span>"));
    let (status, _, _) = site.send(get_as("/assets/agency/logo", &admin)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A coordinator may not set it.
    let (status, _, _) = site.send(form(&site.cookie, &IMPACS, ("", b""))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // What is wrong is said by field, and nothing is saved.
    let bad = [
        ("name", ""),
        ("short_name", "IMPACS"),
        ("colour", "#ffe066"),
        ("accent", "#8a4b08"),
        ("time_zone", "Atlantis/Capital"),
        ("date_style", "day-month-year"),
    ];
    let (status, _, page) = site
        .send(form(
            &admin,
            &bad,
            ("logo.svg", b"<svg onload=\"alert(1)\"/>"),
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for said in [
        "Name: The agency&#39;s name is required",
        "Logo: The logo must be a PNG or JPEG image",
        "Main colour: The main colour #ffe066 is too light",
        "Time zone: &#34;Atlantis/Capital&#34; is not a time zone name",
    ] {
        assert!(page.contains(said), "{said} in {page}");
    }
    assert!(page.contains("value=\"IMPACS\""), "what was typed is kept");
    // A photograph of two megabytes chosen by mistake is said at its field, in the page.
    let big = vec![0x89u8; 2 * 1024 * 1024];
    let (status, _, page) = site.send(form(&admin, &IMPACS, ("photo.png", &big))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Logo: The logo is larger than 256 KiB"),
        "{page}"
    );
    assert_eq!(site.app.face().await.unwrap(), Default::default());

    // Set whole, with a logo.
    let (status, headers, _) = site.send(form(&admin, &IMPACS, ("logo.png", &png()))).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    assert_eq!(headers[header::LOCATION], "/admin/agency?notice=saved");

    // Every page: the short name in the header and the title, the logo, the colours, the
    // favicon, the full name in the footer; for a coordinator too.
    let (_, home) = site.get("/").await;
    assert!(home.contains("<span>CARICOM IMPACS</span>"));
    assert!(home.contains("· CARICOM IMPACS</title>"));
    assert!(home.contains("--brand: #0b5f3a;"));
    assert!(home.contains("<img src=\"/assets/agency/logo?v="));
    assert!(home.contains(
        "<link rel=\"icon\" type=\"image/svg+xml\" href=\"/assets/agency/favicon.svg?v="
    ));
    assert!(home.contains("CARICOM Implementation Agency for Crime and Security. cadre records"));
    assert!(home.contains("Times are America/Port of Spain (AST) time."));
    let (status, headers, logo) = site.send(get_as("/assets/agency/logo", &admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert!(logo.starts_with("\u{fffd}PNG"));
    let (_, headers, icon) = site.send(get_as("/favicon.ico", "")).await;
    assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
    assert!(icon.contains("fill=\"#0b5f3a\"") && icon.contains(">C</text>"));

    // Times in the agency's zone and style: the audit trail's entry of this very change.
    let (_, _, audit) = site.send(get_as("/admin/audit?kind=agency", &admin)).await;
    let entry = audit
        .split("<time datetime=\"")
        .nth(1)
        .expect("an entry for the change");
    let (kept, shown) = entry.split_once("\">").unwrap();
    let shown = shown.split('<').next().unwrap();
    assert!(kept.ends_with('Z'), "{kept}");
    assert!(shown.ends_with(" AM") || shown.ends_with(" PM"), "{shown}");
    assert!(!shown.contains('T'), "{shown}");
    assert!(audit.contains("the agency&#39;s name, logo, colours"));

    // Reports carry it: the report page's download and the published report.
    let (_, headers, md) = site
        .send(get_as("/report/download/md?year=2020", &admin))
        .await;
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/markdown"));
    assert!(md.contains("Published by CARICOM Implementation Agency for Crime and Security."));

    // Kept without the logo when none is chosen; removed when asked.
    let (status, _, _) = site.send(form(&admin, &IMPACS, ("", b""))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(site.app.face().await.unwrap().logo.is_some());
    let mut removing = IMPACS.to_vec();
    removing.push(("remove_logo", "yes"));
    site.send(form(&admin, &removing, ("", b""))).await;
    assert!(site.app.face().await.unwrap().logo.is_none());
    let (_, home) = site.get("/").await;
    assert!(!home.contains("/assets/agency/logo"));
}
