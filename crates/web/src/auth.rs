//! Who is asking: the sign-in cookie or an API token, read once per request into the
//! [`Actor`] every handler passes to the application layer (which decides what they may do).
//! Someone not signed in is sent to the sign-in page (the API answers 401); only the sign-in
//! page, the styles and published reports are open to them. Also the sign-in and sign-out
//! pages themselves.

use std::net::SocketAddr;
use std::ops::Deref;

use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Form;
use cadre_app::{Actor, AppError};
use serde::Deserialize;

use crate::error::{PageResult, WebError};
use crate::view::{page_with, see_other};
use crate::AppState;

tokio::task_local! {
    /// Who the page being made is for, for the layout (their name, the links their role
    /// opens). Set around each request; the answers kept by the ETag cache are per viewer.
    static VIEWER: Viewer;
}

/// What the site's layout says of who is signed in.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub name: String,
    pub signed_in: bool,
    pub admin: bool,
    pub corrections: bool,
    /// What they may do: a page offers a control only where its operation would be allowed.
    pub can: cadre_app::Abilities,
    /// What the page says of the step that led to it (`?notice=saved` after a save...).
    pub notice: Option<&'static str>,
    /// The agency's name, logo, colours, time zone and date style.
    pub face: std::sync::Arc<cadre_app::domain::agency::Face>,
}

impl Viewer {
    /// The stylesheet's variables for the agency's colours.
    pub fn colours(&self) -> String {
        format!(
            ":root {{ --brand: {}; --brand-dark: {}; --accent: {}; }}",
            self.face.colour.hex(),
            self.face.colour.darker().hex(),
            self.face.accent.hex()
        )
    }

    /// A kept time (RFC 3339, UTC) in the agency's time zone and date style.
    pub fn when(&self, kept: &str) -> String {
        cadre_render::face::when(kept, &self.face)
    }

    /// The day of a kept time (RFC 3339, UTC), in the agency's time zone and date style.
    pub fn day(&self, kept: &str) -> String {
        cadre_render::face::day(kept, &self.face)
    }

    /// The time zone times are shown in.
    pub fn zone(&self) -> String {
        cadre_render::face::zone_label(&self.face)
    }

    /// The logo's address, which changes with the logo (so a browser's copy is never stale).
    pub fn logo_src(&self) -> Option<String> {
        self.face.logo.as_ref().map(|l| {
            format!(
                "/assets/agency/logo?v={}",
                crate::assets::short_digest(&l.bytes)
            )
        })
    }

    /// The favicon's address, which changes with the short name and colour.
    pub fn favicon_src(&self) -> String {
        format!(
            "/assets/agency/favicon.svg?v={}",
            crate::assets::short_digest(cadre_render::face::favicon_svg(&self.face).as_bytes())
        )
    }
}

/// The words of a `notice=` code a redirect after a save, a merge or a delete adds to the
/// address it sends to; an unknown code says nothing.
fn notice_of(query: Option<&str>) -> Option<&'static str> {
    let code = query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("notice="))?;
    Some(match code {
        "saved" => "Saved.",
        "saved-merged" => "Saved. Someone else had changed other fields meanwhile: their changes are kept with yours.",
        "added" => "Added.",
        "deleted" => "Deleted.",
        "merged" => "The two records are merged into this one: its attendance is theirs together.",
        "session-added" => "The session is added.",
        "session-deleted" => "The session is deleted.",
        _ => return None,
    })
}

/// Who the page being made is for (nobody outside a request).
pub fn viewer() -> Viewer {
    VIEWER.try_with(Viewer::clone).unwrap_or_default()
}

/// The sign-in cookie's name.
pub const COOKIE: &str = "cadre_session";

/// What every handler is given: the server's state and who is asking.
#[derive(Clone)]
pub struct Ctx {
    pub state: AppState,
    pub actor: Actor,
    /// The sign-in's secret, when the request came with one (to sign out).
    secret: Option<String>,
}

impl Deref for Ctx {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.state
    }
}

/// Who the middleware found (kept in the request's extensions).
#[derive(Clone)]
struct Found {
    actor: Actor,
    secret: Option<String>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Ctx, Self::Rejection> {
        let found = parts.extensions.get::<Found>().cloned();
        Ok(Ctx {
            state: state.clone(),
            actor: found
                .as_ref()
                .map(|f| f.actor.clone())
                .unwrap_or_else(Actor::anonymous),
            secret: found.and_then(|f| f.secret),
        })
    }
}

/// The secret of the sign-in cookie, if the request has one.
fn cookie_secret(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The token of an `Authorization: Bearer` header.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty() && t.len() <= 128)
}

/// Paths open to someone not signed in.
fn public(path: &str) -> bool {
    path == "/sign-in"
        || path == "/reports"
        || path == "/favicon.ico"
        || path.starts_with("/assets/")
        || path.starts_with("/reports/")
}

/// The address the request came from: the peer, or with `--trust-proxy` the address the proxy
/// in front says it served (the last entry of `X-Forwarded-For`, the one that proxy added;
/// any before it came from the browser and prove nothing). Failed sign-ins are counted by
/// this address, so behind a proxy without it every browser would share the proxy's.
fn address_of(req: &Request, trust_proxy: bool) -> String {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    if !trust_proxy {
        return peer;
    }
    forwarded_for(req.headers()).unwrap_or(peer)
}

/// The last address of `X-Forwarded-For`, when it is one.
fn forwarded_for(headers: &HeaderMap) -> Option<String> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()?;
    let ip: std::net::IpAddr = last.trim().parse().ok()?;
    Some(ip.to_string())
}

/// Finds who is asking, and turns away someone not signed in from what is not public.
pub(crate) async fn identify(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let address = address_of(&req, state.trust_proxy);
    let path = req.uri().path().to_string();
    let api = path.starts_with("/api/");
    let mut found = None;
    // A token is for programs calling the API; a browser signs in with the cookie.
    if api {
        if let Some(token) = bearer(req.headers()) {
            match state.app.token_actor(&token, &address).await {
                Ok(Some(actor)) => {
                    found = Some(Found {
                        actor,
                        secret: None,
                    })
                }
                Ok(None) => {
                    return unauthorized(
                        "the token is not valid: it may have expired or been revoked",
                    )
                }
                Err(e) => return WebError::App(e).into_response(),
            }
        }
    }
    if found.is_none() {
        if let Some(secret) = cookie_secret(req.headers()) {
            match state.app.signed_in(&secret, &address).await {
                Ok(Some(actor)) => {
                    found = Some(Found {
                        actor,
                        secret: Some(secret),
                    })
                }
                Ok(None) => {}
                Err(e) => return WebError::App(e).into_response(),
            }
        }
    }
    let found = match found {
        Some(f) => f,
        None if public(&path) || path == "/api/v1/openapi.json" => Found {
            actor: Actor::anonymous().from_address(address),
            secret: None,
        },
        None if api => {
            return unauthorized("sign in, or send an API token as Authorization: Bearer")
        }
        None => {
            let next_path = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            return see_other(&format!(
                "/sign-in?next={}",
                crate::view::url_encode(&next_path)
            ));
        }
    };
    let viewer = Viewer {
        name: found.actor.name.clone(),
        signed_in: found.actor.grant.is_some(),
        admin: found
            .actor
            .may(cadre_app::domain::access::Action::ManageUsers),
        corrections: found
            .actor
            .may(cadre_app::domain::access::Action::ProposeCorrection),
        can: found.actor.abilities(),
        notice: notice_of(req.uri().query()),
        face: state.live.face(&state.app).await,
    };
    req.extensions_mut().insert(found);
    VIEWER.scope(viewer, next.run(req)).await
}

/// Who the answer is for, as the cache of answers tells viewers apart: a short hash for the
/// ETag, and the whole key (name, role, scope, read-only) for the answers kept.
pub(crate) fn viewer_key(req: &Request) -> (String, String) {
    use std::hash::{Hash, Hasher};
    let key = match req.extensions().get::<Found>() {
        Some(f) => format!("{}|{:?}|{}", f.actor.name, f.actor.grant, f.actor.read_only),
        None => "anonymous".to_string(),
    };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    (format!("{:x}", h.finish()), key)
}

fn unauthorized(why: &str) -> Response {
    let mut res =
        crate::api::Problem::new(StatusCode::UNAUTHORIZED, "Not signed in", why).into_response();
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"cadre\""),
    );
    res
}

pub(crate) fn table() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::GET, "/sign-in", get(sign_in_page)),
        (Method::POST, "/sign-in", post(sign_in)),
        (Method::POST, "/sign-out", post(sign_out)),
        (
            Method::POST,
            "/sign-out-everywhere",
            post(sign_out_everywhere),
        ),
    ]
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    nav: &'static str,
    email: String,
    next: String,
    problem: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

/// The longest address a sign-in goes back to (longer ones are not this site's pages).
const MAX_NEXT: usize = 2000;

/// Only a path of this site: never another host. Browsers drop tabs and newlines from an
/// address and read a backslash as a slash, so `/\t/evil.example` and `/\\evil.example` are
/// `//evil.example`; any control or format character, backslash or second leading slash sends
/// the reader to `/` instead.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.len() <= MAX_NEXT
                && n.starts_with('/')
                && !n[1..].starts_with('/')
                && !n.contains('\\')
                && !n
                    .chars()
                    .any(|c| c.is_control() || cadre_app::domain::text::is_format(c)) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

async fn sign_in_page(Query(q): Query<NextQuery>) -> PageResult<Response> {
    page_with(
        StatusCode::OK,
        SignInPage {
            nav: "",
            email: String::new(),
            next: safe_next(q.next.as_deref()),
            problem: None,
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// Whether the cookie goes only over HTTPS: told so (`--secure-cookies`), or the proxy in
/// front says the browser came over HTTPS (trusting the header can only make the cookie
/// stricter).
fn secure(s: &Ctx, headers: &HeaderMap) -> bool {
    s.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

async fn sign_in(s: Ctx, headers: HeaderMap, Form(f): Form<SignInForm>) -> PageResult<Response> {
    let next = safe_next(f.next.as_deref());
    match s
        .app
        .sign_in(&f.email, &f.password, &s.actor.address, s.secret.as_deref())
        .await
    {
        Ok(signed) => {
            let mut res = see_other(&next);
            if let Ok(v) =
                HeaderValue::from_str(&cookie(&signed.secret, secure(&s, &headers), None))
            {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(e @ (AppError::SignIn | AppError::Throttled { .. })) => {
            let status = match e {
                AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            page_with(
                status,
                SignInPage {
                    nav: "",
                    email: f.email.chars().take(cadre_app::MAX_EMAIL).collect(),
                    next,
                    problem: Some(e.to_string()),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The cookie's header: only over HTTP (no script reads it), sent with same-site requests and
/// top-level links, Secure when served over HTTPS. Without Max-Age it ends with the browser;
/// the server ends it sooner (idle and absolute expiry).
fn cookie(value: &str, secure: bool, max_age: Option<u32>) -> String {
    let mut c = format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

fn signed_out(secure: bool) -> Response {
    let mut res = see_other("/sign-in");
    if let Ok(v) = HeaderValue::from_str(&cookie("", secure, Some(0))) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

async fn sign_out(s: Ctx, headers: HeaderMap) -> PageResult<Response> {
    if let Some(secret) = &s.secret {
        s.app.sign_out(&s.actor, secret).await?;
    }
    Ok(signed_out(secure(&s, &headers)))
}

async fn sign_out_everywhere(s: Ctx, headers: HeaderMap) -> PageResult<Response> {
    if s.actor.account.is_some() {
        s.app.sign_out_everywhere(&s.actor).await?;
    }
    Ok(signed_out(secure(&s, &headers)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_s_own_entry_of_x_forwarded_for_is_the_address() {
        let mut h = HeaderMap::new();
        assert_eq!(forwarded_for(&h), None);
        h.append(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        assert_eq!(forwarded_for(&h).as_deref(), Some("198.51.100.7"));
        h.append("x-forwarded-for", " 2001:db8::1 ".parse().unwrap());
        assert_eq!(forwarded_for(&h).as_deref(), Some("2001:db8::1"));
        h.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(forwarded_for(&h), None);
    }

    #[test]
    fn only_paths_of_this_site_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/trainings?page=2")), "/trainings?page=2");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        // Known ways past a check of the first two characters.
        for bypass in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\u{0}/evil.example",
            "/\u{200b}/evil.example",
            "/\u{202e}/evil.example",
            "\\/evil.example",
            "/\\/evil.example",
            "\\\\evil.example",
            "https:evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "//evil.example",
            "///evil.example",
            " //evil.example",
            "\t//evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bypass)), "/", "{bypass:?}");
        }
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(3000)))), "/");
        assert_eq!(safe_next(Some("/reports/2020")), "/reports/2020");
    }

    #[test]
    fn the_cookie_is_http_only_and_same_site() {
        let c = cookie("abc", false, None);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(cookie("abc", true, None).contains("; Secure"));
    }

    #[test]
    fn the_secret_is_read_from_among_other_cookies() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; cadre_session=s3cr3t; other=1"),
        );
        assert_eq!(cookie_secret(&h).as_deref(), Some("s3cr3t"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer cadre_x"),
        );
        assert_eq!(bearer(&h).as_deref(), Some("cadre_x"));
    }
}
