//! `cadre gen`: synthetic data sets in the v1 import format, for demos and benchmarks.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cadre_gen::Config;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Size {
    /// One synthetic year, as the demo loads.
    Demo,
    /// 10 years × 300 trainings, 100,000 persons, about 1,000,000 attendance rows.
    S,
    /// 10 years × 300 trainings, 1,000,000 persons, about 10,000,000 attendance rows.
    L,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes partners.csv, trainings.csv, sessions.csv and attendance.csv; import them \
in that order. The same seed and size always write the same files. country-spellings.csv lists \
the ways countries are typed in them, for other tools reading the same files."
)]
pub struct Args {
    /// The folder to write into (created if needed).
    #[arg(long)]
    out: PathBuf,
    #[arg(long, value_enum, default_value = "demo")]
    size: Size,
    #[arg(long, default_value_t = 2021)]
    seed: u64,
    /// Instead of a size: the number of years (with the options below).
    #[arg(long, requires_all = ["trainings_per_year", "persons", "attendance"])]
    years: Option<u32>,
    #[arg(long)]
    trainings_per_year: Option<u32>,
    #[arg(long)]
    persons: Option<u32>,
    /// About how many attendance rows to write.
    #[arg(long)]
    attendance: Option<u64>,
    /// The first year of the data set.
    #[arg(long, default_value_t = 2011)]
    first_year: i32,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = match (
        args.years,
        args.trainings_per_year,
        args.persons,
        args.attendance,
    ) {
        (Some(y), Some(t), Some(p), Some(a)) => {
            Config::sized(args.seed, args.first_year, y, t, p, a)
        }
        _ => match args.size {
            Size::Demo => Config {
                seed: args.seed,
                ..Config::demo_year(args.first_year.max(2021))
            },
            Size::S => Config::small(args.seed),
            Size::L => Config::large(args.seed),
        },
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let create = |name: &str| -> anyhow::Result<BufWriter<File>> {
        let path = args.out.join(name);
        Ok(BufWriter::with_capacity(
            1 << 20,
            File::create(&path).with_context(|| format!("cannot write {}", path.display()))?,
        ))
    };
    let mut spellings = create("country-spellings.csv")?;
    writeln!(spellings, "typed,code")?;
    for (typed, code) in cadre_gen::country_spellings() {
        writeln!(spellings, "{typed},{code}")?;
    }
    spellings.flush()?;
    let mut partners = create("partners.csv")?;
    partners.write_all(cadre_gen::PARTNERS_CSV.as_bytes())?;
    partners.flush()?;
    let (mut t, mut s, mut a) = (
        create("trainings.csv")?,
        create("sessions.csv")?,
        create("attendance.csv")?,
    );
    let written = cadre_gen::generate(&config, &mut t, &mut s, &mut a)?;
    t.flush()?;
    s.flush()?;
    a.flush()?;
    say!(
        "{}: {} trainings, {} sessions, {} attendance rows from a pool of {} persons (seed {})",
        args.out.display(),
        written.trainings,
        written.sessions,
        written.attendance,
        config.persons,
        config.seed
    );
    Ok(ExitCode::SUCCESS)
}
