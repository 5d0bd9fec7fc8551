//! `cadre user`: the accounts of the people who sign in to the web application.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::{bail, Context};
use cadre_app::domain::access::{Grant, Role};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add an account (the password is asked for, or read from standard input).
    Add(AddArgs),
    /// List the accounts: e-mail, role, scope, whether disabled.
    List,
    /// Stop an account from signing in (its history is kept).
    Disable { email: String },
    /// Let a disabled account sign in again.
    Enable { email: String },
    /// Give an account a new password.
    ResetPassword(PasswordArgs),
    /// Give an account another role (and scope).
    SetRole(RoleArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    email: String,
    #[command(flatten)]
    role: RoleScope,
    /// Read the password from the first line of standard input instead of asking for it.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, clap::Args)]
pub struct PasswordArgs {
    email: String,
    /// Read the password from the first line of standard input instead of asking for it.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, clap::Args)]
pub struct RoleArgs {
    email: String,
    #[command(flatten)]
    role: RoleScope,
}

#[derive(Debug, clap::Args)]
struct RoleScope {
    /// admin, coordinator, viewer, focal-point or partner.
    #[arg(long)]
    role: String,
    /// A country a focal point answers for (ISO code); repeat for more.
    #[arg(long = "country")]
    countries: Vec<String>,
    /// A partner (short name) a partner account speaks for; repeat for more.
    #[arg(long = "partner")]
    partners: Vec<String>,
}

impl RoleScope {
    fn grant(&self) -> anyhow::Result<Grant> {
        let role = Role::parse(&self.role)?;
        Ok(Grant::new(
            role,
            self.countries.iter().cloned(),
            self.partners.iter().cloned(),
        )?)
    }
}

/// The password, from standard input's first line or asked for without echo.
fn password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the password: pass --password-stdin and give it on standard input");
    }
    let first = rpassword::prompt_password("Password: ")?;
    let again = rpassword::prompt_password("The same again: ")?;
    if first != again {
        bail!("the two passwords differ: nothing was changed");
    }
    Ok(first)
}

fn scope(grant: &Grant) -> String {
    let list = |set: &std::collections::BTreeSet<String>| {
        set.iter().cloned().collect::<Vec<_>>().join(", ")
    };
    match (grant.countries.is_empty(), grant.partners.is_empty()) {
        (false, _) => format!(" ({})", list(&grant.countries)),
        (_, false) => format!(" ({})", list(&grant.partners)),
        _ => String::new(),
    }
}

pub async fn run(database: &str, command: Command) -> anyhow::Result<ExitCode> {
    // Listing reads only: it works on a database this user may only read.
    let writes = !matches!(command, Command::List);
    let app = crate::acting::open(database, writes).await?;
    let actor = crate::acting::actor(&app).await?;
    match command {
        Command::Add(args) => {
            let grant = args.role.grant()?;
            let password = password(args.password_stdin)?;
            app.add_user(&actor, &args.email, &grant, &password).await?;
            say!(
                "added {} as {}{}",
                args.email.trim(),
                grant.role,
                scope(&grant)
            );
        }
        Command::List => {
            let users = app.users(&actor).await?;
            if users.is_empty() {
                say!("no accounts yet: add one with `cadre user add EMAIL --role admin`");
            }
            for u in users {
                say!(
                    "{}\t{}{}{}",
                    u.email,
                    u.grant.role,
                    scope(&u.grant),
                    if u.disabled { "\tdisabled" } else { "" }
                );
            }
        }
        Command::Disable { email } => {
            app.set_user_disabled(&actor, &email, true).await?;
            say!("{} can no longer sign in", email.trim());
        }
        Command::Enable { email } => {
            app.set_user_disabled(&actor, &email, false).await?;
            say!("{} can sign in again", email.trim());
        }
        Command::ResetPassword(args) => {
            let password = password(args.password_stdin)?;
            app.reset_password(&actor, &args.email, &password).await?;
            say!("{} has a new password", args.email.trim());
        }
        Command::SetRole(args) => {
            let grant = args.role.grant()?;
            app.set_role(&actor, &args.email, &grant).await?;
            say!(
                "{} is now {}{}",
                args.email.trim(),
                grant.role,
                scope(&grant)
            );
        }
    }
    app.close().await;
    Ok(ExitCode::SUCCESS)
}
