//! `cadre report`: the period report in the format asked for.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use cadre_app::domain::report::Period;
use cadre_app::domain::Date;
use cadre_render::{render, Format};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Html,
    Json,
    Md,
    Csv,
    Xlsx,
    Pdf,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Html => Format::Html,
            FormatArg::Json => Format::Json,
            FormatArg::Md => Format::Markdown,
            FormatArg::Csv => Format::Csv,
            FormatArg::Xlsx => Format::Xlsx,
            FormatArg::Pdf => Format::Pdf,
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The counting rules are in docs/counting.md; the JSON keys in docs/report-json.md."
)]
pub struct Args {
    #[command(flatten)]
    period: PeriodArgs,
    /// The format; by default taken from --out's extension, else html.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// The file to write; standard output when absent.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// A period as the commands that take one name it.
#[derive(Debug, clap::Args)]
pub struct PeriodArgs {
    /// First day of the period (YYYY-MM-DD).
    #[arg(long, requires = "to", conflicts_with = "year")]
    from: Option<String>,
    /// Last day of the period (YYYY-MM-DD), included.
    #[arg(long, requires = "from", conflicts_with = "year")]
    to: Option<String>,
    /// A whole calendar year, instead of --from and --to.
    #[arg(long)]
    year: Option<i32>,
}

/// The period named, or `None` when none is.
pub fn period_if_named(args: &PeriodArgs) -> anyhow::Result<Option<Period>> {
    if args.year.is_none() && args.from.is_none() {
        return Ok(None);
    }
    period(args).map(Some)
}

/// The period from its first and last day as typed.
fn period_of(from: &str, to: &str) -> anyhow::Result<Period> {
    let from = Date::parse(from).with_context(|| format!("--from {from}"))?;
    let to = Date::parse(to).with_context(|| format!("--to {to}"))?;
    Ok(Period::new(from, to)?)
}

pub fn period(args: &PeriodArgs) -> anyhow::Result<Period> {
    if let Some(year) = args.year {
        return Ok(Period::year(year));
    }
    match (&args.from, &args.to) {
        (Some(from), Some(to)) => period_of(from, to),
        _ => {
            bail!("name the period with --year YYYY, or with --from YYYY-MM-DD and --to YYYY-MM-DD")
        }
    }
}

fn format(args: &Args) -> anyhow::Result<Format> {
    if let Some(f) = args.format {
        return Ok(f.into());
    }
    let Some(out) = &args.out else {
        return Ok(Format::Html);
    };
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    Ok(match ext.as_str() {
        "html" | "htm" => Format::Html,
        "json" => Format::Json,
        "md" | "markdown" => Format::Markdown,
        "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        "pdf" => Format::Pdf,
        _ => bail!(
            "cannot tell the format from {}: add --format html|json|md|csv|xlsx|pdf",
            out.display()
        ),
    })
}

pub async fn run(database: &str, args: Args) -> anyhow::Result<ExitCode> {
    let period = period(&args.period)?;
    let format = format(&args)?;
    if args.out.is_none() && !format.is_text() && std::io::stdout().is_terminal() {
        bail!(
            "a .{} file is not for the terminal: write it with --out FILE",
            format.extension()
        );
    }
    // Read-only: a report must work on a database the user may only read.
    let app = crate::acting::open(database, false).await?;
    let actor = crate::acting::actor(&app).await?;
    let report = app.report(&actor, period).await?;
    app.close().await;
    let bytes = render(&report, format)?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "{}: {} trainings, {} participants",
                path.display(),
                report.trainings.total,
                report.participants.total
            );
        }
        None => match std::io::stdout().lock().write_all(&bytes) {
            // The reader stopped early (`| head`): what it wanted, it has.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other?,
        },
    }
    Ok(ExitCode::SUCCESS)
}
