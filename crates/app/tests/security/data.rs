//! The audit trail of changes and imports, a person's export and erasure, and a published
//! report scanned for every participant.

use std::collections::BTreeMap;

use cadre_app::{Actor, AppError};
use cadre_core::access::{Grant, Role};

use crate::{app, attendance};

#[tokio::test]
async fn changes_and_imports_are_in_the_audit_trail_and_an_erasure_keeps_the_counts() {
    let (app, dir) = app().await;
    let store = super::store_of(&dir).await;
    attendance(&app).await;
    let admin = Actor::local().from_address("192.0.2.7");
    // An edit carries who, from where, and the record before and after.
    let ann = app
        .participants(&admin, Some("ann lee"), 0, 10)
        .await
        .unwrap()
        .remove(0);
    let mut fields = cadre_core::fields::person_fields(&ann.record.person);
    fields.insert("organisation".into(), "Jamaica Constabulary Force".into());
    app.update_participant(&admin, ann.id, ann.version, &fields)
        .await
        .unwrap();
    let history = app
        .history(&admin, "participant", ann.id, 10)
        .await
        .unwrap();
    let edit = &history[0];
    assert_eq!(
        (
            edit.action.as_str(),
            edit.actor.as_str(),
            edit.address.as_str()
        ),
        ("updated", admin.name.as_str(), "192.0.2.7")
    );
    assert!(edit.before.contains("\"JCF\"") && edit.after.contains("Jamaica Constabulary Force"));
    let imports = app
        .audit_entries(
            &admin,
            &cadre_store::AuditFilter {
                action: Some("imported".into()),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    // The 2020 facts and the people, each import through the application layer (its only
    // door), each in the trail; the newest first.
    assert_eq!(
        imports.len(),
        4,
        "every import through the application layer"
    );
    assert!(imports[0].detail.contains("people.csv") && imports[0].detail.contains("3 rows"));

    // Export gives everything held; it is audited.
    let export = app
        .export_person(&admin, "ann.lee@example.org")
        .await
        .unwrap();
    assert!(export.contains("Jamaica Constabulary Force") && export.contains("2020-07"));
    let coordinator = Actor::new("c", Grant::plain(Role::Coordinator));
    assert!(matches!(
        app.export_person(&coordinator, "ann.lee@example.org").await,
        Err(AppError::Forbidden(_))
    ));

    // A second record of hers, merged into the first: its entries name her too.
    let twin: BTreeMap<String, String> = [
        ("given_name", "Ann"),
        ("family_name", "Lee"),
        ("email", "ann.lee@home.example"),
        ("country", "JM"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let twin = app.create_participant(&admin, &twin).await.unwrap();
    let kept = app.participant(&admin, ann.id).await.unwrap();
    let merged = cadre_core::fields::person_fields(&kept.record.person);
    app.merge_participants(
        &admin,
        (ann.id, kept.version),
        (twin.id, twin.version),
        &merged,
    )
    .await
    .unwrap();
    // Erasure: the name and e-mail are gone, from the record and from the trail, and every
    // report gives the same figures.
    let period = cadre_app::all_time();
    let before = app.report(&admin, period).await.unwrap();
    let id = app
        .erase_person(&admin, "ann.lee@example.org")
        .await
        .unwrap();
    assert_eq!(id, ann.id);
    let after = app.report(&admin, period).await.unwrap();
    assert_eq!(before, after, "the counts stay");
    let erased = app.participant(&admin, id).await.unwrap();
    assert_eq!(erased.record.person.email, None);
    assert_eq!(erased.record.person.given_name, "");
    assert_eq!(erased.record.person.gender, ann.record.person.gender);
    for person in [id, twin.id] {
        let trail = app
            .history(&admin, "participant", person, 10)
            .await
            .unwrap();
        assert!(!trail.is_empty());
        for e in &trail {
            assert!(
                !e.before.contains("Lee") && !e.after.contains("Lee"),
                "{e:?}"
            );
        }
    }
    let trail = app.history(&admin, "participant", id, 10).await.unwrap();
    assert!(trail.iter().any(|e| e.redacted));
    assert!(app.verify_audit(&admin).await.unwrap().is_ok());
    assert!(store
        .person_id_by_email("ann.lee@example.org")
        .await
        .unwrap()
        .is_none());
}

/// Every file of a published report, as text: a workbook's parts unzipped.
fn texts(name: &str, bytes: Vec<u8>) -> Vec<String> {
    if name.ends_with(".xlsx") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut part = zip.by_index(i).unwrap();
                let mut text = String::new();
                std::io::Read::read_to_string(&mut part, &mut text).unwrap_or_default();
                text
            })
            .collect()
    } else if name.ends_with(".pdf") {
        // The page's words are string literals, a line each: joined with spaces, a name
        // wrapped across two lines reads whole again.
        vec![pdf_strings(&bytes).join(" ")]
    } else {
        vec![String::from_utf8_lossy(&bytes).into_owned()]
    }
}

/// The string literals of an uncompressed PDF's content, unescaped (WinAnsi as Latin-1).
fn pdf_strings(pdf: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < pdf.len() {
        if pdf[i] == b'(' {
            let mut s = String::new();
            i += 1;
            while i < pdf.len() && pdf[i] != b')' {
                if pdf[i] == b'\\' && i + 1 < pdf.len() {
                    i += 1;
                }
                s.push(char::from(pdf[i]));
                i += 1;
            }
            out.push(s);
        }
        i += 1;
    }
    out
}

#[tokio::test]
async fn a_published_report_names_no_participant_in_any_of_its_files() {
    let (app, dir) = app().await;
    attendance(&app).await;
    let admin = Actor::local();
    // Only an admin publishes.
    let coordinator = Actor::new("c", Grant::plain(Role::Coordinator));
    assert!(matches!(
        app.publish(&coordinator, cadre_core::report::Period::year(2020), true)
            .await,
        Err(AppError::Forbidden(_))
    ));
    let p = app
        .publish(&admin, cadre_core::report::Period::year(2020), true)
        .await
        .unwrap();
    assert_eq!(p.slug, "2020");
    // Published again (after a correction), it stands beside the first.
    let again = app
        .publish(&admin, cadre_core::report::Period::year(2020), true)
        .await
        .unwrap();
    assert_eq!(again.slug, "2020-2");

    // A link standing where a file of the folder goes is replaced, never written through.
    let out = dir.path().join("site");
    std::fs::create_dir(&out).unwrap();
    let elsewhere = dir.path().join("elsewhere.html");
    std::fs::write(&elsewhere, "not cadre's").unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("index.html")).unwrap();
    let written = app.write_publication(&p.slug, &out).await.unwrap();
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "not cadre's");
    assert!(!std::fs::symlink_metadata(out.join("index.html"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(written.len(), cadre_app::PUBLISHED_FILES.len());
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    for (file, _) in &cadre_app::PUBLISHED_FILES[1..] {
        assert!(
            index.contains(&format!("href=\"{file}\"")),
            "index.html links {file}"
        );
    }

    let mut needles = Vec::new();
    for person in app.participants(&admin, None, 0, 10_000).await.unwrap() {
        let r = &person.record.person;
        needles.push(format!("{} {}", r.given_name, r.family_name));
        needles.push(format!("{} {}", r.family_name, r.given_name));
        needles.push(format!("{}, {}", r.family_name, r.given_name));
        needles.extend(r.email.clone());
    }
    assert!(needles.len() >= 8, "the store has participants to look for");
    let (_, files) = app.publication(&p.slug).await.unwrap().unwrap();
    assert!(files.len() > cadre_app::PUBLISHED_FILES.len() - 1);
    let mut scanned = 0;
    // The scan reads what each file says: a training's title is found in every one of them.
    let title = "country-specific training for criminal justice officers";
    for name in files {
        let bytes = app.publication_file(&p.slug, &name).await.unwrap().unwrap();
        let parts = texts(&name, bytes);
        assert!(
            parts.iter().any(|t| t.to_lowercase().contains(title)),
            "{name} is read as text"
        );
        for text in parts {
            let lower = text.to_lowercase();
            for n in &needles {
                assert!(!lower.contains(&n.to_lowercase()), "{name} names {n}");
            }
            scanned += 1;
        }
    }
    assert!(scanned >= 7, "every file, a workbook's parts included");
    // The report itself is there: its figures are in the page.
    assert!(index.contains("trainings"));
}

#[tokio::test]
async fn a_period_not_approved_is_published_only_by_an_explicit_choice_that_every_file_says() {
    let (app, _dir) = app().await;
    attendance(&app).await;
    let admin = Actor::local();
    let year = cadre_core::report::Period::year(2020);
    let preview = app.publish_preview(&admin, year).await.unwrap();
    assert!(!preview.approved);
    assert!(preview.title.contains("2020"));
    // Not approved, and not chosen: refused, nothing published.
    assert!(matches!(
        app.publish(&admin, year, false).await,
        Err(AppError::Locked(why)) if why.contains("not approved")
    ));
    assert!(app.publications().await.unwrap().is_empty());
    // Chosen: published, and said so in the record, the audit trail and every file.
    let p = app.publish(&admin, year, true).await.unwrap();
    assert_eq!(p.approved, Some(false));
    let trail = app
        .audit_entries(
            &admin,
            &cadre_store::AuditFilter {
                action: Some("published".into()),
                ..Default::default()
            },
            None,
            5,
        )
        .await
        .unwrap();
    assert!(
        trail[0].detail.contains("not approved at publication"),
        "{trail:?}"
    );
    for file in ["index.html", "report.md", "body.html"] {
        let bytes = app.publication_file(&p.slug, file).await.unwrap().unwrap();
        assert!(
            String::from_utf8(bytes)
                .unwrap()
                .contains("Not approved at publication"),
            "{file}"
        );
    }

    // Submitted and approved, it is published as approved, without the warning.
    app.submit_period(&admin, year).await.unwrap();
    app.approve_period(&admin, year).await.unwrap();
    assert!(app.publish_preview(&admin, year).await.unwrap().approved);
    let approved = app.publish(&admin, year, false).await.unwrap();
    assert_eq!(approved.approved, Some(true));
    let md = app
        .publication_file(&approved.slug, "report.md")
        .await
        .unwrap()
        .unwrap();
    assert!(!String::from_utf8(md).unwrap().contains("Not approved"));
}

#[tokio::test]
async fn the_audit_trail_is_filtered_by_part_of_who_acted() {
    let (app, _dir) = app().await;
    let admin = Actor::local();
    let coordinator = Actor::new(
        "Coordinator@Agency.example",
        Grant::plain(Role::Coordinator),
    );
    let fields: BTreeMap<String, String> = [("name", "Filter Agency")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    app.create_partner(&coordinator, &fields).await.unwrap();
    let by = |who: &str| cadre_store::AuditFilter {
        actor: Some(who.to_string()),
        ..Default::default()
    };
    for typed in ["coordinator", "AGENCY.EX", "Coordinator@Agency.example"] {
        let found = app
            .audit_entries(&admin, &by(typed), None, 10)
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{typed}");
        assert_eq!(found[0].actor, "Coordinator@Agency.example");
    }
    for typed in ["nobody", "%", "_oordinator"] {
        assert!(
            app.audit_entries(&admin, &by(typed), None, 10)
                .await
                .unwrap()
                .is_empty(),
            "{typed}"
        );
    }
}
