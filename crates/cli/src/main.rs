//! The `cadre` command. It only parses arguments and reports; the work is done by the layers.

/// Prints a line to standard output. A reader that stops early (`cadre ... | head`) closes the
/// pipe; that is not an error worth a panic, so write errors are ignored here.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod acting;
mod db;
mod demo;
mod gen;
mod import;
mod period;
mod publish;
mod quality;
mod report;
mod serve;
mod token;
mod user;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// cadre records the trainings an agency delivers with its partners and reports what they
/// achieved.
#[derive(Debug, Parser)]
#[command(name = "cadre", version, about, long_about = None)]
pub struct Cli {
    /// Where the records live: sqlite:PATH or a file path (created on first use).
    #[arg(
        long,
        global = true,
        env = "CADRE_DATABASE_URL",
        default_value = "cadre.db"
    )]
    database: String,

    /// Act as this account, within its role (the password from CADRE_PASSWORD, or asked
    /// for), instead of as the database's operator (an admin).
    #[arg(long = "as", global = true, env = "CADRE_AS", value_name = "EMAIL")]
    acting_as: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import a v1 file (CSV, or XLSX with the same columns on its first sheet).
    Import(import::Args),
    /// Write the period report (HTML, JSON, Markdown, CSV, XLSX or PDF).
    Report(report::Args),
    /// Look at the database, or copy its records into another one.
    #[command(subcommand)]
    Db(db::Command),
    /// Write a synthetic data set in the import format (for demos and benchmarks).
    Gen(gen::Args),
    /// Make a fresh demo database with the 2020 facts and a synthetic year, and serve it (or,
    /// with --no-serve, say what it holds).
    Demo(demo::Args),
    /// Serve the web application on this computer.
    Serve(serve::Args),
    /// Add, list, disable and enable accounts; reset a password; change a role.
    #[command(subcommand)]
    User(user::Command),
    /// Freeze a period's report and publish it for anyone to read (and, with --out, write it
    /// as a folder for a web site).
    Publish(publish::Args),
    /// Make, list and revoke API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Check the audit trail, or list its latest entries.
    #[command(subcommand)]
    Audit(token::AuditCommand),
    /// Export or erase what is held about one participant.
    #[command(subcommand)]
    Person(token::PersonCommand),
    /// The data-quality rules: list them, switch one off or change its severity, list what
    /// they find.
    #[command(subcommand)]
    Quality(quality::Command),
    /// Submit a period's figures for approval, approve or reopen it, or list the periods.
    #[command(subcommand)]
    Period(period::Command),
    /// Write a consistent copy of the whole database to a new file, while it serves.
    Backup(db::FileArgs),
    /// Bring a backup back into an empty database (SQLite or PostgreSQL).
    Restore(db::RestoreArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    acting::set(cli.acting_as.clone());
    let result = runtime.block_on(async {
        match cli.command {
            Command::Import(args) => import::run(&cli.database, args).await,
            Command::Report(args) => report::run(&cli.database, args).await,
            Command::Db(command) => db::run(&cli.database, command).await,
            Command::Demo(args) => demo::run(args).await,
            Command::Serve(args) => serve::run(&cli.database, args).await,
            Command::Gen(args) => gen::run(args),
            Command::User(command) => user::run(&cli.database, command).await,
            Command::Publish(args) => publish::run(&cli.database, args).await,
            Command::Token(command) => token::token(&cli.database, command).await,
            Command::Audit(command) => token::audit(&cli.database, command).await,
            Command::Person(command) => token::person(&cli.database, command).await,
            Command::Quality(command) => quality::run(&cli.database, command).await,
            Command::Period(command) => period::run(&cli.database, command).await,
            Command::Backup(args) => db::backup(&cli.database, args).await,
            Command::Restore(args) => db::restore(&cli.database, args).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", error_text(&e));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, each said once. anyhow's `{:#}` joins every cause's
/// text with ": ", but sqlx's and rusqlite's errors show their cause in their own text as well
/// as returning it as the cause, so "database is locked" came out three times: a cause whose
/// text the line holds already is left out.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if part.is_empty() || text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }

    /// An error whose text repeats its cause's, as sqlx's do.
    #[derive(Debug)]
    struct Wrapping(std::io::Error);

    impl std::fmt::Display for Wrapping {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "error returned from database: {}", self.0)
        }
    }

    impl std::error::Error for Wrapping {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn an_error_says_each_cause_once() {
        let e = anyhow::Error::new(Wrapping(std::io::Error::other("database is locked")))
            .context("cannot open the database x.db");
        assert_eq!(
            super::error_text(&e),
            "cannot open the database x.db: error returned from database: database is locked"
        );
    }
}
