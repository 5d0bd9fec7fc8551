//! The store: cadre's records on SQLite (embedded, the default) or PostgreSQL (when one machine
//! is outgrown), created and migrated on first use.
//!
//! Everything above this layer goes through [`Store`]; which database is behind it is chosen
//! from the URL and changes nothing for callers. The queries live once, in `backend/`, and are
//! compiled for each database.

/// Runs the same function of the backend module that matches the store's database (here and in
/// `edits`, which holds the single-record methods of [`Store`]).
macro_rules! on_backend {
    ($store:expr, $module:ident :: $f:ident ( $($arg:expr),* )) => {
        match &$store.pool {
            Pool::Sqlite(p) => sqlite::$module::$f(p $(, $arg)*).await,
            Pool::Postgres(p) => postgres::$module::$f(p $(, $arg)*).await,
        }
    };
}

mod accounts;
mod agency;
mod approvals;
mod audit;
mod audit_key;
mod backend;
mod backup;
mod cache;
mod copy;
mod corrections;
mod edits;
mod import_tx;
mod publications;
mod quality;
mod schema;
mod sign_ins;
mod specs;
mod types;

use std::path::PathBuf;

use cadre_core::report::{Period, ReportInput};
use cadre_core::{PartnerRecord, SessionRecord, TrainingRecord};

use backend::{postgres, sqlite};
pub use import_tx::{AttendanceBatch, ImportTx, PersonResolver, Removed};
pub use types::{
    Account, AuditFilter, BatchCounts, Changed, CopyReport, Correction, Counts, Dependents,
    ImportRecord, LockedChange, Outcome, Participant, PersonAttendance, PersonChange,
    PersonChanges, PersonCursor, Publication, RemovedRecord, RosterLine, SignIn, Stamp, Token,
    Versioned,
};

/// Errors of the store layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "database URL \"{0}\" is not understood: use sqlite:PATH, a file path, or postgres://..."
    )]
    Url(String),
    /// Transparent: sqlx's text already says the error came from the database.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// From the bulk writes, which run through rusqlite on sqlx's SQLite connection.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// Something the import relies on did not hold (a fault in cadre, not in the file); the
    /// import was undone.
    #[error(
        "the import was stopped and nothing was written: {0} (a fault in cadre: please report it)"
    )]
    Fault(String),
    #[error("could not bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A read-only open of an SQLite file that is not there (a writing command creates it).
    #[error("there is no database at {0}: an import creates it")]
    NoDatabase(String),
    #[error("{0} holds writes not yet in the database file, and SQLite cannot read it from a folder this user may not write (it would create a -shm file beside it): run a command that writes once where the folder can be written, or give this user the right to write the folder")]
    UnreadableLog(String),
    #[error("the database's schema is older than this cadre's (migration {0} is not applied), and a read-only open does not migrate: run a command that writes once (`cadre import`, with --dry-run if there is nothing to import), then try again")]
    SchemaOutdated(i64),
    #[error("the database was brought up to date by a newer cadre (its migration {0} is unknown to this one): use that version")]
    SchemaNewer(i64),
    #[error("the database's report cache was never built, and a read-only open does not build it: run a command that writes once (`cadre import`, with --dry-run if there is nothing to import), then try again")]
    CacheStale,
    #[error("there is no {kind} {id}: it may have been deleted")]
    NotFound { kind: &'static str, id: i64 },
    #[error("there is no account for {0}")]
    NoAccount(String),
    /// The record changed since the version a write was made from.
    #[error("{kind} {id} was changed by someone else since you opened it (it is now at version {current}, you had version {yours})")]
    Conflict {
        kind: &'static str,
        id: i64,
        yours: i64,
        current: i64,
    },
    /// A value that must be unique is already another record's.
    #[error("{field} \"{value}\" is already {kind} {other}'s")]
    Duplicate {
        kind: &'static str,
        field: &'static str,
        value: String,
        other: i64,
    },
    /// A name the write refers to is not in the store (it may have been deleted meanwhile).
    #[error("{field}: there is no \"{value}\"")]
    Unknown { field: &'static str, value: String },
    #[error("{kind} {id} is referred to by {}: delete them first, or delete it with what depends on it", .dependents.describe())]
    InUse {
        kind: &'static str,
        id: i64,
        dependents: Dependents,
    },
    /// A field a record keeps for life (a session's training).
    #[error("{field} cannot be changed: {why}")]
    Fixed {
        field: &'static str,
        why: &'static str,
    },
    #[error("the target already holds records ({0}): copy into an empty database, or pass --force to replace them")]
    TargetNotEmpty(String),
    #[error("the copy of {table} does not add up: {source_rows} rows in the source, {target_rows} in the target; nothing was written")]
    CopyMismatch {
        table: &'static str,
        source_rows: i64,
        target_rows: i64,
    },
    /// A period's step that its state no longer allows (another admin took it meanwhile).
    #[error("{0}")]
    Moved(String),
    #[error("backup: {0}")]
    Backup(String),
    /// A backup whose audit trail does not hold with the key it was checked with.
    #[error("backup: {0}")]
    ForeignTrail(String),
    /// The audit trail's key cannot be read or made.
    #[error("audit key: {0}")]
    AuditKey(String),
    /// A setting from the environment that is not understood.
    #[error("{0}")]
    Setting(String),
}

impl StoreError {
    /// The database cannot be reached or written now (down, busy, out of connections, a file
    /// this user may only read, a full disk): not a fault of the request, and nothing was
    /// written.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(e) => match e {
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
                sqlx::Error::Database(d) => {
                    // SQLITE_BUSY (5), SQLITE_READONLY (8), SQLITE_FULL (13), SQLITE_CANTOPEN
                    // (14), by their primary code; PostgreSQL's classes 08 (connection), 53
                    // (insufficient resources), 57P (operator intervention) and 25006
                    // (read-only transaction).
                    let code = d.code().unwrap_or_default();
                    let primary = code.parse::<i64>().map(|c| c & 0xff).ok();
                    matches!(primary, Some(5 | 8 | 13 | 14))
                        || code.starts_with("08")
                        || code.starts_with("53")
                        || code.starts_with("57P")
                        || code == "25006"
                }
                _ => false,
            },
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy
                    | rusqlite::ErrorCode::ReadOnly
                    | rusqlite::ErrorCode::DiskFull
                    | rusqlite::ErrorCode::CannotOpen
            ),
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where the records live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    /// A PostgreSQL URL, and the schema named by its `schema=` parameter, if any.
    Postgres {
        url: String,
        schema: Option<String>,
    },
}

impl Location {
    /// Reads `sqlite:PATH`, `sqlite://PATH`, a bare path, or `postgres://...` (optionally with
    /// `?schema=NAME` to keep the records in their own schema).
    pub fn parse(url: &str) -> Result<Location> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Location::postgres(url);
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() || url.contains("://") && !url.starts_with("sqlite://") {
            return Err(StoreError::Url(url.to_string()));
        }
        Ok(Location::Sqlite(PathBuf::from(path)))
    }

    fn postgres(url: &str) -> Result<Location> {
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, q),
            None => (url, ""),
        };
        let mut schema = None;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("schema", name)) => {
                    let valid = !name.is_empty()
                        && name.len() <= 63
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                    if !valid {
                        return Err(StoreError::Url(url.to_string()));
                    }
                    schema = Some(name.to_string());
                }
                _ => rest.push(pair),
            }
        }
        let url = if rest.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", rest.join("&"))
        };
        Ok(Location::Postgres { url, schema })
    }
}

#[derive(Debug, Clone)]
enum Pool {
    Sqlite(sqlx::Pool<sqlx::Sqlite>),
    Postgres(sqlx::Pool<sqlx::Postgres>),
}

/// A transaction on either database: the target of a copy, or its source's snapshot.
enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// A handle on the records; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// The database file, for an SQLite store (what is kept beside it goes next to it).
    file: Option<PathBuf>,
    /// The secret the audit trail is keyed with (see `audit_key.rs`); `None` only for a
    /// database opened read-only whose key file is not there. Shared by every clone: a
    /// restore into an empty database gives it the backup's key.
    audit_key: std::sync::Arc<std::sync::RwLock<Option<std::sync::Arc<cadre_core::audit::Key>>>>,
    /// Where that key's file is (or would be).
    key_file: PathBuf,
}

impl Store {
    /// Opens (creating it if needed) the database at `url` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_keyed(url, None).await
    }

    /// Opens like [`Store::open`], with the audit trail keyed with `key` rather than the key
    /// kept for the database (a backup being written, or read for a restore: neither is given
    /// a key file of its own).
    pub(crate) async fn open_keyed(
        url: &str,
        given: Option<std::sync::Arc<cadre_core::audit::Key>>,
    ) -> Result<Store> {
        let (pool, file, key_file) = match Location::parse(url)? {
            Location::Sqlite(path) => {
                let key_file = audit_key::key_path(Some(&path), None);
                (
                    Pool::Sqlite(sqlite::open(&path).await?),
                    Some(path),
                    key_file,
                )
            }
            Location::Postgres { url, schema } => (
                Pool::Postgres(postgres::open(&url, schema.as_deref()).await?),
                None,
                audit_key::key_path(None, schema.as_deref()),
            ),
        };
        let (key, made) = match given {
            Some(key) => (key, false),
            None => {
                let (key, made) = audit_key::load_or_make(&key_file)?;
                (std::sync::Arc::new(key), made)
            }
        };
        let store = Store {
            pool,
            file,
            audit_key: std::sync::Arc::new(std::sync::RwLock::new(Some(key))),
            key_file,
        };
        if made {
            // A trail sealed before it had a key is sealed again with it, once.
            store.reseal_audit().await?;
        }
        if on_backend!(store, cache::stale_in())? {
            store.rebuild_report_cache().await?;
        }
        Ok(store)
    }

    /// Opens the database at `url` for reading only, for commands that only read (a report, a
    /// status) and must work on a database they may not write: SQLite read-only, PostgreSQL in
    /// read-only transactions. Nothing is migrated or rebuilt: a schema older than this
    /// binary's is an error saying to open the database once with a writing command, and so is
    /// a report cache never built. (Reporting without the cache would need a second way of
    /// reading every report, kept equal to the first, for a state only a database from before
    /// the cache can be in until its first writing open; an error saying what to run is
    /// simpler and honest.)
    pub async fn open_read_only(url: &str) -> Result<Store> {
        let (pool, file, key_file) = match Location::parse(url)? {
            Location::Sqlite(path) => {
                let key_file = audit_key::key_path(Some(&path), None);
                (
                    Pool::Sqlite(sqlite::open_read_only(&path).await?),
                    Some(path),
                    key_file,
                )
            }
            Location::Postgres { url, schema } => (
                Pool::Postgres(postgres::open_read_only(&url, schema.as_deref()).await?),
                None,
                audit_key::key_path(None, schema.as_deref()),
            ),
        };
        let audit_key = audit_key::load(&key_file)?.map(std::sync::Arc::new);
        let store = Store {
            pool,
            file,
            audit_key: std::sync::Arc::new(std::sync::RwLock::new(audit_key)),
            key_file,
        };
        if on_backend!(store, cache::stale_in())? {
            return Err(StoreError::CacheStale);
        }
        Ok(store)
    }

    /// The audit trail's key; an error for a database opened read-only without one.
    pub(crate) fn audit_key(&self) -> Result<std::sync::Arc<cadre_core::audit::Key>> {
        let held = self
            .audit_key
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        held.ok_or_else(|| {
            StoreError::AuditKey(format!(
                "the audit key at {} is not there or cannot be read by this user: the audit trail cannot be checked without the key it was sealed with",
                self.key_file.display()
            ))
        })
    }

    /// Makes `key` this database's audit key: its file written (replacing the one there), and
    /// every handle on the database using it. Only for a database whose trail is empty (a
    /// copy's or a restore's target).
    pub(crate) fn take_audit_key(
        &self,
        key: &std::sync::Arc<cadre_core::audit::Key>,
    ) -> Result<()> {
        if std::env::var_os("CADRE_AUDIT_KEY").is_some() {
            return Err(StoreError::AuditKey(format!(
                "this database's key is set by CADRE_AUDIT_KEY, and the records come with another (fingerprint {}): set CADRE_AUDIT_KEY to that key",
                key.fingerprint()
            )));
        }
        audit_key::replace(&self.key_file, key)?;
        *self
            .audit_key
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(key.clone());
        Ok(())
    }

    /// The public key that checks this database's audit checkpoints (hexadecimal), and the
    /// fingerprint that names its secret key.
    pub fn audit_public_key(&self) -> Result<(String, String)> {
        let key = self.audit_key()?;
        Ok((key.public_key(), key.fingerprint()))
    }

    /// Where the audit trail's key is kept for this database (unless `CADRE_AUDIT_KEY` gives
    /// it).
    pub fn audit_key_file(&self) -> &std::path::Path {
        &self.key_file
    }

    /// The database file of an SQLite store; `None` on PostgreSQL.
    pub fn file(&self) -> Option<&std::path::Path> {
        self.file.as_deref()
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    pub async fn close(self) {
        match self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    /// The partners and departments names are checked against, as an import sees them.
    pub async fn lookups(&self) -> Result<cadre_core::Lookups> {
        on_backend!(self, history::lookups())
    }

    /// Keeps the record of one import (whatever its outcome); returns its id.
    pub async fn record_import(&self, record: &ImportRecord) -> Result<i64> {
        on_backend!(self, history::record(record))
    }

    /// Completes a history row an import wrote in its own transaction (see
    /// [`ImportTx::record_history`]).
    pub async fn complete_import_record(&self, id: i64, record: &ImportRecord) -> Result<()> {
        on_backend!(self, history::complete(id, record))
    }

    /// The most recent imports first, at most `limit`.
    pub async fn import_history(&self, limit: i64) -> Result<Vec<ImportRecord>> {
        on_backend!(self, history::list(limit))
    }

    /// Remembers a mapping (as its file's text) for sheets of this kind and header signature.
    pub async fn remember_mapping(
        &self,
        kind: &str,
        signature: &str,
        mapping: &str,
        at: &str,
    ) -> Result<()> {
        on_backend!(self, history::remember(kind, signature, mapping, at))
    }

    /// The mapping remembered for this kind and header signature, and when it was saved.
    pub async fn remembered_mapping(
        &self,
        kind: &str,
        signature: &str,
    ) -> Result<Option<(String, String)>> {
        on_backend!(self, history::remembered(kind, signature))
    }

    pub async fn counts(&self) -> Result<Counts> {
        on_backend!(self, dump::counts())
    }

    /// Every row of every record table as text, in a stable order: two stores hold the same
    /// records exactly when their listings are equal, whichever databases they are.
    pub async fn content(&self) -> Result<String> {
        match &self.pool {
            Pool::Sqlite(p) => sqlite::content(p).await,
            Pool::Postgres(p) => postgres::content(p).await,
        }
    }

    /// The training with this code.
    pub async fn training(&self, code: &str) -> Result<Option<TrainingRecord>> {
        on_backend!(self, read::training(code))
    }

    /// Every department with the other spellings that name it, by name.
    pub async fn departments(&self) -> Result<Vec<cadre_core::DepartmentRecord>> {
        on_backend!(self, read::departments())
    }

    /// Every partner, by name, with its parent's name.
    pub async fn partners(&self) -> Result<Vec<PartnerRecord>> {
        on_backend!(self, read::partners())
    }

    /// The sessions of a training, in date order.
    pub async fn sessions(&self, code: &str) -> Result<Vec<SessionRecord>> {
        on_backend!(self, read::sessions(code))
    }

    /// Every participant, ordered by family and given name.
    pub async fn participants(&self) -> Result<Vec<Participant>> {
        on_backend!(self, read::participants())
    }

    /// Rebuilds the data kept to make reports fast, from the records (after a copy, or for a
    /// database whose records came before it).
    pub async fn rebuild_report_cache(&self) -> Result<()> {
        on_backend!(self, cache::rebuild_all_in())
    }

    /// The facts a period report is computed from.
    pub async fn report_input(&self, period: Period) -> Result<ReportInput> {
        on_backend!(self, report::report_input(period))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_tables_come_first_in_the_copy() {
        assert_eq!(
            types::SPECS[types::RECORD_TABLES - 1].name,
            "published_figures"
        );
        assert_eq!(types::SPECS[types::RECORD_TABLES].name, "accounts");
    }

    #[test]
    fn urls_name_their_database() {
        assert_eq!(
            Location::parse("cadre.db").unwrap(),
            Location::Sqlite("cadre.db".into())
        );
        assert_eq!(
            Location::parse("sqlite:/tmp/x.db").unwrap(),
            Location::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            Location::parse("sqlite:///tmp/x.db?mode=rwc").unwrap(),
            Location::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            Location::parse("postgres://u@h:5432/db?schema=agency_a&sslmode=disable").unwrap(),
            Location::Postgres {
                url: "postgres://u@h:5432/db?sslmode=disable".into(),
                schema: Some("agency_a".into())
            }
        );
        assert!(Location::parse("postgres://h/db?schema=Bad-Name").is_err());
        assert!(Location::parse("mysql://h/db").is_err());
    }
}
