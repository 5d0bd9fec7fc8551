//! `cadre token`: API tokens for programs that call `/api/v1`, made for an account and shown
//! once; `cadre audit verify`; `cadre person export|erase`. Run on the database's machine,
//! these act as its operator (an admin), and each is kept in the audit trail.

use std::process::ExitCode;

use anyhow::Context;
use cadre_app::App;

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Make a token for the account with this e-mail; it is printed once, and only its hash
    /// is kept.
    Create {
        email: String,
        /// The token reads and never writes, whatever the account's role.
        #[arg(long)]
        read_only: bool,
        /// Days until it expires (1 to 366).
        #[arg(long, default_value_t = 90)]
        expires_in: i64,
        /// A word to tell it apart in the list (what program uses it).
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List an account's tokens (never their secrets).
    List { email: String },
    /// Revoke a token by its id (from `cadre token list`).
    Revoke { id: i64 },
}

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Walk the audit trail and report the first entry that was altered, removed or put in,
    /// checking that it passes through every checkpoint the server kept and each one named.
    Verify {
        /// A checkpoint file (from `cadre audit checkpoint`), kept elsewhere: the trail must
        /// extend it. Repeat for several.
        #[arg(long = "checkpoint", value_name = "FILE")]
        checkpoints: Vec<std::path::PathBuf>,
    },
    /// Sign the trail's head (its last entry's number and hash) with this installation's
    /// key, to keep outside the database: printed, or written to --out.
    Checkpoint {
        /// Write the checkpoint to this new file rather than print it.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// Print the public key that checks this installation's checkpoints (safe to publish),
    /// and the fingerprint that names its secret key.
    PublicKey,
    /// The latest entries, newest first.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum PersonCommand {
    /// Write everything held about the participant with this e-mail, as JSON.
    Export { email: String },
    /// Remove the participant's names and e-mail, keeping their counts in every report.
    Erase { email: String },
}

async fn app(database: &str) -> anyhow::Result<App> {
    App::open(database)
        .await
        .with_context(|| format!("cannot open the database {database}"))
}

fn when(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let (y, m, d) = cadre_app::domain::date::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

pub async fn token(database: &str, command: TokenCommand) -> anyhow::Result<ExitCode> {
    let app = app(database).await?;
    let me = crate::acting::actor(&app).await?;
    match command {
        TokenCommand::Create {
            email,
            read_only,
            expires_in,
            label,
        } => {
            let t = app
                .create_token(&me, &email, read_only, expires_in, &label)
                .await?;
            // The notice on standard error, the token alone on standard output, so that a
            // script can take it: TOKEN=$(cadre token create ...).
            eprintln!(
                "Token {} for {} ({}), until {}. It is shown this once: keep it where the program reads it.",
                t.token.id,
                email.trim(),
                if read_only { "read-only" } else { "read and write" },
                when(t.token.expires_at)
            );
            println!("{}", t.secret);
        }
        TokenCommand::List { email } => {
            for t in app.tokens(&me, &email).await? {
                let state = match t.revoked_at {
                    Some(at) => format!("revoked {}", when(at)),
                    None => format!("until {}", when(t.expires_at)),
                };
                println!(
                    "{}\t{}\t{}\t{}",
                    t.id,
                    if t.read_only {
                        "read-only"
                    } else {
                        "read-write"
                    },
                    state,
                    t.label
                );
            }
        }
        TokenCommand::Revoke { id } => {
            app.revoke_token(&me, id).await?;
            say!("Token {id} is revoked: it is refused from now on.");
        }
    }
    app.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn audit(database: &str, command: AuditCommand) -> anyhow::Result<ExitCode> {
    // Reading the trail works on a database this user may only read.
    let app = crate::acting::open(database, false).await?;
    let me = crate::acting::actor(&app).await?;
    let code = match command {
        AuditCommand::Verify { checkpoints } => {
            match app.verify_audit_with(&me, &checkpoints).await? {
                Ok(v) => {
                    let through = match v.checkpoints {
                        0 => String::new(),
                        1 => ", through 1 checkpoint".to_string(),
                        n => format!(", through {n} checkpoints"),
                    };
                    say!(
                        "The audit trail holds together: {} entries{through}, the last hash {}.",
                        v.entries,
                        v.head
                    );
                    ExitCode::SUCCESS
                }
                Err(broken) => {
                    eprintln!("error: the audit trail was tampered with: {broken}");
                    ExitCode::FAILURE
                }
            }
        }
        AuditCommand::Checkpoint { out } => {
            let c = app.audit_checkpoint(&me).await?;
            match out {
                Some(path) => {
                    if path.symlink_metadata().is_ok() {
                        anyhow::bail!(
                            "--out {}: it is there already: name a new file",
                            path.display()
                        );
                    }
                    std::fs::write(&path, c.to_text())
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    say!(
                        "Checkpoint of entry {} written to {}: keep it where the database's users cannot change it.",
                        c.seq,
                        path.display()
                    );
                }
                None => print!("{}", c.to_text()),
            }
            ExitCode::SUCCESS
        }
        AuditCommand::PublicKey => {
            let (public, fingerprint) = app.audit_public_key(&me)?;
            println!("public key: {public}");
            println!("key fingerprint: {fingerprint}");
            ExitCode::SUCCESS
        }
        AuditCommand::List { limit } => {
            let entries = app
                .audit_entries(&me, &Default::default(), None, limit)
                .await?;
            for e in entries {
                let record = match e.record_id {
                    Some(id) => format!("{} {id}", e.kind),
                    None => e.kind.clone(),
                };
                // One line an entry, whatever its text holds: a line break or a tab typed
                // into a name is shown escaped, never taken as the start of another entry.
                let shown = |s: &str| cadre_app::domain::text::shown(s, 2000);
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    e.seq,
                    shown(&e.at),
                    shown(&e.actor),
                    shown(&e.action),
                    shown(&record),
                    shown(&e.detail)
                );
            }
            ExitCode::SUCCESS
        }
    };
    app.close().await;
    Ok(code)
}

pub async fn person(database: &str, command: PersonCommand) -> anyhow::Result<ExitCode> {
    let app = app(database).await?;
    let me = crate::acting::actor(&app).await?;
    match command {
        PersonCommand::Export { email } => {
            println!("{}", app.export_person(&me, &email).await?);
        }
        PersonCommand::Erase { email } => {
            let id = app.erase_person(&me, &email).await?;
            say!("Participant {id}'s names and e-mail are erased; their counts stay in every report.");
        }
    }
    app.close().await;
    Ok(ExitCode::SUCCESS)
}
