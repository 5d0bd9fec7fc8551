//! The admin's part of the coordinator's session: the admins' pages accessible, and a
//! period published through its confirmation.

use super::*;

/// Signs the second browser out and in again as an admin, and goes through the admins' pages.
pub(crate) async fn admin_pages(b: &Client, base: &str, axe: &str) {
    let axe = axe.to_string();
    // Signed out, the second browser signs in again as an admin: the admins' pages are
    // accessible, and the report page's button publishes the period for anyone to read.
    b.goto(&format!("{base}/")).await.unwrap();
    submit(b, "form.sign-out button[type=submit]").await;
    assert_eq!(b.current_url().await.unwrap().path(), "/sign-in");
    sign_in(b, base, ADMIN).await;
    for (name, path) in [
        ("admin-users", "/admin/users"),
        ("admin-audit", "/admin/audit"),
        ("admin-persons", "/admin/persons"),
        ("admin-rules", "/admin/rules"),
    ] {
        b.goto(&format!("{base}{path}")).await.unwrap();
        let found = violations(b, &axe).await;
        assert!(
            found.is_empty(),
            "{path}: {}",
            serde_json::to_string_pretty(&found).unwrap()
        );
        shoot(b, name, 1280).await;
    }
    b.goto(&format!("{base}/report?kind=year&year=2020"))
        .await
        .unwrap();
    // Publishing is confirmed on a page that shows what goes out, and a period not approved
    // is published only with its box ticked.
    b.find(Locator::Css("a[href^='/report/publish']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(b.current_url().await.unwrap().path(), "/report/publish");
    assert!(body(b).await.contains("This period is not approved"));
    let found = violations(b, &axe).await;
    assert!(
        found.is_empty(),
        "the confirmation: {}",
        serde_json::to_string_pretty(&found).unwrap()
    );
    shoot(b, "publish-confirm", 1280).await;
    b.find(Locator::Id("unapproved"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(b, "form.publish button[type=submit]").await;
    assert_eq!(b.current_url().await.unwrap().path(), "/reports/2020");
    assert!(body(b).await.contains("Not approved at publication"));
    let found = violations(b, &axe).await;
    assert!(
        found.is_empty(),
        "a published report: {}",
        serde_json::to_string_pretty(&found).unwrap()
    );
    shoot(b, "published-report", 1280).await;
}
