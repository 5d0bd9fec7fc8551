//! Who a command acts as. By default the person running it on the database's machine, who
//! holds the file and acts as an admin; with `--as EMAIL` (the password from `CADRE_PASSWORD`,
//! or asked for), an account, within its role: a focal point's export names only their own
//! country's officers, whoever runs it. Signing in this way is throttled and audited as in the
//! web application.

use std::io::IsTerminal;
use std::sync::OnceLock;

use anyhow::{bail, Context};
use cadre_app::{Actor, App};

static AS: OnceLock<Option<String>> = OnceLock::new();

/// Remembers `--as` for the command's run.
pub fn set(email: Option<String>) {
    let _ = AS.set(email);
}

/// Whether the command acts as an account (its sign-in is written to the audit trail, so the
/// database is opened for writing).
pub fn is_account() -> bool {
    matches!(AS.get(), Some(Some(_)))
}

/// The application on the database, opened for writing when the command writes (or acts as
/// an account, whose sign-in is audited), else read-only, so that reading works on a database
/// the user may only read.
pub async fn open(database: &str, writes: bool) -> anyhow::Result<App> {
    if writes || is_account() {
        App::open(database).await
    } else {
        App::open_read_only(database).await
    }
    .with_context(|| format!("cannot open the database {database}"))
}

/// The actor the command runs as.
pub async fn actor(app: &App) -> anyhow::Result<Actor> {
    let Some(Some(email)) = AS.get() else {
        return Ok(Actor::local());
    };
    let password = match std::env::var("CADRE_PASSWORD") {
        Ok(p) => p,
        Err(_) if std::io::stdin().is_terminal() => {
            rpassword::prompt_password(format!("Password for {email}: "))
                .context("cannot read the password")?
        }
        Err(_) => bail!("--as {email} needs the account's password: set CADRE_PASSWORD, or run at a terminal to be asked"),
    };
    let account = app.authenticate(email, &password, "command line").await?;
    Ok(Actor::account(&account).from_address("command line"))
}
