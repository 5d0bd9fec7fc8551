//! `cadre db`: looking at a database and moving records between databases.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use cadre_app::App;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Say which database this is and how many records of each kind it holds.
    Status,
    /// Copy every record into another database (e.g. from SQLite up to PostgreSQL).
    #[command(
        after_help = "The copy runs in one transaction on the target and checks the row \
count of every table on both sides before committing. Ids are kept."
    )]
    Copy(CopyArgs),
    /// Bring the database's schema up to date and nothing else (any command that writes does
    /// it too): after installing a newer cadre, before serving or reading with it.
    Migrate,
    /// Check the database: its file (SQLite's integrity check), references that point nowhere,
    /// the report cache against the records, and the audit trail. Says what is wrong.
    Check,
}

#[derive(Debug, clap::Args)]
pub struct CopyArgs {
    /// The database to copy from (by default the one --database names).
    #[arg(long)]
    from: Option<String>,
    /// The database to copy into: sqlite:PATH or postgres://...
    #[arg(long)]
    to: String,
    /// Replace the records the target already holds (it is refused otherwise).
    #[arg(long)]
    force: bool,
}

async fn open(url: &str) -> anyhow::Result<App> {
    App::open(url)
        .await
        .with_context(|| format!("cannot open the database {url}"))
}

pub async fn run(database: &str, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Status => {
            // Read-only: status must work on a database the user may only read.
            let app = crate::acting::open(database, false).await?;
            let actor = crate::acting::actor(&app).await?;
            let status = app.status(&actor).await?;
            let c = status.counts;
            say!("{database} ({})", status.backend);
            say!("  trainings   {:>10}", c.trainings);
            say!("  sessions    {:>10}", c.sessions);
            say!("  partners    {:>10}", c.partners);
            say!("  persons     {:>10}", c.persons);
            say!("  attendance  {:>10}", c.attendance);
            say!("  departments {:>10}", c.departments);
            say!("  countries   {:>10}", c.countries);
            say!("  durability  {}", status.durability);
            app.close().await;
        }
        Command::Copy(args) => {
            let from_url = args.from.as_deref().unwrap_or(database);
            let from = open(from_url).await?;
            // A copy is every record, names and e-mails included: the application layer
            // allows it to an admin only, and notes it in the audit trail.
            let actor = crate::acting::actor(&from).await?;
            let bar = progress_bar();
            let mut tick = |done: u64, total: u64| {
                bar.set_length(total);
                bar.set_position(done);
            };
            let copied = from.copy_to(&actor, &args.to, args.force, &mut tick).await;
            bar.finish_and_clear();
            let (report, to_backend) = copied?;
            say!(
                "Copied {from_url} ({}) to {} ({to_backend}):",
                from.backend(),
                args.to,
            );
            for (table, rows) in &report.tables {
                say!("  {table:<22} {rows:>10}");
            }
            say!("Row counts checked on both sides.");
            from.close().await;
        }
        Command::Migrate => {
            let app = open(database).await?;
            say!("{database} ({}): schema up to date.", app.backend());
            app.close().await;
        }
        Command::Check => {
            let app = crate::acting::open(database, false).await?;
            let actor = crate::acting::actor(&app).await?;
            let problems = app.check(&actor, true).await?;
            if problems.is_empty() {
                say!("{database}: sound (file, references, report cache, audit trail).");
            } else {
                for p in &problems {
                    eprintln!("{database}: {p}");
                }
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on a terminal, hidden otherwise, and what moves it.
pub fn progress_bar() -> ProgressBar {
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {wide_bar} {pos}/{len} rows {eta}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    }
}

#[derive(Debug, clap::Args)]
pub struct FileArgs {
    /// The backup file: a new one for a backup, an existing one for a restore.
    pub file: std::path::PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup file, as `cadre backup` wrote it.
    pub file: std::path::PathBuf,
    /// The audit key of the installation that made the backup, when it is not this
    /// database's (a new machine): its trail is checked with it, and this database takes it.
    #[arg(long, value_name = "FILE")]
    pub audit_key: Option<std::path::PathBuf>,
}

/// `cadre backup FILE`: a consistent copy of the whole database while it serves.
pub async fn backup(database: &str, args: FileArgs) -> anyhow::Result<ExitCode> {
    transfer(database, args.file, None, true).await
}

/// `cadre restore FILE`: a backup brought back into an empty database of either kind.
pub async fn restore(database: &str, args: RestoreArgs) -> anyhow::Result<ExitCode> {
    transfer(database, args.file, args.audit_key, false).await
}

/// A backup (`out`) or a restore, with a progress bar on a terminal.
async fn transfer(
    database: &str,
    file: std::path::PathBuf,
    audit_key: Option<std::path::PathBuf>,
    out: bool,
) -> anyhow::Result<ExitCode> {
    let args = FileArgs { file };
    let app = crate::acting::open(database, true).await?;
    let actor = crate::acting::actor(&app).await?;
    let bar = progress_bar();
    let mut tick = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let report = if out {
        app.backup(&actor, &args.file, &mut tick).await
    } else {
        app.restore_keyed(&actor, &args.file, audit_key.as_deref(), &mut tick)
            .await
    };
    bar.finish_and_clear();
    let report = match report {
        Err(cadre_app::AppError::ForeignTrail(why)) if !out => {
            anyhow::bail!("{why}\nName the audit key of the database the backup came from with --audit-key FILE (an SQLite database keeps it beside it, as FILE.audit-key).")
        }
        other => other?,
    };
    let rows: i64 = report.tables.iter().map(|(_, n)| n).sum();
    let file = args.file.display();
    let tables = report.tables.len();
    if out {
        say!("Backed up {database} to {file} ({rows} rows in {tables} tables); `cadre restore` brings it back into an empty database.");
    } else {
        say!("Restored {file} into {database}: {rows} rows in {tables} tables, counts checked on both sides.");
    }
    Ok(ExitCode::SUCCESS)
}
