//! `cadre import KIND FILE [--dry-run] [--replace-roster]`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cadre_import::{Kind, Sheet};
use cadre_store::{ImportOptions, Store, StoreError};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    Departments,
    Partners,
    Trainings,
    Sessions,
    Attendance,
    /// Figures published for a period, to show beside the records' own.
    Published,
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Kind {
        match k {
            KindArg::Departments => Kind::Departments,
            KindArg::Partners => Kind::Partners,
            KindArg::Trainings => Kind::Trainings,
            KindArg::Sessions => Kind::Sessions,
            KindArg::Attendance => Kind::Attendance,
            KindArg::Published => Kind::Published,
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Import partners before trainings, and trainings before sessions and \
attendance: rows name what earlier imports created.\nThe format is described in \
docs/import-format.md."
)]
pub struct Args {
    /// What the file holds.
    kind: KindArg,
    /// The file: .csv (UTF-8) or .xlsx (first sheet).
    file: PathBuf,
    /// Check the file and report what would change, writing nothing.
    #[arg(long)]
    dry_run: bool,
    /// Attendance only: the file is the whole roster of every training it names; their
    /// records missing from it are removed (listed with --dry-run).
    #[arg(long)]
    replace_roster: bool,
}

pub async fn run(database: &str, args: Args) -> anyhow::Result<ExitCode> {
    let kind: Kind = args.kind.into();
    if args.replace_roster && kind != Kind::Attendance {
        anyhow::bail!(
            "--replace-roster is for attendance files: a roster is a training's attendance"
        );
    }
    let store = Store::open(database)
        .await
        .with_context(|| format!("cannot open the database {database}"))?;
    let sheet = Sheet::open(&args.file);
    let options = ImportOptions {
        dry_run: args.dry_run,
        replace_roster: args.replace_roster,
    };
    let code = import_sheet(&store, kind, sheet, options).await?;
    store.close().await;
    Ok(code)
}

/// Imports one sheet, printing its problems or its closing line; shared with the demo.
pub async fn import_sheet(
    store: &Store,
    kind: Kind,
    sheet: Result<Sheet, cadre_import::ImportError>,
    options: ImportOptions,
) -> anyhow::Result<ExitCode> {
    let sheet = match sheet {
        Ok(s) => s,
        Err(cadre_import::ImportError::Problems(problems)) => {
            return Ok(report_problems(&StoreError::Rejected(problems)))
        }
        Err(e) => return Err(e.into()),
    };
    let bar = progress_bar(sheet.total());
    let mut tick = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let result = store.import(kind, sheet, options, &mut tick).await;
    bar.finish_and_clear();
    match result {
        Ok(summary) => {
            say!("{summary}");
            for r in &summary.removed_records {
                say!(
                    "  would remove: {} {} {}",
                    r.training_code,
                    r.session.as_deref().unwrap_or("-"),
                    r.person
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ StoreError::Rejected(_)) => Ok(report_problems(&e)),
        Err(e) => Err(e.into()),
    }
}

fn report_problems(e: &StoreError) -> ExitCode {
    if let StoreError::Rejected(problems) = e {
        eprintln!("{problems}");
        let n = problems.len();
        eprintln!(
            "{n} problem{} found; nothing was imported",
            if n == 1 { "" } else { "s" }
        );
    }
    ExitCode::FAILURE
}

/// A bar on a terminal; nothing at all when output goes to a file or a pipe.
fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {wide_bar} {percent:>3}% {eta}") {
        bar.set_style(style);
    }
    bar
}
