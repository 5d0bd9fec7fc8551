//! Helpers shared by the store tests.

use std::path::PathBuf;

use cadre_app::{Actor, App, AppError, ImportRequest, Summary};
use cadre_import::Kind;
use cadre_store::Store;
use tempfile::TempDir;

pub struct TestStore {
    pub store: Store,
    /// What the store was opened with.
    pub url: String,
    pub dir: TempDir,
    /// The PostgreSQL schema this test's records live in.
    schema: Option<(String, String)>,
}

/// Runs a test `async fn name(t: &TestStore)` once on SQLite and once on PostgreSQL.
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let t = crate::common::fresh_sqlite().await;
                super::$name(&t).await;
            }

            #[tokio::test]
            async fn postgres() {
                let t = crate::common::fresh_postgres().await;
                super::$name(&t).await;
                t.drop_schema().await;
            }
        }
    };
}
pub(crate) use both;

pub async fn fresh_sqlite() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    let store = Store::open(&url).await.unwrap();
    TestStore {
        store,
        url,
        dir,
        schema: None,
    }
}

/// The server the PostgreSQL tests use: `CADRE_TEST_POSTGRES`, else the local one.
pub fn postgres_url() -> String {
    std::env::var("CADRE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A store in a schema of its own, so tests run side by side on one server.
pub async fn fresh_postgres() -> TestStore {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let schema = format!("cadre_test_{}_{n}_{nanos}", std::process::id());
    let base = postgres_url();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}schema={schema}");
    let store = Store::open(&url).await.unwrap_or_else(|e| {
        panic!("PostgreSQL at {base} is needed for these tests (set CADRE_TEST_POSTGRES): {e}")
    });
    TestStore {
        store,
        url,
        dir: tempfile::tempdir().unwrap(),
        schema: Some((base, schema)),
    }
}

impl TestStore {
    /// Runs a statement on the database beside the store, as a fault or another program
    /// would (the store offers no way to write such things).
    pub async fn execute_beside(&self, sql: &str) {
        self.try_beside(sql).await.unwrap();
    }

    /// The same, saying whether the database took it: the SQLSTATE of a refusal.
    pub async fn try_beside(&self, sql: &str) -> Result<(), String> {
        use sqlx::Connection;
        let refused = |e: sqlx::Error| match e.as_database_error().and_then(|d| d.code()) {
            Some(code) => code.to_string(),
            None => e.to_string(),
        };
        match &self.schema {
            Some((url, schema)) => {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::query(&format!("SET search_path TO \"{schema}\""))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                sqlx::raw_sql(sql)
                    .execute(&mut conn)
                    .await
                    .map_err(refused)?;
            }
            None => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
                sqlx::raw_sql(sql)
                    .execute(&mut conn)
                    .await
                    .map_err(refused)?;
            }
        }
        Ok(())
    }

    /// The numbers a query beside the store answers, one a row (a PostgreSQL test's).
    pub async fn numbers_beside(&self, sql: &str) -> Vec<i64> {
        use sqlx::Connection;
        let (url, schema) = self.schema.as_ref().expect("a PostgreSQL test");
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(&format!("SET search_path TO \"{schema}\""))
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
    }

    /// Removes a PostgreSQL test's schema (after the test passed; a failed one leaves it to look at).
    pub async fn drop_schema(&self) {
        if let Some((url, schema)) = &self.schema {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                .execute(&mut conn)
                .await
                .unwrap();
            // Its audit key (a file per schema under cadre-data) goes with it.
            let _ = std::fs::remove_file(self.store.audit_key_file());
        }
    }
}

pub fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(path)
}

/// How a test's import runs: what the import page or the command line may ask of it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    pub replace_roster: bool,
    /// Rows with problems set aside (into a rejects file), the others imported.
    pub set_aside: bool,
    pub hold_person_changes: bool,
}

impl TestStore {
    /// Imports a file through the application layer, as a local admin: the only door an
    /// import has, with its approval locks, audit trail and history. A refused file is
    /// `AppError::Rejected` with its problems; rows set aside are in `Summary::set_aside`.
    pub async fn import_as(
        &self,
        kind: Kind,
        path: &std::path::Path,
        name: Option<&str>,
        options: ImportOptions,
    ) -> Result<Summary, AppError> {
        let mut request = ImportRequest::new(kind, path);
        request.name = name.map(str::to_string);
        request.dry_run = options.dry_run;
        request.replace_roster = options.replace_roster;
        request.hold_person_changes = options.hold_person_changes;
        if options.set_aside {
            request.rejects = Some(path.with_extension("rejects.csv"));
        }
        let app = App::new(self.store.clone());
        let outcome = app
            .import(&Actor::local(), &request, &mut |_, _| {})
            .await?;
        match outcome.summary {
            Some(mut summary) => {
                summary.set_aside = outcome.problems;
                Ok(summary)
            }
            None => Err(AppError::Rejected(outcome.problems)),
        }
    }

    pub async fn import_file(
        &self,
        kind: Kind,
        path: &std::path::Path,
    ) -> Result<Summary, AppError> {
        self.import_as(kind, path, None, ImportOptions::default())
            .await
    }

    /// Imports CSV text as if it were the file `name`.
    pub async fn import_text(
        &self,
        kind: Kind,
        name: &str,
        text: &str,
    ) -> Result<Summary, AppError> {
        self.import_text_with(kind, name, text, ImportOptions::default())
            .await
    }

    pub async fn import_text_with(
        &self,
        kind: Kind,
        name: &str,
        text: &str,
        options: ImportOptions,
    ) -> Result<Summary, AppError> {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(name);
        std::fs::write(&path, text).unwrap();
        self.import_as(kind, &path, Some(name), options).await
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
pub fn problems(result: Result<Summary, AppError>) -> Vec<String> {
    match result {
        Err(AppError::Rejected(p)) => p.list.iter().map(|p| p.to_string()).collect(),
        other => panic!("expected the import to be rejected, got {other:?}"),
    }
}
