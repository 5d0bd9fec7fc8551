//! `cadre import KIND FILE [--mapping M] [--sheet NAME] [--header-row N] [--date-order dmy|mdy]
//! [--training CODE [--session DATE]] [--rejects FILE.csv] [--dry-run] [--replace-roster]
//! [--propose-mapping]`,
//! and `cadre import history`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cadre_app::domain::date_order::DateOrder;
use cadre_app::{Actor, App, ImportRequest, Kind, Problems};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    Departments,
    Partners,
    Trainings,
    Sessions,
    Attendance,
    /// Figures published for a period, to show beside the records' own.
    Published,
    /// List the imports made so far (no file).
    History,
}

impl KindArg {
    fn kind(self) -> Option<Kind> {
        Some(match self {
            KindArg::Departments => Kind::Departments,
            KindArg::Partners => Kind::Partners,
            KindArg::Trainings => Kind::Trainings,
            KindArg::Sessions => Kind::Sessions,
            KindArg::Attendance => Kind::Attendance,
            KindArg::Published => Kind::Published,
            KindArg::History => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OrderArg {
    /// Day first: 05/07/2021 is the 5th of July.
    Dmy,
    /// Month first: 05/07/2021 is the 7th of May.
    Mdy,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Import partners before trainings, and trainings before sessions and \
attendance: rows name what earlier imports created.\nSheets whose headers are not cadre's \
column names need a mapping: `--propose-mapping` prints one to check and save as \
MAPPING.toml.\nThe format and mappings are described in docs/import-format.md."
)]
pub struct Args {
    /// What the file holds, or `history` to list the imports made so far.
    kind: KindArg,
    /// The file: .csv (UTF-8, Windows-1252 or UTF-16; comma, semicolon or tab) or .xlsx.
    file: Option<PathBuf>,
    /// How the sheet's columns and values map to cadre's (see --propose-mapping).
    #[arg(long, value_name = "MAPPING.toml")]
    mapping: Option<PathBuf>,
    /// The workbook's sheet to read (the one that looks like data by default).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// The line or row of the header, as the spreadsheet shows it (found by default).
    #[arg(long, value_name = "N")]
    header_row: Option<usize>,
    /// Whether dates typed as 05/07/2021 are day or month first (found from the dates when
    /// they settle it).
    #[arg(long, value_enum)]
    date_order: Option<OrderArg>,
    /// The training of every row, for an attendance sheet without a training column.
    #[arg(long, value_name = "CODE")]
    training: Option<String>,
    /// The session of every row (its start date), with --training.
    #[arg(long, value_name = "DATE", requires = "training")]
    session: Option<String>,
    /// Import the good rows and write the rejected ones here, with what is wrong, to fix and
    /// import again.
    #[arg(long, value_name = "FILE.csv")]
    rejects: Option<PathBuf>,
    /// Check the file and report what would change, writing nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the mapping cadre proposes for this file (TOML, the --mapping format) and stop.
    #[arg(long)]
    propose_mapping: bool,
    /// With `history`: how many imports to list.
    #[arg(long, default_value_t = 20)]
    limit: i64,
    /// Attendance only: the file is the whole roster of every training it names; their
    /// records missing from it are removed (listed with --dry-run).
    #[arg(long)]
    replace_roster: bool,
}

pub async fn run(database: &str, args: Args) -> anyhow::Result<ExitCode> {
    if args.replace_roster && args.kind.kind() != Some(Kind::Attendance) {
        anyhow::bail!(
            "--replace-roster is for attendance files: a roster is a training's attendance"
        );
    }
    let app = App::open(database)
        .await
        .with_context(|| format!("cannot open the database {database}"))?;
    let actor = crate::acting::actor(&app).await?;
    let code = match (args.kind.kind(), &args.file) {
        (None, _) => history(&app, &actor, args.limit).await?,
        (Some(kind), Some(file)) => {
            let request = ImportRequest {
                kind,
                path: file.clone(),
                mapping: args.mapping.clone(),
                sheet: args.sheet.clone(),
                header_row: args.header_row,
                date_order: args.date_order.map(|o| match o {
                    OrderArg::Dmy => DateOrder::Dmy,
                    OrderArg::Mdy => DateOrder::Mdy,
                }),
                training: args.training.clone(),
                session: args.session.clone(),
                rejects: args.rejects.clone(),
                rejects_workbook: None,
                dry_run: args.dry_run,
                name: None,
                replace_roster: args.replace_roster,
                settings: None,
                from_page: false,
                hold_person_changes: false,
            };
            if args.propose_mapping {
                let proposal = app.propose_mapping(&actor, &request).await?;
                say!("{}", proposal.to_toml().trim_end());
                ExitCode::SUCCESS
            } else {
                import(&app, &actor, &request).await?
            }
        }
        (Some(_), None) => anyhow::bail!("name the file to import"),
    };
    app.close().await;
    Ok(code)
}

pub(crate) async fn import(
    app: &App,
    actor: &Actor,
    request: &ImportRequest,
) -> anyhow::Result<ExitCode> {
    let bar = progress_bar(0);
    let mut tick = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let outcome = app.import(actor, request, &mut tick).await;
    bar.finish_and_clear();
    let outcome = outcome?;
    let layout = &outcome.layout;
    if layout.sheets.len() > 1 {
        eprintln!(
            "read the sheet \"{}\" of {} (another with --sheet NAME)",
            layout.sheet.as_deref().unwrap_or(""),
            layout
                .sheets
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if layout.skipped_above > 0 {
        eprintln!(
            "passed over {} row{} above the header (another with --header-row N)",
            layout.skipped_above,
            if layout.skipped_above == 1 { "" } else { "s" }
        );
    }
    if let Some(cadre_app::MappingSource::Remembered(saved)) = &outcome.mapping {
        eprintln!("read with the mapping remembered for sheets with this header (saved {saved}); another with --mapping");
    }
    let code = match &outcome.summary {
        None => report_problems(&outcome.problems),
        Some(summary) => {
            if !outcome.problems.is_empty() {
                eprintln!("{}", outcome.problems);
            }
            say!("{summary}");
            for r in &summary.removed_records {
                say!(
                    "  would remove: {} {} {}",
                    r.training_code,
                    r.session.as_deref().unwrap_or("-"),
                    r.person
                );
            }
            let verb = if summary.dry_run {
                "would change"
            } else {
                "changed"
            };
            let shown = |v: &str| {
                if v.is_empty() {
                    "(not recorded)".to_string()
                } else {
                    v.to_string()
                }
            };
            for c in &summary.person_changes {
                say!(
                    "  {verb} participant {} (id {}): {} {} -> {}",
                    c.name,
                    c.person_id,
                    c.field,
                    shown(&c.from),
                    shown(&c.to)
                );
            }
            let listed: std::collections::BTreeSet<i64> =
                summary.person_changes.iter().map(|c| c.person_id).collect();
            if summary.persons_updated > listed.len() as u64 {
                say!("  (the changes of the first participants only are listed)");
            }
            ExitCode::SUCCESS
        }
    };
    if let Some((path, n)) = &outcome.rejects {
        eprintln!(
            "{n} rejected row{} written to {} with what is wrong: fix them there and import that file",
            if *n == 1 { "" } else { "s" },
            path.display()
        );
    }
    Ok(code)
}

async fn history(app: &App, actor: &Actor, limit: i64) -> anyhow::Result<ExitCode> {
    let list = app.import_history(actor, limit).await?;
    if list.is_empty() {
        say!("No imports yet.");
    }
    for r in list {
        say!(
            "#{} {} {} {} {} by {}: {} rows, {} created, {} updated, {} unchanged{}{} (sha256 {})",
            r.id,
            r.started_at,
            r.outcome,
            r.kind,
            r.file_name,
            r.actor,
            r.rows,
            r.created,
            r.updated,
            r.unchanged,
            if r.rejected > 0 {
                format!(", {} set aside", r.rejected)
            } else {
                String::new()
            },
            if r.mapping.is_some() {
                ", with a mapping"
            } else {
                ""
            },
            &r.digest[..r.digest.len().min(12)],
        );
        for line in r.problems.lines().take(5) {
            say!("    {line}");
        }
        let more = r.problems.lines().count().saturating_sub(5);
        if more > 0 {
            say!("    ... and {more} more lines");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn report_problems(problems: &Problems) -> ExitCode {
    eprintln!("{problems}");
    let n = problems.len();
    eprintln!(
        "{n} problem{} found; nothing was imported",
        if n == 1 { "" } else { "s" }
    );
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
