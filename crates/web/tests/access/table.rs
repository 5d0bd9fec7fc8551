//! The matrix itself: every route, the request made of it, and what each kind of account
//! meets there.

pub(crate) const WHO: [&str; 8] = [
    "admin",
    "coordinator",
    "viewer",
    "focal point of the record's country (JM)",
    "focal point of another (TT)",
    "partner of the training (UNODC)",
    "partner of another (ComSec)",
    "not signed in",
];

/// What a request meets: `A` answered (the page, the record, or a refusal of what was sent:
/// 400, 409, 422, all after the access check), `F` forbidden (403), `N` not there for them
/// (404: a record outside their scope, as if it did not exist), `S` sent to sign in (a
/// redirect to the sign-in page, 401, or 429 for a sign-in throttled). A 5xx is `E`, which
/// no row expects.
pub(crate) type Expect = &'static str;

pub(crate) struct Row {
    pub method: &'static str,
    /// The route's pattern, as the application declares it.
    pub route: &'static str,
    /// The request made: `{T}` a training of UNODC's with attendance, `{P}` a participant of
    /// Jamaica, `{P2}` one of Trinidad and Tobago, `{S}` a session of `{T}`, `{partner}` a
    /// partner, `{new_session}` / `{new_partner}` a record made afresh for each request (a
    /// delete that is allowed takes it), `{token}` an API token of the coordinator's (only
    /// they and an admin may revoke it: allowed, it is made afresh), `{account}` an account.
    pub uri: &'static str,
    pub body: Body_,
    pub expect: Expect,
}

#[derive(Clone, Copy)]
pub(crate) enum Body_ {
    None,
    Form(&'static str),
    Json(&'static str),
    Multipart,
}

use Body_::{Form, Json, Multipart, None as Empty};

const fn row(
    method: &'static str,
    route: &'static str,
    uri: &'static str,
    body: Body_,
    expect: Expect,
) -> Row {
    Row {
        method,
        route,
        uri,
        body,
        expect,
    }
}

//                                                              admin, coordinator, viewer, focal own, focal other, partner own, partner other, anonymous
pub(crate) const TABLE: &[Row] = &[
    // Pages anyone signed in reads.
    row("GET", "/", "/", Empty, "AAAAAAAS"),
    row("GET", "/trainings", "/trainings", Empty, "AAAAAAAS"),
    row(
        "GET",
        "/trainings/{id}",
        "/trainings/{T}",
        Empty,
        "AAAAAANS",
    ),
    row(
        "GET",
        "/report",
        "/report?kind=year&year=2020",
        Empty,
        "AAAAAAAS",
    ),
    row(
        "GET",
        "/report/download/{format}",
        "/report/download/json?kind=year&year=2020",
        Empty,
        "AAAAAAAS",
    ),
    row("GET", "/partners", "/partners", Empty, "AAAAAAAS"),
    row("GET", "/countries", "/countries", Empty, "AAAAAAAS"),
    row("GET", "/departments", "/departments", Empty, "AAAAAAAS"),
    // Trainings and sessions: coordinators and admins change them.
    row("POST", "/trainings", "/trainings", Form(""), "AAFFFFFS"),
    row("GET", "/trainings/new", "/trainings/new", Empty, "AAFFFFFS"),
    row(
        "POST",
        "/trainings/{id}",
        "/trainings/{T}",
        Form("version=999"),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/trainings/{id}/edit",
        "/trainings/{T}/edit",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/trainings/{id}/delete",
        "/trainings/{T}/delete",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "POST",
        "/trainings/{id}/delete",
        "/trainings/{T}/delete",
        Form(""),
        "AAFFFFFS",
    ),
    row(
        "POST",
        "/trainings/{id}/sessions",
        "/trainings/{T}/sessions",
        Form(""),
        "AAFFFFNS",
    ),
    row(
        "POST",
        "/sessions/{id}/delete",
        "/sessions/{new_session}/delete",
        Form(""),
        "AAFFFFNS",
    ),
    // Corrections: a partner proposes to its own trainings, a coordinator or an admin reviews.
    row(
        "GET",
        "/trainings/{id}/correct",
        "/trainings/{T}/correct",
        Empty,
        "AAFFFANS",
    ),
    row(
        "POST",
        "/trainings/{id}/corrections",
        "/trainings/{T}/corrections",
        Form("title="),
        "AAFFFANS",
    ),
    row("GET", "/corrections", "/corrections", Empty, "AAFFFAAS"),
    row(
        "POST",
        "/corrections/{id}/accept",
        "/corrections/{new_correction}/accept",
        Form(""),
        "AAFFFFFS",
    ),
    row(
        "POST",
        "/corrections/{id}/reject",
        "/corrections/{new_correction}/reject",
        Form("reason=not+so"),
        "AAFFFFFS",
    ),
    // Imports: coordinators and admins; a staged upload's token alone opens nothing.
    row("GET", "/imports", "/imports", Empty, "AAFFFFFS"),
    row("POST", "/imports", "/imports", Multipart, "AAFFFFFS"),
    row("GET", "/imports/new", "/imports/new", Empty, "AAFFFFFS"),
    row(
        "GET",
        "/imports/staged/{token}",
        "/imports/staged/no-such-upload",
        Empty,
        "NNFFFFFS",
    ),
    row(
        "POST",
        "/imports/staged/{token}",
        "/imports/staged/no-such-upload",
        Form(""),
        "NNFFFFFS",
    ),
    row(
        "GET",
        "/imports/staged/{token}/rejects.csv",
        "/imports/staged/no-such-upload/rejects.csv",
        Empty,
        "NNFFFFFS",
    ),
    row(
        "GET",
        "/imports/staged/{token}/rejects.xlsx",
        "/imports/staged/no-such-upload/rejects.xlsx",
        Empty,
        "NNFFFFFS",
    ),
    row(
        "POST",
        "/imports/staged/{token}/discard",
        "/imports/staged/no-such-upload/discard",
        Form(""),
        "NNFFFFFS",
    ),
    row(
        "GET",
        "/imports/staged/{token}/progress",
        "/imports/staged/no-such-upload/progress",
        Empty,
        "NNFFFFFS",
    ),
    // Participants: by name to coordinators, admins and the focal point of their country.
    row("GET", "/participants", "/participants", Empty, "AAFAAFFS"),
    row(
        "GET",
        "/participants/{id}",
        "/participants/{P}",
        Empty,
        "AAFANFFS",
    ),
    row(
        "POST",
        "/participants/{id}",
        "/participants/{P}",
        Form("version=999"),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/participants/{id}/edit",
        "/participants/{P}/edit",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/participants/merge",
        "/participants/merge?kept={P}&other={P2}",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "POST",
        "/participants/merge",
        "/participants/merge",
        Form("kept={P}&kept_version=999&other={P2}&other_version=999"),
        "AAFFFFFS",
    ),
    // Partners.
    row("POST", "/partners", "/partners", Form(""), "AAFFFFFS"),
    row("GET", "/partners/new", "/partners/new", Empty, "AAFFFFFS"),
    row(
        "POST",
        "/partners/{id}",
        "/partners/{partner}",
        Form("version=999"),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/partners/{id}/edit",
        "/partners/{partner}/edit",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "POST",
        "/partners/{id}/delete",
        "/partners/{new_partner}/delete",
        Form(""),
        "AAFFFFFS",
    ),
    // One's own account; the admins' pages.
    row("GET", "/account", "/account", Empty, "AAAAAAAS"),
    row(
        "POST",
        "/account/tokens",
        "/account/tokens",
        Form("days=1&label=matrix"),
        "AAAAAAAS",
    ),
    row(
        "POST",
        "/account/tokens/{id}/revoke",
        "/account/tokens/{token}/revoke",
        Form(""),
        "AAFFFFFS",
    ),
    row("GET", "/admin/users", "/admin/users", Empty, "AFFFFFFS"),
    row(
        "POST",
        "/admin/users",
        "/admin/users",
        Form("email=&role=viewer&password=short"),
        "AFFFFFFS",
    ),
    row(
        "POST",
        "/admin/users/{id}",
        "/admin/users/{account}",
        Form("action=nothing"),
        "AFFFFFFS",
    ),
    row("GET", "/admin/audit", "/admin/audit", Empty, "AFFFFFFS"),
    row("GET", "/admin/persons", "/admin/persons", Empty, "AFFFFFFS"),
    row(
        "POST",
        "/admin/persons/export",
        "/admin/persons/export",
        Form("email=nobody%40example.org"),
        "AFFFFFFS",
    ),
    row(
        "POST",
        "/admin/persons/erase",
        "/admin/persons/erase",
        Form("email=nobody%40example.org&confirm=yes"),
        "AFFFFFFS",
    ),
    // Where periods stand is read by everyone signed in; a coordinator submits, an admin
    // approves and reopens (a step the state does not allow is answered 409, after the
    // access check). A year with no training, so that no record is locked for other rows.
    row("GET", "/periods", "/periods", Empty, "AAAAAAAS"),
    row(
        "POST",
        "/periods/submit",
        "/periods/submit?year=2030",
        Form(""),
        "AAFFFFFS",
    ),
    row(
        "POST",
        "/periods/approve",
        "/periods/approve?year=2030",
        Form(""),
        "AFFFFFFS",
    ),
    row(
        "POST",
        "/periods/reopen",
        "/periods/reopen?year=2030",
        Form("reason=a+count+was+wrong"),
        "AFFFFFFS",
    ),
    // What the data-quality rules find is read by everyone signed in (a partner's, in its
    // trainings; duplicate persons only by those who merge); only an admin sets the rules.
    row("GET", "/quality", "/quality?year=2020", Empty, "AAAAAAAS"),
    row("GET", "/admin/rules", "/admin/rules", Empty, "AFFFFFFS"),
    row("POST", "/admin/backup", "/admin/backup", Empty, "AFFFFFFS"),
    // The agency's name, logo and colours: set by an admin, shown to everyone.
    row("GET", "/admin/agency", "/admin/agency", Empty, "AFFFFFFS"),
    row(
        "POST",
        "/admin/agency",
        "/admin/agency",
        Multipart,
        "AFFFFFFS",
    ),
    row(
        "POST",
        "/admin/rules/{rule}",
        "/admin/rules/no_partner",
        Form("enabled=on&severity=warning"),
        "AFFFFFFS",
    ),
    // Published reports are open to anyone; only an admin publishes.
    row("GET", "/reports", "/reports", Empty, "AAAAAAAA"),
    row(
        "POST",
        "/reports",
        "/reports?kind=year&year=2020",
        Form(""),
        "AFFFFFFF",
    ),
    // Publishing is confirmed first, on a page of its own.
    row(
        "GET",
        "/report/publish",
        "/report/publish?kind=year&year=2020",
        Empty,
        "AFFFFFFS",
    ),
    row("GET", "/reports/{slug}", "/reports/2020", Empty, "AAAAAAAA"),
    row(
        "GET",
        "/reports/{slug}/{file}",
        "/reports/2020/report.pdf",
        Empty,
        "AAAAAAAA",
    ),
    // Signing in and out, and the styles, are open.
    row("GET", "/sign-in", "/sign-in", Empty, "AAAAAAAA"),
    row(
        "POST",
        "/sign-in",
        "/sign-in",
        Form("email=nobody%40example.org&password=wrong+password+here"),
        "SSSSSSSS",
    ),
    row("POST", "/sign-out", "/sign-out", Form(""), "AAAAAAAS"),
    row(
        "POST",
        "/sign-out-everywhere",
        "/sign-out-everywhere",
        Form(""),
        "AAAAAAAS",
    ),
    row(
        "GET",
        "/assets/report.css",
        "/assets/report.css",
        Empty,
        "AAAAAAAA",
    ),
    row(
        "GET",
        "/assets/{file}",
        "/assets/cadre.css",
        Empty,
        "AAAAAAAA",
    ),
    row(
        "GET",
        "/assets/agency/favicon.svg",
        "/assets/agency/favicon.svg",
        Empty,
        "AAAAAAAA",
    ),
    row("GET", "/favicon.ico", "/favicon.ico", Empty, "AAAAAAAA"),
    // No logo is set in this world: there is none to show anyone.
    row(
        "GET",
        "/assets/agency/logo",
        "/assets/agency/logo",
        Empty,
        "NNNNNNNN",
    ),
    // The API: the same rules.
    row(
        "GET",
        "/api/v1/openapi.json",
        "/api/v1/openapi.json",
        Empty,
        "AAAAAAAA",
    ),
    row(
        "GET",
        "/api/v1/trainings",
        "/api/v1/trainings",
        Empty,
        "AAAAAAAS",
    ),
    row(
        "POST",
        "/api/v1/trainings",
        "/api/v1/trainings",
        Json(r#"{"code":"MATRIX","title":"Made by the matrix"}"#),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/trainings/{id}",
        "/api/v1/trainings/{T}",
        Empty,
        "AAAAAANS",
    ),
    row(
        "PUT",
        "/api/v1/trainings/{id}",
        "/api/v1/trainings/{T}",
        Json(r#"{"code":"2020-02","title":"Changed"}"#),
        "AAFFFFFS",
    ),
    row(
        "DELETE",
        "/api/v1/trainings/{id}",
        "/api/v1/trainings/{T}",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/trainings/{id}/attendance",
        "/api/v1/trainings/{T}/attendance",
        Empty,
        "AAAAAANS",
    ),
    row(
        "GET",
        "/api/v1/sessions",
        "/api/v1/sessions",
        Empty,
        "AAAAAAAS",
    ),
    row(
        "POST",
        "/api/v1/sessions",
        "/api/v1/sessions",
        Json(r#"{"training_code":"2020-02","start_date":"2020-03-10"}"#),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/sessions/{id}",
        "/api/v1/sessions/{S}",
        Empty,
        "AAAAAANS",
    ),
    row(
        "PUT",
        "/api/v1/sessions/{id}",
        "/api/v1/sessions/{S}",
        Json(r#"{"training_code":"2020-02","start_date":"2020-03-11"}"#),
        "AAFFFFFS",
    ),
    row(
        "DELETE",
        "/api/v1/sessions/{id}",
        "/api/v1/sessions/{S}",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/partners",
        "/api/v1/partners",
        Empty,
        "AAAAAAAS",
    ),
    row(
        "POST",
        "/api/v1/partners",
        "/api/v1/partners",
        Json(r#"{"name":"Made by the matrix"}"#),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/partners/{id}",
        "/api/v1/partners/{partner}",
        Empty,
        "AAAAAAAS",
    ),
    row(
        "PUT",
        "/api/v1/partners/{id}",
        "/api/v1/partners/{partner}",
        Json(r#"{"name":"Changed"}"#),
        "AAFFFFFS",
    ),
    row(
        "DELETE",
        "/api/v1/partners/{id}",
        "/api/v1/partners/{partner}",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/participants",
        "/api/v1/participants",
        Empty,
        "AAFAAFFS",
    ),
    row(
        "POST",
        "/api/v1/participants",
        "/api/v1/participants",
        Json(r#"{"given_name":"Made","family_name":"By the matrix"}"#),
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/participants/{id}",
        "/api/v1/participants/{P}",
        Empty,
        "AAFANFFS",
    ),
    row(
        "PUT",
        "/api/v1/participants/{id}",
        "/api/v1/participants/{P}",
        Json(r#"{"given_name":"Ann","family_name":"Lee"}"#),
        "AAFFFFFS",
    ),
    row(
        "DELETE",
        "/api/v1/participants/{id}",
        "/api/v1/participants/{P}",
        Empty,
        "AAFFFFFS",
    ),
    row(
        "GET",
        "/api/v1/report",
        "/api/v1/report?year=2020",
        Empty,
        "AAAAAAAS",
    ),
];
