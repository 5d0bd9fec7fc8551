//! Signing in and out, throttling, expiry, tokens, and the last admin.

use std::collections::BTreeMap;

use cadre_app::{Actor, AppError};
use cadre_core::access::{Grant, Role};

use crate::{app, hashed, now, with_account, PASSWORD};

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
    // So is every attempt turned away while throttled.
    let throttled = app
        .audit_entries(
            &Actor::local(),
            &cadre_store::AuditFilter {
                action: Some("sign-in-throttled".into()),
                ..Default::default()
            },
            None,
            1000,
        )
        .await
        .unwrap();
    assert_eq!(throttled.len(), 3, "{throttled:?}");
    assert!(throttled
        .iter()
        .any(|e| e.actor == "unknown@agency.example"));
}

/// A backup that could not be written is in the trail as a failure, not only as an export.
#[tokio::test]
async fn a_failed_backup_is_recorded_as_failed() {
    let (app, dir) = app().await;
    let path = dir.path().join("no-such-folder").join("backup.db");
    assert!(app
        .backup(&Actor::local(), &path, &mut |_, _| {})
        .await
        .is_err());
    let failed = app
        .audit_entries(
            &Actor::local(),
            &cadre_store::AuditFilter {
                action: Some("export-failed".into()),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0].detail.contains("backup.db"),
        "{}",
        failed[0].detail
    );
}

#[tokio::test]
async fn a_sign_in_ends_when_idle_too_old_signed_out_or_its_password_is_reset() {
    let (app, dir) = app().await;
    let store = super::store_of(&dir).await;
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
        store
            .begin_sign_in(&hashed(&secret), account, begun, None)
            .await
            .unwrap();
        store.touch_sign_in(&hashed(&secret), seen).await.unwrap();
        assert!(app.signed_in(&secret, "").await.unwrap().is_none());
        assert!(store.sign_in(&hashed(&secret)).await.unwrap().is_none());
    }

    // Signing out everywhere ends every browser's sign-in.
    let other = app
        .sign_in("c@agency.example", PASSWORD, "", None)
        .await
        .unwrap();
    assert_eq!(app.sign_out_everywhere(&who).await.unwrap(), 2);
    assert!(app.signed_in(&second.secret, "").await.unwrap().is_none());
    assert!(app.signed_in(&other.secret, "").await.unwrap().is_none());

    // A password reset, a disabled account and a changed role do too: what was signed in
    // under the old role signs in again under the new one.
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
    assert!(app.signed_in(&s.secret, "").await.unwrap().is_none());
    let s = app
        .sign_in("c@agency.example", PASSWORD, "", None)
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
    let (app, dir) = app().await;
    let store = super::store_of(&dir).await;
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
    assert!(store.token_by_hash(&rw.secret).await.unwrap().is_none());

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
    store
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

/// A sign-in with a huge e-mail, or one holding a line break, fails like any other; what the
/// trail keeps of it is bounded and cannot forge a line of `cadre audit list`.
#[tokio::test]
async fn a_huge_or_multi_line_e_mail_is_bounded_before_it_is_kept() {
    let (app, _dir) = app().await;
    let huge = format!("{}@agency.example", "a".repeat(1_000_000));
    let forged = "x@agency.example\n2026-01-01T00:00:00Z admin signed-in";
    for email in [huge.as_str(), forged] {
        let e = app
            .sign_in(email, "wrong password!", "10.0.0.9", None)
            .await;
        assert!(matches!(e, Err(AppError::SignIn)), "{e:?}");
    }
    let failed = app
        .audit_entries(
            &Actor::local(),
            &cadre_store::AuditFilter {
                action: Some("sign-in-failed".into()),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(failed.len(), 2);
    for entry in &failed {
        assert!(entry.actor.chars().count() <= 121, "{}", entry.actor.len());
        assert!(!entry.actor.contains('\n'), "{:?}", entry.actor);
    }
    assert!(failed[0].actor.contains("\\u{a}"), "{:?}", failed[0].actor);
}

/// A token's use is in the audit trail (once an hour, not once a call), and so is every read
/// of participants' personal data through a token.
#[tokio::test]
async fn token_use_and_reads_of_personal_data_through_a_token_are_audited() {
    let (app, _dir) = app().await;
    with_account(&app, "c@agency.example", Role::Coordinator).await;
    let secret = app
        .create_token(&Actor::local(), "c@agency.example", true, 30, "sync")
        .await
        .unwrap()
        .secret;
    let created = app
        .create_participant(
            &Actor::local(),
            &[
                ("given_name", "Ana"),
                ("family_name", "Rivera"),
                ("email", "ana@example.org"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        )
        .await
        .unwrap();
    let entries = |action: &'static str| {
        let app = app.clone();
        async move {
            app.audit_entries(
                &Actor::local(),
                &cadre_store::AuditFilter {
                    action: Some(action.into()),
                    ..Default::default()
                },
                None,
                100,
            )
            .await
            .unwrap()
        }
    };
    for _ in 0..3 {
        let actor = app.token_actor(&secret, "10.0.0.5").await.unwrap().unwrap();
        app.participants(&actor, None, 0, 10).await.unwrap();
        app.participant(&actor, created.id).await.unwrap();
    }
    assert_eq!(entries("token-used").await.len(), 1, "once an hour");
    let reads = entries("read").await;
    assert_eq!(reads.len(), 6, "{reads:?}");
    assert!(reads
        .iter()
        .all(|e| e.actor == "c@agency.example" && e.address == "10.0.0.5"));
    assert!(reads.iter().any(|e| e.record_id == Some(created.id)));
    // Read in a page (no token), nothing is noted.
    let page = Actor::new("c@agency.example", Grant::plain(Role::Coordinator));
    app.participants(&page, None, 0, 10).await.unwrap();
    assert_eq!(entries("read").await.len(), 6);
}
