//! The store: cadre's records on SQLite (embedded, the default) or PostgreSQL (when one machine
//! is outgrown), created and migrated on first use.
//!
//! Everything above this layer goes through [`Store`]; which database is behind it is chosen
//! from the URL and changes nothing for callers. The queries live once, in `backend/`, and are
//! compiled for each database.

mod backend;
mod types;

use std::path::PathBuf;

use cadre_core::report::{Period, ReportInput};
use cadre_core::{PartnerRecord, SessionRecord, TrainingRecord};
use cadre_import::{Kind, Sheet};

use backend::{postgres, sqlite};
pub use types::{Counts, ImportOptions, Outcome, Participant, Summary, TABLES};

/// Errors of the store layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "database URL \"{0}\" is not understood: use sqlite:PATH, a file path, or postgres://..."
    )]
    Url(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The file could not be read at all.
    #[error(transparent)]
    Read(#[from] cadre_import::ImportError),
    /// The file was read, and some of its rows are wrong: nothing was written.
    #[error("{0}")]
    Rejected(cadre_import::Problems),
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

/// A handle on the records; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
}

/// Runs the same function of the backend module that matches the store's database.
macro_rules! on_backend {
    ($store:expr, $module:ident :: $f:ident ( $($arg:expr),* )) => {
        match &$store.pool {
            Pool::Sqlite(p) => sqlite::$module::$f(p $(, $arg)*).await,
            Pool::Postgres(p) => postgres::$module::$f(p $(, $arg)*).await,
        }
    };
}

impl Store {
    /// Opens (creating it if needed) the database at `url` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store> {
        let pool = match Location::parse(url)? {
            Location::Sqlite(path) => Pool::Sqlite(sqlite::open(&path).await?),
            Location::Postgres { url, schema } => {
                Pool::Postgres(postgres::open(&url, schema.as_deref()).await?)
            }
        };
        Ok(Store { pool })
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

    /// Imports one file of the given kind. On any problem nothing is written and every problem
    /// (up to the cap) is returned as [`StoreError::Rejected`]. `progress` is told how far into
    /// the sheet the import is, in the sheet's units, and the sheet's total.
    pub async fn import(
        &self,
        kind: Kind,
        sheet: Sheet,
        options: ImportOptions,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<Summary> {
        on_backend!(self, load::import(kind, sheet, options, progress))
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

    /// The facts a period report is computed from.
    pub async fn report_input(&self, period: Period) -> Result<ReportInput> {
        on_backend!(self, report::report_input(period))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
