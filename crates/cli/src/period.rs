//! `cadre period`: a period's figures submitted for approval (a coordinator), approved or
//! reopened with a reason (an admin), and the list of periods with where each stands. The
//! trainings of an approved period cannot be changed or imported into until it is reopened.

use std::process::ExitCode;

use crate::report::{period, PeriodArgs};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Submit a period's figures for an admin's approval.
    Submit {
        #[command(flatten)]
        period: PeriodArgs,
    },
    /// Approve a submitted period: its report is kept as it stands and its trainings locked.
    Approve {
        #[command(flatten)]
        period: PeriodArgs,
    },
    /// Reopen an approved period for corrections, saying why.
    Reopen {
        #[command(flatten)]
        period: PeriodArgs,
        /// Why it is reopened (kept with it and shown in its report).
        #[arg(long)]
        reason: String,
    },
    /// Every period with an approval, and where it stands.
    List,
}

pub async fn run(database: &str, command: Command) -> anyhow::Result<ExitCode> {
    let app = crate::acting::open(database, !matches!(command, Command::List)).await?;
    let me = crate::acting::actor(&app).await?;
    match command {
        Command::Submit { period: p } => {
            let p = period(&p)?;
            app.submit_period(&me, p).await?;
            eprintln!("{}: submitted for approval", p.label());
        }
        Command::Approve { period: p } => {
            let p = period(&p)?;
            app.approve_period(&me, p).await?;
            eprintln!("{}: approved; its trainings are locked", p.label());
        }
        Command::Reopen { period: p, reason } => {
            let p = period(&p)?;
            app.reopen_period(&me, p, &reason).await?;
            eprintln!("{}: reopened", p.label());
        }
        Command::List => {
            for a in app.periods(&me).await? {
                println!(
                    "{} to {}  {:<9}  submitted {} by {}{}{}",
                    a.period.from,
                    a.period.to,
                    a.status.as_str(),
                    cadre_app::domain::approval::day_of(&a.submitted_at),
                    a.submitted_by,
                    a.approved_at
                        .as_deref()
                        .map(|at| format!(
                            "; approved {} by {}",
                            cadre_app::domain::approval::day_of(at),
                            a.approved_by.as_deref().unwrap_or("")
                        ))
                        .unwrap_or_default(),
                    a.reopened_at
                        .as_deref()
                        .map(|at| format!(
                            "; reopened {} by {}: {}",
                            cadre_app::domain::approval::day_of(at),
                            a.reopened_by.as_deref().unwrap_or(""),
                            a.reason
                        ))
                        .unwrap_or_default(),
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
