//! `cadre quality`: the data-quality rules as they are set, an admin's change to one, and
//! what they find in a period (as the web application's "to fix" page lists it).

use std::process::ExitCode;

use anyhow::{bail, Context};
use cadre_app::domain::quality::{Rule, Severity};
use cadre_render::quality as words;

use crate::report::PeriodArgs;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Every rule: its code, whether it is on, its severity, and what it checks.
    Rules,
    /// Switch a rule on or off, or give it another severity (an admin's; audited).
    Set {
        /// The rule's code, as `cadre quality rules` lists it.
        rule: String,
        /// Switch it off: its findings leave every report.
        #[arg(long, conflicts_with = "on")]
        off: bool,
        /// Switch it on again.
        #[arg(long)]
        on: bool,
        /// error, warning or note.
        #[arg(long)]
        severity: Option<String>,
    },
    /// What the rules find in a period (all years when none is named), grouped by rule.
    List {
        #[command(flatten)]
        period: PeriodArgs,
    },
}

pub async fn run(database: &str, command: Command) -> anyhow::Result<ExitCode> {
    let app = crate::acting::open(database, matches!(command, Command::Set { .. })).await?;
    let me = crate::acting::actor(&app).await?;
    match command {
        Command::Rules => {
            for r in app.quality_rules(&me).await? {
                println!(
                    "{:<32} {:<4} {:<8} {}{}",
                    r.rule.code(),
                    if r.enabled { "on" } else { "off" },
                    r.severity.as_str(),
                    words::title(r.rule),
                    if r.changed {
                        format!(" (default: on, {})", r.rule.default_severity())
                    } else {
                        String::new()
                    }
                );
            }
        }
        Command::Set {
            rule,
            off,
            on,
            severity,
        } => {
            let Some(rule) = Rule::parse(&rule) else {
                bail!("there is no rule \"{rule}\": `cadre quality rules` lists them");
            };
            let current = app
                .quality_rules(&me)
                .await?
                .into_iter()
                .find(|r| r.rule == rule)
                .context("the rule is not listed")?;
            let severity = match severity {
                Some(s) => Severity::parse(&s).with_context(|| {
                    format!("\"{s}\" is not a severity: error, warning or note")
                })?,
                None => current.severity,
            };
            let enabled = if off { false } else { on || current.enabled };
            app.set_quality_rule(&me, rule, enabled, severity).await?;
            eprintln!(
                "{}: {}, {}",
                rule.code(),
                if enabled { "on" } else { "off" },
                severity
            );
        }
        Command::List { period } => {
            let period =
                crate::report::period_if_named(&period)?.unwrap_or_else(cadre_app::all_time);
            let found = app.to_fix(&me, period).await?;
            if found.groups.is_empty() && found.persons.as_ref().is_none_or(Vec::is_empty) {
                eprintln!("Nothing found.");
            }
            for (rule, severity, findings) in &found.groups {
                println!(
                    "{} ({}, {}): {}",
                    words::title(*rule),
                    rule.code(),
                    severity,
                    findings.len()
                );
                for f in findings {
                    println!(
                        "  {}: {}",
                        f.training.as_deref().unwrap_or("period"),
                        words::message(f)
                    );
                }
            }
            if let Some(persons) = found.persons.filter(|p| !p.is_empty()) {
                println!("Likely duplicate persons: {}", persons.len());
                for f in &persons {
                    println!(
                        "  participant {}: {}",
                        f.person.unwrap_or(0),
                        words::message(f)
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
