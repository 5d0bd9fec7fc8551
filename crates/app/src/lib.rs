//! The application layer: the operations users perform (import a sheet, propose a mapping,
//! list the import history, and next the single-record edits), between the front ends (the
//! command line, the web application) and the layers below. An operation is told who is
//! acting, checks what it is given, and keeps the record of what it did; the front ends only
//! gather input and show results.

mod clock;
mod imports;
mod pipeline;
mod proposals;
mod rejects;

pub use imports::{ImportOutcome, ImportRequest, MappingSource};
pub use pipeline::{import_sheet, ImportOptions, Summary};

use cadre_store::{Store, StoreError};

/// Who performs an operation. Until accounts exist this is the person at the command line
/// (their login name) or the local web user; the accounts issue fills in real identities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
}

impl Actor {
    /// The person running this process, by their login name.
    pub fn local() -> Actor {
        let name = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "local".to_string());
        Actor { name }
    }
}

/// Errors of the application layer.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
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
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// The operations, on one store.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
}

impl App {
    pub fn new(store: Store) -> App {
        App { store }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The most recent imports first.
    pub async fn import_history(
        &self,
        _actor: &Actor,
        limit: i64,
    ) -> Result<Vec<cadre_store::ImportRecord>, AppError> {
        Ok(self.store.import_history(limit).await?)
    }
}
