//! The store: cadre's records on SQLite, created and migrated on first use.
//!
//! Everything above this layer goes through [`Store`]; the database behind it is chosen from
//! the URL. SQLite is the embedded default; PostgreSQL will sit behind the same methods, with
//! its own migrations folder, where the SQL must differ.

mod dump;
mod load;
mod read;
mod report;
mod seed;
mod write;

use std::path::PathBuf;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

pub use dump::Counts;
pub use load::{ImportOptions, Summary};
pub use read::Participant;

/// Errors of the store layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "database URL \"{0}\" is not understood: use sqlite:PATH, a file path, or postgres://..."
    )]
    Url(String),
    #[error("PostgreSQL is not supported by this version of cadre yet; use sqlite:PATH")]
    PostgresNotYet,
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
    Postgres(String),
}

impl Location {
    /// Reads `sqlite:PATH`, `sqlite://PATH`, a bare path, or `postgres://...`.
    pub fn parse(url: &str) -> Result<Location> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Location::Postgres(url.to_string()));
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
}

/// A handle on the records; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating it if needed) the database at `url` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store> {
        match Location::parse(url)? {
            Location::Postgres(_) => Err(StoreError::PostgresNotYet),
            Location::Sqlite(path) => {
                let options = SqliteConnectOptions::from_str("sqlite:")?
                    .filename(&path)
                    .create_if_missing(true)
                    .foreign_keys(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(std::time::Duration::from_secs(10));
                let pool = SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(options)
                    .await?;
                sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
                let store = Store { pool };
                seed::countries(&store.pool).await?;
                Ok(store)
            }
        }
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}
