//! The data-quality pages in-process: the dashboard counts the findings by rule, the to-fix
//! page links each to its record, a training's page shows its own, and an admin's switch on
//! `/admin/rules` takes a rule out of the report page and its downloads. The summary is
//! typed in the form and printed by the report.

use axum::http::StatusCode;

use super::{sign_in_as, sqlite};

#[tokio::test]
async fn findings_on_the_dashboard_the_to_fix_page_and_a_trainings_page() {
    let site = sqlite().await;
    let (status, dash) = site.get("/?year=2020").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        dash.contains("<a href=\"/quality?year=2020#count_unknown\">No participant count</a>"),
        "{dash}"
    );
    assert!(dash.contains("<span class=\"badge warning\">Warning</span>"));

    let id = site.id_of("2020-14").await;
    let (status, page) = site.get("/quality?year=2020").await;
    assert_eq!(status, StatusCode::OK);
    // The count of rules says as many as the index lists.
    let index = page
        .split("<ul class=\"rule-index\">")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .expect("the index of rules");
    let listed = index.matches("<li>").count();
    let rules = if listed == 1 { "rule." } else { "rules." };
    assert!(
        page.contains(&format!("under {listed} {rules}")),
        "{listed} rules listed: {page}"
    );
    let same = page
        .split("<h2 id=\"same_summary\">")
        .nth(1)
        .expect("a group for the repeated summary");
    let same = same.split("</section>").next().unwrap();
    assert!(
        same.contains(&format!("<a href=\"/trainings/{}\">2020-14</a>", id)),
        "{same}"
    );
    assert!(same.contains("same paragraph as training 2020-13"));
    // Every year and one year; a year that is not one is refused.
    assert_eq!(site.get("/quality").await.0, StatusCode::OK);
    assert_eq!(
        site.get("/quality?year=next").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let (_, training) = site.get(&format!("/trainings/{id}")).await;
    assert!(training.contains("Its summary is the same paragraph as training 2020-13"));
    assert!(training.contains("<p class=\"summary\">CARICOM IMPACS partnered with National Centre"));
}

#[tokio::test]
async fn an_admin_switches_a_rule_off_and_the_report_leaves_it_out() {
    let site = sqlite().await;
    let (_, report) = site.get("/report?year=2020").await;
    assert!(report.contains("No partner or funder recorded."));

    // A coordinator may not; an admin may.
    let (status, _, _) = site
        .post("/admin/rules/no_partner", &[("severity", "warning")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = sign_in_as(
        &site.app,
        "admin@example.org",
        cadre_core::access::Role::Admin,
    )
    .await;
    // Unchecked, the box sends nothing: the rule is off.
    let (status, headers, _) = site
        .send(super::post_as(
            "/admin/rules/no_partner",
            &admin,
            &[],
            "severity=warning".to_string(),
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers[axum::http::header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/admin/rules?done"));
    let (status, _, _) = site
        .send(super::post_as(
            "/admin/rules/count_unknown",
            &admin,
            &[],
            "enabled=on&severity=error".to_string(),
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = site
        .send(super::post_as(
            "/admin/rules/no_such_rule",
            &admin,
            &[],
            "severity=error".to_string(),
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = site
        .send(super::post_as(
            "/admin/rules/count_unknown",
            &admin,
            &[],
            "severity=fatal".to_string(),
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (_, report) = site.get("/report?year=2020").await;
    assert!(!report.contains("No partner or funder recorded."));
    assert!(
        report.contains("<li>2020-03: Error. No participant count"),
        "{report}"
    );
    let (status, json) = site.get("/report/download/json?year=2020").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rules: Vec<(&str, &str)> = json["quality"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["rule"].as_str().unwrap(), q["severity"].as_str().unwrap()))
        .collect();
    assert!(!rules.iter().any(|(r, _)| *r == "no_partner"));
    assert!(rules.contains(&("count_unknown", "error")));
    // The settings page says what changed.
    let (status, _, page) = site
        .send(
            axum::http::Request::get("/admin/rules")
                .header(axum::http::header::COOKIE, admin.clone())
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let row = page
        .split("<tr id=\"rule-no_partner\">")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(row.contains("changed") && !row.contains("checked"), "{row}");
}

#[tokio::test]
async fn a_summary_typed_in_the_form_is_printed_by_the_report() {
    let site = sqlite().await;
    let (status, headers, body) = site
        .post(
            "/trainings",
            &[
                ("code", "2020-40"),
                ("title", "Port security workshop"),
                ("start_date", "2020-11-03"),
                ("partners", "UNODC"),
                (
                    "summary",
                    "Officers of nine ports practised searches of containers.",
                ),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let id = super::created_id(&headers);
    let (_, page) = site.get(&format!("/trainings/{id}")).await;
    assert!(page.contains("Officers of nine ports practised searches of containers."));
    let (_, edit) = site.get(&format!("/trainings/{id}/edit")).await;
    assert!(edit.contains("Officers of nine ports practised searches of containers.</textarea>"));
    let (_, report) = site.get("/report?year=2020").await;
    assert!(report.contains(
        "<p class=\"summary\">Officers of nine ports practised searches of containers.</p>"
    ));
}
