//! Accounts through the application layer on a real SQLite store: who may manage them, and a
//! sign-in that answers alike for a wrong password, an unknown e-mail and a disabled account.

use cadre_app::{Actor, App, AppError};
use cadre_core::access::{Grant, Role};
use cadre_store::Store;

#[tokio::test]
async fn only_an_admin_manages_accounts_and_sign_in_tells_nothing_of_who_exists() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    let app = App::new(Store::open(&url).await.unwrap());
    let admin = Actor::new("admin", Grant::plain(Role::Admin));
    let coordinator = Actor::new("coordinator", Grant::plain(Role::Coordinator));
    let viewer = Grant::plain(Role::Viewer);

    let refused = app
        .add_user(
            &coordinator,
            "v@agency.example",
            &viewer,
            "a long enough secret",
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    assert!(matches!(
        app.users(&coordinator).await,
        Err(AppError::Forbidden(_))
    ));

    app.add_user(&admin, "V@Agency.example", &viewer, "a long enough secret")
        .await
        .unwrap();
    let signed_in = app
        .check_sign_in(" v@agency.EXAMPLE ", "a long enough secret")
        .await
        .unwrap()
        .expect("the right password signs in, the e-mail compared without case");
    assert_eq!(signed_in.grant, viewer);
    assert_eq!(signed_in.email, "V@Agency.example");
    for (email, password) in [
        ("v@agency.example", "a long enough secreT"),
        ("nobody@agency.example", "a long enough secret"),
        ("v@agency.example", ""),
    ] {
        assert!(app.check_sign_in(email, password).await.unwrap().is_none());
    }
    app.set_user_disabled(&admin, "v@agency.example", true)
        .await
        .unwrap();
    assert!(app
        .check_sign_in("v@agency.example", "a long enough secret")
        .await
        .unwrap()
        .is_none());
    app.set_user_disabled(&admin, "v@agency.example", false)
        .await
        .unwrap();
    app.reset_password(&admin, "v@agency.example", "another long secret")
        .await
        .unwrap();
    assert!(app
        .check_sign_in("v@agency.example", "a long enough secret")
        .await
        .unwrap()
        .is_none());
    assert!(app
        .check_sign_in("v@agency.example", "another long secret")
        .await
        .unwrap()
        .is_some());
}

/// A password reset, a disabled account and a new role or scope each end what the account was
/// signed in and handed tokens as; the same role given again ends nothing.
#[tokio::test]
async fn a_reset_a_disabling_or_a_new_role_revokes_tokens_and_sign_ins() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    let app = App::new(Store::open(&url).await.unwrap());
    let admin = Actor::new("admin", Grant::plain(Role::Admin));
    let coordinator = Grant::plain(Role::Coordinator);
    app.add_user(
        &admin,
        "c@agency.example",
        &coordinator,
        "a long enough secret",
    )
    .await
    .unwrap();

    // Each change, with a fresh token and sign-in before it.
    let changes: [(&str, Grant); 4] = [
        ("reset", coordinator.clone()),
        ("disabled", coordinator.clone()),
        ("role", Grant::plain(Role::Viewer)),
        (
            "scope",
            Grant::new(Role::FocalPoint, ["JM".to_string()], []).unwrap(),
        ),
    ];
    for (change, grant) in changes {
        let token = app
            .create_token(&admin, "c@agency.example", false, 30, "sync")
            .await
            .unwrap()
            .secret;
        let session = app
            .sign_in(
                "c@agency.example",
                "a long enough secret",
                "127.0.0.1",
                None,
            )
            .await
            .unwrap()
            .secret;
        assert!(app
            .token_actor(&token, "127.0.0.1")
            .await
            .unwrap()
            .is_some());
        // The same grant again changes nothing.
        let now = app
            .users(&admin)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.email == "c@agency.example")
            .unwrap()
            .grant;
        app.set_role(&admin, "c@agency.example", &now)
            .await
            .unwrap();
        assert!(app
            .token_actor(&token, "127.0.0.1")
            .await
            .unwrap()
            .is_some());
        match change {
            "reset" => app
                .reset_password(&admin, "c@agency.example", "a long enough secret")
                .await
                .unwrap(),
            "disabled" => {
                app.set_user_disabled(&admin, "c@agency.example", true)
                    .await
                    .unwrap();
                app.set_user_disabled(&admin, "c@agency.example", false)
                    .await
                    .unwrap();
            }
            _ => app
                .set_role(&admin, "c@agency.example", &grant)
                .await
                .unwrap(),
        }
        assert!(
            app.token_actor(&token, "127.0.0.1")
                .await
                .unwrap()
                .is_none(),
            "the token outlived a {change}"
        );
        assert!(
            app.signed_in(&session, "127.0.0.1")
                .await
                .unwrap()
                .is_none(),
            "the sign-in outlived a {change}"
        );
    }
}

/// A password of spaces, a scope naming no known country or partner: refused.
#[tokio::test]
async fn blank_passwords_and_unknown_scopes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    let app = App::new(Store::open(&url).await.unwrap());
    let admin = Actor::new("admin", Grant::plain(Role::Admin));
    let refused = app
        .add_user(
            &admin,
            "v@agency.example",
            &Grant::plain(Role::Viewer),
            &" ".repeat(12),
        )
        .await;
    assert!(matches!(refused, Err(AppError::Invalid(_))), "{refused:?}");
    let refused = app
        .add_user(
            &admin,
            "f@agency.example",
            &Grant::new(Role::FocalPoint, ["ZZ".to_string()], []).unwrap(),
            "a long enough secret",
        )
        .await;
    match refused {
        Err(AppError::Invalid(why)) => assert!(why.contains("\"ZZ\""), "{why}"),
        other => panic!("{other:?}"),
    }
    let refused = app
        .add_user(
            &admin,
            "p@agency.example",
            &Grant::new(Role::Partner, [], ["NOPE".to_string()]).unwrap(),
            "a long enough secret",
        )
        .await;
    assert!(matches!(refused, Err(AppError::Invalid(_))), "{refused:?}");
}
