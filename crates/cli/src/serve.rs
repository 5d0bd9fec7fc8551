//! `cadre serve`: the web application, until Ctrl-C or SIGTERM. Everyone signs in with an
//! account (`cadre user add`); what they may do is their role's.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use cadre_app::App;
use cadre_web::AppState;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on (0.0.0.0:8080 for the office network). Port 0 picks a free
    /// port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Send the sign-in cookie only over HTTPS: for cadre served through a proxy that speaks
    /// HTTPS to browsers.
    #[arg(long)]
    pub secure_cookies: bool,
    /// Behind a reverse proxy (nginx, a load balancer): take each client's address from the
    /// last entry of the X-Forwarded-For header the proxy adds, for the audit trail and the
    /// count of failed sign-ins. Only when every request comes through that proxy: anyone
    /// reaching cadre directly could name any address.
    #[arg(long)]
    pub trust_proxy: bool,
    /// A read replica of the PostgreSQL database (postgres://...?schema=...): the report
    /// engine is built from it, once it holds what the primary holds (within 0.8 s, else from
    /// the primary); writes, and what follows them, go to the primary.
    #[arg(long, env = "CADRE_READ_REPLICA_URL", value_name = "URL")]
    pub read_replica: Option<String>,
    /// The address people reach cadre at, when it is published under a name
    /// (https://training.agency.example/): requests naming any other host than it, an IP
    /// address or localhost are refused, so that another site's page cannot reach cadre by
    /// pointing its own name at this server.
    #[arg(long, env = "CADRE_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
}

/// The host name of a public address: `https://Training.Agency.example:8443/x` ->
/// `training.agency.example`.
fn host_of(url: &str) -> anyhow::Result<String> {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        anyhow::bail!("--public-url {url}: give the address people use, like https://training.agency.example/");
    }
    Ok(host)
}

/// Logs to standard error, one line per request; `RUST_LOG` (e.g. `warn`) narrows it.
fn init_logging() {
    use tracing_subscriber::prelude::*;
    let filter: tracing_subscriber::filter::Targets = std::env::var("RUST_LOG")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO)
        });
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(false),
        )
        .with(filter)
        .try_init();
}

pub async fn run(database: &str, args: Args) -> anyhow::Result<ExitCode> {
    let app = match App::open(database).await {
        Ok(app) => app,
        // A server writes (sign-ins, the audit trail): say so plainly rather than SQLite's
        // words.
        Err(e) if read_only_error(&e) => anyhow::bail!(
            "cannot serve {database}: the database is read-only for this user, and a server writes into it (sign-ins, the audit trail, imports). Give this user the right to write the file and its folder, or serve a copy; reports and other reading commands work on it as it is."
        ),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot open the database {database}"));
        }
    };
    if !args.addr.ip().is_loopback() && !args.secure_cookies {
        say!("note: serving beyond this computer over plain HTTP: passwords and sign-in cookies cross the network unencrypted. Put cadre behind an HTTPS proxy and pass --secure-cookies.");
    }
    let app = match &args.read_replica {
        Some(url) => app
            .with_replica_at(url)
            .await
            .with_context(|| format!("cannot open the read replica {url}"))?,
        None => app,
    };
    let public_hosts = match &args.public_url {
        Some(url) => vec![host_of(url)?],
        None => Vec::new(),
    };
    let options = Options {
        secure_cookies: args.secure_cookies,
        trust_proxy: args.trust_proxy,
        public_hosts,
    };
    serve(app, args.addr, options, |addr| {
        say!("cadre is serving {database} at http://{addr}/ (Ctrl-C stops it)");
    })
    .await
}

/// Whether opening failed because the database (or its folder) may not be written.
fn read_only_error(e: &cadre_app::AppError) -> bool {
    let text = e.to_string().to_lowercase();
    text.contains("readonly database")
        || text.contains("read-only")
        || text.contains("permission denied")
}

/// Seconds between the server's checkpoints of the audit trail.
const CHECKPOINT_EVERY: u64 = 3600;

/// How a server meets its network.
#[derive(Debug, Default)]
pub struct Options {
    pub secure_cookies: bool,
    pub trust_proxy: bool,
    /// Host names requests may name besides addresses and localhost.
    pub public_hosts: Vec<String>,
}

/// Serves the database `app` works on at `addr`, telling `ready` the address once it listens.
pub async fn serve(
    mut app: App,
    addr: SocketAddr,
    options: Options,
    ready: impl FnOnce(SocketAddr),
) -> anyhow::Result<ExitCode> {
    init_logging();
    // A quick look at the database (`cadre db check` reads everything), in the background:
    // at size L it takes seconds, and the server answers meanwhile. The log says when it is
    // done and what it found.
    {
        let app = app.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            match app.check(&cadre_app::Actor::local(), false).await {
                Ok(problems) if problems.is_empty() => tracing::info!(
                    seconds = started.elapsed().as_secs_f64(),
                    "the database's quick check found no problem"
                ),
                Ok(problems) => {
                    for problem in problems {
                        tracing::warn!(
                            "the database's quick check: {problem} (run `cadre db check`)"
                        );
                    }
                }
                Err(e) => tracing::warn!(error = %e, "the database's quick check could not run"),
            }
        });
    }
    app.warm_up()
        .await
        .context("cannot build the report engine")?;
    // Uploads are kept a day at most, whatever becomes of them: swept every hour (and as each
    // new one arrives).
    {
        let app = app.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.sweep_uploads(std::time::SystemTime::now()).await {
                    tracing::warn!(error = %e, "could not sweep old uploads");
                }
                tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            }
        });
    }
    // The audit trail's head, signed, kept outside the database every hour (and at start)
    // when it moved: `cadre audit verify` then proves the trail extends each one.
    {
        let app = app.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.keep_checkpoint(&cadre_app::Actor::local()).await {
                    tracing::warn!(error = %e, "could not keep a checkpoint of the audit trail");
                }
                tokio::time::sleep(std::time::Duration::from_secs(CHECKPOINT_EVERY)).await;
            }
        });
    }
    let mut state = AppState::new(app);
    state.secure_cookies = options.secure_cookies;
    state.trust_proxy = options.trust_proxy;
    state.public_hosts = std::sync::Arc::new(options.public_hosts);
    cadre_web::serve(state, addr, cadre_web::shutdown_signal(), ready).await?;
    say!("cadre stopped serving.");
    Ok(ExitCode::SUCCESS)
}
