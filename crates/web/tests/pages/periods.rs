//! A period's approval in the browser's pages: the report page offers each role its step, a
//! form's save in an approved period is refused with why (nothing changes), and once the
//! period is reopened and corrected its report shows what changed since approval.

use axum::http::StatusCode;

use super::{sign_in_as, sqlite};

#[tokio::test]
async fn a_period_submitted_approved_locked_reopened_and_corrected() {
    let site = sqlite().await;
    let admin = sign_in_as(
        &site.app,
        "director@agency.example",
        cadre_core::access::Role::Admin,
    )
    .await;

    // The coordinator is offered to submit, not to approve.
    let (_, page) = site.get("/report?year=2020").await;
    assert!(page.contains("Not submitted for approval."));
    assert!(page.contains("Submit January – December 2020 for approval"));
    assert!(!page.contains("Approve January"));
    let (status, headers, _) = site.post("/periods/submit?year=2020", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[axum::http::header::LOCATION],
        "/report?kind=year&year=2020&from=2020-01-01&to=2020-12-31#approval-panel"
    );
    let (status, _, _) = site.post("/periods/approve?year=2020", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The period is never guessed: a body naming another year than the address, or a form
    // naming none, approves nothing.
    for (uri, body) in [
        ("/periods/approve?year=2020", "year=2019"),
        ("/periods/approve", ""),
        ("/periods/approve", "kind=year"),
    ] {
        let (status, _, _) = site
            .send(super::post_as(uri, &admin, &[], body.to_string()))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{uri} {body}");
    }
    let (_, page) = site.get("/report?year=2020").await;
    assert!(!page.contains("Approved on "), "nothing was approved");
    let (status, _, _) = site
        .send(super::post_as(
            "/periods/approve?year=2020",
            &admin,
            &[],
            "".to_string(),
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = site.get("/report?year=2020").await;
    assert!(page.contains("Approved on "), "{page}");
    assert!(page.contains("These figures were approved on"));
    let (_, list) = site.get("/periods").await;
    assert!(list.contains("January – December 2020"));
    assert!(list.contains("its trainings are locked"));

    // The edit form's save is refused, saying why; the training is as it was.
    let id = site.id_of("2020-08").await;
    let t = site
        .app
        .training(&cadre_app::Actor::local(), id)
        .await
        .unwrap();
    let mut form: Vec<(String, String)> = cadre_core::fields::training_fields(&t.record)
        .into_iter()
        .collect();
    form.push(("version".into(), t.version.to_string()));
    for (k, v) in &mut form {
        if k == "participants_total" {
            *v = "160".into();
        }
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // Its page says it is locked, and offers no form that would be refused.
    let (_, training) = site.get(&format!("/trainings/{id}")).await;
    assert!(training.contains("Locked: the period January – December 2020 was approved on"));
    assert!(!training.contains(&format!("href=\"/trainings/{id}/edit\"")));
    let (status, _, body) = site.post(&format!("/trainings/{id}"), &pairs).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body.contains("was approved on") && body.contains("until an admin reopens it"),
        "{body}"
    );
    assert!(
        body.contains("name=\"participants_total\" value=\"160\""),
        "what was typed is kept in the form"
    );

    // Reopened with a reason, the same save goes through and the report says what changed.
    let (status, _, _) = site
        .send(super::post_as(
            "/periods/reopen?year=2020",
            &admin,
            &[],
            "reason=".to_string(),
        ))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is needed"
    );
    let (status, _, _) = site
        .send(super::post_as(
            "/periods/reopen?year=2020",
            &admin,
            &[],
            "reason=UWI+sent+the+count".to_string(),
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, body) = site.post(&format!("/trainings/{id}"), &pairs).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, page) = site.get("/report?year=2020").await;
    assert!(page.contains("reopened on"), "{page}");
    assert!(page.contains("UWI sent the count"));
    assert!(
        page.contains(
            "<td>Participants</td><td class=\"num\">1,612</td><td class=\"num\">1,617</td>"
        ),
        "{page}"
    );
    assert!(page.contains("training updated (2020-08)"));
    // The coordinator may submit it again.
    assert!(page.contains("Submit January – December 2020 for approval"));
}

/// A participant of an approved period cannot be changed in their form either.
#[tokio::test]
async fn a_participant_of_an_approved_period_is_locked_in_their_form() {
    let site = sqlite().await;
    // An officer recorded at one of the period's trainings.
    let sheet_dir = tempfile::tempdir().unwrap();
    let sheet = sheet_dir.path().join("attendance.csv");
    std::fs::write(
        &sheet,
        "training_code,given_name,family_name,email,gender,country\n\
         2020-02,Ana,Rivera,ana@example.org,F,Barbados\n",
    )
    .unwrap();
    site.app
        .import(
            &cadre_app::Actor::local(),
            &cadre_app::ImportRequest::new(cadre_import::Kind::Attendance, sheet),
            &mut |_, _| {},
        )
        .await
        .unwrap();

    let year = cadre_core::report::Period::year(2020);
    site.app
        .submit_period(&cadre_app::Actor::local(), year)
        .await
        .unwrap();
    site.app
        .approve_period(&cadre_app::Actor::local(), year)
        .await
        .unwrap();
    // A participant's gender changed in their form is refused: it is counted in the period.
    let ana = site
        .app
        .participants(&cadre_app::Actor::local(), Some("ana@example.org"), 0, 1)
        .await
        .unwrap()
        .remove(0);
    let mut person: Vec<(String, String)> = cadre_core::fields::person_fields(&ana.record.person)
        .into_iter()
        .collect();
    person.push(("version".into(), ana.version.to_string()));
    for (k, v) in &mut person {
        if k == "gender" {
            *v = "M".into();
        }
    }
    let person_pairs: Vec<(&str, &str)> = person
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, _, body) = site
        .post(&format!("/participants/{}", ana.id), &person_pairs)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("was approved on"), "{body}");
}

/// An admin downloads a backup: an SQLite database file that a restore brings back whole; a
/// coordinator may not.
#[tokio::test]
async fn an_admin_downloads_a_backup_that_restores() {
    let site = sqlite().await;
    let (status, _, _) = site.post("/admin/backup", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = sign_in_as(
        &site.app,
        "director@agency.example",
        cadre_core::access::Role::Admin,
    )
    .await;
    let (status, headers, body) = site
        .send(super::post_as("/admin/backup", &admin, &[], String::new()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[axum::http::header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"cadre-backup-"));
    assert!(body.starts_with("SQLite format 3\u{0}"));
    // The body went through a lossy text decoding in the helper: fetch it again as bytes.
    let req = super::post_as("/admin/backup", &admin, &[], String::new());
    let res = tower::ServiceExt::oneshot(site.router.clone(), req)
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    std::fs::write(&file, &bytes).unwrap();
    let restored = cadre_store::Store::open(&format!(
        "sqlite:{}",
        dir.path().join("restored.db").display()
    ))
    .await
    .unwrap();
    // Restored elsewhere with the key of the database it came from (kept apart from it).
    let key_file = site.store.audit_key_file().to_path_buf();
    restored
        .restore_keyed(&file, Some(&key_file), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        restored.content().await.unwrap(),
        site.store.content().await.unwrap()
    );
}

/// Publishing is confirmed on a page of its own that shows what will be published; a period
/// not approved is published only with the box ticked, and its report says so.
#[tokio::test]
async fn publishing_is_confirmed_and_an_unapproved_period_says_so() {
    let site = sqlite().await;
    let admin = sign_in_as(
        &site.app,
        "director@agency.example",
        cadre_core::access::Role::Admin,
    )
    .await;
    let (_, _, report) = site.send(super::get_as("/report?year=2020", &admin)).await;
    assert!(
        report.contains("href=\"/report/publish?kind=year"),
        "{report}"
    );
    let (status, _, page) = site
        .send(super::get_as("/report/publish?year=2020", &admin))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("This period is not approved"), "{page}");
    assert!(page.contains("name=\"unapproved\""));
    assert!(page.contains("trainings"), "what will be published");
    // Without the box ticked: refused, nothing published.
    let (status, _, _) = site
        .send(super::post_as(
            "/reports?year=2020",
            &admin,
            &[],
            String::new(),
        ))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(site.app.publications().await.unwrap().is_empty());
    let (status, headers, _) = site
        .send(super::post_as(
            "/reports?year=2020",
            &admin,
            &[],
            "unapproved=yes".to_string(),
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[axum::http::header::LOCATION].to_str().unwrap();
    let (_, published) = site.get(to).await;
    assert!(
        published.contains("Not approved at publication"),
        "{published}"
    );
}
