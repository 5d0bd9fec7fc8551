//! Signing in, tokens, the audit trail and a person's data, through the application layer on
//! a real SQLite store: throttled failures that say nothing of who exists, sign-ins that end
//! (idle, too old, signed out everywhere, a password reset), tokens that are read-only,
//! revoked or expired, every change in the audit trail, and an erasure that keeps the counts.

use std::collections::BTreeMap;

use cadre_app::{import_sheet, Actor, App, AppError, ImportOptions};
use cadre_core::access::{Grant, Role};
use cadre_import::{Kind, Sheet};
use cadre_store::Store;
use sha2::{Digest, Sha256};

const PASSWORD: &str = "a long enough secret";

async fn app() -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    (App::new(Store::open(&url).await.unwrap()), dir)
}

async fn with_account(app: &App, email: &str, role: Role) {
    app.add_user(&Actor::local(), email, &Grant::plain(role), PASSWORD)
        .await
        .unwrap();
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn hashed(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_alike_for_known_and_unknown_e_mails() {
    let (app, _dir) = app().await;
    with_account(&app, "known@agency.example", Role::Viewer).await;
    for email in ["known@agency.example", "unknown@agency.example"] {
        for _ in 0..cadre_app::FAILURES_PER_ACCOUNT {
            let e = app
                .sign_in(email, "wrong password!", "10.0.0.1", None)
                .await;
            assert!(matches!(e, Err(AppError::SignIn)), "{e:?}");
        }
        // Past the limit, even the right password waits, and the message is the same for
        // an account that exists and one that does not.
        let e = app
            .sign_in(email, PASSWORD, "10.0.0.1", None)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Throttled { minutes: 15 }), "{e:?}");
        assert_eq!(
            e.to_string(),
            "too many failed sign-ins: wait 15 minutes and try again"
        );
    }
    // From another address, one e-mail's lock still holds; another e-mail is not locked.
    with_account(&app, "other@agency.example", Role::Viewer).await;
    assert!(app
        .sign_in("other@agency.example", PASSWORD, "10.0.0.2", None)
        .await
        .is_ok());
    // Many e-mails from one address: the address is locked too.
    for n in 0..cadre_app::FAILURES_PER_ADDRESS {
        let _ = app
            .sign_in(
                &format!("guess{n}@agency.example"),
                "wrong password!",
                "10.0.0.3",
                None,
            )
            .await;
    }
    assert!(matches!(
        app.sign_in("other@agency.example", PASSWORD, "10.0.0.3", None)
            .await,
        Err(AppError::Throttled { .. })
    ));
    // Every failure is in the audit trail, with the address.
    let failed = app
        .audit_entries(
            &Actor::local(),
            &cadre_store::AuditFilter {
                action: Some("sign-in-failed".into()),
                ..Default::default()
            },
            None,
            1000,
        )
        .await
        .unwrap();
    assert_eq!(
        failed.len() as i64,
        2 * cadre_app::FAILURES_PER_ACCOUNT + cadre_app::FAILURES_PER_ADDRESS
    );
    assert!(failed.iter().any(|e| e.address == "10.0.0.3"));
}

#[tokio::test]
async fn a_sign_in_ends_when_idle_too_old_signed_out_or_its_password_is_reset() {
    let (app, _dir) = app().await;
    with_account(&app, "c@agency.example", Role::Coordinator).await;
    let first = app
        .sign_in("c@agency.example", PASSWORD, "", None)
        .await
        .unwrap();
    let who = app.signed_in(&first.secret, "").await.unwrap().unwrap();
    assert_eq!(who.name, "c@agency.example");
    assert_eq!(who.grant, Some(Grant::plain(Role::Coordinator)));

    // A sign-in made with the session id the browser came with ends that one.
    let second = app
        .sign_in("c@agency.example", PASSWORD, "", Some(&first.secret))
        .await
        .unwrap();
    assert_ne!(second.secret, first.secret);
    assert!(app.signed_in(&first.secret, "").await.unwrap().is_none());
    assert!(app.signed_in("made-up", "").await.unwrap().is_none());

    // Idle past its limit, or begun too long ago, it is refused (and forgotten).
    let account = who.account.unwrap();
    for (begun, seen) in [
        (now() - 60, now() - cadre_app::IDLE_SECONDS - 1),
        (now() - cadre_app::ABSOLUTE_SECONDS - 1, now()),
    ] {
        let secret = format!("old-sign-in-{begun}");
        app.store()
            .begin_sign_in(&hashed(&secret), account, begun, None)
            .await
            .unwrap();
        app.store()
            .touch_sign_in(&hashed(&secret), seen)
            .await
            .unwrap();
        assert!(app.signed_in(&secret, "").await.unwrap().is_none());
        assert!(app
            .store()
            .sign_in(&hashed(&secret))
            .await
            .unwrap()
            .is_none());
    }

    // Signing out everywhere ends every browser's sign-in.
    let other = app
        .sign_in("c@agency.example", PASSWORD, "", None)
        .await
        .unwrap();
    assert_eq!(app.sign_out_everywhere(&who).await.unwrap(), 2);
    assert!(app.signed_in(&second.secret, "").await.unwrap().is_none());
    assert!(app.signed_in(&other.secret, "").await.unwrap().is_none());

    // A password reset and a disabled account do too; a changed role applies at once.
    let s = app
        .sign_in("c@agency.example", PASSWORD, "", None)
        .await
        .unwrap();
    app.set_role(
        &Actor::local(),
        "c@agency.example",
        &Grant::plain(Role::Viewer),
    )
    .await
    .unwrap();
    let now_viewer = app.signed_in(&s.secret, "").await.unwrap().unwrap();
    assert_eq!(now_viewer.grant, Some(Grant::plain(Role::Viewer)));
    let changed = app
        .audit_entries(
            &Actor::local(),
            &cadre_store::AuditFilter {
                action: Some("role-changed".into()),
                ..Default::default()
            },
            None,
            1,
        )
        .await
        .unwrap();
    assert!(
        changed[0].before.contains("\"coordinator\"") && changed[0].after.contains("\"viewer\"")
    );
    app.reset_password(&Actor::local(), "c@agency.example", "another long secret")
        .await
        .unwrap();
    assert!(app.signed_in(&s.secret, "").await.unwrap().is_none());
    let s = app
        .sign_in("c@agency.example", "another long secret", "", None)
        .await
        .unwrap();
    app.set_user_disabled(&Actor::local(), "c@agency.example", true)
        .await
        .unwrap();
    assert!(app.signed_in(&s.secret, "").await.unwrap().is_none());
}

#[tokio::test]
async fn tokens_act_within_their_role_and_stop_when_revoked_or_expired() {
    let (app, _dir) = app().await;
    let admin = Actor::local();
    with_account(&app, "robot@agency.example", Role::Coordinator).await;
    with_account(&app, "viewer@agency.example", Role::Viewer).await;
    let rw = app
        .create_token(&admin, "robot@agency.example", false, 30, "sync")
        .await
        .unwrap();
    let ro = app
        .create_token(&admin, "robot@agency.example", true, 30, "reader")
        .await
        .unwrap();
    assert!(rw.secret.starts_with("cadre_"));
    // Only the hash is kept.
    let listed = app.tokens(&admin, "robot@agency.example").await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(app
        .store()
        .token_by_hash(&rw.secret)
        .await
        .unwrap()
        .is_none());

    let fields: BTreeMap<String, String> = [("name", "Made by a token")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let writer = app.token_actor(&rw.secret, "").await.unwrap().unwrap();
    app.create_partner(&writer, &fields).await.unwrap();
    let reader = app.token_actor(&ro.secret, "").await.unwrap().unwrap();
    assert!(reader.read_only);
    assert!(app.partners_after(&reader, 0, 10).await.is_ok());
    let refused = app.create_partner(&reader, &fields).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );

    // A token never does more than its account's role.
    let v = app
        .create_token(&admin, "viewer@agency.example", false, 1, "")
        .await
        .unwrap();
    let viewer = app.token_actor(&v.secret, "").await.unwrap().unwrap();
    assert!(matches!(
        app.create_partner(&viewer, &fields).await,
        Err(AppError::Forbidden(_))
    ));
    // Nor may one account make a token for another, unless an admin.
    assert!(matches!(
        app.create_token(&viewer, "robot@agency.example", false, 1, "")
            .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(app
        .create_token(&admin, "robot@agency.example", false, 400, "")
        .await
        .is_err());

    // Revoked, it is refused from then on.
    app.revoke_token(&admin, rw.token.id).await.unwrap();
    assert!(app.token_actor(&rw.secret, "").await.unwrap().is_none());
    assert!(app.revoke_token(&admin, rw.token.id).await.is_err());
    // Expired, too.
    let expired = "cadre_expired-for-the-test";
    app.store()
        .create_token(
            writer.account.unwrap(),
            &hashed(expired),
            "",
            false,
            now() - 100,
            now() - 1,
        )
        .await
        .unwrap();
    assert!(app.token_actor(expired, "").await.unwrap().is_none());
    // A disabled account's tokens stop.
    app.set_user_disabled(&admin, "robot@agency.example", true)
        .await
        .unwrap();
    assert!(app.token_actor(&ro.secret, "").await.unwrap().is_none());
}

async fn attendance(app: &App) {
    for (kind, file) in [
        (Kind::Partners, "partners.csv"),
        (Kind::Trainings, "trainings.csv"),
        (Kind::Sessions, "sessions.csv"),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/2020")
            .join(file);
        import_sheet(
            app.store(),
            kind,
            Sheet::open(&path).unwrap(),
            ImportOptions::default(),
            &mut |_, _| {},
        )
        .await
        .unwrap();
    }
    let rows = "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n\
        2020-02,,Ann,Lee,ann.lee@example.org,F,Jamaica,JCF,Police,yes\n\
        2020-02,,Ben,Ray,ben.ray@example.org,M,Barbados,,,yes\n\
        2020-07,,Ann,Lee,ann.lee@example.org,F,Jamaica,JCF,Police,yes\n";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.csv");
    std::fs::write(&file, rows).unwrap();
    let request = cadre_app::ImportRequest::new(Kind::Attendance, &file);
    let outcome = app
        .import(&Actor::local(), &request, &mut |_, _| {})
        .await
        .unwrap();
    assert!(!outcome.refused(), "{:?}", outcome.problems);
}

#[tokio::test]
async fn changes_and_imports_are_in_the_audit_trail_and_an_erasure_keeps_the_counts() {
    let (app, _dir) = app().await;
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
    assert_eq!(imports.len(), 1, "the import through the application layer");
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
    assert!(app
        .store()
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
        app.publish(&coordinator, cadre_core::report::Period::year(2020))
            .await,
        Err(AppError::Forbidden(_))
    ));
    let p = app
        .publish(&admin, cadre_core::report::Period::year(2020))
        .await
        .unwrap();
    assert_eq!(p.slug, "2020");
    // Published again (after a correction), it stands beside the first.
    let again = app
        .publish(&admin, cadre_core::report::Period::year(2020))
        .await
        .unwrap();
    assert_eq!(again.slug, "2020-2");

    let out = dir.path().join("site");
    let written = app.write_publication(&p.slug, &out).await.unwrap();
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
async fn a_partner_reads_its_own_trainings_and_a_focal_point_names_only_their_country() {
    let (mut app, _dir) = app().await;
    attendance(&app).await;
    app.warm_up().await.unwrap();
    let admin = Actor::local();
    let unodc = Actor::new(
        "unodc",
        Grant::new(Role::Partner, [], ["UNODC".to_string()]).unwrap(),
    );
    let year = cadre_core::report::Period::year(2020);
    // UNODC's own training and its programmes' (GPML, AIRCOP): three of the fourteen.
    let theirs = app.report(&unodc, year).await.unwrap();
    let all = app.report(&admin, year).await.unwrap();
    assert_eq!(all.trainings.total, 14);
    assert_eq!(theirs.trainings.total, 3, "{:?}", theirs.trainings);
    let listed = app
        .trainings_after(&unodc, &Default::default(), 0, 100)
        .await
        .unwrap();
    let mut codes: Vec<&str> = listed.iter().map(|t| t.record.code.as_str()).collect();
    codes.sort_unstable();
    assert_eq!(codes, ["2020-02", "2020-04", "2020-12"]);
    let other = app.store().training_id("2020-07").await.unwrap().unwrap();
    assert!(matches!(
        app.training(&unodc, other).await,
        Err(AppError::NotFound { .. })
    ));
    // Sessions, too: of its trainings only (2020-13 has sessions and is not UNODC's).
    assert!(app
        .sessions_page(&unodc, Some("2020-13"), 0, 100)
        .await
        .unwrap()
        .is_empty());
    let session: BTreeMap<String, String> =
        [("training_code", "2020-04"), ("start_date", "2020-06")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    app.create_session(&admin, &session).await.unwrap();
    let all = app.sessions_page(&admin, None, 0, 1000).await.unwrap();
    let theirs = app.sessions_page(&unodc, None, 0, 1000).await.unwrap();
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert!(theirs.len() < all.len());
    assert!(theirs
        .iter()
        .all(|s| codes.contains(&s.record.training_code.as_str())));
    // The roster of 2020-02 to a focal point of Jamaica: Ann by name, Ben (Barbados) counted.
    let jm = Actor::new(
        "jm",
        Grant::new(Role::FocalPoint, ["JM".to_string()], []).unwrap(),
    );
    let t = app.store().training_id("2020-02").await.unwrap().unwrap();
    let roster = app.roster(&jm, t, 100).await.unwrap();
    assert_eq!(roster.total, 2);
    assert_eq!(roster.hidden, 1);
    assert_eq!(roster.lines.len(), 1);
    assert_eq!(roster.lines[0].family_name, "Lee");
    let names: Vec<String> = app
        .participants(&jm, None, 0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.record.person.family_name)
        .collect();
    assert_eq!(names, ["Lee"]);
    // A viewer sees the roster only as a count.
    let viewer = Actor::new("v", Grant::plain(Role::Viewer));
    let roster = app.roster(&viewer, t, 100).await.unwrap();
    assert_eq!((roster.lines.len(), roster.total, roster.hidden), (0, 2, 2));
    assert!(matches!(
        app.participants(&viewer, None, 0, 10).await,
        Err(AppError::Forbidden(_))
    ));
}

#[tokio::test]
async fn a_partner_proposes_corrections_that_a_coordinator_accepts_or_rejects() {
    let (app, _dir) = app().await;
    attendance(&app).await;
    let unodc = Actor::new(
        "unodc@partner.example",
        Grant::new(Role::Partner, [], ["UNODC".to_string()]).unwrap(),
    );
    let comsec = Actor::new(
        "comsec@partner.example",
        Grant::new(Role::Partner, [], ["ComSec".to_string()]).unwrap(),
    );
    let coordinator = Actor::new("c@agency.example", Grant::plain(Role::Coordinator));
    let t = app.store().training_id("2020-02").await.unwrap().unwrap();
    let before = app.training(&coordinator, t).await.unwrap();
    let mut fields = cadre_core::fields::training_fields(&before.record);
    fields.insert("participants_total".into(), "35".into());
    // Another agency's partner cannot, nor can a viewer.
    assert!(matches!(
        app.propose_correction(&comsec, t, &fields, "").await,
        Err(AppError::NotFound { .. })
    ));
    let viewer = Actor::new("v", Grant::plain(Role::Viewer));
    assert!(matches!(
        app.propose_correction(&viewer, t, &fields, "").await,
        Err(AppError::Forbidden(_))
    ));
    // A proposal is checked like any edit.
    let mut wrong = fields.clone();
    wrong.insert("start_date".into(), "2020-02-30".into());
    assert!(matches!(
        app.propose_correction(&unodc, t, &wrong, "").await,
        Err(AppError::Fields(_))
    ));
    let first = app
        .propose_correction(&unodc, t, &fields, "35 signed the register")
        .await
        .unwrap();
    let second = app
        .propose_correction(&unodc, t, &fields, "the same again")
        .await
        .unwrap();
    assert_eq!(app.corrections(&unodc, true).await.unwrap().len(), 2);
    assert!(app.corrections(&comsec, false).await.unwrap().is_empty());
    assert!(matches!(
        app.accept_correction(&unodc, first).await,
        Err(AppError::Forbidden(_))
    ));
    app.accept_correction(&coordinator, first).await.unwrap();
    let after = app.training(&coordinator, t).await.unwrap();
    assert_eq!(after.record.participants_total, Some(35));
    assert_eq!(after.version, before.version + 1);
    // The second was made from the version before: accepting it now would overwrite, so it
    // is refused and stays pending; rejecting needs a reason.
    assert!(matches!(
        app.accept_correction(&coordinator, second).await,
        Err(AppError::Conflict { .. })
    ));
    assert!(app
        .reject_correction(&coordinator, second, " ")
        .await
        .is_err());
    app.reject_correction(&coordinator, second, "already corrected")
        .await
        .unwrap();
    let mine = app.corrections(&unodc, false).await.unwrap();
    let statuses: Vec<&str> = mine.iter().map(|c| c.status.as_str()).collect();
    assert_eq!(statuses, ["rejected", "accepted"]);
    assert_eq!(mine[0].reason, "already corrected");
    assert!(
        app.accept_correction(&coordinator, first).await.is_err(),
        "once"
    );
    // Each step is in the audit trail.
    let trail = app
        .audit_entries(
            &Actor::local(),
            &cadre_store::AuditFilter {
                kind: Some("correction".into()),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["rejected", "accepted", "proposed", "proposed"]);
}

#[tokio::test]
async fn the_last_admin_who_can_sign_in_is_kept() {
    let (app, _dir) = app().await;
    let me = Actor::local();
    with_account(&app, "only@agency.example", Role::Admin).await;
    with_account(&app, "c@agency.example", Role::Coordinator).await;
    for refused in [
        app.set_user_disabled(&me, "only@agency.example", true)
            .await,
        app.set_role(&me, "ONLY@agency.example", &Grant::plain(Role::Viewer))
            .await,
    ] {
        let e = refused.unwrap_err();
        assert!(e.to_string().contains("last admin"), "{e}");
    }
    // With a second admin, either may step down.
    app.set_role(&me, "c@agency.example", &Grant::plain(Role::Admin))
        .await
        .unwrap();
    app.set_user_disabled(&me, "only@agency.example", true)
        .await
        .unwrap();
    // Others change freely.
    with_account(&app, "v@agency.example", Role::Viewer).await;
    app.set_user_disabled(&me, "v@agency.example", true)
        .await
        .unwrap();
}
