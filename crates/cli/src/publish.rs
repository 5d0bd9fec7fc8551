//! `cadre publish`: freezes a period's report and publishes it at `/reports/{slug}` for
//! anyone; with `--out`, also writes it as a folder for the agency's web site.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cadre_app::App;

use crate::report::{period, PeriodArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    period: PeriodArgs,
    /// Also write the published report into this folder: index.html and its downloads.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Publish although the period is not approved (every file of the report says so, and
    /// the audit trail keeps the choice).
    #[arg(long)]
    unapproved: bool,
}

pub async fn run(database: &str, args: Args) -> anyhow::Result<ExitCode> {
    let period = period(&args.period)?;
    let mut app = App::open(database)
        .await
        .with_context(|| format!("cannot open the database {database}"))?;
    app.warm_up()
        .await
        .context("cannot build the report engine")?;
    let actor = crate::acting::actor(&app).await?;
    let published = match app.publish(&actor, period, args.unapproved).await {
        Err(cadre_app::AppError::Locked(_)) if !args.unapproved => anyhow::bail!(
            "{} is not approved: submit and approve it first (`cadre period submit`, `cadre period approve`), or pass --unapproved to publish it as it stands (the report will say so)",
            period.label()
        ),
        other => other?,
    };
    say!(
        "Published \"{}\": anyone may read it at /reports/{} on the web application.",
        published.title,
        published.slug
    );
    if let Some(dir) = &args.out {
        let files = app.write_publication(&published.slug, dir).await?;
        say!(
            "Wrote it into {} ({} files: open index.html, or copy the folder onto a web site).",
            dir.display(),
            files.len()
        );
    }
    app.close().await;
    Ok(ExitCode::SUCCESS)
}
