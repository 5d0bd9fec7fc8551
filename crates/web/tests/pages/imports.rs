//! Imports in the browser, in-process: an upload whose headers need a mapping, its dry run, its
//! rejected rows fixed and uploaded again, and a long import followed on its progress page.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use tower::ServiceExt;

use super::{site_waiting, sqlite, Site};

fn multipart(kind: &str, name: &str, content: &str) -> Request<Body> {
    let b = "cadreboundary7MA4YWxk";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n\
         --{b}--\r\n"
    );
    Request::post("/imports")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={b}"),
        )
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap()
}

/// The column mapping a staged upload's page proposes, as a browser would send it back (each
/// column's choice with the hidden field naming its header).
fn proposed_columns(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in page.split("<input type=\"hidden\" name=\"head.").skip(1) {
        let index = part.split('"').next().unwrap();
        let value = part
            .split("value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        out.push((format!("head.{index}"), value.replace("&#32;", " ")));
    }
    for part in page.split("<select id=\"col-").skip(1) {
        let name = part
            .split("name=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_string();
        let select = part.split("</select>").next().unwrap();
        let chosen = select
            .split("<option value=\"")
            .skip(1)
            .find(|o| o.contains("\" selected"))
            .and_then(|o| o.split('"').next())
            .unwrap_or("ignore")
            .to_string();
        out.push((name, chosen));
    }
    out
}

/// A sheet whose headers are not cadre's: uploaded, its columns mapped, checked, one bad row
/// set aside and downloaded, corrected, uploaded again, and the report counts both.
#[tokio::test]
async fn an_upload_is_mapped_checked_imported_and_its_rejects_fixed() {
    let site = sqlite().await;
    let total = |site: &Site| {
        let (site, cookie) = (site.router.clone(), site.cookie.clone());
        async move {
            let res = site
                .oneshot(
                    Request::get("/report/download/json?kind=year&year=2020")
                        .header(axum::http::header::COOKIE, cookie)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            v["trainings"]["total"].as_i64().unwrap()
        }
    };
    let before = total(&site).await;
    let sheet = "Course Code,Course Title,Start\nUP-1,Uploaded course,2020-06-15\nUP-2,Bad date course,2020-02-31\n";
    let (status, headers, _) = site
        .send(multipart("trainings", "courses.csv", sheet))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let staged = headers[header::LOCATION].to_str().unwrap().to_string();
    let (status, page) = site.get(&staged).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("Uploaded course"),
        "the preview shows the rows"
    );
    assert!(page.contains("Course Title"));
    let proposed = proposed_columns(&page);
    let chosen: Vec<&str> = proposed
        .iter()
        .filter(|(n, _)| n.starts_with("col."))
        .map(|(_, c)| c.as_str())
        .collect();
    assert_eq!(
        chosen,
        ["code", "title", "start_date"],
        "proposed from the headers' words"
    );
    let mut mapping: Vec<(&str, &str)> = proposed
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_str()))
        .collect();
    mapping.push(("set_aside", "yes"));
    // The history, seen once before the dry run: the dry run, which changes no record, is
    // in it at the next look all the same.
    let (_, history) = site.get("/imports").await;
    assert!(!history.contains("dry-run"), "{history}");
    let mut check = mapping.clone();
    check.push(("action", "check"));
    let (status, _, page) = site.post(&staged, &check).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Dry run"), "{page}");
    assert!(
        page.contains("2020-02-31") || page.contains("February"),
        "the bad row's problem is said"
    );
    assert_eq!(total(&site).await, before, "a dry run writes nothing");
    let (_, history) = site.get("/imports").await;
    assert!(
        history.contains("dry-run"),
        "the history is current: {history}"
    );

    let mut import = mapping.clone();
    import.push(("action", "import"));
    let (status, headers, _) = site.post(&staged, &import).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers[header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/imports?done="));
    assert_eq!(
        total(&site).await,
        before + 1,
        "the good row is in, the bad one set aside"
    );
    let (status, rejects) = site.get(&format!("{staged}/rejects.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(rejects.contains("UP-2"), "{rejects}");
    assert!(!rejects.contains("UP-1"));
    // Handing out rows set aside is an export of personal data, kept in the audit trail.
    let exported = site
        .app
        .audit_entries(
            &cadre_app::Actor::local(),
            &cadre_store::AuditFilter {
                action: Some("exported".into()),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0].actor, "coordinator@example.org");

    // The rejected rows, corrected, come back in as a sheet of their own.
    let fixed = rejects.replace("2020-02-31", "2020-02-28");
    let (status, headers, _) = site
        .send(multipart("trainings", "courses-rejected.csv", &fixed))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let staged = headers[header::LOCATION].to_str().unwrap().to_string();
    let (_, page) = site.get(&staged).await;
    assert!(page.contains("Bad date course"), "{page}");
    let proposed = proposed_columns(&page);
    let mut import: Vec<(&str, &str)> = proposed
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_str()))
        .collect();
    import.push(("action", "import"));
    let (status, _, page) = site.post(&staged, &import).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(total(&site).await, before + 2);
    let (_, history) = site.get("/imports").await;
    assert!(history.contains("courses.csv") && history.contains("courses-rejected.csv"));
    assert!(
        !history.contains(".uploads"),
        "the history names each file by its own name, never where the server kept it"
    );
}

/// An import that takes longer than the request waits is followed on a page that refreshes
/// itself (no script) until it is done, and then says what it did.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_import_is_followed_on_a_progress_page() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    let site = site_waiting(&url, dir, None, std::time::Duration::ZERO).await;
    let mut sheet = String::from("code,title,start_date\n");
    for i in 0..20_000 {
        sheet.push_str(&format!("LONG-{i},Course {i},2020-05-{:02}\n", i % 28 + 1));
    }
    let (_, headers, _) = site.send(multipart("trainings", "long.csv", &sheet)).await;
    let staged = headers[header::LOCATION].to_str().unwrap().to_string();
    let (status, headers, _) = site
        .post(
            &staged,
            &[
                ("col.0", "code"),
                ("col.1", "title"),
                ("col.2", "start_date"),
                ("action", "import"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let progress = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(progress.ends_with("/progress"), "{progress}");
    let mut done = None;
    let mut followed = 0;
    for _ in 0..3000 {
        let (status, headers, page) = site
            .send(Request::get(progress.as_str()).body(Body::empty()).unwrap())
            .await;
        if status == StatusCode::OK {
            assert!(page.contains("http-equiv=\"refresh\""), "{page}");
            assert!(page.contains("<progress"));
            followed += 1;
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            continue;
        }
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        done = Some(headers[header::LOCATION].to_str().unwrap().to_string());
        break;
    }
    let done = done.expect("the import finished");
    assert!(
        followed > 0,
        "the progress page was shown while the import ran"
    );
    assert!(done.starts_with("/imports?done="), "{done}");
    let (_, list) = site.get("/trainings?q=LONG-19999").await;
    assert!(list.contains("Course 19999"));
}

/// Uploads are kept beside the database, readable by cadre's user alone, tied to the account
/// that uploaded them, one file a request, removed once imported, and swept after a day.
#[tokio::test]
async fn uploads_are_private_bounded_and_swept() {
    use std::os::unix::fs::PermissionsExt;
    let site = sqlite().await;
    let db = site.url.strip_prefix("sqlite:").unwrap().to_string();
    let root = std::path::PathBuf::from(format!("{db}.uploads"));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;

    let sheet = "code,title,start_date\nPRIV-1,Private course,2020-06-15\n";
    let (status, headers, _) = site
        .send(multipart("trainings", "private.csv", sheet))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let staged = headers[header::LOCATION].to_str().unwrap().to_string();
    let token = staged.rsplit('/').next().unwrap().to_string();
    let dir = root.join(&token);
    assert_eq!(mode(&root), 0o700);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("private.csv")), 0o600);
    assert_eq!(mode(&dir.join("meta.json")), 0o600);

    // Another account, an admin's too, is told the upload does not exist.
    let admin = super::sign_in_as(
        &site.app,
        "admin@example.org",
        cadre_core::access::Role::Admin,
    )
    .await;
    for uri in [
        staged.clone(),
        format!("{staged}/rejects.csv"),
        format!("{staged}/progress"),
    ] {
        let req = Request::get(uri.as_str())
            .header(header::COOKIE, admin.as_str())
            .body(Body::empty())
            .unwrap();
        let (status, _, _) = site.send(req).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    let (status, _) = site.get(&staged).await;
    assert_eq!(status, StatusCode::OK, "its owner still sees it");

    // Choices no page makes are refused before they are kept or echoed.
    let long = "T".repeat(300);
    for (field, v) in [("training", long.as_str()), ("sheet", "a\u{7}b")] {
        let (status, _, page) = site.post(&staged, &[(field, v), ("action", "check")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(!page.contains(v), "{field} not echoed");
        assert!(page.contains(field), "the field named: {page}");
    }

    // Two files in one request: refused before the second is stored, the first removed too.
    let before: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    let b = "cadreboundary7MA4YWxk";
    let two = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ntrainings\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n{sheet}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.csv\"\r\n\r\n{sheet}\r\n\
         --{b}--\r\n"
    );
    let req = Request::post("/imports")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={b}"),
        )
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(two))
        .unwrap();
    let (status, _, _) = site.send(req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let after: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(
        before.len(),
        after.len(),
        "nothing of the refused upload is kept"
    );

    // Imported without rows set aside: nothing is kept.
    let (_, page) = site.get(&staged).await;
    let mut import: Vec<(String, String)> = proposed_columns(&page);
    import.push(("action".into(), "import".into()));
    let form: Vec<(&str, &str)> = import
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (status, _, _) = site.post(&staged, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(!dir.exists(), "the upload is removed once imported");

    // Another upload, left alone: swept once a day has passed (the sweep told the time).
    let (_, headers, _) = site.send(multipart("trainings", "left.csv", sheet)).await;
    let left = headers[header::LOCATION].to_str().unwrap().to_string();
    let left_dir = root.join(left.rsplit('/').next().unwrap());
    let now = std::time::SystemTime::now();
    assert_eq!(
        site.app
            .sweep_uploads(now + std::time::Duration::from_secs(3600))
            .await
            .unwrap(),
        0
    );
    assert!(left_dir.exists());
    let day = std::time::Duration::from_secs(cadre_app::UPLOAD_HOURS * 3600 + 60);
    assert_eq!(site.app.sweep_uploads(now + day).await.unwrap(), 1);
    assert!(!left_dir.exists());
    let (status, _) = site.get(&left).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A value cadre does not know is offered on the page with words for the page: its field,
/// left blank to have the rows reported; never the mapping file's "delete this line".
#[tokio::test]
async fn unknown_values_are_worded_for_the_page() {
    let site = sqlite().await;
    let sheet = "code,title,start_date,modality,departments\nUP-9,Odd course,2020-06-15,Carrier pigeon,Customs;Coast Guard Unit;Polise\n";
    let (status, headers, _) = site.send(multipart("trainings", "odd.csv", sheet)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let staged = headers[header::LOCATION].to_str().unwrap().to_string();
    let (_, page) = site.get(&staged).await;
    assert!(page.contains("Values cadre does not know"), "{page}");
    assert!(page.contains("1 row; cadre does not know it"), "{page}");
    assert!(
        page.contains("is the closest department, proposed here"),
        "{page}"
    );
    for file_words in [
        "delete this line",
        "[aliases]",
        "--date-order",
        "--training",
    ] {
        assert!(!page.contains(file_words), "{file_words} in {page}");
    }
}
