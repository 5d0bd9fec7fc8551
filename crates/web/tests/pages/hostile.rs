//! Hostile text in every field a page or a report shows: a `<script>`, an attribute that
//! breaks out of its quotes, a `javascript:` link, an image with an `onerror`. Each is shown
//! as the text it is, never as markup, in the pages, the report's downloads and a published
//! report.

use std::collections::BTreeMap;

use cadre_app::Actor;

use super::{sqlite, Site};

const SCRIPT: &str = "<script>alert('title')</script>";
const BREAKOUT: &str = "\" onmouseover=\"alert('venue')\" x=\"";
const LINK: &str = "javascript:alert('note')";
const IMAGE: &str = "<img src=x onerror=alert('partner')>";

/// What must never be found in a page as markup.
fn raw_markup(body: &str) -> Vec<&'static str> {
    [
        "<script>alert",
        "\" onmouseover=\"",
        "href=\"javascript:",
        "src=\"javascript:",
        "<img src=x",
        "<b>Lee",
        "<i>Ann",
    ]
    .into_iter()
    .filter(|m| body.contains(m))
    .collect()
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn hostile_records(site: &Site) -> (i64, i64) {
    let admin = Actor::local();
    site.app
        .create_partner(
            &admin,
            &fields(&[("name", IMAGE), ("short_name", "HOSTILE")]),
        )
        .await
        .unwrap();
    let t = site
        .app
        .create_training(
            &admin,
            &fields(&[
                ("code", "HOSTILE-1"),
                ("title", SCRIPT),
                ("start_date", "2020-05-04"),
                ("venue", BREAKOUT),
                ("platform", LINK),
                ("theme", SCRIPT),
                ("note", LINK),
                ("summary", IMAGE),
                ("partners", "HOSTILE"),
                ("participants_total", "3"),
            ]),
        )
        .await
        .unwrap();
    let p = site
        .app
        .create_participant(
            &admin,
            &fields(&[
                ("given_name", "<i>Ann"),
                ("family_name", "<b>Lee"),
                ("organisation", BREAKOUT),
                ("country", "JM"),
            ]),
        )
        .await
        .unwrap();
    (t.id, p.id)
}

#[tokio::test]
async fn hostile_text_is_shown_as_text_everywhere() {
    let site = sqlite().await;
    let (training, person) = hostile_records(&site).await;
    site.app
        .publish(
            &Actor::local(),
            cadre_core::report::Period::year(2020),
            true,
        )
        .await
        .unwrap();
    let mut wrong = Vec::new();
    for path in [
        "/".to_string(),
        "/trainings".to_string(),
        "/trainings?q=alert".to_string(),
        format!("/trainings/{training}"),
        format!("/trainings/{training}/edit"),
        format!("/trainings/{training}/delete"),
        "/participants".to_string(),
        format!("/participants/{person}"),
        format!("/participants/{person}/edit"),
        "/partners".to_string(),
        "/report?kind=year&year=2020".to_string(),
        "/report/download/html?kind=year&year=2020".to_string(),
        "/reports".to_string(),
        "/reports/2020".to_string(),
        "/reports/2020/index.html".to_string(),
        "/quality?year=2020".to_string(),
        "/periods".to_string(),
    ] {
        let (status, body) = site.get(&path).await;
        assert_eq!(status, axum::http::StatusCode::OK, "{path}");
        for m in raw_markup(&body) {
            wrong.push(format!("{path}: {m}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "markup from records in pages:\n{}",
        wrong.join("\n")
    );
    // The text itself is there, escaped: a person reads what was typed.
    let (_, page) = site.get(&format!("/trainings/{training}")).await;
    assert!(
        page.contains("&#60;script&#62;alert(") || page.contains("&lt;script&gt;alert("),
        "{page}"
    );
    // The Markdown report, read by a Markdown viewer, holds no raw HTML either.
    let (_, md) = site.get("/report/download/md?kind=year&year=2020").await;
    assert!(
        md.contains("&lt;script&gt;"),
        "the hostile training is in it, as text"
    );
    for m in ["<script>", "<img src=x"] {
        assert!(!md.contains(m), "the Markdown report holds {m}");
    }
}
