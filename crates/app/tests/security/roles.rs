//! What a partner and a focal point see, and a partner's corrections.

use std::collections::BTreeMap;

use cadre_app::{Actor, AppError};
use cadre_core::access::{Grant, Role};

use crate::{app, attendance};

#[tokio::test]
async fn a_partner_reads_its_own_trainings_and_a_focal_point_names_only_their_country() {
    let (mut app, dir) = app().await;
    let store = super::store_of(&dir).await;
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
    let other = store.training_id("2020-07").await.unwrap().unwrap();
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
    let t = store.training_id("2020-02").await.unwrap().unwrap();
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
    let (app, dir) = app().await;
    let store = super::store_of(&dir).await;
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
    let t = store.training_id("2020-02").await.unwrap().unwrap();
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
