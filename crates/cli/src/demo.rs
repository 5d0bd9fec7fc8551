//! `cadre demo`: a fresh database holding the 2020 facts and one synthetic year.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cadre_app::{Actor, App, ImportRequest, Kind};
use cadre_gen::Config;

use crate::import::import;

/// The 2020 facts as published, in the import format (the project's copy of shared/data).
const FACTS_2020: &[(Kind, &str, &str)] = &[
    (
        Kind::Partners,
        "data/2020/partners.csv",
        include_str!("../../../data/2020/partners.csv"),
    ),
    (
        Kind::Trainings,
        "data/2020/trainings.csv",
        include_str!("../../../data/2020/trainings.csv"),
    ),
    (
        Kind::Sessions,
        "data/2020/sessions.csv",
        include_str!("../../../data/2020/sessions.csv"),
    ),
    (
        Kind::Published,
        "data/2020/period-2020-published.csv",
        include_str!("../../../data/2020/period-2020-published.csv"),
    ),
];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder for the demo database and the synthetic files (emptied of an earlier demo).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// The year of synthetic attendance records.
    #[arg(long, default_value_t = 2021)]
    synthetic_year: i32,
    /// The generator's seed: the same seed makes the same synthetic year.
    #[arg(long, default_value_t = 2021)]
    seed: u64,
    /// Build the demo database and stop, without serving it.
    #[arg(long)]
    no_serve: bool,
    /// Where to serve it (loopback only).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir = args
        .dir
        .unwrap_or_else(|| std::env::temp_dir().join("cadre-demo"));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let db = dir.join("cadre.db");
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", db.display()));
        if file.exists() {
            std::fs::remove_file(&file).with_context(|| {
                format!("cannot remove the old demo database {}", file.display())
            })?;
        }
    }
    let url = format!("sqlite:{}", db.display());
    let app = App::open(&url).await?;
    // Imported as any file is, through the same door: the history and the audit trail show
    // where the demo's records came from.
    let actor = Actor::local();
    // The facts are the agency's published page: its name, and the time where it works. No
    // logo: an admin uploads the agency's own under Admin, The agency.
    app.set_face(
        &actor,
        &cadre_app::domain::agency::FaceInput {
            name: "CARICOM Implementation Agency for Crime and Security".into(),
            short_name: "CARICOM IMPACS".into(),
            colour: "#1f4e79".into(),
            accent: "#2e6da4".into(),
            time_zone: "America/Port_of_Spain".into(),
            date_style: "day-month-year".into(),
        },
        cadre_app::LogoChange::Keep,
    )
    .await?;

    say!("Loading the 2020 facts (published figures, no personal data):");
    for (kind, name, text) in FACTS_2020 {
        let file = dir.join(name.trim_start_matches("data/2020/"));
        std::fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))?;
        let mut request = ImportRequest::new(*kind, &file);
        request.name = Some(name.to_string());
        if import(&app, &actor, &request).await? != ExitCode::SUCCESS {
            anyhow::bail!("the built-in 2020 facts did not import");
        }
    }

    let year = args.synthetic_year;
    say!("Generating a synthetic {year} of individual attendance (fake people, labelled SYN-):");
    let config = Config {
        seed: args.seed,
        ..Config::demo_year(year)
    };
    let paths: Vec<PathBuf> = ["trainings", "sessions", "attendance"]
        .iter()
        .map(|k| dir.join(format!("synthetic-{year}-{k}.csv")))
        .collect();
    {
        let create = |p: &PathBuf| {
            File::create(p)
                .map(BufWriter::new)
                .with_context(|| format!("cannot write {}", p.display()))
        };
        let (mut t, mut s, mut a) = (create(&paths[0])?, create(&paths[1])?, create(&paths[2])?);
        cadre_gen::generate(&config, &mut t, &mut s, &mut a)?;
        use std::io::Write;
        t.flush()?;
        s.flush()?;
        a.flush()?;
    }
    for (kind, path) in [Kind::Trainings, Kind::Sessions, Kind::Attendance]
        .into_iter()
        .zip(&paths)
    {
        if import(&app, &actor, &ImportRequest::new(kind, path)).await? != ExitCode::SUCCESS {
            anyhow::bail!("the synthetic {} did not import", kind.as_str());
        }
    }

    let c = app.status(&actor).await?.counts;
    say!("");
    say!("The demo database {} holds:", db.display());
    say!(
        "  {} trainings ({} sessions), {} partners, {} participants with {} attendance records,",
        c.trainings,
        c.sessions,
        c.partners,
        c.persons,
        c.attendance
    );
    say!(
        "  {} departments and {} countries.",
        c.departments,
        c.countries
    );
    say!("");
    say!("See the report of each year:");
    // Said for the very binary that runs (however it was started: from PATH, by its path, by
    // cargo), so that the lines can be pasted as they are.
    let me = std::env::args()
        .next()
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "cadre".to_string());
    say!("  {me} --database {url} report --from 2020-01-01 --to 2020-09-30 --out report-2020.html");
    say!("  {me} --database {url} report --year {year} --format md");
    say!("Import more into it with `{me} --database {url} import KIND FILE`.");
    let sign_ins = demo_accounts(&app).await?;
    if args.no_serve {
        say!("");
        say!("Demo accounts, one per role (for `cadre serve` on this database):");
        for (email, role, password) in &sign_ins {
            say!("  {role:<34} {email:<28} password {password}");
        }
        app.close().await;
        return Ok(ExitCode::SUCCESS);
    }
    say!("");
    crate::serve::serve(app, args.addr, Default::default(), |addr| {
        say!("Open http://{addr}/ in a browser to see the demo (Ctrl-C stops it), and sign in as:");
        for (email, role, password) in &sign_ins {
            say!("  {role:<34} {email:<28} password {password}");
        }
    })
    .await
}

/// One account per role, each with a new random password (the demo may be served on a
/// network): says their e-mail, role in words and password.
async fn demo_accounts(app: &App) -> anyhow::Result<Vec<(String, String, String)>> {
    use cadre_app::domain::access::{Grant, Role};
    let admin = Actor::local();
    let accounts = [
        ("admin@demo.cadre", Grant::plain(Role::Admin), "admin"),
        (
            "coordinator@demo.cadre",
            Grant::plain(Role::Coordinator),
            "coordinator",
        ),
        ("viewer@demo.cadre", Grant::plain(Role::Viewer), "viewer"),
        (
            "focal.jm@demo.cadre",
            Grant::new(Role::FocalPoint, ["JM".to_string()], [])?,
            "focal point for Jamaica (JM)",
        ),
        (
            "unodc@demo.cadre",
            Grant::new(Role::Partner, [], ["UNODC".to_string()])?,
            "partner: UNODC and its programmes",
        ),
    ];
    let mut out = Vec::new();
    for (email, grant, role) in accounts {
        let password = cadre_app::new_password();
        app.add_user(&admin, email, &grant, &password).await?;
        out.push((email.to_string(), role.to_string(), password));
    }
    Ok(out)
}
