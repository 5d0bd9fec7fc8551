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
