//! A page offers a control only to whom its operation allows, and every role keeps the
//! layout, even on a refusal: each role's navigation and buttons, checked against what the
//! same requests answer.

use axum::http::StatusCode;
use cadre_core::access::{Grant, Role};

use super::{get_as, sqlite, Actor};

const PASSWORD: &str = "a password long enough";

async fn cookie(site: &super::Site, email: &str, grant: Grant) -> String {
    site.app
        .add_user(&Actor::local(), email, &grant, PASSWORD)
        .await
        .unwrap();
    let signed = site
        .app
        .sign_in(email, PASSWORD, "127.0.0.1", None)
        .await
        .unwrap();
    format!("{}={}", cadre_web::COOKIE, signed.secret)
}

#[tokio::test]
async fn each_role_is_offered_only_the_controls_that_work_for_it() {
    let site = sqlite().await;
    let training = site.id_of("2020-03").await;
    let roles = [
        ("coordinator", Grant::plain(Role::Coordinator), true, true),
        ("viewer", Grant::plain(Role::Viewer), false, false),
        (
            "focal",
            Grant::new(Role::FocalPoint, ["JM".to_string()], []).unwrap(),
            false,
            true,
        ),
        (
            "partner",
            Grant::new(Role::Partner, [], ["UNODC".to_string()]).unwrap(),
            false,
            false,
        ),
    ];
    for (name, grant, edits, lists_people) in roles {
        let c = cookie(&site, &format!("{name}@agency.example"), grant).await;
        let get = |uri: String| {
            let c = c.clone();
            let site = &site;
            async move { site.send(get_as(&uri, &c)).await }
        };
        let (_, _, home) = get("/".into()).await;
        assert_eq!(home.contains("href=\"/imports\""), edits, "{name}: Imports");
        assert_eq!(
            home.contains("href=\"/participants\""),
            lists_people,
            "{name}: Participants"
        );
        // What the navigation offers answers; what it leaves out would be refused.
        let (status, _, _) = get("/imports".into()).await;
        assert_eq!(status == StatusCode::OK, edits, "{name}: /imports {status}");
        let (status, _, _) = get("/participants".into()).await;
        assert_eq!(
            status == StatusCode::OK,
            lists_people,
            "{name}: /participants {status}"
        );
        let (_, _, list) = get("/trainings".into()).await;
        assert_eq!(list.contains("href=\"/trainings/new\""), edits, "{name}");
        let (status, _, _) = get("/trainings/new".into()).await;
        assert_eq!(status == StatusCode::OK, edits, "{name}: /trainings/new");
        let (status, _, page) = get(format!("/trainings/{training}")).await;
        if status == StatusCode::OK {
            for control in ["Delete session", "Add a session", "/edit\""] {
                assert_eq!(page.contains(control), edits, "{name}: {control}");
            }
        }
        let (_, _, partners) = get("/partners".into()).await;
        assert_eq!(partners.contains("href=\"/partners/new\""), edits, "{name}");
        // A refusal keeps the layout: the navigation and the way out.
        if !edits {
            let (status, _, refused) = get("/trainings/new".into()).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
            assert!(refused.contains("aria-label=\"Main\""), "{name}: {refused}");
            assert!(refused.contains("Sign out"), "{name}");
        }
    }
}
