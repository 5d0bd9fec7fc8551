//! The admins' pages: accounts (add, disable and enable, a new password, another role), the
//! audit trail (filtered by person, record, kind, action and period; checked whole), and one
//! participant's data (exported as JSON, or their identity erased). Each operation checks the
//! role in the application layer; these handlers only read forms and show results.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Form;
use cadre_app::domain::access::{Grant, Role};
use cadre_app::domain::audit::Entry;
use cadre_app::AppError;
use cadre_app::{Account, AuditFilter};
use serde::Deserialize;

use crate::error::{PageResult, WebError};
use crate::view::{page, page_with, see_other};
use crate::Ctx;

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    nav: &'static str,
    users: Vec<(Account, String)>,
    roles: Vec<&'static str>,
    notice: Option<String>,
    problem: Option<String>,
    email: String,
}

fn scope_of(g: &Grant) -> String {
    g.countries
        .iter()
        .chain(g.partners.iter())
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

async fn users_page(
    s: &Ctx,
    notice: Option<String>,
    problem: Option<String>,
    email: String,
) -> PageResult<UsersPage> {
    let users = s
        .app
        .users(&s.actor)
        .await?
        .into_iter()
        .map(|a| {
            let scope = scope_of(&a.grant);
            (a, scope)
        })
        .collect();
    Ok(UsersPage {
        nav: "admin",
        users,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        notice,
        problem,
        email,
    })
}

#[derive(Deserialize, Default)]
pub(crate) struct Done {
    done: Option<String>,
}

pub(crate) async fn users(s: Ctx, Query(q): Query<Done>) -> PageResult<Response> {
    let notice = q.done.map(|d| match d.as_str() {
        "added" => "The account was added.".to_string(),
        "saved" => "Saved.".to_string(),
        _ => String::new(),
    });
    page(users_page(&s, notice.filter(|n| !n.is_empty()), None, String::new()).await?)
}

/// The grant a form names: a role, and a comma-separated scope for a focal point's countries
/// or a partner account's partners.
fn grant_of(values: &BTreeMap<String, String>) -> Result<Grant, AppError> {
    let role = Role::parse(values.get("role").map(String::as_str).unwrap_or(""))
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let scope: Vec<String> = values
        .get("scope")
        .map(|s| s.split([',', ';']).map(|p| p.trim().to_string()).collect())
        .unwrap_or_default();
    let (countries, partners) = match role {
        Role::FocalPoint => (scope, Vec::new()),
        Role::Partner => (Vec::new(), scope),
        _ => (Vec::new(), Vec::new()),
    };
    Grant::new(role, countries, partners).map_err(|e| {
        AppError::Invalid(
            e.to_string()
                .replace("name it with --country", "name it under Scope")
                .replace("name it with --partner", "name it under Scope"),
        )
    })
}

pub(crate) async fn add_user(
    s: Ctx,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let email = values.get("email").cloned().unwrap_or_default();
    let password = values.get("password").cloned().unwrap_or_default();
    let result = match grant_of(&values) {
        Ok(grant) => s
            .app
            .add_user(&s.actor, &email, &grant, &password)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other("/admin/users?done=added")),
        Err(e @ (AppError::Invalid(_) | AppError::Fields(_))) => page_with(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            users_page(&s, None, Some(e.to_string()), email).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// One change to an account: `action` is `disable`, `enable`, `password` or `role`.
pub(crate) async fn change_user(
    s: Ctx,
    Path(id): Path<i64>,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let account = s
        .app
        .users(&s.actor)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(WebError::NotFound)?;
    let email = account.email.as_str();
    let result = match values.get("action").map(String::as_str) {
        Some("disable") => s.app.set_user_disabled(&s.actor, email, true).await,
        Some("enable") => s.app.set_user_disabled(&s.actor, email, false).await,
        Some("password") => {
            let password = values.get("password").map(String::as_str).unwrap_or("");
            s.app.reset_password(&s.actor, email, password).await
        }
        Some("role") => match grant_of(&values) {
            Ok(grant) => s.app.set_role(&s.actor, email, &grant).await,
            Err(e) => Err(e),
        },
        _ => Err(AppError::Invalid("say what to change".into())),
    };
    match result {
        Ok(()) => Ok(see_other("/admin/users?done=saved")),
        Err(e @ AppError::Invalid(_)) => page_with(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            users_page(&s, None, Some(format!("{email}: {e}")), String::new()).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    nav: &'static str,
    entries: Vec<Entry>,
    q: AuditQuery,
    next: Option<String>,
    verified: Option<Result<String, String>>,
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    record: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    before: Option<i64>,
    verify: Option<String>,
}

impl AuditQuery {
    fn filter(&self) -> Result<AuditFilter, WebError> {
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let record = match text(&self.record) {
            Some(r) => Some(r.parse::<i64>().map_err(|_| {
                WebError::BadRequest(format!("the record is a number, not \"{r}\""))
            })?),
            None => None,
        };
        Ok(AuditFilter {
            actor: text(&self.actor),
            kind: text(&self.kind),
            record_id: record,
            action: text(&self.action),
            from: text(&self.from),
            until: text(&self.until),
        })
    }

    fn query_string(&self, before: i64) -> String {
        let mut parts = vec![format!("before={before}")];
        for (k, v) in [
            ("actor", &self.actor),
            ("kind", &self.kind),
            ("record", &self.record),
            ("action", &self.action),
            ("from", &self.from),
            ("until", &self.until),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", crate::view::url_encode(v.trim())));
            }
        }
        parts.join("&")
    }
}

const AUDIT_PAGE: i64 = 100;

pub(crate) async fn audit(s: Ctx, Query(q): Query<AuditQuery>) -> PageResult<Response> {
    let filter = q.filter()?;
    let entries = s
        .app
        .audit_entries(&s.actor, &filter, q.before, AUDIT_PAGE)
        .await?;
    let next = (entries.len() as i64 == AUDIT_PAGE)
        .then(|| entries.last().map(|e| q.query_string(e.seq)))
        .flatten();
    let verified = match q.verify.as_deref() {
        Some(_) => Some(match s.app.verify_audit(&s.actor).await? {
            Ok(v) => Ok(format!(
                "The trail holds together: {} entries, the last hash {}.",
                v.entries, v.head
            )),
            Err(broken) => Err(format!("The trail was tampered with: {broken}.")),
        }),
        None => None,
    };
    // Every sign-in and export adds to the trail without changing what other pages show:
    // this page is never kept, so it always shows the trail as it is.
    let mut res = page(AuditPage {
        nav: "admin",
        entries,
        q,
        next,
        verified,
    })?;
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "admin_persons.html")]
struct PersonsPage {
    nav: &'static str,
    notice: Option<String>,
    problem: Option<String>,
}

/// The persons page again, saying why what was asked cannot be done.
fn persons_refused(problem: String) -> PageResult<Response> {
    page_with(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        PersonsPage {
            nav: "admin",
            notice: None,
            problem: Some(problem),
        },
    )
}

pub(crate) async fn persons(s: Ctx) -> PageResult<Response> {
    s.app.open_form(&s.actor, cadre_app::Form::PersonalData)?;
    page(PersonsPage {
        nav: "admin",
        notice: None,
        problem: None,
    })
}

/// Everything held about one participant, as a JSON file (a POST: the e-mail stays out of
/// addresses and logs).
pub(crate) async fn export_person(
    s: Ctx,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let email = values.get("email").map(String::as_str).unwrap_or("");
    match s.app.export_person(&s.actor, email).await {
        Ok(json) => Ok((
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"participant.json\"".to_string(),
                ),
            ],
            json,
        )
            .into_response()),
        Err(e @ AppError::Invalid(_)) => persons_refused(e.to_string()),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn erase_person(
    s: Ctx,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let email = values.get("email").map(String::as_str).unwrap_or("");
    if values.get("confirm").map(String::as_str) != Some("yes") {
        s.app.open_form(&s.actor, cadre_app::Form::PersonalData)?;
        return persons_refused("tick the box to confirm: an erasure cannot be undone".into());
    }
    match s.app.erase_person(&s.actor, email).await {
        Ok(id) => page(PersonsPage {
            nav: "admin",
            notice: Some(format!(
                "Participant {id}'s names and e-mail are erased; their counts stay in every report."
            )),
            problem: None,
        }),
        Err(e @ AppError::Invalid(_)) => persons_refused(e.to_string()),
        Err(e) => Err(e.into()),
    }
}
