//! Sign-in and the site's borders, in-process: a write from another site is refused, pages
//! tell other hosts nothing, and someone not signed in is sent to sign in.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use super::{encode, get_as, post_as, sqlite};

#[tokio::test]
async fn a_write_from_another_site_is_refused() {
    let site = sqlite().await;
    let (status, _, _) = site
        .send(
            Request::post("/partners")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "cross-site")
                .header(header::ORIGIN, "http://evil.example")
                .body(Body::from("name=Evil"))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, partners) = site.get("/partners").await;
    assert!(!partners.contains("Evil"));
}

#[tokio::test]
async fn pages_say_nothing_to_other_hosts() {
    let site = sqlite().await;
    let (_, headers, body) = site
        .send(Request::get("/").body(Body::empty()).unwrap())
        .await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"));
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(headers.contains_key(header::REFERRER_POLICY));
    // The same on what someone not signed in meets.
    let (_, headers, _) = site
        .send(
            Request::get("/sign-in")
                .header(header::COOKIE, "x=y")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
    for other_host in ["src=\"http", "href=\"http", "url(http", "action=\"http"] {
        assert!(
            !body.contains(other_host),
            "no request to another host: {other_host}"
        );
    }
    assert!(body.contains("href=\"#main\""), "a skip link");
}

#[tokio::test]
async fn someone_not_signed_in_is_sent_to_sign_in_and_a_wrong_password_is_refused() {
    let site = sqlite().await;
    for path in ["/", "/trainings", "/participants", "/report"] {
        let (status, headers, _) = site.send(get_as(path, "cadre_session=not-a-sign-in")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        let to = headers[header::LOCATION].to_str().unwrap();
        assert!(to.starts_with("/sign-in?next="), "{path} -> {to}");
    }
    let (status, _, body) = site.send(get_as("/sign-in", "x=y")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("name=\"password\""));
    // A wrong password and an unknown e-mail get the same answer.
    let mut answers = Vec::new();
    for email in ["coordinator@example.org", "nobody@example.org"] {
        let form = format!(
            "email={}&password=not+the+password+at+all&next=%2F",
            encode(email)
        );
        let (status, headers, body) = site.send(post_as("/sign-in", "x=y", &[], form)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(!headers.contains_key(header::SET_COOKIE));
        answers.push(body.replace(email, "EMAIL"));
    }
    assert_eq!(
        answers[0], answers[1],
        "no hint of whether the account exists"
    );
    // The right password signs in with a new, HttpOnly, SameSite cookie and goes where asked.
    const RIGHT: &str = "email=coordinator%40example.org&password=a+password+long+enough";
    let planted = "cadre_session=planted-by-someone-else";
    let form = format!("{RIGHT}&next=%2Ftrainings");
    let (status, headers, _) = site.send(post_as("/sign-in", planted, &[], form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/trainings");
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP on loopback: {cookie}"
    );
    assert!(
        !cookie.contains("planted-by-someone-else"),
        "a new session id at sign-in"
    );
    let new = cookie.split(';').next().unwrap().to_string();
    let (status, _, page) = site.send(get_as("/trainings", &new)).await;
    assert_eq!(status, StatusCode::OK);
    // The layout names who is signed in, and offers only what their role opens.
    assert!(page.contains("coordinator@example.org"));
    assert!(
        !page.contains("href=\"/admin/users\""),
        "no admin link for a coordinator"
    );
    // Signing out ends that sign-in: the cookie no longer opens a page.
    let (status, _, _) = site
        .send(post_as("/sign-out", &new, &[], String::new()))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = site.send(get_as("/trainings", &new)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Behind a proxy that says the browser came over HTTPS, the cookie is sent only so.
    let https = [("x-forwarded-proto", "https")];
    let (_, headers, _) = site
        .send(post_as(
            "/sign-in",
            "x=y",
            &https,
            format!("{RIGHT}&next=%2F"),
        ))
        .await;
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}
