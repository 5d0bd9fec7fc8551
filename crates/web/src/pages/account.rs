//! One's own account: signing out everywhere, and the API tokens one makes for programs (the
//! token shown once, when made).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::Form;
use cadre_app::AppError;
use cadre_app::Token;

use crate::error::PageResult;
use crate::view::{page, page_with, see_other};
use crate::Ctx;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    nav: &'static str,
    name: String,
    role: String,
    tokens: Vec<(Token, String)>,
    new_token: Option<String>,
    problem: Option<String>,
}

/// A day of a time in seconds, as the agency writes days.
fn day(unix: i64) -> String {
    cadre_render::face::day_of_unix(unix, &crate::auth::viewer().face)
}

async fn account_page(
    s: &Ctx,
    new_token: Option<String>,
    problem: Option<String>,
) -> PageResult<AccountPage> {
    if s.actor.account.is_none() {
        return Err(AppError::Forbidden("sign in with an account to see it").into());
    }
    let tokens = s
        .app
        .tokens(&s.actor, &s.actor.name)
        .await?
        .into_iter()
        .map(|t| {
            let state = match t.revoked_at {
                Some(at) => format!("revoked {}", day(at)),
                None => format!("until {}", day(t.expires_at)),
            };
            (t, state)
        })
        .collect();
    Ok(AccountPage {
        nav: "account",
        name: s.actor.name.clone(),
        role: s
            .actor
            .grant
            .as_ref()
            .map(|g| g.role.as_str().to_string())
            .unwrap_or_default(),
        tokens,
        new_token,
        problem,
    })
}

pub(crate) async fn show(s: Ctx) -> PageResult<Response> {
    page(account_page(&s, None, None).await?)
}

pub(crate) async fn create_token(
    s: Ctx,
    Form(values): Form<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let read_only = values.get("read_only").is_some_and(|v| v == "yes");
    let days = values
        .get("days")
        .and_then(|d| d.trim().parse::<i64>().ok())
        .unwrap_or(90);
    let label = values.get("label").map(String::as_str).unwrap_or("");
    match s
        .app
        .create_token(&s.actor, &s.actor.name, read_only, days, label)
        .await
    {
        Ok(t) => page(account_page(&s, Some(t.secret), None).await?),
        Err(e @ AppError::Invalid(_)) => page_with(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            account_page(&s, None, Some(e.to_string())).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn revoke_token(s: Ctx, Path(id): Path<i64>) -> PageResult<Response> {
    s.app.revoke_token(&s.actor, id).await?;
    Ok(see_other("/account"))
}
