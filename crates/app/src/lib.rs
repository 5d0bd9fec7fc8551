//! The application layer: the operations users perform (import a sheet, propose a mapping,
//! list the import history, and next the single-record edits), between the front ends (the
//! command line, the web application) and the layers below. An operation is told who is
//! acting, checks what it is given, and keeps the record of what it did; the front ends only
//! gather input and show results.

mod access;
mod accounts;
mod agency;
mod audit;
mod backup;
mod checkpoints;
mod clock;
mod corrections;
mod credentials;
mod database;
mod files;
mod filter;
mod forms;
mod imports;
mod periods;
mod pipeline;
mod proposals;
mod publish;
mod quality;
mod records;
mod rejects;
mod sign_in;
mod uploads;
mod views;
mod warm;

/// The domain's types and rules, as the front ends name them: through the application layer,
/// which is the only crate below them they depend on besides the renderer.
pub use cadre_core as domain;

pub use access::Abilities;
pub use accounts::{new_password, MIN_PASSWORD};
pub use agency::LogoChange;
pub use audit::Verified;
pub use backup::{read_then_remove, BackupFile};
pub use cadre_import::{Kind, Problem, Problems, REJECTS_COLUMN};
pub use database::{CopyReport, Status};
pub use filter::{url_encode, PeriodQuery, TrainingFilter};
pub use forms::Form;
// The records as the store keeps them, which operations return: the front ends name these
// types through the application layer and never reach the store itself.
pub use cadre_store::{
    Account, AuditFilter, Correction, Counts, Dependents, ImportRecord, Participant,
    PersonAttendance, PersonCursor, Publication, RosterLine, Token, Versioned,
};
pub use imports::{ImportOutcome, ImportRequest, MappingSource};
pub use periods::ImportLocks;
pub use pipeline::Summary;
pub use proposals::{Preview, PAGE_NOTE};
pub use publish::{content_type, PublishPreview, BODY_FILE, FILES as PUBLISHED_FILES};
pub use quality::{RuleState, ToFix};
pub use records::{MergePreview, ParticipantPage, Roster};
pub use sign_in::{
    NewToken, SignedIn, ABSOLUTE_SECONDS, FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS, IDLE_SECONDS,
    MAX_EMAIL, MAX_LABEL, MAX_TOKEN_DAYS, THROTTLE_WINDOW_SECONDS,
};
pub use uploads::{
    describe_read_error, file_name_of, Finished, ImportSettings, JobState, KeptRejects,
    RejectsFile, TrainingChoice, Upload, UploadRun, UploadWriter, UPLOAD_HOURS,
};
pub use views::{Dashboard, TrainingList, TrainingView};
pub use warm::all_time;

use cadre_core::access::{Grant, Role};
use cadre_store::{Store, StoreError};

/// Who performs an operation, and what they may do: every operation takes one and the access
/// rules (`cadre_core::access`) are asked here, so the command line, the pages and the API
/// obey the same ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// As the audit trail names them: an account's e-mail, or a login name.
    pub name: String,
    /// `None` for someone not signed in, who reads only published reports.
    pub grant: Option<Grant>,
    /// The account acting, when it is one (not the local operator).
    pub account: Option<i64>,
    /// Acting through a read-only API token: no write, whatever the role.
    pub read_only: bool,
    /// The API token acting, by id, when one is: what it reads of persons is audited.
    pub token: Option<i64>,
    /// Where the request came from (an IP address), for the audit trail; empty on the
    /// command line.
    pub address: String,
}

impl Actor {
    /// Someone acting with this grant.
    pub fn new(name: impl Into<String>, grant: Grant) -> Actor {
        Actor {
            name: name.into(),
            grant: Some(grant),
            account: None,
            read_only: false,
            token: None,
            address: String::new(),
        }
    }

    /// Someone not signed in.
    pub fn anonymous() -> Actor {
        Actor {
            name: "anonymous".into(),
            grant: None,
            account: None,
            read_only: false,
            token: None,
            address: String::new(),
        }
    }

    /// An account acting with its grant.
    pub fn account(account: &cadre_store::Account) -> Actor {
        Actor {
            account: Some(account.id),
            ..Actor::new(account.email.clone(), account.grant.clone())
        }
    }

    /// The person running this process, by their login name. Whoever can run cadre on the
    /// database's own machine holds the file itself, and acts as an admin.
    pub fn local() -> Actor {
        let name = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "local".to_string());
        Actor::new(name, Grant::plain(Role::Admin))
    }

    /// The same actor, acting from this address.
    pub fn from_address(mut self, address: impl Into<String>) -> Actor {
        self.address = address.into();
        self
    }
}

/// Errors of the application layer.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A fault of the database (or a store error no other kind says): what it says is for the
    /// log, never for a page or an answer.
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Read(#[from] cadre_import::ImportError),
    /// The sheet was read, and some of its rows are wrong: nothing was written.
    #[error("{0}")]
    Rejected(cadre_import::Problems),
    /// The mapping file cannot be read or does not fit the sheet.
    #[error("{file}: {message}")]
    Mapping { file: String, message: String },
    /// What was asked does not hold together (a flag that needs another, say).
    #[error("{0}")]
    Invalid(String),
    /// Fields that do not make a valid record; each problem names its field.
    #[error("{}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
    Fields(Vec<cadre_core::validate::FieldProblem>),
    #[error("there is no {kind} {id}: it may have been deleted")]
    NotFound { kind: &'static str, id: i64 },
    /// The actor's role does not allow the operation.
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    /// The e-mail or the password is wrong, or the account is disabled: which, is not said.
    #[error("the e-mail or the password is not right")]
    SignIn,
    /// Too many failed sign-ins, for this e-mail or from this address.
    #[error("too many failed sign-ins: wait {minutes} minutes and try again")]
    Throttled { minutes: i64 },
    /// The record changed since the version the write was made from: nothing was written.
    #[error("{kind} {id} was changed by someone else since you opened it (you had version {yours}, it is now at version {current}): nothing was saved")]
    Conflict {
        kind: &'static str,
        id: i64,
        yours: i64,
        current: i64,
    },
    /// Other records depend on it, and the delete was not told to take them too.
    #[error("{kind} {id} has {}: delete them first, or delete it with them", .dependents.describe())]
    InUse {
        kind: &'static str,
        id: i64,
        dependents: cadre_store::Dependents,
    },
    /// The records are in an approved period (which, approved when and by whom), or the
    /// period's step is not one its state allows: nothing was written.
    #[error("{0}")]
    Locked(String),
    /// An upload larger than its limit: nothing of it was kept.
    #[error("the file is larger than {} MiB, the limit", .limit / (1024 * 1024))]
    TooLarge { limit: u64 },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A backup whose audit trail does not hold with the key it was checked with: it came
    /// from another installation, whose key restores it.
    #[error("{0}")]
    ForeignTrail(String),
}

/// What kind of failure an [`AppError`] is, said once here for every front end: a page and
/// the API choose their status from it, never from an error's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The record is not there (deleted, or never was).
    NotFound,
    /// It conflicts with the records as they are: changed by someone else meanwhile, depended
    /// on by others, or naming what is not held or taking what another holds.
    Conflict,
    /// What was given is not valid in itself: a field, a file's rows, a request that does not
    /// hold together.
    Invalid,
    /// Not signed in, or the sign-in failed.
    Unauthenticated,
    /// The actor's role or scope does not allow it.
    Forbidden,
    /// The records are in an approved period, or the period's step is not one its state
    /// allows.
    Locked,
    /// Larger than its limit.
    TooLarge,
    /// Too many attempts: wait and try again.
    Throttled,
    /// The database cannot be written or reached now (read-only, busy, down): nothing was
    /// changed, and trying again later may work.
    Unavailable,
    /// A fault: what it says is for the log, never for a page or an answer.
    Internal,
}

/// The field problems' codes that say a record conflicts with the records held (it names what
/// is not there, or takes what another has), rather than being wrong in itself.
const STATE_CODES: [&str; 5] = [
    "duplicate",
    "unknown",
    "unknown-partner",
    "unknown-training",
    "unknown-department",
];

impl AppError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::NotFound { .. } => ErrorKind::NotFound,
            AppError::Conflict { .. } | AppError::InUse { .. } => ErrorKind::Conflict,
            AppError::Fields(problems)
                if !problems.is_empty()
                    && problems.iter().all(|p| STATE_CODES.contains(&p.code)) =>
            {
                ErrorKind::Conflict
            }
            AppError::Fields(_)
            | AppError::Invalid(_)
            | AppError::Rejected(_)
            | AppError::Mapping { .. }
            | AppError::Read(_)
            | AppError::ForeignTrail(_) => ErrorKind::Invalid,
            AppError::SignIn => ErrorKind::Unauthenticated,
            AppError::Forbidden(_) => ErrorKind::Forbidden,
            AppError::Locked(_) => ErrorKind::Locked,
            AppError::TooLarge { .. } => ErrorKind::TooLarge,
            AppError::Throttled { .. } => ErrorKind::Throttled,
            AppError::Store(e) if e.is_unavailable() => ErrorKind::Unavailable,
            AppError::Store(_) | AppError::Io { .. } => ErrorKind::Internal,
        }
    }
}

/// The operations, on one store.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    /// A read replica of the store's PostgreSQL, when one is configured: the warm engine is
    /// built from it (see `warm::engine_source`).
    replica: Option<Store>,
    warm: warm::Warm,
    /// The likely duplicate persons, found once per data version.
    duplicates: quality::Duplicates,
    /// Where uploads wait between the steps of their import (see `uploads`).
    uploads: std::sync::Arc<std::path::PathBuf>,
    /// When each API token's use was last written to the audit trail (see
    /// `sign_in::note_token_use`).
    token_uses: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<i64, i64>>>,
    /// The imports of uploads running on their own tasks (see `uploads::jobs`).
    jobs: uploads::Jobs,
    /// Sign-ins and tokens as last read, checked from memory (see `credentials`).
    credentials: credentials::Credentials,
}

impl App {
    /// The operations on this store; reports are built from the store each time until
    /// [`App::warm_up`] is called.
    pub fn new(store: Store) -> App {
        App {
            uploads: std::sync::Arc::new(App::default_uploads(&store)),
            store,
            replica: None,
            warm: Default::default(),
            duplicates: Default::default(),
            token_uses: Default::default(),
            jobs: Default::default(),
            credentials: Default::default(),
        }
    }

    /// The same operations, with the warm engine built from `replica`, a read-only copy of the
    /// store kept by PostgreSQL's replication (opened with `Store::open_read_only`): what a
    /// server reads whole, it reads there; everything else, writes and what follows them, on
    /// the store itself.
    pub fn with_replica(mut self, replica: Store) -> App {
        self.replica = Some(replica);
        self
    }

    /// The most recent imports first.
    pub async fn import_history(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> Result<Vec<cadre_store::ImportRecord>, AppError> {
        actor.must(cadre_core::access::Action::Import)?;
        Ok(self.store.import_history(limit).await?)
    }
}

/// A text typed into a form or given on the command line (a reason, a note): trimmed, at most
/// `max` characters, tabs and line breaks allowed, no other control characters; refused,
/// naming `what`, before anything of it is kept or echoed.
pub(crate) fn bounded_text<'a>(what: &str, text: &'a str, max: usize) -> Result<&'a str, AppError> {
    let text = text.trim();
    let n = text.chars().count();
    if n > max {
        return Err(AppError::Invalid(format!(
            "{what} has {n} characters: at most {max}"
        )));
    }
    if let Some(p) = cadre_core::validate::plain_text("text", text, true) {
        return Err(AppError::Invalid(format!("{what} {}", p.message)));
    }
    Ok(text)
}

/// A store error as the application layer reports it, classified once for every front end: a
/// record not there, changed meanwhile or depended on is its own kind; a duplicate, an
/// unknown name or a fixed field is a problem of the field it concerns (so a form shows it
/// there); a step the period's state no longer allows is a lock; the rest is a fault.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        use cadre_core::validate::FieldProblem;
        match e {
            StoreError::NotFound { kind, id } => AppError::NotFound { kind, id },
            StoreError::Conflict {
                kind,
                id,
                yours,
                current,
            } => AppError::Conflict {
                kind,
                id,
                yours,
                current,
            },
            StoreError::InUse {
                kind,
                id,
                dependents,
            } => AppError::InUse {
                kind,
                id,
                dependents,
            },
            StoreError::Duplicate {
                kind,
                field,
                value,
                other,
            } => AppError::Fields(vec![FieldProblem {
                field,
                code: "duplicate",
                message: format!("\"{value}\" is already {kind} {other}'s"),
            }]),
            StoreError::Unknown { field, value } => AppError::Fields(vec![FieldProblem {
                field,
                code: "unknown",
                message: format!("there is no \"{value}\" (it may have just been deleted)"),
            }]),
            StoreError::Fixed { field, why } => AppError::Fields(vec![FieldProblem {
                field,
                code: "fixed",
                message: why.to_string(),
            }]),
            StoreError::Moved(why) => AppError::Locked(why),
            StoreError::ForeignTrail(why) => AppError::ForeignTrail(why),
            // A backup file that is there already, is not a backup, or cannot be read or
            // written: the file named is the problem, said in its own words.
            e @ StoreError::Backup(_) => AppError::Invalid(e.to_string()),
            StoreError::NoAccount(email) => {
                AppError::Invalid(format!("there is no account for {email}"))
            }
            other => AppError::Store(other),
        }
    }
}
