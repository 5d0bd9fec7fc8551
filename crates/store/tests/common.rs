//! Helpers shared by the store tests.

use std::path::PathBuf;

use cadre_import::{Kind, Sheet};
use cadre_store::{ImportOptions, Store, StoreError, Summary};
use tempfile::TempDir;

pub struct TestStore {
    pub store: Store,
    pub dir: TempDir,
}

pub async fn fresh() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    let store = Store::open(&url).await.unwrap();
    TestStore { store, dir }
}

pub fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(path)
}

impl TestStore {
    pub async fn import_file(
        &self,
        kind: Kind,
        path: &std::path::Path,
    ) -> Result<Summary, StoreError> {
        let sheet = Sheet::open(path)?;
        self.store
            .import(kind, sheet, ImportOptions::default(), &mut |_, _| {})
            .await
    }

    /// Imports CSV text as if it were the file `name`.
    pub async fn import_text(
        &self,
        kind: Kind,
        name: &str,
        text: &str,
    ) -> Result<Summary, StoreError> {
        self.import_text_with(kind, name, text, ImportOptions::default())
            .await
    }

    pub async fn import_text_with(
        &self,
        kind: Kind,
        name: &str,
        text: &str,
        options: ImportOptions,
    ) -> Result<Summary, StoreError> {
        let sheet = Sheet::from_csv(
            name,
            std::io::Cursor::new(text.to_string()),
            text.len() as u64,
        )?;
        self.store
            .import(kind, sheet, options, &mut |_, _| {})
            .await
    }

    pub async fn load_2020(&self) {
        for (kind, file) in [
            (Kind::Partners, "partners.csv"),
            (Kind::Trainings, "trainings.csv"),
            (Kind::Sessions, "sessions.csv"),
        ] {
            self.import_file(kind, &data(&format!("2020/{file}")))
                .await
                .unwrap();
        }
    }
}

/// The problems of a rejected import, one per line as the command prints them.
pub fn problems(result: Result<Summary, StoreError>) -> Vec<String> {
    match result {
        Err(StoreError::Rejected(p)) => p.list.iter().map(|p| p.to_string()).collect(),
        other => panic!("expected the import to be rejected, got {other:?}"),
    }
}
