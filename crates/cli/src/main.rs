//! The `cadre` command. It only parses arguments and reports; the work is done by the layers.

/// Prints a line to standard output. A reader that stops early (`cadre ... | head`) closes the
/// pipe; that is not an error worth a panic, so write errors are ignored here.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod db;
mod demo;
mod gen;
mod import;
mod report;

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
    /// Make a fresh demo database with the 2020 facts and a synthetic year, and say what it holds.
    Demo(demo::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Import(args) => import::run(&cli.database, args).await,
            Command::Report(args) => report::run(&cli.database, args).await,
            Command::Db(command) => db::run(&cli.database, command).await,
            Command::Demo(args) => demo::run(args).await,
            Command::Gen(args) => gen::run(args),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
