//! `cadre db`: looking at a database and moving records between databases.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use cadre_store::Store;
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

async fn open(url: &str) -> anyhow::Result<Store> {
    Store::open(url)
        .await
        .with_context(|| format!("cannot open the database {url}"))
}

pub async fn run(database: &str, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Status => {
            // Read-only: status must work on a database the user may only read.
            let store = Store::open_read_only(database)
                .await
                .with_context(|| format!("cannot open the database {database}"))?;
            let c = store.counts().await?;
            say!("{database} ({})", store.backend());
            say!("  trainings   {:>10}", c.trainings);
            say!("  sessions    {:>10}", c.sessions);
            say!("  partners    {:>10}", c.partners);
            say!("  persons     {:>10}", c.persons);
            say!("  attendance  {:>10}", c.attendance);
            say!("  departments {:>10}", c.departments);
            say!("  countries   {:>10}", c.countries);
            store.close().await;
        }
        Command::Copy(args) => {
            let from_url = args.from.as_deref().unwrap_or(database);
            let from = open(from_url).await?;
            // A copy is every record, names and e-mails included: an admin's to make.
            let actor = crate::acting::actor(&cadre_app::App::new(from.clone())).await?;
            actor.must(cadre_core::access::Action::PersonalData)?;
            let to = open(&args.to).await?;
            let bar = if std::io::stderr().is_terminal() {
                let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
                if let Ok(style) =
                    ProgressStyle::with_template("{spinner} {wide_bar} {pos}/{len} rows {eta}")
                {
                    bar.set_style(style);
                }
                bar
            } else {
                ProgressBar::hidden()
            };
            let mut tick = |done: u64, total: u64| {
                bar.set_length(total);
                bar.set_position(done);
            };
            let report = from.copy_into(&to, args.force, &mut tick).await;
            bar.finish_and_clear();
            let report = report?;
            say!(
                "Copied {from_url} ({}) to {} ({}):",
                from.backend(),
                args.to,
                to.backend()
            );
            for (table, rows) in &report.tables {
                say!("  {table:<22} {rows:>10}");
            }
            say!("Row counts checked on both sides.");
            from.close().await;
            to.close().await;
        }
    }
    Ok(ExitCode::SUCCESS)
}
